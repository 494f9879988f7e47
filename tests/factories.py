"""Small, readable builders for families, identities, consent forms and consent inputs.

All values are synthetic. The planted identity values are distinctive strings that cannot
occur by chance, so a search of the database for them is meaningful.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from django.utils import timezone

from accounts.models import Centre, User
from casestudies.identity import Identity, Offender, Respondent
from casestudies.models import Family, RemovalMode
from casestudies.services import family_create
from consent.models import (
    ChildAssent,
    ConsenterRelationship,
    ConsentForm,
    ConsentMethod,
    GuardianConsent,
    LegalBasis,
    Purpose,
)
from consent.services import (
    ConsentInput,
    FormContent,
    consent_form_create,
    consent_form_publish,
)

# ------------------------------------------------------------------------------ identities

PLANTED = {
    "respondent_name": "Zyxwa Plantedname",
    "respondent_email": "zyxwa.planted@example.test",
    "respondent_phone": "+358 40 7654321",
    "respondent_address": "Plantedkatu 77 B 12, 00990 Zyxwala",
    # Finnish format (DDMMYY, century sign, individual number 900-999 = test range, check char).
    "personal_identity_code": "150612A987E",
    "child_name": "Qwixel Plantedchild",
    "police_case_number": "PLANT-2026-99123",
    "court_case_number": "PLANTCOURT-R-26-4471",
    "offender_name": "Vortigan Plantedoffender",
    "offender_username": "plantedhandle_77",
}


def planted_identity() -> Identity:
    """An identity whose every direct identifier is one of the PLANTED values."""
    return Identity(
        respondents=[
            Respondent(
                name=PLANTED["respondent_name"],
                relationship="mother",
                phone=PLANTED["respondent_phone"],
                email=PLANTED["respondent_email"],
                address=PLANTED["respondent_address"],
                personal_identity_code=PLANTED["personal_identity_code"],
            )
        ],
        child_name=PLANTED["child_name"],
        child_date_of_birth=date(2012, 6, 15),
        police_case_numbers=[PLANTED["police_case_number"]],
        court_case_numbers=[PLANTED["court_case_number"]],
        offenders=[
            Offender(name=PLANTED["offender_name"], usernames=[PLANTED["offender_username"]])
        ],
        notes="synthetic test record",
    )


def simple_identity(tag: str) -> Identity:
    """A small identity whose values all contain `tag` (to tell families apart)."""
    return Identity(
        respondents=[Respondent(name=f"Respondent {tag}", email=f"{tag}@example.test")],
        child_name=f"Child {tag}",
        police_case_numbers=[f"POL-{tag}"],
    )


def make_family(actor: User, centre: Centre, identity: Identity | None = None) -> Family:
    return family_create(actor=actor, centre=centre, identity=identity or simple_identity("x"))


# ------------------------------------------------------------------------------ consent forms

DEFAULT_PURPOSES = [Purpose.PARTICIPATION, Purpose.AUDIO, Purpose.RESEARCH, Purpose.QUOTATION]


def form_content(**overrides: Any) -> FormContent:
    content = FormContent(
        title="Taking part in the family voices study",
        body="We ask your permission to record what your family tells us. (synthetic text)",
        purposes=[str(code) for code in DEFAULT_PURPOSES],
        retention_months=60,
        legal_basis=LegalBasis.EXPLICIT_CONSENT,
        withdrawal_effect=RemovalMode.ANONYMISE,
        anonymised_data_stays_in_statistics=True,
    )
    return replace(content, **overrides)


def draft_form(
    actor: User, *, form_key: str = "family-interview", language: str = "en", **content: Any
) -> ConsentForm:
    return consent_form_create(
        actor=actor, form_key=form_key, language=language, content=form_content(**content)
    )


def published_form(actor: User, **kwargs: Any) -> ConsentForm:
    """A published consent form; keyword arguments go to draft_form / form_content."""
    return consent_form_publish(actor=actor, form=draft_form(actor, **kwargs))


def consent_input(
    form: ConsentForm, *, refuse: tuple[str, ...] = (), **overrides: Any
) -> ConsentInput:
    """A valid written consent from the mother, every offered purpose granted unless refused."""
    data = ConsentInput(
        form=form,
        purposes={code: code not in refuse for code in form.purposes},
        consenter_relationship=ConsenterRelationship.MOTHER,
        guardian_consent=GuardianConsent.BOTH,
        other_guardian_is_suspect=False,
        child_age=13,
        child_assent=ChildAssent.GIVEN,
        child_assent_reason="",
        method=ConsentMethod.WRITTEN,
        witness=None,
        consent_date=timezone.localdate(),
    )
    return replace(data, **overrides)
