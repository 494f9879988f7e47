"""About 60 synthetic families with consents and interviews for the demo (seeded, repeatable).

Every name, number and story here is invented. Narratives deliberately contain personal data
(the family's own vault values, phone numbers, e-mails, links, handles) for the screening to
find; drafts keep their findings open, submitted and locked interviews had them redacted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import Centre, Role, User
from casestudies.identity import Identity, Offender, Respondent
from casestudies.interview_services import (
    interview_create,
    interview_findings,
    interview_lock,
    interview_redact_finding,
    interview_submit,
)
from casestudies.models import Family, Interview
from casestudies.services import family_create
from casestudies.vocabularies import VOCABULARIES
from consent.models import ChildAssent, ConsentForm, ConsentMethod, Purpose
from consent.services import ConsentInput, consent_record

FIRST_NAMES = {
    "fi": ["Mikko", "Aino", "Pekka", "Liisa", "Antti", "Heikki", "Kaisu", "Matti"],
    "sv": ["Sara", "Johan", "Linnea", "Oskar", "Elsa", "Viktor"],
    "en": ["Siobhan", "Conor", "Aoife", "Niamh", "Ciaran", "Orla"],
}
SURNAMES = {
    "fi": ["Virtanen", "Korhonen", "Mäkinen", "Nieminen"],
    "sv": ["Lindqvist", "Holmberg", "Sjöberg"],
    "en": ["Byrne", "Doyle", "Kavanagh"],
}
CHILD_NAMES = {
    "fi": ["Emilia", "Onni", "Veeti", "Ella"],
    "sv": ["Alva", "Elias", "Wilma"],
    "en": ["Saoirse", "Darragh", "Fionn"],
}

NARRATIVES: dict[str, dict[str, list[str]]] = {
    "fi": {
        "what_happened": [
            "{child} tutustui pelin chatissa henkilöön, joka esittäytyi ikätoverina. "
            "Käyttäjä {handle} pyysi kuvia ja uhkasi levittää ne. {respondent_first} huomasi "
            "viestit {child_gen} puhelimesta.",
            "Kaikki alkoi viestisovelluksesta. {child} sai pyyntöjä, joihin ei uskaltanut "
            "kertoa kenellekään. Lopulta hän kertoi {respondent_first_all}.",
        ],
        "turning_points": [
            "Käänne oli, kun poliisi soitti numeroon {phone} ja kertoi tutkinnan alkaneen.",
            "Barnahus-haastattelu oli raskas mutta tärkeä; sen jälkeen asiat alkoivat edetä.",
        ],
        "what_helped": [
            "Vertaisryhmä auttoi eniten. Sain tietoa myös sivulta www.esimerkki-tuki.fi.",
            "Koulun kuraattori otti yhteyttä ja sovimme tapaamisista viikoittain.",
        ],
        "what_harmed": [
            "Odotimme tietoa kuukausia. Sähköposteihin osoitteesta {email} ei vastattu.",
            "Asia siirtyi viranomaiselta toiselle, eikä kukaan tiennyt, kuka vastaa.",
        ],
        "advice": [
            "Kertokaa perheelle säännöllisesti, missä vaiheessa asia on, vaikka mitään uutta ei olisi.",
        ],
    },
    "sv": {
        "what_happened": [
            "{child} fick kontakt med någon i ett onlinespel. Kontot {handle} bad om bilder "
            "och hotade sedan att sprida dem. {respondent_first} hittade meddelandena.",
            "Det började i en meddelandeapp. {child} vågade inte berätta förrän en kompis "
            "sade till en lärare.",
        ],
        "turning_points": [
            "Vändpunkten var när polisen ringde {phone} och berättade att utredningen började.",
        ],
        "what_helped": [
            "Kamratstödsgruppen hjälpte mest. Vi hittade också information på www.exempel-stod.fi.",
        ],
        "what_harmed": [
            "Vi väntade i månader på besked. Ingen svarade på mejlen från {email}.",
        ],
        "advice": [
            "Berätta för familjen hur ärendet framskrider, även när inget nytt har hänt.",
        ],
    },
    "en": {
        "what_happened": [
            "{child} met someone in a game chat who pretended to be a teenager. The account "
            "{handle} asked for pictures and then threatened to share them. {respondent_first} "
            "found the messages on {child_gen} phone.",
            "It started on a messaging app. {child} did not dare tell anyone until a friend "
            "told a teacher.",
        ],
        "turning_points": [
            "The turning point was when the Garda rang {phone} to say an investigation had begun.",
        ],
        "what_helped": [
            "The parents' group helped most. We also read the advice at https://support.example.ie/help.",
        ],
        "what_harmed": [
            "We waited months for news. Nobody answered the e-mails from {email}.",
        ],
        "advice": [
            "Tell families regularly where the case stands, even when there is nothing new.",
        ],
    },
}

CENTRE_LANGUAGES = {"HEL": ["fi", "fi", "sv"], "TKU": ["fi"], "GAL": ["en"]}
FAMILIES_PER_CENTRE = {"HEL": 24, "TKU": 18, "GAL": 18}


def _genitive_fi(name: str) -> str:
    # Enough for the demo names: consonant gradation in kk/pp/tt, then -n.
    for strong, weak in (("kk", "k"), ("pp", "p"), ("tt", "t")):
        if name.endswith(strong + name[-1]):
            return name[:-3] + weak + name[-1] + "n"
    return name + "n"


def _allative_fi(name: str) -> str:
    return _genitive_fi(name)[:-1] + "lle"


def _pick(rng: random.Random, vocabulary: str, *, several: bool = False) -> Any:
    codes = [term[0] for term in VOCABULARIES[vocabulary]]
    if several:
        return sorted(rng.sample(codes, k=rng.randint(1, min(3, len(codes)))))
    return rng.choice(codes)


def _values(
    rng: random.Random, language: str, story: dict[str, str], month: date
) -> dict[str, Any]:
    agencies = rng.sample([term[0] for term in VOCABULARIES["agency"]], k=rng.randint(2, 4))
    ratings = {
        agency: {
            dimension: rng.randint(1, 5)
            for dimension in rng.sample([term[0] for term in VOCABULARIES["rating_dimension"]], k=3)
        }
        for agency in agencies[:2]
    }
    texts = NARRATIVES[language]
    return {
        "interview_year": month.year,
        "interview_month": month.month,
        "interview_language": language,
        "interviewer_role": _pick(rng, "interviewer_role"),
        "audio_recording_exists": rng.random() < 0.6,
        "respondent_relationship": rng.choice(["mother", "mother", "father", "other_guardian"]),
        "respondent_age_band": _pick(rng, "adult_age_band"),
        "respondent_has_custody": True,
        "child_gender": rng.choice(["girl", "girl", "boy", "other"]),
        "child_age_band_first_incident": rng.choice(["10_12", "13_15"]),
        "child_age_band_disclosure": rng.choice(["10_12", "13_15", "16_17"]),
        "child_age_band_interview": rng.choice(["13_15", "16_17"]),
        "siblings_affected": rng.random() < 0.3,
        "violence_types": _pick(rng, "violence_type", several=True),
        "platforms": _pick(rng, "platform", several=True),
        "offender_relationships": [
            rng.choice(["online_adult", "online_unknown_age", "known_peer"])
        ],
        "offender_count": rng.choice(["one", "one", "two_to_five", "unknown"]),
        "disclosure_route": _pick(rng, "disclosure_route"),
        "time_to_disclosure": _pick(rng, "time_to_disclosure"),
        "agencies": agencies,
        "proceedings_stage": _pick(rng, "proceedings_stage"),
        "proceedings_outcome": rng.choice(["pending", "pending", "conviction", "discontinued"]),
        "months_report_to_forensic_interview": rng.choice(["1_3", "3_6", "6_12"]),
        "service_ratings": ratings,
        "child_impacts": _pick(rng, "child_impact", several=True),
        "parent_impacts": _pick(rng, "parent_impact", several=True),
        "support_received": _pick(rng, "support_type", several=True),
        "support_needed": _pick(rng, "support_type", several=True),
        "peer_group_took_part": rng.random() < 0.5,
        "narrative_what_happened": rng.choice(texts["what_happened"]).format(**story),
        "narrative_turning_points": rng.choice(texts["turning_points"]).format(**story),
        "narrative_what_helped": rng.choice(texts["what_helped"]).format(**story),
        "narrative_what_harmed": rng.choice(texts["what_harmed"]).format(**story),
        "narrative_advice": rng.choice(texts["advice"]).format(**story),
    }


@dataclass(frozen=True)
class DemoPerson:
    identity: Identity
    story: dict[str, str]  # the values the narrative templates plant


def demo_person(rng: random.Random, language: str) -> DemoPerson:
    """An invented family: its vault identity and the values its narratives will contain."""
    first = rng.choice(FIRST_NAMES[language])
    surname = rng.choice(SURNAMES[language])
    child = rng.choice(CHILD_NAMES[language])
    handle = f"@{rng.choice(['shadow', 'gamer', 'sunny', 'wolf'])}_{rng.randint(10, 99)}"
    phone = f"+358 40 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    email = f"{first.lower()}.{rng.randint(1, 99)}@mail.demo.invalid"
    identity = Identity(
        respondents=[Respondent(name=f"{first} {surname}", phone=phone, email=email)],
        child_name=f"{child} {surname}",
        child_date_of_birth=date(2011 + rng.randint(0, 4), rng.randint(1, 12), 10),
        police_case_numbers=[f"DEMO/{2025 + rng.randint(0, 1)}/{rng.randint(1000, 9999)}"],
        offenders=[Offender(usernames=[handle.lstrip("@")])],
    )
    story = {
        "child": child,
        "child_gen": _genitive_fi(child)
        if language == "fi"
        else (f"{child}s" if language == "sv" else f"{child}'s"),
        "respondent_first": first,
        "respondent_first_all": _allative_fi(first) if language == "fi" else first,
        "handle": handle,
        "phone": phone,
        "email": email,
    }
    return DemoPerson(identity, story)


def seed_interviews(forms: dict[str, ConsentForm], *, seed: int = 20261129) -> int:
    """Create the demo families with consents and interviews; skipped when they exist."""
    if Interview.objects.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not security
    created = 0
    for centre_code, count in FAMILIES_PER_CENTRE.items():
        centre = Centre.objects.get(short_code=centre_code)
        staff = list(
            User.objects.filter(
                memberships__centre=centre, memberships__role=Role.STAFF, is_active=True
            ).order_by("pk")
        )
        leads = list(
            User.objects.filter(
                memberships__centre=centre, memberships__role=Role.LEAD, is_active=True
            ).order_by("pk")
        )
        for index in range(count):
            language = rng.choice(CENTRE_LANGUAGES[centre_code])
            author = staff[index % len(staff)]
            person = demo_person(rng, language)
            identity, story = person.identity, person.story
            family = family_create(actor=author, centre=centre, identity=identity)
            consent_record(
                actor=author,
                family=family,
                data=ConsentInput(
                    form=forms[language if language in forms else "en"],
                    purposes={
                        code: code != Purpose.SHARING or rng.random() < 0.3
                        for code in forms[language if language in forms else "en"].purposes
                    },
                    consenter_relationship="mother",
                    guardian_consent="both",
                    other_guardian_is_suspect=False,
                    child_age=14,
                    child_assent=ChildAssent.GIVEN,
                    child_assent_reason="",
                    method=ConsentMethod.WRITTEN,
                    witness=None,
                    consent_date=timezone.localdate() - timedelta(days=rng.randint(40, 400)),
                ),
            )
            month = timezone.localdate() - timedelta(days=rng.randint(30, 360))
            interview = interview_create(
                actor=author, family=family, values=_values(rng, language, story, month)
            )
            created += 1
            state = rng.random()
            if state < 0.35:
                continue  # a draft with its findings still open
            for _round in range(20):
                open_items = [item for item in interview_findings(interview) if not item.confirmed]
                if not open_items:
                    break
                interview = interview_redact_finding(
                    actor=author, interview=interview, digest=open_items[0].digest
                )
            interview = interview_submit(actor=author, interview=interview)
            if state > 0.6 and leads:
                interview_lock(actor=leads[0], interview=interview)
    return created


def seeded_family_count() -> int:
    return Family.objects.count()
