"""Synthetic demo consent forms and families (nothing about real people)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from accounts.demo import require_demo_settings
from accounts.models import Centre, Role, User
from casestudies.identity import Identity, Offender, Respondent
from casestudies.models import Family
from casestudies.services import family_create
from consent.models import ChildAssent, ConsentForm, ConsentMethod, FormStatus, Purpose
from consent.services import (
    ConsentInput,
    FormContent,
    consent_form_create,
    consent_form_publish,
    consent_record,
    consent_withdraw,
)

FORM_KEY = "family-interview"
FORM_TEXTS = {
    "en": (
        "Consent to take part in the Family Voices study",
        "We ask you about your family's experiences after your child was harmed online. "
        "Taking part is voluntary. You can stop or withdraw at any time without giving a "
        "reason; this does not affect the help your family receives.",
    ),
    "fi": (
        "Suostumus Family Voices -tutkimukseen osallistumiseen",
        "Kysymme perheenne kokemuksista sen jälkeen, kun lapseenne kohdistui verkossa "
        "väkivaltaa. Osallistuminen on vapaaehtoista. Voit keskeyttää tai perua suostumuksesi "
        "milloin tahansa syytä kertomatta; se ei vaikuta perheenne saamaan apuun.",
    ),
    "sv": (
        "Samtycke till att delta i studien Family Voices",
        "Vi frågar om din familjs erfarenheter efter att ditt barn utsattes för våld på nätet. "
        "Deltagandet är frivilligt. Du kan avbryta eller återkalla ditt samtycke när som helst "
        "utan att ange skäl; det påverkar inte den hjälp familjen får.",
    ),
}
# Synthetic respondents; the names are invented and carry a "Demo" marker.
DEMO_FAMILIES = (
    ("HEL", "Demo Aino Virtanen-Example", "fi", 13, False),
    ("HEL", "Demo Mikko Esimerkki", "fi", 9, False),
    ("HEL", "Demo Sara Exempelsson", "sv", 15, True),
    ("TKU", "Demo Leena Malli", "fi", 11, False),
    ("GAL", "Demo Siobhan Example", "en", 14, False),
    ("GAL", "Demo Conor Sample", "en", 8, False),
)


def seed_consent_forms(admin: User) -> dict[str, ConsentForm]:
    forms: dict[str, ConsentForm] = {}
    for language, (title, body) in FORM_TEXTS.items():
        existing = ConsentForm.objects.filter(
            form_key=FORM_KEY, language=language, status=FormStatus.PUBLISHED
        ).first()
        if existing is None:
            draft = consent_form_create(
                actor=admin,
                form_key=FORM_KEY,
                language=language,
                content=FormContent(
                    title=title,
                    body=body,
                    purposes=list(Purpose.values),
                    retention_months=60,
                    legal_basis="art9_2_a",
                    withdrawal_effect="anonymise",
                    anonymised_data_stays_in_statistics=False,
                ),
            )
            existing = consent_form_publish(actor=admin, form=draft)
        forms[language] = existing
    return forms


def seed_families() -> int:
    """Create the demo families once (idempotent: skipped when any family exists)."""
    require_demo_settings()
    admin = User.objects.get(email="admin@demo.invalid")
    forms = seed_consent_forms(admin)
    if Family.objects.exists():
        return 0
    created = 0
    for index, (centre_code, name, language, child_age, withdraw) in enumerate(DEMO_FAMILIES):
        centre = Centre.objects.get(short_code=centre_code)
        staff = (
            User.objects.filter(
                memberships__centre=centre, memberships__role=Role.STAFF, is_active=True
            )
            .order_by("pk")
            .first()
        )
        assert staff is not None
        identity = Identity(
            respondents=[
                Respondent(
                    name=name,
                    relationship="parent",
                    phone=f"+358 40 000 00{index:02d}",
                    email=f"respondent{index}@family.demo.invalid",
                )
            ],
            child_name=f"Demo Child {index + 1}",
            child_date_of_birth=date.today() - timedelta(days=365 * child_age + 30),
            police_case_numbers=[f"DEMO-{2026 - index}-{1000 + index}"],
            offenders=[Offender(name="", usernames=[f"demo_handle_{index}"])],
        )
        family = family_create(actor=staff, centre=centre, identity=identity)
        consent = consent_record(
            actor=staff,
            family=family,
            data=ConsentInput(
                form=forms[language],
                purposes={code: code != Purpose.SHARING for code in forms[language].purposes},
                consenter_relationship="mother" if index % 2 == 0 else "father",
                guardian_consent="both" if index % 3 else "one_informed",
                other_guardian_is_suspect=False,
                child_age=child_age,
                child_assent=ChildAssent.GIVEN if child_age >= 12 else ChildAssent.NOT_ASKED,
                child_assent_reason="" if child_age >= 12 else "Young child; guardians decided.",
                method=ConsentMethod.WRITTEN,
                witness=None,
                consent_date=timezone.localdate() - timedelta(days=30 + index),
            ),
        )
        if withdraw:
            consent_withdraw(
                actor=staff,
                consent=consent,
                purposes=[Purpose.QUOTATION],
                full=False,
                withdrawn_on=timezone.localdate(),
            )
        created += 1
    return created
