"""The interview instrument: which field asks what, in which section, with which vocabulary.

One declaration drives the form, the detail page, validation and (later) the research
codebook, so a question is defined once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Question:
    field: str
    label: StrOrPromise
    kind: str  # single | multi | ordered | bool | number | text | narrative | ratings | month
    vocabulary: str = ""
    help_text: StrOrPromise = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: StrOrPromise
    questions: tuple[Question, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "a",
        _("A. The interview"),
        (
            Question("interview_month", _("Month and year of the interview"), "month"),
            Question(
                "interview_language", _("Language of the interview"), "single", "interview_language"
            ),
            Question("interviewer_role", _("Interviewer's role"), "single", "interviewer_role"),
            Question(
                "audio_recording_exists",
                _("An audio recording exists"),
                "bool",
                help_text=_("The recording itself is never stored in this system."),
            ),
        ),
    ),
    Section(
        "b",
        _("B. Respondent"),
        (
            Question(
                "respondent_relationship",
                _("Relationship to the child"),
                "single",
                "respondent_relationship",
            ),
            Question("respondent_age_band", _("Age"), "single", "adult_age_band"),
            Question("respondent_has_custody", _("Holds custody"), "bool"),
        ),
    ),
    Section(
        "c",
        _("C. Child"),
        (
            Question("child_gender", _("Gender"), "single", "child_gender"),
            Question(
                "child_age_band_first_incident",
                _("Age at the first incident"),
                "single",
                "child_age_band",
            ),
            Question(
                "child_age_band_disclosure", _("Age at disclosure"), "single", "child_age_band"
            ),
            Question(
                "child_age_band_interview", _("Age at the interview"), "single", "child_age_band"
            ),
            Question("siblings_affected", _("Siblings affected"), "bool"),
        ),
    ),
    Section(
        "d",
        _("D. Type of online violence"),
        (
            Question(
                "violence_types",
                _("What happened (choose all that apply)"),
                "multi",
                "violence_type",
            ),
            Question(
                "violence_other",
                _("If other, describe briefly without names"),
                "text",
            ),
            Question(
                "extortion_motive",
                _("If sexual extortion: motive"),
                "single",
                "extortion_motive",
            ),
        ),
    ),
    Section(
        "e",
        _("E. Platforms"),
        (
            Question(
                "platforms",
                _("Where it happened (choose all that apply; categories, not brand names)"),
                "multi",
                "platform",
            ),
        ),
    ),
    Section(
        "f",
        _("F. Offender"),
        (
            Question(
                "offender_relationships",
                _("Relationship to the child (choose all that apply)"),
                "multi",
                "offender_relationship",
            ),
            Question("offender_count", _("Number of offenders"), "single", "offender_count"),
        ),
    ),
    Section(
        "g",
        _("G. How it came to light"),
        (
            Question("disclosure_route", _("How it came to light"), "single", "disclosure_route"),
            Question(
                "time_to_disclosure",
                _("Time from the incident to disclosure"),
                "single",
                "time_to_disclosure",
            ),
        ),
    ),
    Section(
        "h",
        _("H. Agencies involved"),
        (
            Question(
                "agencies",
                _("Agencies involved, in the order of first contact"),
                "ordered",
                "agency",
                help_text=_("Number them 1, 2, 3… in the order the family first met them."),
            ),
        ),
    ),
    Section(
        "i",
        _("I. Criminal proceedings"),
        (
            Question("proceedings_stage", _("Stage"), "single", "proceedings_stage"),
            Question("proceedings_outcome", _("Outcome"), "single", "proceedings_outcome"),
            Question(
                "months_report_to_forensic_interview",
                _("From the report to the forensic interview"),
                "single",
                "month_band",
            ),
            Question(
                "months_report_to_charging",
                _("From the report to the charging decision"),
                "single",
                "month_band",
            ),
            Question(
                "months_report_to_judgment",
                _("From the report to the judgment"),
                "single",
                "month_band",
            ),
        ),
    ),
    Section(
        "j",
        _("J. The family's rating of the services"),
        (
            Question(
                "service_ratings",
                _("Ratings from 1 (poor) to 5 (very good); leave empty if not applicable"),
                "ratings",
                "rating_dimension",
            ),
        ),
    ),
    Section(
        "k",
        _("K. Impact"),
        (
            Question("child_impacts", _("On the child"), "multi", "child_impact"),
            Question("parent_impacts", _("On the parent"), "multi", "parent_impact"),
        ),
    ),
    Section(
        "l",
        _("L. Support"),
        (
            Question("support_received", _("Support received"), "multi", "support_type"),
            Question("support_needed", _("Support needed"), "multi", "support_type"),
            Question("peer_group_took_part", _("Took part in a parent peer-support group"), "bool"),
            Question(
                "peer_group_mode", _("Peer group: online or in person"), "single", "peer_group_mode"
            ),
            Question("peer_group_sessions", _("Peer group: sessions attended"), "number"),
        ),
    ),
    Section(
        "m",
        _("M. Narratives"),
        (
            Question("narrative_what_happened", _("What happened, briefly"), "narrative"),
            Question("narrative_turning_points", _("Turning points"), "narrative"),
            Question("narrative_what_helped", _("What helped"), "narrative"),
            Question("narrative_what_harmed", _("What harmed"), "narrative"),
            Question("narrative_advice", _("Advice to professionals"), "narrative"),
            Question("narrative_peer_group", _("What helped in the peer group"), "narrative"),
            Question(
                "quotable_passages",
                _("Passages the parent agrees may be quoted anonymously"),
                "narrative",
                help_text=_("Only when the consent covers anonymous quotation."),
            ),
        ),
    ),
)

QUESTIONS: dict[str, Question] = {
    question.field: question for section in SECTIONS for question in section.questions
}
NARRATIVE_FIELDS: tuple[str, ...] = tuple(
    name for name, question in QUESTIONS.items() if question.kind == "narrative"
)
# The agencies whose services the family rates (section J) are the agency vocabulary.
RATED_VOCABULARY = "agency"
