"""The interview form, built from the instrument and the vocabularies in the database."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from casestudies.instrument import QUESTIONS, RATED_VOCABULARY, SECTIONS, Question
from casestudies.models import Interview, VocabularyTerm

RATING_CHOICES = [("", "—")] + [(str(value), str(value)) for value in range(1, 6)]
NULL_BOOLEAN_CHOICES = [("", _("Not known")), ("true", _("Yes")), ("false", _("No"))]


def vocabulary_choices(
    *, country: str, keep: dict[str, set[str]] | None = None
) -> dict[str, list[tuple[str, str]]]:
    """Choices per vocabulary in the current language; retired terms only where still used."""
    language = (get_language() or "en")[:2]
    keep = keep or {}
    choices: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for term in VocabularyTerm.objects.all():
        if term.is_active or term.code in keep.get(term.vocabulary, set()):
            choices[term.vocabulary].append((term.code, term.label(language, country)))
    return choices


def _used_codes(interview: Interview | None) -> dict[str, set[str]]:
    used: dict[str, set[str]] = defaultdict(set)
    if interview is None:
        return used
    for question in QUESTIONS.values():
        if not question.vocabulary or question.kind == "ratings":
            continue
        value = getattr(interview, question.field)
        values = value if isinstance(value, list) else [value]
        used[question.vocabulary].update(str(item) for item in values if item)
    return used


class InterviewForm(forms.Form):
    """Every DOMAIN.md question; all optional so a draft can be saved at any time."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, country: str, interview: Interview | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.country = country
        self.choices = vocabulary_choices(country=country, keep=_used_codes(interview))
        for section in SECTIONS:
            for question in section.questions:
                self._add_fields(question)

    # --------------------------------------------------------------------- building

    def _add_fields(self, question: Question) -> None:
        name, label, help_text = question.field, question.label, question.help_text
        options = self.choices.get(question.vocabulary, [])
        if question.kind == "single":
            self.fields[name] = forms.ChoiceField(
                label=label, choices=[("", "—"), *options], required=False, help_text=help_text
            )
        elif question.kind == "multi":
            self.fields[name] = forms.MultipleChoiceField(
                label=label,
                choices=options,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=help_text,
            )
        elif question.kind == "ordered":
            for code, term_label in options:
                self.fields[f"{name}__{code}"] = forms.IntegerField(
                    label=term_label, required=False, min_value=1, max_value=len(options)
                )
        elif question.kind == "bool":
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=NULL_BOOLEAN_CHOICES,
                coerce=lambda value: value == "true",
                empty_value=None,
                required=False,
                help_text=help_text,
            )
        elif question.kind == "number":
            self.fields[name] = forms.IntegerField(
                label=label, required=False, min_value=0, max_value=200, help_text=help_text
            )
        elif question.kind == "month":
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
                help_text=_("Year and month only, e.g. 2026-03."),
            )
        elif question.kind == "text":
            self.fields[name] = forms.CharField(
                label=label, required=False, max_length=200, help_text=help_text
            )
        elif question.kind == "narrative":
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=help_text,
                strip=False,
            )
        elif question.kind == "ratings":
            for agency, _agency_label in self.choices.get(RATED_VOCABULARY, []):
                for dimension, dimension_label in options:
                    self.fields[f"{name}__{agency}__{dimension}"] = forms.ChoiceField(
                        label=dimension_label, choices=RATING_CHOICES, required=False
                    )

    # --------------------------------------------------------------------- layout

    def sections(self) -> list[dict[str, Any]]:
        """Sections with their bound fields, for the template (ordered and ratings grouped)."""
        layout = []
        for section in SECTIONS:
            items = []
            for question in section.questions:
                if question.kind == "ordered":
                    items.append(
                        {
                            "question": question,
                            "fields": [
                                self[f"{question.field}__{code}"]
                                for code, _label in self.choices.get(question.vocabulary, [])
                            ],
                        }
                    )
                elif question.kind == "ratings":
                    agencies = self.choices.get(RATED_VOCABULARY, [])
                    dimensions = self.choices.get(question.vocabulary, [])
                    items.append(
                        {
                            "question": question,
                            "dimensions": dimensions,
                            "rows": [
                                {
                                    "label": agency_label,
                                    "fields": [
                                        self[f"{question.field}__{agency}__{dimension}"]
                                        for dimension, _label in dimensions
                                    ],
                                }
                                for agency, agency_label in agencies
                            ],
                        }
                    )
                else:
                    items.append({"question": question, "field": self[question.field]})
            errors = any(
                self.errors.get(name)
                for name in self.fields
                if name.split("__")[0] in {q.field for q in section.questions}
            )
            layout.append({"section": section, "items": items, "has_errors": errors})
        return layout

    # --------------------------------------------------------------------- cleaning

    def clean_interview_month(self) -> tuple[int, int] | None:
        value = (self.cleaned_data.get("interview_month") or "").strip()
        if not value:
            return None
        try:
            year_text, month_text = value.split("-")
            year, month = int(year_text), int(month_text)
        except ValueError as error:
            raise ValidationError(
                _("Write the year and month as YYYY-MM, e.g. 2026-03.")
            ) from error
        if not 1 <= month <= 12 or year < 2000:
            raise ValidationError(_("Write the year and month as YYYY-MM, e.g. 2026-03."))
        today = timezone.localdate()
        if (year, month) > (today.year, today.month):
            raise ValidationError(_("The interview cannot be in a future month."))
        return year, month

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for question in QUESTIONS.values():
            if question.kind != "ordered":
                continue
            orders = {
                code: cleaned.get(f"{question.field}__{code}")
                for code, _label in self.choices.get(question.vocabulary, [])
            }
            given = [value for value in orders.values() if value is not None]
            if len(given) != len(set(given)):
                self.add_error(
                    None,
                    _("Give each agency a different number in the order of first contact."),
                )
        return cleaned

    def to_values(self) -> dict[str, Any]:
        """Model field values from the cleaned data."""
        data = self.cleaned_data
        values: dict[str, Any] = {}
        for question in QUESTIONS.values():
            name = question.field
            if question.kind == "month":
                month = data.get(name)
                values["interview_year"] = month[0] if month else None
                values["interview_month"] = month[1] if month else None
            elif question.kind == "ordered":
                orders = [
                    (data[f"{name}__{code}"], code)
                    for code, _label in self.choices.get(question.vocabulary, [])
                    if data.get(f"{name}__{code}") is not None
                ]
                values[name] = [code for _order, code in sorted(orders)]
            elif question.kind == "ratings":
                ratings: dict[str, dict[str, int]] = {}
                for key, value in data.items():
                    if key.startswith(f"{name}__") and value:
                        _field, agency, dimension = key.split("__")
                        ratings.setdefault(agency, {})[dimension] = int(value)
                values[name] = ratings
            elif question.kind == "multi":
                values[name] = list(data.get(name) or [])
            elif question.kind == "narrative":
                # Browsers send CRLF line breaks; store plain newlines.
                values[name] = (data.get(name) or "").replace("\r\n", "\n")
            elif question.kind in {"single", "text"}:
                values[name] = data.get(name) or ""
            else:
                values[name] = data.get(name)
        return values

    @staticmethod
    def initial_from(interview: Interview) -> dict[str, Any]:
        initial: dict[str, Any] = {"revision": interview.revision}
        for question in QUESTIONS.values():
            name = question.field
            value = getattr(interview, name, None)
            if question.kind == "month":
                if interview.interview_year and interview.interview_month:
                    initial[name] = (
                        f"{interview.interview_year:04d}-{interview.interview_month:02d}"
                    )
            elif question.kind == "ordered":
                for position, code in enumerate(value or [], start=1):
                    initial[f"{name}__{code}"] = position
            elif question.kind == "ratings":
                for agency, scores in (value or {}).items():
                    for dimension, score in scores.items():
                        initial[f"{name}__{agency}__{dimension}"] = str(score)
            elif question.kind == "bool":
                initial[name] = "" if value is None else ("true" if value else "false")
            else:
                initial[name] = value
        return initial
