"""Services of the request register: each writes its one audit entry; deadlines and their rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.services import ServiceError
from audit.models import AuditAction, AuditEvent
from casestudies.interview_services import interview_create
from casestudies.models import Family, FamilyStatus, IdentityVault, Interview
from casestudies.services import family_create
from consent.models import ConsentRecord
from consent.services import consent_record
from retention.services import family_legal_hold_set
from subject_requests.models import (
    RefusalGround,
    RequestStatus,
    RequestType,
    SubjectRequest,
)
from subject_requests.selectors import open_register, overdue_and_soon_due
from subject_requests.services import (
    request_close,
    request_erase,
    request_extend,
    request_update,
)
from tests.casestudies.test_vault import PLANTED_FRAGMENTS, entry_text, hits_in_main_database
from tests.conftest import Personas
from tests.factories import PLANTED, consent_input, planted_identity, published_form
from tests.subject_requests.conftest import at_noon, register

pytestmark = pytest.mark.django_db

NEEDLES = [*PLANTED.values(), *PLANTED_FRAGMENTS]


def only_entry(action: str) -> AuditEvent:
    entries = list(AuditEvent.objects.filter(action=action))
    assert len(entries) == 1, (action, len(entries))
    return entries[0]


def count_entries() -> int:
    return AuditEvent.objects.count()


# ---------------------------------------------------------------------------- register


def test_register_sets_the_deadline_one_month_after_receipt_and_writes_one_entry(
    personas: Personas, family: Family
) -> None:
    before = count_entries()
    request = register(personas, family, RequestType.ERASURE, received_on=date(2026, 1, 31))
    assert request.due_on == date(2026, 2, 28)  # one calendar month, clamped to month end
    assert request.deadline == date(2026, 2, 28)
    assert request.status == RequestStatus.OPEN
    assert request.created_by == personas.dpo
    assert count_entries() == before + 1
    entry = only_entry(AuditAction.REQUEST_REGISTERED)
    assert entry.actor_id == personas.dpo.pk
    assert (entry.target_type, entry.target_id) == (
        "subject_requests.subjectrequest",
        str(request.pk),
    )
    assert entry.details == {
        "family": family.code,
        "type": "erasure",
        "received_on": "2026-01-31",
        "due_on": "2026-02-28",
    }


def test_register_refuses_a_date_in_the_future(personas: Personas, family: Family) -> None:
    with pytest.raises(ServiceError):
        register(personas, family, received_on=timezone.localdate() + timedelta(days=1))
    assert not SubjectRequest.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.REQUEST_REGISTERED).exists()


def test_notes_may_not_repeat_the_familys_identity(personas: Personas) -> None:
    family = family_create(
        actor=personas.staff, centre=personas.helsinki, identity=planted_identity()
    )
    with pytest.raises(ServiceError):
        register(personas, family, notes=f"Called {PLANTED['respondent_name']} back")
    request = register(personas, family, notes="Called the mother back")
    with pytest.raises(ServiceError):
        request_update(
            actor=personas.dpo,
            request=request,
            status=RequestStatus.IN_PROGRESS,
            handling_notes=f"Her e-mail is {PLANTED['respondent_email']}",
        )


# ---------------------------------------------------------------------------- update


def test_update_changes_notes_and_status_and_records_only_what_changed(
    personas: Personas, family: Family
) -> None:
    request = register(personas, family)
    before = count_entries()
    updated = request_update(
        actor=personas.dpo,
        request=request,
        status=RequestStatus.IN_PROGRESS,
        handling_notes="Asked the centre for the signed form (synthetic note zq-5521).",
    )
    assert updated.status == RequestStatus.IN_PROGRESS
    assert "zq-5521" in updated.handling_notes
    assert count_entries() == before + 1
    entry = only_entry(AuditAction.REQUEST_UPDATED)
    assert entry.details == {
        "family": family.code,
        "changed": ["status", "handling_notes"],
        "status": "in_progress",
    }
    assert "zq-5521" not in entry_text(entry)
    assert updated.history.count() == 2


def test_update_cannot_close_a_request(personas: Personas, family: Family) -> None:
    request = register(personas, family)
    with pytest.raises(ServiceError):
        request_update(
            actor=personas.dpo, request=request, status=RequestStatus.COMPLETED, handling_notes=""
        )


# ---------------------------------------------------------------------------- extension


def test_the_deadline_can_be_extended_once_by_at_most_two_months_with_a_reason(
    personas: Personas, family: Family
) -> None:
    request = register(personas, family, received_on=date(2026, 1, 10))
    assert request.due_on == date(2026, 2, 10)
    with pytest.raises(ServiceError):
        request_extend(
            actor=personas.dpo, request=request, extended_to=date(2026, 3, 10), reason="  "
        )
    with pytest.raises(ServiceError):  # more than two further months
        request_extend(
            actor=personas.dpo, request=request, extended_to=date(2026, 4, 11), reason="complex"
        )
    with pytest.raises(ServiceError):  # not later than the due date
        request_extend(
            actor=personas.dpo, request=request, extended_to=date(2026, 2, 10), reason="complex"
        )
    assert not AuditEvent.objects.filter(action=AuditAction.REQUEST_EXTENDED).exists()

    before = count_entries()
    extended = request_extend(
        actor=personas.dpo,
        request=request,
        extended_to=date(2026, 4, 10),
        reason="Interviews at two centres must be collected",
    )
    assert extended.deadline == date(2026, 4, 10)
    assert extended.due_on == date(2026, 2, 10)
    assert extended.extension_reason == "Interviews at two centres must be collected"
    assert count_entries() == before + 1
    entry = only_entry(AuditAction.REQUEST_EXTENDED)
    assert entry.reason == "Interviews at two centres must be collected"
    assert entry.details == {
        "family": family.code,
        "due_on": "2026-02-10",
        "extended_to": "2026-04-10",
    }
    with pytest.raises(ServiceError):  # only once
        request_extend(
            actor=personas.dpo, request=extended, extended_to=date(2026, 3, 1), reason="again"
        )


# ---------------------------------------------------------------------------- closing


def test_completing_a_request_writes_one_closing_entry(personas: Personas, family: Family) -> None:
    request = register(personas, family, RequestType.RECTIFICATION)
    before = count_entries()
    closed = request_close(
        actor=personas.dpo, request=request, outcome=RequestStatus.COMPLETED, note="Corrected"
    )
    assert closed.status == RequestStatus.COMPLETED
    assert closed.closed_at is not None
    assert closed.refusal_ground == ""
    assert count_entries() == before + 1
    entry = only_entry(AuditAction.REQUEST_CLOSED)
    assert entry.details == {
        "family": family.code,
        "type": "rectification",
        "outcome": "completed",
        "ground": "",
    }
    with pytest.raises(ServiceError):  # a closed request stays closed
        request_update(
            actor=personas.dpo, request=closed, status=RequestStatus.OPEN, handling_notes=""
        )
    with pytest.raises(ServiceError):
        request_extend(
            actor=personas.dpo, request=closed, extended_to=closed.latest_extension, reason="x"
        )


def test_a_refusal_needs_a_ground_and_a_note(personas: Personas, family: Family) -> None:
    request = register(personas, family, RequestType.RESTRICTION)
    with pytest.raises(ServiceError):
        request_close(
            actor=personas.dpo, request=request, outcome=RequestStatus.REFUSED, note="Because"
        )
    with pytest.raises(ServiceError):
        request_close(
            actor=personas.dpo,
            request=request,
            outcome=RequestStatus.REFUSED,
            refusal_ground=RefusalGround.UNFOUNDED_OR_EXCESSIVE,
        )
    refused = request_close(
        actor=personas.dpo,
        request=request,
        outcome=RequestStatus.REFUSED,
        refusal_ground=RefusalGround.UNFOUNDED_OR_EXCESSIVE,
        note="The fifth identical request this month",
    )
    assert refused.status == RequestStatus.REFUSED
    entry = only_entry(AuditAction.REQUEST_CLOSED)
    assert entry.reason == "The fifth identical request this month"
    assert entry.details["ground"] == "art12_5"


def test_refusing_erasure_on_the_research_exemption_is_recorded_as_its_own_action(
    personas: Personas, family: Family
) -> None:
    request = register(personas, family, RequestType.ERASURE)
    before = count_entries()
    refused = request_close(
        actor=personas.dpo,
        request=request,
        outcome=RequestStatus.REFUSED,
        refusal_ground=RefusalGround.RESEARCH_EXEMPTION,
        note="Anonymised data is part of the published 2026 analysis; identity will be erased.",
    )
    assert refused.refusal_ground == RefusalGround.RESEARCH_EXEMPTION
    assert refused.closing_note.startswith("Anonymised data")
    assert count_entries() == before + 1
    entry = only_entry(AuditAction.REQUEST_ERASURE_REFUSED)
    assert entry.details == {
        "family": family.code,
        "type": "erasure",
        "outcome": "refused",
        "ground": "art17_3_d",
    }
    assert not AuditEvent.objects.filter(action=AuditAction.REQUEST_CLOSED).exists()
    assert Family.objects.get(pk=family.pk).status == FamilyStatus.ACTIVE


def test_the_research_exemption_applies_to_erasure_only(personas: Personas, family: Family) -> None:
    request = register(personas, family, RequestType.ACCESS)
    with pytest.raises(ServiceError):
        request_close(
            actor=personas.dpo,
            request=request,
            outcome=RequestStatus.REFUSED,
            refusal_ground=RefusalGround.RESEARCH_EXEMPTION,
            note="n/a",
        )


def test_an_erasure_request_is_completed_only_by_erasing(
    personas: Personas, family: Family
) -> None:
    request = register(personas, family, RequestType.ERASURE)
    with pytest.raises(ServiceError):
        request_close(actor=personas.dpo, request=request, outcome=RequestStatus.COMPLETED)
    assert SubjectRequest.objects.get(pk=request.pk).status == RequestStatus.OPEN


# ---------------------------------------------------------------------------- erasure


def _consented_family_with_interview(personas: Personas) -> Family:
    form = published_form(personas.admin, form_key="dsr-erase")
    family = family_create(
        actor=personas.staff, centre=personas.helsinki, identity=planted_identity()
    )
    consent_record(actor=personas.staff, family=family, data=consent_input(form))
    interview_create(
        actor=personas.staff,
        family=family,
        values={
            "narrative_what_happened": (
                f"{PLANTED['respondent_name']} found messages from {PLANTED['offender_username']}."
            )
        },
    )
    return family


def test_erasure_leaves_only_the_tombstone_and_completes_the_request(
    personas: Personas,
) -> None:
    family = _consented_family_with_interview(personas)
    request = register(personas, family, RequestType.ERASURE)
    assert hits_in_main_database(NEEDLES) != []  # the search below is not vacuous

    completed = request_erase(actor=personas.dpo, request=request)

    assert completed.status == RequestStatus.COMPLETED
    assert completed.closed_at is not None
    tombstone = Family.objects.get(pk=family.pk)
    assert tombstone.code == family.code
    assert tombstone.status == FamilyStatus.ERASED
    assert tombstone.centre_id is None
    assert not IdentityVault.objects.filter(family=family).exists()
    assert not Interview.objects.filter(family=family).exists()
    assert not ConsentRecord.objects.filter(family=family).exists()
    assert hits_in_main_database(NEEDLES) == []
    erased = only_entry(AuditAction.FAMILY_ERASED)
    assert (erased.target_id, erased.actor_id) == (family.code, personas.dpo.pk)
    closing = only_entry(AuditAction.REQUEST_CLOSED)
    assert closing.target_id == str(request.pk)
    assert closing.details["family_status"] == "erased"
    assert closing.details["erased_now"] is True
    # The register keeps the request as proof of the answer.
    assert SubjectRequest.objects.get(pk=request.pk).family_id == family.pk


def test_erasure_is_refused_while_the_family_is_on_legal_hold(personas: Personas) -> None:
    family = _consented_family_with_interview(personas)
    request = register(personas, family, RequestType.ERASURE)
    family_legal_hold_set(actor=personas.dpo, family=family, reason="court proceedings")
    request.refresh_from_db()
    with pytest.raises(ServiceError):
        request_erase(actor=personas.dpo, request=request)
    assert Family.objects.get(pk=family.pk).status == FamilyStatus.ACTIVE
    assert SubjectRequest.objects.get(pk=request.pk).status == RequestStatus.OPEN
    assert not AuditEvent.objects.filter(action=AuditAction.FAMILY_ERASED).exists()


def test_only_an_erasure_request_erases(personas: Personas, family: Family) -> None:
    request = register(personas, family, RequestType.ACCESS)
    with pytest.raises(ServiceError):
        request_erase(actor=personas.dpo, request=request)
    assert Family.objects.get(pk=family.pk).status == FamilyStatus.ACTIVE


# ---------------------------------------------------------------------------- deadlines


def test_deadlines_turn_soon_due_then_overdue_as_time_passes(
    personas: Personas, family: Family
) -> None:
    with time_machine.travel(at_noon(date(2026, 3, 2)), tick=False):
        request = register(personas, family, received_on=date(2026, 3, 2))
        closed = register(personas, family, RequestType.RECTIFICATION, received_on=date(2026, 3, 2))
        request_close(actor=personas.dpo, request=closed, outcome=RequestStatus.COMPLETED)
    assert request.due_on == date(2026, 4, 2)

    def state_on(day: date) -> tuple[str, int, int]:
        with time_machine.travel(at_noon(day), tick=False):
            deadlines = overdue_and_soon_due()
            states = {row.request.pk: row.deadline_state for row in open_register()}
            assert closed.pk not in states  # closed requests are never flagged
            return states[request.pk], deadlines.overdue, deadlines.soon_due

    assert state_on(date(2026, 3, 25)) == ("", 0, 0)
    assert state_on(date(2026, 3, 26)) == ("soon", 0, 1)  # 7 days before the deadline
    assert state_on(date(2026, 4, 2)) == ("soon", 0, 1)  # due today: not yet overdue
    assert state_on(date(2026, 4, 3)) == ("overdue", 1, 0)

    with time_machine.travel(at_noon(date(2026, 4, 3)), tick=False):
        request_extend(
            actor=personas.dpo, request=request, extended_to=date(2026, 6, 2), reason="complex"
        )
    assert state_on(date(2026, 4, 3)) == ("", 0, 0)
    assert state_on(date(2026, 5, 27)) == ("soon", 0, 1)
    assert state_on(date(2026, 6, 3)) == ("overdue", 1, 0)
