"""Which interview fields research may use, and the columns they become (driven by the
instrument and the field registry, so a new question shows up here without code changes)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from casestudies.instrument import QUESTIONS, RATED_VOCABULARY, SECTIONS
from casestudies.models import Interview, VocabularyTerm
from casestudies.vocabularies import VOCABULARIES
from core.classification import FieldClass, spec_for
from research.generalisation import COUNTRY, GENERALISED_LABELS, QuasiIdentifier, quasi_identifier

LANGUAGES = ("en", "fi", "sv")
QUOTABLE = "quotable_passages"
# Fields research may never choose even though their class would allow it.
NEVER_CHOSEN = frozenset({"violence_other"})  # free text; the registry says "dropped"
EXTRA_FIELDS: dict[str, Any] = {
    "interview_year": _("Year of the interview"),
    COUNTRY: _("Country"),
}


def _spec(name: str) -> Any:
    if name == COUNTRY:
        from casestudies.models import Family

        return spec_for(Family, "centre")
    return spec_for(Interview, name)


def choosable_fields() -> list[str]:
    """Fields an administrator may allow, in the order of the instrument.

    Quasi-identifiers and sensitive answers only; identifiers (narratives) never, except the
    quotable passages, which stay gated by each family's quotation consent.
    """
    names = [COUNTRY, "interview_year"]
    names += [question.field for section in SECTIONS for question in section.questions]
    chosen = []
    for name in names:
        spec = _spec(name)
        if spec is None or name in NEVER_CHOSEN:
            continue
        if name == QUOTABLE or spec.field_class in {
            FieldClass.QUASI_IDENTIFIER,
            FieldClass.SENSITIVE,
        }:
            chosen.append(name)
    return chosen


def refused_fields(names: Iterable[str]) -> list[str]:
    allowed = set(choosable_fields())
    return [name for name in names if name not in allowed]


def field_label(name: str, language: str | None = None) -> str:
    label = EXTRA_FIELDS.get(name) or (QUESTIONS[name].label if name in QUESTIONS else name)
    if language is None:
        return str(label)
    with translation.override(language):
        return str(label)


def vocabulary_labels() -> dict[tuple[str, str], dict[str, str]]:
    """(vocabulary, code) -> {language: label}, from the database, with the seed as fallback."""
    labels: dict[tuple[str, str], dict[str, str]] = {}
    for vocabulary, terms in VOCABULARIES.items():
        for term in terms:
            labels[(vocabulary, term[0])] = {"en": term[1], "fi": term[2], "sv": term[3]}
    for row in VocabularyTerm.objects.values_list("vocabulary", "code", "labels"):
        labels[(row[0], row[1])] = {**labels.get((row[0], row[1]), {}), **(row[2] or {})}
    return labels


def code_labels(
    vocabulary: str, code: str, labels: dict[tuple[str, str], dict[str, str]]
) -> dict[str, str]:
    if (vocabulary, code) in labels:
        return labels[(vocabulary, code)]
    if code in GENERALISED_LABELS:
        return dict(zip(LANGUAGES, GENERALISED_LABELS[code], strict=True))
    return {language: code for language in LANGUAGES}


@dataclass
class Column:
    name: str
    source: str  # the field it comes from
    kind: str  # code | codes | ordered | bool | integer | year | rating
    vocabulary: str
    classification: str
    generalisation: str
    labels: dict[str, str]
    quasi: QuasiIdentifier | None = None
    rating_key: tuple[str, str] | None = None
    values: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def raw(self, row: dict[str, Any]) -> Any:
        value = row.get(self.source)
        if self.rating_key is not None:
            agency, dimension = self.rating_key
            return ((value or {}).get(agency) or {}).get(dimension)
        if self.source == "interview_month":
            return value
        return value

    def render(self, row: dict[str, Any], level: int = 0) -> str:
        """The cell as released: generalised for quasi-identifiers, codes joined by ";"."""
        value = self.raw(row)
        if self.quasi is not None:
            return self.quasi.generalise(value, level)
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return ";".join(str(item) for item in value)
        return str(value)


TYPE_DESCRIPTIONS = {
    "code": "one code",
    "codes": "codes separated by ';' (several may apply)",
    "ordered": "codes separated by ';' in the order of first contact",
    "bool": "true, false or empty",
    "integer": "whole number or empty",
    "year": "year or range of years",
    "rating": "1 (poor) to 5 (very good); empty = not applicable",
}

_KINDS = {"single": "code", "multi": "codes", "ordered": "ordered", "bool": "bool"}


def columns_for(fields: Iterable[str], *, with_values: bool = True) -> list[Column]:
    """The released columns of the chosen fields (quotable passages are never exported)."""
    labels = vocabulary_labels() if with_values else {}
    chosen = set(fields)
    columns: list[Column] = []
    for name in choosable_fields():
        if name not in chosen or name == QUOTABLE:
            continue
        spec = _spec(name)
        quasi = quasi_identifier(name)
        question = QUESTIONS.get(name)
        vocabulary = question.vocabulary if question else ""
        base = {
            "classification": str(spec.field_class),
            "generalisation": spec.generalisation,
            "quasi": quasi,
        }
        if question is not None and question.kind == "ratings":
            for agency, *_rest in VOCABULARIES[RATED_VOCABULARY]:
                for dimension, *_more in VOCABULARIES[vocabulary]:
                    agency_labels = code_labels(RATED_VOCABULARY, agency, labels)
                    dimension_labels = code_labels(vocabulary, dimension, labels)
                    columns.append(
                        Column(
                            name=f"rating_{agency}_{dimension}",
                            source=name,
                            kind="rating",
                            vocabulary="",
                            labels={
                                language: f"{field_label(name, language)}: "
                                f"{agency_labels.get(language, agency)} \u2013 "
                                f"{dimension_labels.get(language, dimension)}"
                                for language in LANGUAGES
                            },
                            rating_key=(agency, dimension),
                            values=[(str(score), {}) for score in range(1, 6)],
                            **base,
                        )
                    )
            continue
        if name == "interview_month":
            kind, column_name = "code", "interview_quarter"
        elif name in {"interview_year"}:
            kind, column_name = "year", name
        elif name == COUNTRY:
            kind, column_name = "code", name
        elif question is not None and question.kind == "number":
            kind, column_name = "integer", name
        else:
            kind = _KINDS.get(question.kind if question else "", "code")
            column_name = name
        column = Column(
            name=column_name,
            source=name,
            kind=kind,
            vocabulary=vocabulary,
            labels={language: field_label(name, language) for language in LANGUAGES},
            **base,
        )
        if with_values:
            column.values = _allowed_values(column, labels)
        columns.append(column)
    return columns


def _allowed_values(
    column: Column, labels: dict[tuple[str, str], dict[str, str]]
) -> list[tuple[str, dict[str, str]]]:
    if column.kind == "bool":
        return [("true", {}), ("false", {})]
    if column.source == "interview_month":
        codes = ["Q1", "Q2", "Q3", "Q4", "H1", "H2"]
        return [(code, code_labels("", code, labels)) for code in codes]
    if not column.vocabulary:
        return []
    codes = [term[0] for term in VOCABULARIES.get(column.vocabulary, [])]
    if column.quasi is not None:
        # Every code any level can release, in first-seen order.
        released: list[str] = []
        for level in range(column.quasi.top + 1):
            for code in codes:
                value = column.quasi.generalise(code, level)
                if value and value not in released:
                    released.append(value)
        codes = released
    return [(code, code_labels(column.vocabulary, code, labels)) for code in codes]
