# ruff: noqa: RUF001 - labels are typeset text with en dashes, like the vocabularies
"""Generalisation hierarchies of the quasi-identifiers, keyed by what the registry says.

The field registry names each quasi-identifier's research generalisation ("year", "quarter",
"wider age band" ...). Level 0 of a hierarchy is what research always sees; each higher level is
coarser. Exports climb the levels until they are k-anonymous. No level blanks a field: a field
that cannot be generalised enough is dropped by the researcher, not silently emptied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from casestudies.instrument import QUESTIONS
from casestudies.models import Family, Interview
from core.classification import FieldClass, spec_for

NOT_ANSWERED = ""

# Labels (en, fi, sv) of the codes that generalisation introduces.
GENERALISED_LABELS: dict[str, tuple[str, str, str]] = {
    "Q1": ("January–March", "Tammi–maaliskuu", "Januari–mars"),
    "Q2": ("April–June", "Huhti–kesäkuu", "April–juni"),
    "Q3": ("July–September", "Heinä–syyskuu", "Juli–september"),
    "Q4": ("October–December", "Loka–joulukuu", "Oktober–december"),
    "H1": ("January–June", "Tammi–kesäkuu", "Januari–juni"),
    "H2": ("July–December", "Heinä–joulukuu", "Juli–december"),
    "fi_or_sv": ("Finnish or Swedish", "Suomi tai ruotsi", "Finska eller svenska"),
    "en_or_other": (
        "English or another language",
        "Englanti tai muu kieli",
        "Engelska eller annat språk",
    ),
    "parent": ("Parent", "Vanhempi", "Förälder"),
    "other_carer": (
        "Other guardian or carer",
        "Muu huoltaja tai hoitaja",
        "Annan vårdnadshavare eller vårdare",
    ),
    "under_40": ("Under 40", "Alle 40", "Under 40"),
    "40_plus": ("40 or older", "40 tai yli", "40 eller äldre"),
    "0_9": ("0–9", "0–9", "0–9"),
    "0_12": ("0–12", "0–12", "0–12"),
    "13_17": ("13–17", "13–17", "13–17"),
    "other_or_not_stated": ("Other or not stated", "Muu tai ei kerrottu", "Annat eller ej angivet"),
    "more_than_one": ("More than 1", "Useampi kuin 1", "Fler än 1"),
    "1_12_months": ("1–12 months", "1–12 kuukautta", "1–12 månader"),
    "under_1_year": ("Under 1 year", "Alle vuosi", "Under 1 år"),
    "over_1_year": ("Over 1 year", "Yli vuosi", "Över 1 år"),
    "under_3": ("Under 3 months", "Alle 3 kuukautta", "Under 3 månader"),
    "3_12": ("3–12 months", "3–12 kuukautta", "3–12 månader"),
    "under_12": ("Under 12 months", "Alle 12 kuukautta", "Under 12 månader"),
    "over_12": ("Over 12 months", "Yli 12 kuukautta", "Över 12 månader"),
    "no_conviction": ("No conviction", "Ei tuomiota", "Ingen fällande dom"),
    "pending_or_unknown": ("Pending or unknown", "Kesken tai ei tiedossa", "Pågående eller okänt"),
}

Level = Callable[[Any], str]


def _mapping(table: dict[str, str]) -> Level:
    """A level that maps codes through a table; codes not in it stay as they are."""

    def level(value: Any) -> str:
        if value in (None, ""):
            return NOT_ANSWERED
        return table.get(str(value), str(value))

    return level


def _as_is(value: Any) -> str:
    return NOT_ANSWERED if value in (None, "") else str(value)


def _years(width: int) -> Level:
    def level(value: Any) -> str:
        if value in (None, ""):
            return NOT_ANSWERED
        start = int(value) - (int(value) - 1) % width if width > 1 else int(value)
        return str(start) if width == 1 else f"{start}–{start + width - 1}"

    return level


def _quarter(value: Any) -> str:
    return NOT_ANSWERED if value in (None, "") else f"Q{(int(value) - 1) // 3 + 1}"


def _half(value: Any) -> str:
    return NOT_ANSWERED if value in (None, "") else f"H{1 if int(value) <= 6 else 2}"


_CHILD_BANDS = _mapping({"0_6": "0_9", "7_9": "0_9", "13_15": "13_17", "16_17": "13_17"})
_CHILD_BANDS_WIDER = _mapping(
    {"0_6": "0_12", "7_9": "0_12", "10_12": "0_12", "13_15": "13_17", "16_17": "13_17"}
)
_MONTH_BANDS = _mapping(
    {"under_1": "under_3", "1_3": "under_3", "3_6": "3_12", "6_12": "3_12", "12_24": "over_12"}
)
_MONTH_BANDS_WIDER = _mapping(
    {
        "under_1": "under_12",
        "1_3": "under_12",
        "3_6": "under_12",
        "6_12": "under_12",
        "12_24": "over_12",
        "over_24": "over_12",
    }
)

# (registry generalisation, vocabulary) -> levels; vocabulary "" matches any.
HIERARCHIES: dict[tuple[str, str], tuple[Level, ...]] = {
    ("year", ""): (_years(1), _years(2), _years(5)),
    ("quarter", ""): (_quarter, _half),
    ("country", ""): (_as_is,),
    ("fi/sv/en/other", ""): (
        _as_is,
        _mapping({"fi": "fi_or_sv", "sv": "fi_or_sv", "en": "en_or_other", "other": "en_or_other"}),
    ),
    ("parent / other carer", ""): (
        _mapping(
            {
                "mother": "parent",
                "father": "parent",
                "other_guardian": "other_carer",
                "carer": "other_carer",
            }
        ),
    ),
    ("wider age band", "adult_age_band"): (
        _mapping(
            {"under_30": "under_40", "30_39": "under_40", "40_49": "40_plus", "50_plus": "40_plus"}
        ),
    ),
    ("wider age band", "child_age_band"): (_CHILD_BANDS, _CHILD_BANDS_WIDER),
    ("as recorded", "child_gender"): (
        _as_is,
        _mapping({"other": "other_or_not_stated", "not_stated": "other_or_not_stated"}),
    ),
    ("as recorded", "offender_count"): (
        _as_is,
        _mapping({"two_to_five": "more_than_one", "more_than_five": "more_than_one"}),
    ),
    ("wider band", "time_to_disclosure"): (
        _mapping(
            {
                "under_1_week": "under_1_month",
                "1_6_months": "1_12_months",
                "6_12_months": "1_12_months",
                "1_2_years": "over_1_year",
                "over_2_years": "over_1_year",
            }
        ),
        _mapping(
            {
                "under_1_week": "under_1_year",
                "under_1_month": "under_1_year",
                "1_6_months": "under_1_year",
                "6_12_months": "under_1_year",
                "1_2_years": "over_1_year",
                "over_2_years": "over_1_year",
            }
        ),
    ),
    ("wider band", "month_band"): (_MONTH_BANDS, _MONTH_BANDS_WIDER),
    ("outcome without year", ""): (
        _as_is,
        _mapping(
            {
                "acquittal": "no_conviction",
                "discontinued": "no_conviction",
                "pending": "pending_or_unknown",
                "unknown": "pending_or_unknown",
            }
        ),
    ),
}

COUNTRY = "country"


@dataclass(frozen=True)
class QuasiIdentifier:
    field: str
    generalisation: str
    levels: tuple[Level, ...]

    @property
    def top(self) -> int:
        return len(self.levels) - 1

    def generalise(self, value: Any, level: int = 0) -> str:
        return self.levels[min(level, self.top)](value)


def _model_and_field(field: str) -> tuple[type[models.Model], str]:
    # Research sees the family's country, which the registry declares as the centre's
    # generalisation; every other field is the interview's own.
    return (Family, "centre") if field == COUNTRY else (Interview, field)


def quasi_identifier(field: str) -> QuasiIdentifier | None:
    """The hierarchy of a quasi-identifier as the registry declares it; None for other classes."""
    model, name = _model_and_field(field)
    spec = spec_for(model, name)
    if spec is None or spec.field_class != FieldClass.QUASI_IDENTIFIER:
        return None
    question = QUESTIONS.get(name)
    vocabulary = question.vocabulary if question else ""
    levels = HIERARCHIES.get((spec.generalisation, vocabulary)) or HIERARCHIES.get(
        (spec.generalisation, "")
    )
    if levels is None:
        raise LookupError(f"no hierarchy for {field} ({spec.generalisation!r})")
    return QuasiIdentifier(field, spec.generalisation, levels)
