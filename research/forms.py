"""Forms of the research pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Centre, Role, User
from research.fields import QUOTABLE, choosable_fields, field_label
from research.models import ResearchProject


def _researchers() -> Any:
    return User.objects.filter(is_active=True, memberships__role=Role.RESEARCHER).distinct()


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    responsible_researcher = forms.ModelChoiceField(
        label=_("Responsible researcher"), queryset=User.objects.none()
    )
    approved_purpose = forms.CharField(label=_("Approved purpose"), widget=forms.Textarea)
    ethics_reference = forms.CharField(label=_("Ethics approval reference"), max_length=200)
    starts_on = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    countries = forms.CharField(
        label=_("Countries"),
        required=False,
        help_text=_("Two-letter codes separated by commas, e.g. FI, IE."),
    )
    centres = forms.ModelMultipleChoiceField(
        label=_("Centres"),
        queryset=Centre.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    allowed_fields = forms.MultipleChoiceField(
        label=_("Fields the project may use"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Identifiers and narratives can never be chosen. Quotable passages are shown only "
            "where the family's consent covers quotation."
        ),
    )
    k = forms.IntegerField(label=_("k-anonymity of exports"), min_value=2, initial=5)
    max_suppressed_share = forms.FloatField(
        label=_("Largest share of rows an export may suppress"),
        min_value=0.0,
        max_value=0.5,
        initial=0.2,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_researcher"].queryset = _researchers()  # type: ignore[attr-defined]
        self.fields["allowed_fields"].choices = [  # type: ignore[attr-defined]
            (name, field_label(name)) for name in choosable_fields()
        ]

    def clean_countries(self) -> list[str]:
        raw = self.cleaned_data.get("countries") or ""
        codes = [part.strip().upper() for part in raw.split(",") if part.strip()]
        for code in codes:
            if len(code) != 2 or not code.isalpha():
                raise forms.ValidationError(_("Use two-letter country codes, e.g. FI."))
        return codes

    @staticmethod
    def initial_for(project: ResearchProject) -> dict[str, Any]:
        return {
            "title": project.title,
            "responsible_researcher": project.responsible_researcher_id,
            "approved_purpose": project.approved_purpose,
            "ethics_reference": project.ethics_reference,
            "starts_on": project.starts_on,
            "ends_on": project.ends_on,
            "countries": ", ".join(project.countries),
            "centres": list(project.centres.all()),
            "allowed_fields": project.allowed_fields,
            "k": project.k,
            "max_suppressed_share": project.max_suppressed_share,
        }


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Researcher"), queryset=User.objects.none())

    def __init__(self, *args: Any, project: ResearchProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _researchers().exclude(  # type: ignore[attr-defined]
            pk__in=project.members.values("pk")
        )


class ExportForm(forms.Form):
    chosen_fields = forms.MultipleChoiceField(
        label=_("Fields"), widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.CharField(
        label=_("Purpose of this export"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say what you will use the data for; it is recorded with the export."),
    )

    def __init__(self, *args: Any, project: ResearchProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chosen_fields"].choices = [  # type: ignore[attr-defined]
            (name, field_label(name))
            for name in choosable_fields()
            if name in project.allowed_fields and name != QUOTABLE
        ]


class CrossTabForm(forms.Form):
    rows = forms.ChoiceField(label=_("Rows"))
    cols = forms.ChoiceField(label=_("Columns"))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rows"].choices = choices  # type: ignore[attr-defined]
        self.fields["cols"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rows") and data.get("rows") == data.get("cols"):
            raise forms.ValidationError(_("Choose two different variables."))
        return data
