"""Builders for the research tests: locked interviews, projects, and seeded random data."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Centre, Role, User
from casestudies.interview_services import interview_create, interview_lock, interview_submit
from casestudies.models import Family, Interview, InterviewStatus, new_family_code
from casestudies.vocabularies import VOCABULARIES
from consent.models import ConsentForm, ConsentRecord
from consent.services import consent_record
from research.fields import choosable_fields
from research.models import ResearchProject
from research.services import ProjectInput, project_create
from tests.conftest import Personas, make_user
from tests.factories import PLANTED, consent_input, make_family, published_form

# Everything that must never reach a researcher: the planted identity values and fragments,
# and the Finnish inflections of the child's name.
NEEDLES = [
    *PLANTED.values(),
    "Zyxwa",
    "Plantedname",
    "Plantedchild",
    "Plantedoffender",
    "plantedhandle",
    "Plantedkatu",
    "Qwixel",
    "Vortigan",
    "150612A987",
    "7654321",
    "PLANT-2026",
    "PLANTCOURT",
]

STRUCTURED: dict[str, Any] = {
    "interview_year": 2026,
    "interview_month": 2,
    "interview_language": "fi",
    "respondent_relationship": "mother",
    "respondent_age_band": "30_39",
    "child_gender": "girl",
    "child_age_band_first_incident": "10_12",
    "child_age_band_disclosure": "13_15",
    "child_age_band_interview": "13_15",
    "violence_types": ["grooming", "sextortion"],
    "platforms": ["social_dm", "game_chat"],
    "offender_relationships": ["online_adult"],
    "offender_count": "one",
    "disclosure_route": "parent_found",
    "time_to_disclosure": "1_6_months",
    "agencies": ["police", "barnahus"],
    "proceedings_stage": "investigation",
    "proceedings_outcome": "pending",
    "service_ratings": {"police": {"kept_informed": 2}},
    "child_impacts": ["trauma"],
    "parent_impacts": ["work"],
    "support_received": ["crisis"],
    "support_needed": ["therapy"],
    "peer_group_took_part": True,
}

PLANTED_NARRATIVES = {
    "narrative_what_happened": (
        f"{PLANTED['respondent_name']} found messages from {PLANTED['offender_username']}; "
        f"the police case is {PLANTED['police_case_number']}."
    ),
    "narrative_turning_points": (
        f"Call {PLANTED['respondent_phone']} or {PLANTED['respondent_email']}."
    ),
    "narrative_what_helped": "Qwixelin mielestä vertaisryhmä auttoi eniten.",
    "narrative_advice": f"{PLANTED['offender_name']} in {PLANTED['court_case_number']}.",
    "quotable_passages": (
        f"{PLANTED['respondent_name']} said: we finally felt heard. "
        f"Her code {PLANTED['personal_identity_code']}."
    ),
}
QUOTE_KEPT = "we finally felt heard"


def locked_interview(personas: Personas, family: Family, **values: Any) -> Interview:
    """A reviewed and locked interview (staff writes, the lead locks)."""
    interview = interview_create(
        actor=personas.staff, family=family, values={**STRUCTURED, **values}
    )
    interview = interview_submit(actor=personas.staff, interview=interview)
    return interview_lock(actor=personas.lead, interview=interview)


def plant_narratives(interview: Interview) -> None:
    """Identity values in every narrative of a locked interview, as if screening had missed
    them; update() on purpose, the services would refuse it."""
    Interview.objects.filter(pk=interview.pk).update(**PLANTED_NARRATIVES)


def consented_family(
    personas: Personas, form: ConsentForm, *, identity: Any = None, refuse: tuple[str, ...] = ()
) -> Family:
    family = make_family(personas.staff, personas.helsinki, identity)
    consent_record(actor=personas.staff, family=family, data=consent_input(form, refuse=refuse))
    return family


def make_project(
    admin: User,
    researcher: User,
    *,
    title: str = "Online harm and services",
    countries: tuple[str, ...] = ("FI",),
    fields: list[str] | None = None,
    k: int = 5,
    max_suppressed_share: float = 0.2,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> ResearchProject:
    today = timezone.localdate()
    return project_create(
        actor=admin,
        data=ProjectInput(
            title=title,
            responsible_researcher=researcher,
            approved_purpose="Describe families' experiences of services (synthetic).",
            ethics_reference="ETH-2026-001",
            starts_on=starts_on or today - timedelta(days=30),
            ends_on=ends_on or today + timedelta(days=300),
            countries=list(countries),
            allowed_fields=fields if fields is not None else choosable_fields(),
            k=k,
            max_suppressed_share=max_suppressed_share,
        ),
    )


@dataclass
class World:
    personas: Personas
    form: ConsentForm
    project: ResearchProject
    planted: Family
    planted_interview: Interview


@pytest.fixture
def world(personas: Personas) -> World:
    form = published_form(personas.admin)
    from tests.factories import planted_identity

    planted = consented_family(personas, form, identity=planted_identity())
    interview = locked_interview(personas, planted)
    plant_narratives(interview)
    project = make_project(personas.admin, personas.researcher)
    return World(personas, form, project, planted, interview)


@pytest.fixture
def export_dir(settings: Any, tmp_path: Any) -> Any:
    settings.RESEARCH_EXPORT_DIR = tmp_path / "exports"
    return settings.RESEARCH_EXPORT_DIR


def other_researcher() -> User:
    return make_user("other.researcher@uni.test", Role.RESEARCHER)


# ---------------------------------------------------------------------------- random data


def _codes(vocabulary: str) -> list[str]:
    return [term[0] for term in VOCABULARIES[vocabulary]]


def random_values(rng: random.Random) -> dict[str, Any]:
    return {
        "interview_year": rng.choice([2024, 2025, 2026]),
        "interview_month": rng.randint(1, 12),
        "interview_language": rng.choice(_codes("interview_language")),
        "respondent_relationship": rng.choice(_codes("respondent_relationship")),
        "respondent_age_band": rng.choice(_codes("adult_age_band")),
        "child_gender": rng.choice(_codes("child_gender")),
        "child_age_band_first_incident": rng.choice(_codes("child_age_band")),
        "child_age_band_disclosure": rng.choice(_codes("child_age_band")),
        "child_age_band_interview": rng.choice(_codes("child_age_band")),
        "offender_count": rng.choice(_codes("offender_count")),
        "time_to_disclosure": rng.choice(_codes("time_to_disclosure")),
        "proceedings_outcome": rng.choice(_codes("proceedings_outcome")),
        "violence_types": sorted(rng.sample(_codes("violence_type"), k=rng.randint(1, 3))),
        "platforms": sorted(rng.sample(_codes("platform"), k=rng.randint(1, 2))),
        "disclosure_route": rng.choice(_codes("disclosure_route")),
        "proceedings_stage": rng.choice(_codes("proceedings_stage")),
        "service_ratings": {"police": {"kept_informed": rng.randint(1, 5)}},
    }


def bulk_locked_interviews(
    personas: Personas, form: ConsentForm, count: int, seed: int, centre: Centre | None = None
) -> list[Interview]:
    """Many consented families with one locked interview each, written directly (fast)."""
    rng = random.Random(seed)
    centre = centre or personas.helsinki
    interviews = []
    for index in range(count):
        family = Family.objects.create(
            code=new_family_code(centre),
            centre=centre,
            country=centre.country,
            created_by=personas.staff,
        )
        data = consent_input(form)
        ConsentRecord.objects.create(
            family=family,
            form=form,
            purposes=data.purposes,
            consenter_relationship=data.consenter_relationship,
            guardian_consent=data.guardian_consent,
            child_age=data.child_age,
            child_assent=data.child_assent,
            method=data.method,
            consent_date=data.consent_date,
            retention_until=data.consent_date + timedelta(days=365 * 5),
            recorded_by=personas.staff,
        )
        interviews.append(
            Interview.objects.create(
                code=f"IV-R{seed % 1000:03d}-{index:05d}",
                family=family,
                status=InterviewStatus.LOCKED,
                created_by=personas.staff,
                updated_by=personas.staff,
                **random_values(rng),
            )
        )
    return interviews
