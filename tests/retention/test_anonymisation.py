"""Anonymisation, erasure, legal holds and the retention sweep (DESIGN.md, privacy model 7).

Every test plants synthetic identity values, lets the machinery run, and then searches every
text, char, JSON and binary column of every table of the main database for them.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from uuid import UUID

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError, connection, connections
from django.utils import timezone

import retention.services
from accounts.services import ServiceError
from audit.models import AuditAction, AuditEvent
from audit.verification import verify_chain
from casestudies.identity import Identity, Offender, Respondent
from casestudies.instrument import NARRATIVE_FIELDS
from casestudies.interview_services import interview_create, interview_update
from casestudies.models import Family, FamilyStatus, IdentityVault, Interview, RemovalMode
from casestudies.screening import _vault_matcher
from casestudies.services import IdentityReason, family_create, family_data_key, identity_open
from consent.models import (
    ChildAssent,
    ConsentEvidence,
    ConsentRecord,
    ConsentStatus,
    ConsentWithdrawal,
)
from consent.services import consent_record, consent_withdraw
from core.crypto import DecryptionFailed, parse_master_keys, unseal
from keystore.models import DataKey
from keystore.routers import KEYSTORE_ALIAS
from keystore.services import DataKeyDestroyed, data_key_exists, data_key_open
from retention.models import SweepRun
from retention.services import (
    families_due,
    family_anonymise,
    family_legal_hold_release,
    family_legal_hold_set,
    retention_sweep,
)
from tests.casestudies.test_vault import LOST as LOST_MASTER_KEY
from tests.casestudies.test_vault import PLANTED_FRAGMENTS, entry_text, hits_in_main_database
from tests.conftest import Personas
from tests.factories import PLANTED, consent_input, planted_identity, published_form

pytestmark = pytest.mark.django_db

# The planted values, their distinctive fragments, and Finnish inflections of the child's first
# name as they appear in the narratives.
NEEDLES = [*PLANTED.values(), *PLANTED_FRAGMENTS, "Qwixelin", "Qwixelille"]

STRUCTURED = {
    "interview_year": 2026,
    "interview_month": 3,
    "violence_types": ["grooming", "sextortion"],
    "platforms": ["social_dm", "game_chat"],
    "agencies": ["police", "barnahus", "child_welfare"],
    "service_ratings": {
        "police": {"kept_informed": 2, "regular_updates": 1},
        "barnahus": {"kept_informed": 5},
    },
}

NARRATIVES = {
    "narrative_what_happened": (
        f"{PLANTED['respondent_name']} found messages from {PLANTED['offender_username']} "
        f"on the family tablet. The police case is {PLANTED['police_case_number']}."
    ),
    "narrative_turning_points": (
        f"Reach the mother at {PLANTED['respondent_email']} or {PLANTED['respondent_phone']}."
    ),
    # Finnish, with the child's first name inflected (genitive and allative).
    "narrative_what_helped": (
        "Qwixelin mielestä vertaisryhmä auttoi eniten, ja Qwixelille annettiin aikaa."
    ),
    "narrative_advice": "Believe the child and keep the family informed.",
    "quotable_passages": f"{PLANTED['respondent_name']}: we finally felt heard.",
}

FIRST_EDIT = {
    "narrative_what_happened": (
        NARRATIVES["narrative_what_happened"]
        + f" {PLANTED['offender_name']} was charged in {PLANTED['court_case_number']}."
    ),
    "narrative_advice": f"Her identity code {PLANTED['personal_identity_code']} was asked twice.",
}

# The second edit removes values from the live row: from here on only history rows hold them.
SECOND_EDIT = {
    "narrative_turning_points": "Reach the mother through the centre.",
    "narrative_advice": "Believe the child and keep the family informed.",
}

CLEAN_TEXTS = {
    "narrative_advice": "Believe the child and keep the family informed.",
    "narrative_turning_points": "Reach the mother through the centre.",
}

PROOF_DETAIL_KEYS = {
    "interviews_deleted",
    "consents_deleted",
    "history_rows_deleted",
    "rows_scrubbed",
    "history_rows_scrubbed",
    "patterns_replaced",
    "mode",
    "data_key_destroyed",
}

EVIDENCE = b"%PDF-1.4\n% signed consent (synthetic)\n%%EOF\n"


# ---------------------------------------------------------------------------- builders


@dataclass
class PlantedCase:
    family: Family
    consent: ConsentRecord
    interview: Interview
    key_ref: UUID


def build_planted_case(
    personas: Personas, *, withdrawal_effect: str = RemovalMode.ANONYMISE
) -> PlantedCase:
    """A family with the planted identity, consent with evidence, an interview edited twice and
    one audited opening of the identity: planted values in live rows and in history rows."""
    form = published_form(
        personas.lead,
        form_key=f"retention-{withdrawal_effect}",
        withdrawal_effect=withdrawal_effect,
    )
    family = family_create(
        actor=personas.staff, centre=personas.helsinki, identity=planted_identity()
    )
    consent = consent_record(
        actor=personas.staff,
        family=family,
        data=consent_input(
            form,
            child_age=9,
            child_assent=ChildAssent.NOT_ASKED,
            child_assent_reason=f"{PLANTED['child_name']} was asleep when the form was signed.",
            evidence=EVIDENCE,
        ),
    )
    interview = interview_create(
        actor=personas.staff, family=family, values={**STRUCTURED, **NARRATIVES}
    )
    interview = interview_update(
        actor=personas.staff, interview=interview, values=FIRST_EDIT, expected_revision=1
    )
    interview = interview_update(
        actor=personas.colleague, interview=interview, values=SECOND_EDIT, expected_revision=2
    )
    identity_open(
        actor=personas.staff,
        family=family,
        reason=IdentityReason.CONTACT,
        reason_text="to arrange the follow-up call",
    )
    key_ref = IdentityVault.objects.get(family=family).key_ref
    return PlantedCase(family, consent, interview, key_ref)


def due_identity(tag: str) -> Identity:
    """A small identity whose values all contain the letters-only tag."""
    return Identity(
        respondents=[Respondent(name=f"Marjatta {tag}", email=f"{tag.lower()}.r@example.test")],
        child_name=f"Onni {tag}",
        police_case_numbers=[f"{tag.upper()}-2026-4242"],
        offenders=[Offender(usernames=[f"{tag.lower()}_handle"])],
    )


def make_due_family(personas: Personas, tag: str, *, form: Any = None) -> Family:
    """A consented family with one interview that names it, marked for removal directly (as a
    withdrawal would, but without queueing the task, which transactional tests would run)."""
    form = form or published_form(personas.lead, form_key=f"due-{tag.lower()}")
    family = family_create(
        actor=personas.staff, centre=personas.helsinki, identity=due_identity(tag)
    )
    consent_record(actor=personas.staff, family=family, data=consent_input(form))
    interview_create(
        actor=personas.staff,
        family=family,
        values={
            **STRUCTURED,
            "narrative_what_happened": (
                f"Marjatta {tag} saw that {tag.lower()}_handle wrote to Onni {tag}; "
                f"the case is {tag.upper()}-2026-4242."
            ),
        },
    )
    Family.objects.filter(pk=family.pk).update(
        removal_requested_at=timezone.now(), removal_mode=RemovalMode.ANONYMISE
    )
    return Family.objects.get(pk=family.pk)


def tag_needles(tag: str) -> list[str]:
    return [tag, f"{tag.upper()}-2026-4242"]


# ---------------------------------------------------------------------------- helpers


def entries(action: str, target_id: str | None = None) -> list[AuditEvent]:
    query = AuditEvent.objects.filter(action=action)
    if target_id is not None:
        query = query.filter(target_id=target_id)
    return list(query.order_by("sequence"))


def assert_no_planted_values(needles: list[str] = NEEDLES) -> None:
    assert hits_in_main_database(needles) == []


def assert_proof_entry_holds_counts_only(entry: AuditEvent, family: Family, mode: str) -> None:
    assert entry.target_type == "casestudies.family"
    assert entry.target_id == family.code
    assert entry.reason == ""
    assert set(entry.details) <= PROOF_DETAIL_KEYS
    assert entry.details["mode"] == mode
    for key, value in entry.details.items():
        if key != "mode":
            assert isinstance(value, int), (key, value)  # counts and a flag, never text
    text = entry_text(entry).casefold()
    for needle in NEEDLES:
        assert needle.casefold() not in text


def snapshot_main_database() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the main database, to prove that nothing changed."""
    introspection = connection.introspection
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for table in introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = [
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                for row in cursor.fetchall()
            ]
            tables[table] = sorted(rows, key=repr)
    return tables


def rows_referencing(family: Family) -> dict[str, int]:
    """Rows of any main-database table with a family_id column that points at the family."""
    counts = {}
    introspection = connection.introspection
    with connection.cursor() as cursor:
        for table in introspection.table_names(cursor):
            columns = {c.name for c in introspection.get_table_description(cursor, table)}
            if "family_id" not in columns:
                continue
            cursor.execute(
                f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} WHERE family_id = %s",
                [family.pk],
            )
            (count,) = cursor.fetchone()
            if count:
                counts[table] = count
    return counts


def fail_once(monkeypatch: pytest.MonkeyPatch, name: str, error: BaseException, when: Any = None):
    """Replace retention.services.<name> with a wrapper that raises `error` on the first call
    for which when(*args, **kwargs) holds (every call if no `when`), then calls through."""
    real = getattr(retention.services, name)
    state = {"raised": 0}

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not state["raised"] and (when is None or when(*args, **kwargs)):
            state["raised"] += 1
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(retention.services, name, wrapper)
    return state


def configured_master_keys() -> str:
    return f"{settings.TEST_MASTER_KEY_NEW},{settings.TEST_MASTER_KEY_OLD}"


def at_noon(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


# ---------------------------------------------------------------------------- the whole run


def test_anonymisation_leaves_no_planted_value_anywhere_in_the_main_database(
    personas: Personas,
) -> None:
    case = build_planted_case(personas)
    family = case.family
    # The search is not vacuous: before the run, live rows and history rows hold the values.
    before = {(table, column) for table, column, _needle in hits_in_main_database(NEEDLES)}
    assert ("casestudies_interview", "narrative_what_happened") in before
    assert ("casestudies_historicalinterview", "narrative_turning_points") in before
    assert ("casestudies_historicalinterview", "narrative_advice") in before
    assert ("consent_consentrecord", "child_assent_reason") in before
    assert ("consent_historicalconsentrecord", "child_assent_reason") in before
    assert ConsentEvidence.objects.filter(consent=case.consent).exists()
    history_before = Interview.history.filter(id=case.interview.pk).count()
    assert history_before == 3

    result = family_anonymise(family_id=family.pk)

    assert result.done is True
    assert result.mode == RemovalMode.ANONYMISE
    assert result.family_code == family.code
    assert_no_planted_values()

    family.refresh_from_db()
    assert family.status == FamilyStatus.ANONYMISED
    assert family.anonymised_at is not None
    assert family.centre_id is None
    assert family.country == "FI"
    assert (family.created_at.month, family.created_at.day) == (1, 1)
    assert not Family.history.filter(id=family.pk, centre__isnull=False).exists()

    # The identity: vault row, its history and the data key are gone.
    assert not IdentityVault.objects.filter(family_id=family.pk).exists()
    assert not IdentityVault.history.filter(family_id=family.pk).exists()
    assert not data_key_exists(case.key_ref)
    assert not DataKey.objects.using(KEYSTORE_ALIAS).filter(key_ref=case.key_ref).exists()
    # The compiled screening patterns embedded the values; they are dropped as well.
    assert _vault_matcher.cache_info().currsize == 0

    # Consent: evidence deleted, quasi-identifiers generalised, free text scrubbed.
    assert not ConsentEvidence.objects.filter(consent=case.consent).exists()
    consent = ConsentRecord.objects.get(pk=case.consent.pk)
    assert consent.child_age == 7  # the band 7-9
    assert (consent.consent_date.month, consent.consent_date.day) == (1, 1)
    assert consent.child_assent_reason == "[name] was asleep when the form was signed."
    for row in ConsentRecord.history.filter(id=consent.pk):
        assert row.child_age == 7
        assert (row.consent_date.month, row.consent_date.day) == (1, 1)

    # Interview: narratives scrubbed, month dropped, structured answers unchanged.
    interview = Interview.objects.get(pk=case.interview.pk)
    assert interview.interview_month is None
    assert interview.interview_year == 2026
    for name in ("violence_types", "agencies", "service_ratings", "platforms"):
        assert getattr(interview, name) == STRUCTURED[name], name
    assert interview.narrative_what_happened.startswith("[name] found messages from [handle]")
    assert "[name] mielestä" in interview.narrative_what_helped
    assert "[name]lle" not in interview.narrative_what_helped  # the whole inflected form goes
    for name, text in CLEAN_TEXTS.items():
        assert getattr(interview, name) == text  # text without values is kept as it was
    history = list(Interview.history.filter(id=interview.pk))
    assert len(history) == history_before  # scrubbed in place, no history row added
    for row in history:
        assert row.interview_month is None
        assert row.violence_types == STRUCTURED["violence_types"]
        for name in NARRATIVE_FIELDS:
            assert "Zyxwa" not in getattr(row, name)

    # Exactly one proof entry, with counts and the mode only.
    (proof,) = entries(AuditAction.FAMILY_ANONYMISED)
    assert proof.actor_id is None
    assert proof.actor_label == "system"
    assert_proof_entry_holds_counts_only(proof, family, RemovalMode.ANONYMISE)
    assert proof.details["data_key_destroyed"] is True
    assert proof.details["rows_scrubbed"] == 1
    assert proof.details["patterns_replaced"] >= 12
    assert entries(AuditAction.FAMILY_ERASED) == []
    # Earlier entries of the family stay (with pseudonymous ids only).
    assert len(entries(AuditAction.IDENTITY_VIEWED, family.code)) == 1
    assert verify_chain().ok


def test_an_old_backup_of_the_identity_cannot_be_decrypted_afterwards(personas: Personas) -> None:
    case = build_planted_case(personas)
    bystander = family_create(
        actor=personas.staff, centre=personas.helsinki, identity=due_identity("Zqbystander")
    )
    vault = IdentityVault.objects.get(family=case.family)
    # "An old backup": the live ciphertext, the key reference and every history ciphertext.
    backup_key_ref = vault.key_ref
    associated_data = vault.associated_data()
    backup = [bytes(vault.ciphertext)] + [
        bytes(row.ciphertext) for row in IdentityVault.history.filter(family_id=case.family.pk)
    ]
    assert len(backup) >= 2
    data_key = family_data_key(case.family)
    for ciphertext in backup:  # the backup opens while the key exists
        assert PLANTED["child_name"].encode() in unseal(data_key, ciphertext, associated_data)
    del data_key

    family_anonymise(family_id=case.family.pk)

    assert not DataKey.objects.using(KEYSTORE_ALIAS).filter(key_ref=backup_key_ref).exists()
    with pytest.raises(DataKeyDestroyed):
        data_key_open(backup_key_ref)
    # Nothing left in either database opens it: not a master key, nor any other data key.
    master_secrets = [key.secret for key in parse_master_keys(configured_master_keys())]
    other_keys = [data_key_open(row.key_ref) for row in DataKey.objects.using(KEYSTORE_ALIAS).all()]
    assert len(other_keys) == 1  # the bystander's, untouched
    for ciphertext in backup:
        for candidate in [*master_secrets, *other_keys]:
            with pytest.raises(DecryptionFailed):
                unseal(candidate, ciphertext, associated_data)
    # Only this family's key went: the other family's identity still opens.
    assert identity_open(
        actor=personas.staff, family=bystander, reason=IdentityReason.CONTACT, reason_text="call"
    ) == due_identity("Zqbystander")


def test_the_free_text_other_answer_is_scrubbed_too(personas: Personas) -> None:
    """violence_other is free text ("describe briefly without names"): nothing stops a value
    being typed there, so anonymisation must not leave it behind."""
    case = build_planted_case(personas)
    other = f"threats by {PLANTED['offender_username']}"
    interview_update(
        actor=personas.staff,
        interview=case.interview,
        values={"violence_other": other},
        expected_revision=case.interview.revision,
    )
    assert Interview.history.filter(violence_other=other).exists()

    family_anonymise(family_id=case.family.pk)

    assert_no_planted_values()


# ---------------------------------------------------------------------------- crash safety


def test_a_crash_before_the_key_is_destroyed_is_finished_by_a_rerun(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = build_planted_case(personas)
    fail_once(monkeypatch, "data_key_destroy", RuntimeError("key store went away"))

    with pytest.raises(RuntimeError):
        family_anonymise(family_id=case.family.pk)

    family = Family.objects.get(pk=case.family.pk)
    assert family.status == FamilyStatus.ANONYMISING
    assert family.anonymising_since is not None
    # Step 2 committed: every plaintext value is already gone; the key is still there.
    assert_no_planted_values()
    assert Interview.objects.get(pk=case.interview.pk).interview_month is None
    assert data_key_exists(case.key_ref)
    assert IdentityVault.objects.filter(family=family).exists()
    assert entries(AuditAction.FAMILY_ANONYMISED) == []
    # Excluded everywhere meanwhile: no consent allows use, no interview can be written.
    assert family not in Family.objects.in_use()

    result = family_anonymise(family_id=family.pk)

    assert result.done is True
    family.refresh_from_db()
    assert family.status == FamilyStatus.ANONYMISED
    assert not data_key_exists(case.key_ref)
    assert not IdentityVault.objects.filter(family_id=family.pk).exists()
    assert not IdentityVault.history.filter(family_id=family.pk).exists()
    assert_no_planted_values()
    (proof,) = entries(AuditAction.FAMILY_ANONYMISED)
    assert_proof_entry_holds_counts_only(proof, family, RemovalMode.ANONYMISE)
    assert proof.details["data_key_destroyed"] is True


def test_the_proof_entry_counts_each_row_once_after_a_rerun(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean = build_planted_case(personas)
    family_anonymise(family_id=clean.family.pk)
    crashed = build_planted_case(personas, withdrawal_effect=RemovalMode.ANONYMISE)
    fail_once(monkeypatch, "data_key_destroy", RuntimeError("key store went away"))
    with pytest.raises(RuntimeError):
        family_anonymise(family_id=crashed.family.pk)
    family_anonymise(family_id=crashed.family.pk)

    clean_proof, crashed_proof = entries(AuditAction.FAMILY_ANONYMISED)
    assert crashed_proof.details == clean_proof.details


def test_a_crash_after_the_key_is_destroyed_is_finished_by_a_rerun(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = build_planted_case(personas)
    fail_once(monkeypatch, "audit_record", RuntimeError("crash while writing the proof"))

    with pytest.raises(RuntimeError):
        family_anonymise(family_id=case.family.pk)

    family = Family.objects.get(pk=case.family.pk)
    assert family.status == FamilyStatus.ANONYMISING
    assert not data_key_exists(case.key_ref)  # step 3 happened
    # Step 4 rolled back: the vault row is still there, but nothing can read it any more.
    assert IdentityVault.objects.filter(family=family).exists()
    with pytest.raises(DataKeyDestroyed):
        data_key_open(case.key_ref)
    assert entries(AuditAction.FAMILY_ANONYMISED) == []
    assert_no_planted_values()

    result = family_anonymise(family_id=family.pk)

    assert result.done is True
    family.refresh_from_db()
    assert family.status == FamilyStatus.ANONYMISED
    assert family.centre_id is None
    assert not IdentityVault.objects.filter(family_id=family.pk).exists()
    assert not IdentityVault.history.filter(family_id=family.pk).exists()
    assert_no_planted_values()
    (proof,) = entries(AuditAction.FAMILY_ANONYMISED)
    assert_proof_entry_holds_counts_only(proof, family, RemovalMode.ANONYMISE)
    assert proof.details["data_key_destroyed"] is True
    assert verify_chain().ok


def test_one_failing_family_does_not_stop_the_sweep_and_the_next_sweep_finishes_it(
    personas: Personas, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    form = published_form(personas.lead, form_key="sweep")
    tags = ["Zqalfa", "Zqbravo", "Zqcharlie", "Zqdelta", "Zqecho"]
    families = [make_due_family(personas, tag, form=form) for tag in tags]
    third = families[2]
    third_key = IdentityVault.objects.get(family=third).key_ref
    # The key store drops the connection while the third family's key is destroyed; the error
    # message carries a value, which must not reach the report, the run record or the log.
    error = OperationalError(f"server closed the connection during {PLANTED['police_case_number']}")
    fail_once(monkeypatch, "data_key_destroy", error, when=lambda key_ref: key_ref == third_key)

    report = retention_sweep()

    assert report.due == [family.code for family in families]
    assert report.failed == [f"{third.code}: OperationalError"]
    assert report.done == [family.code for family in families if family != third]
    run = SweepRun.objects.get()
    assert run.succeeded is False
    assert (run.due, run.done, run.failed) == (5, 4, [f"{third.code}: OperationalError"])
    assert PLANTED["police_case_number"] not in caplog.text
    assert third.code in caplog.text
    third.refresh_from_db()
    assert third.status == FamilyStatus.ANONYMISING
    assert list(families_due()) == [third]

    second = retention_sweep()

    assert (second.due, second.done, second.failed) == ([third.code], [third.code], [])
    assert SweepRun.objects.filter(succeeded=True, dry_run=False).count() == 1
    for family in families:
        family.refresh_from_db()
        assert family.status == FamilyStatus.ANONYMISED
        (proof,) = entries(AuditAction.FAMILY_ANONYMISED, family.code)
        assert_proof_entry_holds_counts_only(proof, family, RemovalMode.ANONYMISE)
    assert not DataKey.objects.using(KEYSTORE_ALIAS).exists()
    assert_no_planted_values([needle for tag in tags for needle in tag_needles(tag)])
    sweeps = entries(AuditAction.RETENTION_SWEEP)
    assert [entry.details for entry in sweeps] == [
        {"due": 5, "done": 4, "held": 0, "failed": 1},
        {"due": 1, "done": 1, "held": 0, "failed": 0},
    ]


def test_a_family_whose_key_cannot_be_opened_fails_alone(personas: Personas, settings: Any) -> None:
    """A data key wrapped under a master key that is no longer configured: that family is
    reported and left untouched (its values cannot be read to scrub the narratives), and the
    families after it are still anonymised."""
    form = published_form(personas.lead, form_key="stranded")
    first = make_due_family(personas, "Zqfirst", form=form)
    settings.VAULT_MASTER_KEYS = LOST_MASTER_KEY
    stranded = make_due_family(personas, "Zqstranded", form=form)
    settings.VAULT_MASTER_KEYS = settings.TEST_MASTER_KEY_OLD
    last = make_due_family(personas, "Zqlast", form=form)

    report = retention_sweep()

    assert report.done == [first.code, last.code]
    assert len(report.failed) == 1
    assert report.failed[0].startswith(f"{stranded.code}: ")
    stranded.refresh_from_db()
    assert stranded.status == FamilyStatus.ACTIVE
    assert data_key_exists(IdentityVault.objects.get(family=stranded).key_ref)
    run = SweepRun.objects.get()
    assert (run.succeeded, run.done) == (False, 2)
    assert run.finished_at is not None


# ---------------------------------------------------------------------------- two workers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_side_by_side_anonymise_each_family_exactly_once(
    postgres: None, personas: Personas
) -> None:
    form = published_form(personas.lead, form_key="concurrent")
    tags = [f"Zqpar{letter}" for letter in "abcdefgh"]
    families = [make_due_family(personas, tag, form=form) for tag in tags]
    barrier = threading.Barrier(2)
    reports: list[retention.services.SweepReport] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=30)
            reports.append(retention_sweep())
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    assert errors == []
    assert len(reports) == 2
    assert [report.failed for report in reports] == [[], []]
    done = [code for report in reports for code in report.done]
    assert sorted(done) == sorted(family.code for family in families)  # each once, no double
    for family in families:
        family.refresh_from_db()
        assert family.status == FamilyStatus.ANONYMISED
        assert len(entries(AuditAction.FAMILY_ANONYMISED, family.code)) == 1
    assert not DataKey.objects.using(KEYSTORE_ALIAS).exists()
    assert not IdentityVault.history.exists()
    assert_no_planted_values([needle for tag in tags for needle in tag_needles(tag)])
    assert verify_chain().ok


# ---------------------------------------------------------------------------- legal holds


def test_a_legal_hold_pauses_the_sweep_until_it_is_released(personas: Personas) -> None:
    form = published_form(personas.lead, form_key="hold")
    held = make_due_family(personas, "Zqheld", form=form)
    other = make_due_family(personas, "Zqfree", form=form)

    with pytest.raises(ServiceError):
        family_legal_hold_set(actor=personas.dpo, family=held, reason="   ")
    assert entries(AuditAction.LEGAL_HOLD_SET) == []

    family_legal_hold_set(
        actor=personas.dpo, family=held, reason="  Court order 12/2026 to preserve records.  "
    )
    (entry,) = entries(AuditAction.LEGAL_HOLD_SET)
    assert (entry.actor_id, entry.target_type, entry.target_id) == (
        personas.dpo.pk,
        "casestudies.family",
        held.code,
    )
    assert entry.reason == "Court order 12/2026 to preserve records."
    with pytest.raises(ServiceError):  # already held
        family_legal_hold_set(actor=personas.dpo, family=held, reason="again")

    report = retention_sweep()

    assert report.held == [held.code]
    assert report.due == [other.code]
    assert report.done == [other.code]
    assert SweepRun.objects.get().held == [held.code]
    held.refresh_from_db()
    assert held.status == FamilyStatus.ACTIVE
    assert data_key_exists(IdentityVault.objects.get(family=held).key_ref)
    assert entries(AuditAction.FAMILY_ANONYMISED, held.code) == []
    skipped = family_anonymise(family_id=held.pk)  # a direct call is refused too
    assert (skipped.done, skipped.skipped_reason) == (False, "legal hold")
    held.refresh_from_db()
    assert held.status == FamilyStatus.ACTIVE

    family_legal_hold_release(actor=personas.dpo, family=held, reason="The order was lifted.")
    (released,) = entries(AuditAction.LEGAL_HOLD_RELEASED)
    assert (released.actor_id, released.target_id) == (personas.dpo.pk, held.code)
    assert released.reason == "The order was lifted."
    with pytest.raises(ServiceError):  # not held any more
        family_legal_hold_release(actor=personas.dpo, family=held, reason="again")

    report = retention_sweep()

    assert (report.held, report.done) == ([], [held.code])
    held.refresh_from_db()
    assert held.status == FamilyStatus.ANONYMISED
    assert len(entries(AuditAction.FAMILY_ANONYMISED, held.code)) == 1
    assert_no_planted_values(tag_needles("Zqheld") + tag_needles("Zqfree"))


def test_a_legal_hold_reason_may_not_repeat_identity_values(personas: Personas) -> None:
    """The reason goes into the audit trail, which keeps no identity values (DESIGN.md 6),
    as identity_open and identity_update already refuse."""
    case = build_planted_case(personas)
    with pytest.raises(ServiceError):
        family_legal_hold_set(
            actor=personas.dpo,
            family=case.family,
            reason=f"Court order in {PLANTED['police_case_number']}",
        )
    assert entries(AuditAction.LEGAL_HOLD_SET) == []


def test_the_dpo_sets_and_releases_a_legal_hold_on_the_retention_page(
    personas: Personas,
) -> None:
    family = make_due_family(personas, "Zqpage")
    dpo = personas.client_for("dpo")
    staff = personas.client_for("staff")

    refused = staff.post("/dpo/retention/hold/", {"code": family.code, "reason": "no"})
    assert refused.status_code == 403
    assert entries(AuditAction.LEGAL_HOLD_SET) == []
    unknown = dpo.post("/dpo/retention/hold/", {"code": "TCN-0000-0000", "reason": "x"})
    assert unknown.status_code == 404

    empty = dpo.post("/dpo/retention/hold/", {"code": family.code, "reason": " "}, follow=True)
    assert empty.status_code == 200
    assert "Give the reason for the legal hold." in empty.content.decode()
    family.refresh_from_db()
    assert not family.on_legal_hold

    response = dpo.post(
        "/dpo/retention/hold/", {"code": family.code, "reason": "Preservation request"}
    )
    assert response.status_code == 302
    assert response.url == "/dpo/retention/"
    family.refresh_from_db()
    assert family.on_legal_hold
    (entry,) = entries(AuditAction.LEGAL_HOLD_SET)
    assert (entry.actor_id, entry.target_id, entry.reason) == (
        personas.dpo.pk,
        family.code,
        "Preservation request",
    )
    overview = dpo.get("/dpo/retention/")
    assert overview.status_code == 200
    assert family.code in overview.content.decode()

    assert retention_sweep().held == [family.code]

    refused = staff.post("/dpo/retention/release/", {"code": family.code, "reason": "no"})
    assert refused.status_code == 403
    family.refresh_from_db()
    assert family.on_legal_hold

    response = dpo.post("/dpo/retention/release/", {"code": family.code, "reason": "Lifted"})
    assert response.status_code == 302
    family.refresh_from_db()
    assert not family.on_legal_hold
    (released,) = entries(AuditAction.LEGAL_HOLD_RELEASED)
    assert (released.actor_id, released.target_id, released.reason) == (
        personas.dpo.pk,
        family.code,
        "Lifted",
    )

    assert retention_sweep().done == [family.code]
    family.refresh_from_db()
    assert family.status == FamilyStatus.ANONYMISED


# ---------------------------------------------------------------------------- withdrawal


@pytest.mark.parametrize(
    ("effect", "status", "action"),
    [
        (RemovalMode.ANONYMISE, FamilyStatus.ANONYMISED, AuditAction.FAMILY_ANONYMISED),
        (RemovalMode.ERASE, FamilyStatus.ERASED, AuditAction.FAMILY_ERASED),
    ],
)
def test_a_full_withdrawal_runs_what_the_form_promised_after_the_commit(
    personas: Personas,
    django_capture_on_commit_callbacks: Any,
    effect: str,
    status: str,
    action: str,
) -> None:
    case = build_planted_case(personas, withdrawal_effect=effect)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        consent_withdraw(
            actor=personas.staff,
            consent=case.consent,
            purposes=[],
            full=True,
            withdrawn_on=timezone.localdate(),
        )
        # Nothing runs before the commit.
        assert Family.objects.get(pk=case.family.pk).status == FamilyStatus.ACTIVE

    assert len(callbacks) == 1
    family = Family.objects.get(pk=case.family.pk)
    assert family.status == status
    assert family.removal_mode == effect
    assert not data_key_exists(case.key_ref)
    (proof,) = entries(action)
    assert_proof_entry_holds_counts_only(proof, family, effect)
    assert_no_planted_values()


def test_erasure_leaves_only_a_tombstone_and_the_audit_trail(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    case = build_planted_case(personas, withdrawal_effect=RemovalMode.ERASE)
    family = case.family
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal = consent_withdraw(
            actor=personas.staff,
            consent=case.consent,
            purposes=[],
            full=True,
            withdrawn_on=timezone.localdate(),
        )
    entries_before = {
        action: len(entries(action, target))
        for action, target in [
            (AuditAction.FAMILY_CREATED, family.code),
            (AuditAction.IDENTITY_VIEWED, family.code),
            (AuditAction.INTERVIEW_CREATED, case.interview.code),
            (AuditAction.CONSENT_RECORDED, str(case.consent.pk)),
            (AuditAction.CONSENT_WITHDRAWN, str(case.consent.pk)),
        ]
    }

    tombstone = Family.objects.get(pk=family.pk)
    assert tombstone.code == family.code
    assert tombstone.status == FamilyStatus.ERASED
    assert tombstone.anonymised_at is not None
    assert tombstone.centre_id is None
    assert tombstone.country == ""

    assert not Interview.objects.filter(family_id=family.pk).exists()
    assert not ConsentRecord.objects.filter(family_id=family.pk).exists()
    assert not ConsentWithdrawal.objects.filter(pk=withdrawal.pk).exists()
    assert not ConsentEvidence.objects.filter(consent_id=case.consent.pk).exists()
    assert not IdentityVault.objects.filter(family_id=family.pk).exists()
    assert not Interview.history.filter(family_id=family.pk).exists()
    assert not ConsentRecord.history.filter(family_id=family.pk).exists()
    assert not ConsentWithdrawal.history.filter(consent_id=case.consent.pk).exists()
    assert not IdentityVault.history.filter(family_id=family.pk).exists()
    assert not Family.history.filter(id=family.pk).exists()
    assert rows_referencing(family) == {}
    assert not data_key_exists(case.key_ref)
    assert_no_planted_values()

    # The audit trail keeps every entry (pseudonymous ids only), plus one erasure entry.
    assert all(count == 1 for count in entries_before.values()), entries_before
    (proof,) = entries(AuditAction.FAMILY_ERASED)
    assert_proof_entry_holds_counts_only(proof, tombstone, RemovalMode.ERASE)
    assert entries(AuditAction.FAMILY_ANONYMISED) == []
    assert verify_chain().ok


# ---------------------------------------------------------------------------- retention end


def test_the_end_of_retention_makes_the_family_due_and_the_sweep_anonymises_it(
    personas: Personas,
) -> None:
    form = published_form(personas.lead, form_key="short", retention_months=1)
    family = family_create(
        actor=personas.staff, centre=personas.helsinki, identity=planted_identity()
    )
    consent = consent_record(actor=personas.staff, family=family, data=consent_input(form))
    interview_create(actor=personas.staff, family=family, values={**STRUCTURED, **NARRATIVES})
    key_ref = IdentityVault.objects.get(family=family).key_ref
    assert list(families_due()) == []

    with time_machine.travel(at_noon(consent.retention_until), tick=False):
        assert list(families_due()) == []  # the last day is still covered
    with time_machine.travel(at_noon(consent.retention_until + timedelta(days=1)), tick=False):
        assert list(families_due()) == [family]

        call_command("run_retention_sweep", "--dry-run", stdout=(out := io.StringIO()))
        assert f"due   {family.code}" in out.getvalue()
        assert "due: 1; would anonymise: 1" in out.getvalue()
        consent.refresh_from_db()
        family.refresh_from_db()
        assert consent.status == ConsentStatus.ACTIVE
        assert (family.status, family.removal_requested_at) == (FamilyStatus.ACTIVE, None)
        assert data_key_exists(key_ref)
        assert entries(AuditAction.CONSENT_EXPIRED) == []
        assert entries(AuditAction.RETENTION_SWEEP) == []
        assert SweepRun.objects.get().dry_run is True
        # A dry run is not a sweep: /health/ still says none ran.
        health = personas.client_for("anonymous").get("/health/")
        assert health.json()["checks"]["retention_sweep"] is False

        call_command("run_retention_sweep", stdout=(out := io.StringIO()))
        assert "due: 1; anonymised or erased: 1" in out.getvalue()

        consent.refresh_from_db()
        family.refresh_from_db()
        assert consent.status == ConsentStatus.EXPIRED
        assert consent.ended_at is not None
        (expired,) = entries(AuditAction.CONSENT_EXPIRED)
        assert expired.actor_label == "system"
        # No exact date in the trail: with the retention period it would give the consent date.
        assert expired.details == {"family": family.code}
        assert consent.retention_until.month == 1  # generalised to the year by anonymisation
        assert consent.retention_until.day == 1
        assert family.status == FamilyStatus.ANONYMISED
        assert family.removal_mode == RemovalMode.ANONYMISE
        assert not data_key_exists(key_ref)
        (proof,) = entries(AuditAction.FAMILY_ANONYMISED)
        assert_proof_entry_holds_counts_only(proof, family, RemovalMode.ANONYMISE)
        run = SweepRun.objects.get(dry_run=False)
        assert (run.succeeded, run.due, run.done, run.failed) == (True, 1, 1, [])
        assert run.finished_at is not None
        health = personas.client_for("anonymous").get("/health/")
        assert health.json()["checks"]["retention_sweep"] is True
        assert list(families_due()) == []
    assert_no_planted_values()


# ---------------------------------------------------------------------------- idempotence


def test_running_it_twice_changes_nothing_the_second_time(personas: Personas) -> None:
    case = build_planted_case(personas)
    first = family_anonymise(family_id=case.family.pk)
    assert first.done is True
    before = snapshot_main_database()
    keys_before = DataKey.objects.using(KEYSTORE_ALIAS).count()

    second = family_anonymise(family_id=case.family.pk)

    assert (second.done, second.skipped_reason) == (False, "done")
    assert second.family_code == case.family.code
    assert snapshot_main_database() == before
    assert DataKey.objects.using(KEYSTORE_ALIAS).count() == keys_before
    assert len(entries(AuditAction.FAMILY_ANONYMISED)) == 1
    # And a sweep does not pick it up again.
    assert list(families_due()) == []


def test_a_missing_family_is_skipped(personas: Personas) -> None:
    result = family_anonymise(family_id=987654)
    assert (result.done, result.skipped_reason) == (False, "missing")
    assert entries(AuditAction.FAMILY_ANONYMISED) == []


def test_an_erasure_request_run_by_the_dpo_names_the_dpo_on_the_proof_entry(
    personas: Personas,
) -> None:
    case = build_planted_case(personas)
    result = family_anonymise(family_id=case.family.pk, mode=RemovalMode.ERASE, actor=personas.dpo)
    assert (result.done, result.mode) == (True, RemovalMode.ERASE)
    (proof,) = entries(AuditAction.FAMILY_ERASED)
    assert proof.actor_id == personas.dpo.pk
    assert_proof_entry_holds_counts_only(proof, case.family, RemovalMode.ERASE)
    assert Family.objects.get(pk=case.family.pk).status == FamilyStatus.ERASED
    assert_no_planted_values()
