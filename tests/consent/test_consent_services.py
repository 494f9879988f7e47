"""Consent forms, consent records, the consent gate, withdrawals and encrypted evidence."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.services import ServiceError
from audit.models import AuditAction, AuditEvent
from casestudies.models import Family, IdentityVault, RemovalMode
from casestudies.services import IdentityUnavailable, family_data_key
from consent.models import (
    ChildAssent,
    ConsentEvidence,
    ConsentForm,
    ConsentMethod,
    ConsentRecord,
    ConsentStatus,
    ConsentWithdrawal,
    FormStatus,
    GuardianConsent,
    Purpose,
)
from consent.services import (
    MAX_EVIDENCE_BYTES,
    ConsentRequired,
    consent_allows,
    consent_evidence_open,
    consent_form_new_version,
    consent_form_publish,
    consent_form_retire,
    consent_form_update,
    consent_record,
    consent_withdraw,
    require_consent,
    text_hash,
)
from core.crypto import unseal
from keystore.services import data_key_destroy
from tests.conftest import Personas
from tests.factories import (
    PLANTED,
    consent_input,
    draft_form,
    form_content,
    make_family,
    planted_identity,
    published_form,
)

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")
MINIMAL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n"
    b"%%EOF\n"
)
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06" + (
    b"\x00" * 64
)


def audit_entries(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def last_entry(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-sequence")[0]


def at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=HELSINKI)


@pytest.fixture
def form(personas: Personas) -> ConsentForm:
    """A published form offering participation, audio, research and quotation."""
    return published_form(personas.lead)


@pytest.fixture
def family(personas: Personas) -> Family:
    return make_family(personas.staff, personas.helsinki, planted_identity())


def record(personas: Personas, family: Family, form: ConsentForm, **overrides) -> ConsentRecord:
    return consent_record(
        actor=personas.staff, family=family, data=consent_input(form, **overrides)
    )


# ============================================================================ forms


def test_consent_form_create_makes_numbered_drafts(personas: Personas) -> None:
    first = draft_form(personas.lead, purposes=["research", "participation"])
    assert (first.status, first.version, first.text_sha256) == (FormStatus.DRAFT, 1, "")
    assert first.purposes == ["participation", "research"]  # kept in the canonical order
    second = draft_form(personas.lead)
    assert second.version == 2
    other_language = draft_form(personas.lead, language="fi")
    assert other_language.version == 1
    other_form = draft_form(personas.lead, form_key="follow-up")
    assert other_form.version == 1

    entries = audit_entries(AuditAction.CONSENT_FORM_CREATED)
    assert len(entries) == 4
    assert entries[1].details == {"form_key": "family-interview", "language": "en", "version": 2}
    assert entries[1].target_id == str(second.pk)
    assert entries[1].actor_id == personas.lead.pk


def test_a_form_must_ask_about_participation(personas: Personas) -> None:
    with pytest.raises(ServiceError):
        draft_form(personas.lead, purposes=["research", "audio"])
    with pytest.raises(ServiceError):
        draft_form(personas.lead, purposes=["participation", "selling"])
    assert not ConsentForm.objects.exists()
    assert audit_entries(AuditAction.CONSENT_FORM_CREATED) == []

    draft = draft_form(personas.lead)
    with pytest.raises(ServiceError):
        consent_form_update(
            actor=personas.lead, form=draft, content=form_content(purposes=["research"])
        )
    draft.refresh_from_db()
    assert "participation" in draft.purposes


def test_consent_form_update_edits_drafts_only(personas: Personas) -> None:
    draft = draft_form(personas.lead)
    updated = consent_form_update(
        actor=personas.lead,
        form=draft,
        content=form_content(title="  New title  ", retention_months=24),
    )
    assert (updated.title, updated.retention_months) == ("New title", 24)
    draft.refresh_from_db()
    assert draft.title == "New title"
    (entry,) = audit_entries(AuditAction.CONSENT_FORM_UPDATED)
    assert entry.target_id == str(draft.pk)

    published = consent_form_publish(actor=personas.lead, form=draft)
    with pytest.raises(ServiceError):
        consent_form_update(
            actor=personas.lead, form=published, content=form_content(title="Sneaky edit")
        )
    published.refresh_from_db()
    assert published.title == "New title"
    assert published.text_sha256 == text_hash(published)
    assert len(audit_entries(AuditAction.CONSENT_FORM_UPDATED)) == 1


def test_consent_form_publish_fixes_the_text_hash(personas: Personas) -> None:
    draft = draft_form(personas.lead)
    published = consent_form_publish(actor=personas.lead, form=draft)
    published.refresh_from_db()
    assert published.status == FormStatus.PUBLISHED
    assert published.published_at is not None
    assert published.text_sha256 == text_hash(published)
    assert len(published.text_sha256) == 64
    (entry,) = audit_entries(AuditAction.CONSENT_FORM_PUBLISHED)
    assert entry.details == {"sha256": published.text_sha256, "version": 1}
    with pytest.raises(ServiceError):
        consent_form_publish(actor=personas.lead, form=published)

    # The hash covers what the family agrees to, e.g. the retention period.
    other = consent_form_publish(
        actor=personas.lead, form=draft_form(personas.lead, retention_months=61)
    )
    assert other.text_sha256 != published.text_sha256


def test_consent_form_retire(personas: Personas) -> None:
    draft = draft_form(personas.lead)
    with pytest.raises(ServiceError):
        consent_form_retire(actor=personas.lead, form=draft)
    published = consent_form_publish(actor=personas.lead, form=draft)
    retired = consent_form_retire(actor=personas.lead, form=published)
    retired.refresh_from_db()
    assert retired.status == FormStatus.RETIRED
    assert retired.retired_at is not None
    assert retired.text_sha256 == published.text_sha256
    (entry,) = audit_entries(AuditAction.CONSENT_FORM_RETIRED)
    assert entry.target_id == str(retired.pk)
    with pytest.raises(ServiceError):
        consent_form_retire(actor=personas.lead, form=retired)


def test_consent_form_new_version_copies_the_content(personas: Personas) -> None:
    original = published_form(
        personas.lead,
        purposes=["participation", "archiving", "recontact"],
        retention_months=120,
        withdrawal_effect=RemovalMode.ERASE,
        anonymised_data_stays_in_statistics=False,
    )
    copy = consent_form_new_version(actor=personas.lead, form=original)
    assert (copy.version, copy.status, copy.text_sha256) == (2, FormStatus.DRAFT, "")
    fields = [
        "form_key",
        "language",
        "title",
        "body",
        "purposes",
        "retention_months",
        "legal_basis",
        "withdrawal_effect",
        "anonymised_data_stays_in_statistics",
    ]
    assert {f: getattr(copy, f) for f in fields} == {f: getattr(original, f) for f in fields}
    assert last_entry(AuditAction.CONSENT_FORM_CREATED).details["version"] == 2
    # Same content, same hash: the version number is not part of what the family reads.
    assert consent_form_publish(actor=personas.lead, form=copy).text_sha256 == (
        original.text_sha256
    )


# ============================================================================ consent records


def test_consent_needs_a_published_form(personas: Personas, family: Family) -> None:
    draft = draft_form(personas.lead, form_key="draft-only")
    with pytest.raises(ServiceError):
        record(personas, family, draft)
    retired = consent_form_retire(
        actor=personas.lead, form=published_form(personas.lead, form_key="old-form")
    )
    with pytest.raises(ServiceError):
        record(personas, family, retired)
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param({"participation": True, "audio": True, "research": True}, id="one-missing"),
        pytest.param(
            {"participation": True, "audio": True, "research": True, "quotation": True,
             "archiving": True},
            id="one-not-offered",
        ),
        pytest.param({}, id="none"),
    ],
)  # fmt: skip
def test_every_offered_purpose_must_be_answered(
    personas: Personas, family: Family, form: ConsentForm, answers: dict[str, bool]
) -> None:
    with pytest.raises(ServiceError):
        record(personas, family, form, purposes=answers)
    assert not ConsentRecord.objects.exists()


REFUSED_INPUTS = {
    "assent-not-asked-at-12": {
        "child_age": 12,
        "child_assent": ChildAssent.NOT_ASKED,
        "child_assent_reason": "The child was too upset.",
    },
    "assent-not-asked-at-17": {
        "child_age": 17,
        "child_assent": ChildAssent.NOT_ASKED,
        "child_assent_reason": "No time.",
    },
    "not-asked-without-reason": {
        "child_age": 6,
        "child_assent": ChildAssent.NOT_ASKED,
        "child_assent_reason": "",
    },
    "not-asked-with-blank-reason": {
        "child_age": 6,
        "child_assent": ChildAssent.NOT_ASKED,
        "child_assent_reason": "   ",
    },
    "oral-without-witness": {"method": ConsentMethod.ORAL, "witness": None},
    "future-date": {"consent_date": timezone.localdate() + timedelta(days=1)},
    "suspect-guardian-asked": {
        "other_guardian_is_suspect": True,
        "guardian_consent": GuardianConsent.BOTH,
    },
    "child-declined-but-participation": {"child_assent": ChildAssent.DECLINED},
}


@pytest.mark.parametrize("overrides", REFUSED_INPUTS.values(), ids=REFUSED_INPUTS.keys())
def test_invalid_consent_is_refused_and_nothing_is_saved(
    personas: Personas, family: Family, form: ConsentForm, overrides: dict
) -> None:
    with pytest.raises(ServiceError):
        record(personas, family, form, **overrides)
    assert not ConsentRecord.objects.exists()
    assert audit_entries(AuditAction.CONSENT_RECORDED) == []


def test_valid_variants_are_accepted(personas: Personas, form: ConsentForm) -> None:
    young = make_family(personas.staff, personas.helsinki)
    consent = record(
        personas,
        young,
        form,
        child_age=5,
        child_assent=ChildAssent.NOT_ASKED,
        child_assent_reason="  Too young to understand the question.  ",
    )
    assert consent.child_assent_reason == "Too young to understand the question."

    oral = record(
        personas,
        make_family(personas.staff, personas.helsinki),
        form,
        method=ConsentMethod.ORAL,
        witness=personas.colleague,
    )
    assert oral.witness == personas.colleague

    suspect = record(
        personas,
        make_family(personas.staff, personas.helsinki),
        form,
        other_guardian_is_suspect=True,
        guardian_consent=GuardianConsent.ONE_OTHER_SUSPECT,
    )
    assert suspect.status == ConsentStatus.ACTIVE

    declined = record(
        personas,
        make_family(personas.staff, personas.helsinki),
        form,
        child_assent=ChildAssent.DECLINED,
        refuse=("participation",),
    )
    assert declined.purposes["participation"] is False


@pytest.mark.parametrize(
    ("consent_date", "months", "expected"),
    [
        (date(2025, 1, 31), 24, date(2027, 1, 31)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_retention_until_is_the_consent_date_plus_the_retention_period(
    personas: Personas, family: Family, consent_date: date, months: int, expected: date
) -> None:
    form = published_form(personas.lead, retention_months=months)
    consent = record(personas, family, form, consent_date=consent_date)
    consent.refresh_from_db()
    assert consent.retention_until == expected


def test_a_new_consent_supersedes_the_previous_one(
    personas: Personas, family: Family, form: ConsentForm
) -> None:
    first = record(personas, family, form)
    second = record(personas, family, form, refuse=("quotation",))
    first.refresh_from_db()
    assert first.status == ConsentStatus.SUPERSEDED
    assert first.superseded_by == second
    assert first.ended_at is not None
    assert second.status == ConsentStatus.ACTIVE
    assert list(ConsentRecord.objects.filter(family=family).active()) == [second]
    assert last_entry(AuditAction.CONSENT_RECORDED).details["superseded"] == [first.pk]


def test_the_database_allows_one_active_consent_per_family(
    personas: Personas, family: Family, form: ConsentForm
) -> None:
    existing = record(personas, family, form)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentRecord.objects.create(
            family=family,
            form=form,
            purposes=existing.purposes,
            consenter_relationship=existing.consenter_relationship,
            guardian_consent=existing.guardian_consent,
            child_age=existing.child_age,
            child_assent=existing.child_assent,
            method=existing.method,
            consent_date=existing.consent_date,
            retention_until=existing.retention_until,
            recorded_by=personas.staff,
            status=ConsentStatus.ACTIVE,
        )
    assert ConsentRecord.objects.filter(family=family).count() == 1


def test_consent_recorded_audit_lists_purposes_and_no_identity(
    personas: Personas, family: Family, form: ConsentForm
) -> None:
    consent = record(personas, family, form, refuse=("quotation", "audio"))
    entry = last_entry(AuditAction.CONSENT_RECORDED)
    assert (entry.target_type, entry.target_id) == ("consent.consentrecord", str(consent.pk))
    assert entry.actor_id == personas.staff.pk
    assert entry.details["family"] == family.code
    assert entry.details["granted"] == ["participation", "research"]
    assert entry.details["refused"] == ["audio", "quotation"]
    assert entry.details["evidence"] is False
    assert entry.details["superseded"] == []
    text = json.dumps([entry.reason, entry.details, entry.target_id], ensure_ascii=False)
    for value in PLANTED.values():
        assert value.casefold() not in text.casefold()


# ============================================================================ the consent gate


def test_gate_follows_the_answers(personas: Personas, family: Family, form: ConsentForm) -> None:
    consent = record(personas, family, form, refuse=("quotation",))
    assert consent_allows(family, Purpose.PARTICIPATION)
    assert consent_allows(family, "research")
    assert require_consent(family, Purpose.RESEARCH) == consent
    assert not consent_allows(family, Purpose.QUOTATION)  # refused
    assert not consent_allows(family, Purpose.ARCHIVING)  # never offered
    with pytest.raises(ConsentRequired):
        require_consent(family, Purpose.QUOTATION)


def test_gate_is_closed_without_consent(personas: Personas, family: Family) -> None:
    for purpose in Purpose.values:
        assert not consent_allows(family, purpose)
    with pytest.raises(ConsentRequired):
        require_consent(family, Purpose.PARTICIPATION)


def test_gate_closes_a_purpose_withdrawn(
    personas: Personas, family: Family, form: ConsentForm
) -> None:
    consent = record(personas, family, form)
    consent_withdraw(
        actor=personas.staff,
        consent=consent,
        purposes=["research"],
        full=False,
        withdrawn_on=timezone.localdate(),
    )
    assert not consent_allows(family, Purpose.RESEARCH)
    with pytest.raises(ConsentRequired):
        require_consent(family, Purpose.RESEARCH)
    assert consent_allows(family, Purpose.PARTICIPATION)
    assert consent_allows(family, Purpose.AUDIO)


def test_gate_closes_everything_after_a_full_withdrawal(
    personas: Personas, family: Family, form: ConsentForm
) -> None:
    consent = record(personas, family, form)
    consent_withdraw(
        actor=personas.staff, consent=consent, purposes=[], full=True, withdrawn_on=date.today()
    )
    family.refresh_from_db()
    for purpose in Purpose.values:
        assert not consent_allows(family, purpose)
    with pytest.raises(ConsentRequired):
        require_consent(family, Purpose.PARTICIPATION)


def test_gate_closes_when_retention_has_passed(
    personas: Personas, family: Family, form: ConsentForm
) -> None:
    consent = record(personas, family, form)
    with time_machine.travel(at_noon(consent.retention_until), tick=False):
        assert consent_allows(family, Purpose.RESEARCH)  # the last day still counts
    with time_machine.travel(at_noon(consent.retention_until + timedelta(days=1)), tick=False):
        assert not consent_allows(family, Purpose.RESEARCH)
        assert not consent_allows(family, Purpose.PARTICIPATION)
        with pytest.raises(ConsentRequired):
            require_consent(family, Purpose.PARTICIPATION)


# ============================================================================ withdrawals


def test_partial_withdrawal_keeps_the_consent_active(
    personas: Personas, family: Family, form: ConsentForm
) -> None:
    consent = record(personas, family, form)
    withdrawal = consent_withdraw(
        actor=personas.staff,
        consent=consent,
        purposes=["quotation", "research"],
        full=False,
        withdrawn_on=timezone.localdate(),
    )
    consent.refresh_from_db()
    family.refresh_from_db()
    assert consent.status == ConsentStatus.ACTIVE
    assert consent.withdrawn_purposes == ["quotation", "research"]
    assert consent.partly_withdrawn
    assert (withdrawal.is_full, withdrawal.effect) == (False, "")
    assert withdrawal.purposes == ["quotation", "research"]
    assert family.removal_requested_at is None
    assert not family.awaiting_removal
    assert family in Family.objects.in_use()
    assert family not in Family.objects.awaiting_removal()
    entry = last_entry(AuditAction.CONSENT_WITHDRAWN)
    assert entry.details == {
        "family": family.code,
        "purposes": ["quotation", "research"],
        "full": False,
        "effect": "",
        "withdrawal_id": withdrawal.pk,
    }


@pytest.mark.parametrize("effect", [RemovalMode.ANONYMISE, RemovalMode.ERASE])
def test_full_withdrawal_queues_removal_as_the_form_promised(
    personas: Personas, family: Family, effect: RemovalMode
) -> None:
    form = published_form(personas.lead, withdrawal_effect=effect)
    consent = record(personas, family, form, refuse=("audio",))
    withdrawal = consent_withdraw(
        actor=personas.colleague,
        consent=consent,
        purposes=[],
        full=True,
        withdrawn_on=timezone.localdate(),
    )
    consent.refresh_from_db()
    family.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN
    assert consent.ended_at is not None
    assert consent.withdrawn_purposes == ["participation", "quotation", "research"]
    assert (withdrawal.is_full, withdrawal.effect) == (True, effect)
    assert family.removal_requested_at is not None
    assert family.removal_mode == effect
    assert family.awaiting_removal
    assert family not in Family.objects.in_use()
    assert list(Family.objects.awaiting_removal()) == [family]
    entry = last_entry(AuditAction.CONSENT_WITHDRAWN)
    assert entry.actor_id == personas.colleague.pk
    assert entry.details["purposes"] == ["participation", "quotation", "research"]
    assert (entry.details["full"], entry.details["effect"]) == (True, str(effect))
    # No new consent for a family that withdrew.
    with pytest.raises(ServiceError):
        record(personas, family, form)


def test_withdrawing_participation_is_a_full_withdrawal(
    personas: Personas, family: Family, form: ConsentForm
) -> None:
    consent = record(personas, family, form)
    withdrawal = consent_withdraw(
        actor=personas.staff,
        consent=consent,
        purposes=["participation"],
        full=False,
        withdrawn_on=timezone.localdate(),
    )
    consent.refresh_from_db()
    family.refresh_from_db()
    assert withdrawal.is_full
    assert consent.status == ConsentStatus.WITHDRAWN
    assert family.removal_mode == form.withdrawal_effect
    assert family not in Family.objects.in_use()
    assert last_entry(AuditAction.CONSENT_WITHDRAWN).details["full"] is True


def test_withdrawing_the_last_granted_purposes_is_a_full_withdrawal(
    personas: Personas, family: Family, form: ConsentForm
) -> None:
    consent = record(personas, family, form, refuse=("audio",))
    consent_withdraw(
        actor=personas.staff,
        consent=consent,
        purposes=["research", "quotation"],
        full=False,
        withdrawn_on=timezone.localdate(),
    )
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.ACTIVE
    # Only participation is left; withdrawing "everything left" ends the consent.
    withdrawal = consent_withdraw(
        actor=personas.staff,
        consent=consent,
        purposes=["participation"],
        full=False,
        withdrawn_on=timezone.localdate(),
    )
    assert withdrawal.is_full
    assert withdrawal.purposes == ["participation"]


def test_only_an_active_consent_can_be_withdrawn(
    personas: Personas, family: Family, form: ConsentForm
) -> None:
    superseded = record(personas, family, form)
    active = record(personas, family, form)
    with pytest.raises(ServiceError):
        consent_withdraw(
            actor=personas.staff,
            consent=superseded,
            purposes=[],
            full=True,
            withdrawn_on=timezone.localdate(),
        )
    consent_withdraw(
        actor=personas.staff, consent=active, purposes=[], full=True, withdrawn_on=date.today()
    )
    with pytest.raises(ServiceError):
        consent_withdraw(
            actor=personas.staff,
            consent=active,
            purposes=["research"],
            full=False,
            withdrawn_on=timezone.localdate(),
        )
    assert ConsentWithdrawal.objects.count() == 1
    assert len(audit_entries(AuditAction.CONSENT_WITHDRAWN)) == 1


def test_a_partial_withdrawal_must_name_a_granted_purpose(
    personas: Personas, family: Family, form: ConsentForm
) -> None:
    consent = record(personas, family, form, refuse=("quotation",))
    for purposes in ([], ["quotation"], ["archiving"]):
        with pytest.raises(ServiceError):
            consent_withdraw(
                actor=personas.staff,
                consent=consent,
                purposes=purposes,
                full=False,
                withdrawn_on=timezone.localdate(),
            )
    assert not ConsentWithdrawal.objects.exists()


# ============================================================================ evidence


def test_pdf_evidence_is_stored_encrypted_and_opened_with_an_audit_entry(
    personas: Personas, family: Family, form: ConsentForm
) -> None:
    consent = record(personas, family, form, evidence=MINIMAL_PDF)
    evidence = ConsentEvidence.objects.get(consent=consent)
    stored = bytes(evidence.ciphertext)
    assert MINIMAL_PDF not in stored
    assert b"%PDF" not in stored
    assert b"/Catalog" not in stored
    assert evidence.size == len(MINIMAL_PDF)
    assert evidence.sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
    # Encrypted with the family's own data key, bound to this consent.
    key = family_data_key(family)
    assert unseal(key, stored, evidence.associated_data()) == MINIMAL_PDF
    assert last_entry(AuditAction.CONSENT_RECORDED).details["evidence"] is True

    before = AuditEvent.objects.count()
    assert consent_evidence_open(actor=personas.colleague, consent=consent) == MINIMAL_PDF
    assert AuditEvent.objects.count() == before + 1
    entry = last_entry(AuditAction.CONSENT_EVIDENCE_VIEWED)
    assert entry.actor_id == personas.colleague.pk
    assert (entry.target_type, entry.target_id) == ("consent.consentrecord", str(consent.pk))
    assert entry.details == {"family": family.code}


def test_a_pdf_of_exactly_the_size_limit_is_accepted(
    personas: Personas, family: Family, form: ConsentForm
) -> None:
    head, tail = b"%PDF-1.4\n", b"\n%%EOF\n"
    content = head + b"0" * (MAX_EVIDENCE_BYTES - len(head) - len(tail)) + tail
    assert len(content) == MAX_EVIDENCE_BYTES
    consent = record(personas, family, form, evidence=content)
    assert ConsentEvidence.objects.get(consent=consent).size == MAX_EVIDENCE_BYTES


BAD_EVIDENCE = {
    "png-renamed-to-pdf": PNG_BYTES,
    "plain-text": b"The guardian signed the consent form on paper.\n",
    "empty": b"",
    "pdf-header-without-end": b"%PDF-1.4\n1 0 obj << >> endobj\n",
    "over-10-mb": b"%PDF-1.4\n" + b"0" * MAX_EVIDENCE_BYTES + b"\n%%EOF\n",
}


@pytest.mark.parametrize("content", BAD_EVIDENCE.values(), ids=BAD_EVIDENCE.keys())
def test_non_pdf_or_oversized_evidence_is_refused_and_nothing_is_saved(
    personas: Personas, family: Family, form: ConsentForm, content: bytes
) -> None:
    with pytest.raises(ServiceError):
        record(personas, family, form, evidence=content)
    assert not ConsentRecord.objects.exists()
    assert not ConsentEvidence.objects.exists()
    assert audit_entries(AuditAction.CONSENT_RECORDED) == []


def test_evidence_is_shredded_with_the_family_data_key(
    personas: Personas, family: Family, form: ConsentForm
) -> None:
    consent = record(personas, family, form, evidence=MINIMAL_PDF)
    data_key_destroy(IdentityVault.objects.get(family=family).key_ref)
    with pytest.raises(IdentityUnavailable):
        consent_evidence_open(actor=personas.staff, consent=consent)
    assert audit_entries(AuditAction.CONSENT_EVIDENCE_VIEWED) == []


def test_opening_missing_evidence_is_a_service_error(
    personas: Personas, family: Family, form: ConsentForm
) -> None:
    consent = record(personas, family, form)
    with pytest.raises(ServiceError):
        consent_evidence_open(actor=personas.staff, consent=consent)
    assert audit_entries(AuditAction.CONSENT_EVIDENCE_VIEWED) == []
