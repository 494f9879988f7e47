"""Interviews: the consent gate, optimistic locking, screening, the four-eyes workflow and
audited reads."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role
from accounts.services import ServiceError
from audit.models import AuditAction, AuditEvent
from casestudies.interview_services import (
    EditConflict,
    interview_confirm_findings,
    interview_create,
    interview_findings,
    interview_lock,
    interview_redact_finding,
    interview_submit,
    interview_unlock,
    interview_update,
)
from casestudies.models import Interview, InterviewStatus, VocabularyTerm
from consent.services import ConsentRequired, consent_record, consent_withdraw
from tests.conftest import Personas, make_user
from tests.factories import consent_input, make_family, planted_identity, published_form

pytestmark = pytest.mark.django_db

CLEAN = {
    "interview_year": 2026,
    "interview_month": 3,
    "violence_types": ["grooming", "sextortion"],
    "agencies": ["police", "barnahus", "child_welfare"],
    "narrative_what_helped": "The parents' group and a patient social worker helped most.",
}


@pytest.fixture
def consented_family(personas: Personas):
    form = published_form(personas.admin)
    family = make_family(personas.staff, personas.helsinki, planted_identity())
    consent = consent_record(actor=personas.staff, family=family, data=consent_input(form))
    family.consent = consent  # type: ignore[attr-defined]
    return family


def entries(action: AuditAction) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_no_interview_without_consent_to_take_part(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki)
    with pytest.raises(ConsentRequired):
        interview_create(actor=personas.staff, family=family, values=CLEAN)
    form = published_form(personas.admin, form_key="no-part")
    consent_record(
        actor=personas.staff,
        family=family,
        data=consent_input(form, refuse=("participation",), child_assent="declined"),
    )
    with pytest.raises(ConsentRequired):
        interview_create(actor=personas.staff, family=family, values=CLEAN)
    assert Interview.objects.count() == 0


def test_a_withdrawal_stops_further_edits(personas: Personas, consented_family) -> None:
    interview = interview_create(actor=personas.staff, family=consented_family, values=CLEAN)
    consent_withdraw(
        actor=personas.staff,
        consent=consented_family.consent,
        purposes=[],
        full=True,
        withdrawn_on=timezone.localdate(),
    )
    with pytest.raises(ConsentRequired):
        interview_update(
            actor=personas.staff, interview=interview, values=CLEAN, expected_revision=1
        )


def test_quotable_passages_need_quotation_consent(personas: Personas) -> None:
    form = published_form(personas.admin)
    family = make_family(personas.staff, personas.helsinki)
    consent_record(
        actor=personas.staff, family=family, data=consent_input(form, refuse=("quotation",))
    )
    with pytest.raises(ServiceError):
        interview_create(
            actor=personas.staff,
            family=family,
            values={**CLEAN, "quotable_passages": "We finally felt heard."},
        )


def test_a_stale_save_is_refused_and_overwrites_nothing(
    personas: Personas, consented_family
) -> None:
    interview = interview_create(actor=personas.staff, family=consented_family, values=CLEAN)
    interview_update(
        actor=personas.colleague,
        interview=interview,
        values={"narrative_advice": "Colleague's text."},
        expected_revision=1,
    )
    with pytest.raises(EditConflict) as conflict:
        interview_update(
            actor=personas.staff,
            interview=interview,
            values={"narrative_advice": "Staff's text."},
            expected_revision=1,
        )
    assert conflict.value.current.narrative_advice == "Colleague's text."
    interview.refresh_from_db()
    assert interview.narrative_advice == "Colleague's text."
    assert interview.revision == 2


def test_the_conflict_page_shows_both_versions_and_keeps_mine(
    personas: Personas, consented_family
) -> None:
    interview = interview_create(actor=personas.staff, family=consented_family, values=CLEAN)
    interview_update(
        actor=personas.colleague,
        interview=interview,
        values={"narrative_advice": "Colleague's careful advice."},
        expected_revision=1,
    )
    client = personas.client_for("staff")
    response = client.post(
        reverse("interview_edit", args=[interview.code]),
        {"revision": "1", "interview_month": "2026-03", "narrative_advice": "My own advice text."},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Colleague&#x27;s careful advice." in page
    assert "My own advice text." in page
    interview.refresh_from_db()
    assert interview.narrative_advice == "Colleague's careful advice."
    # Saving from the conflict page (with the new revision) is a deliberate overwrite.
    again = client.post(
        reverse("interview_edit", args=[interview.code]),
        {
            "revision": str(interview.revision),
            "interview_month": "2026-03",
            "narrative_advice": "My own advice text.",
        },
    )
    assert again.status_code == 302
    interview.refresh_from_db()
    assert interview.narrative_advice == "My own advice text."


def test_screening_flags_vault_values_and_blocks_submission(
    personas: Personas, consented_family
) -> None:
    interview = interview_create(
        actor=personas.staff,
        family=consented_family,
        values={
            **CLEAN,
            "narrative_what_happened": (
                "Zyxwa found messages from plantedhandle_77 and rang +358 40 111 2222."
            ),
        },
    )
    findings = interview_findings(interview)
    kinds = {item.finding.kind for item in findings}
    assert "vault_value" in kinds
    assert "phone" in kinds
    assert interview.open_findings == len(findings)
    with pytest.raises(ServiceError):
        interview_submit(actor=personas.staff, interview=interview)
    # Redact one, confirm the rest.
    first = findings[0]
    interview = interview_redact_finding(
        actor=personas.staff, interview=interview, digest=first.digest
    )
    assert first.finding.text not in interview.narrative_what_happened
    remaining = [item.digest for item in interview_findings(interview) if not item.confirmed]
    if remaining:
        interview_confirm_findings(actor=personas.staff, interview=interview, digests=remaining)
    interview.refresh_from_db()
    assert interview.open_findings == 0
    interview_submit(actor=personas.staff, interview=interview)
    assert entries(AuditAction.INTERVIEW_FINDING_REDACTED) == 1


def test_the_four_eyes_rule(personas: Personas, consented_family) -> None:
    second_lead = make_user("lead2@north.test", Role.LEAD, personas.helsinki)
    interview = interview_create(actor=personas.lead, family=consented_family, values=CLEAN)
    interview = interview_submit(actor=personas.lead, interview=interview)
    with pytest.raises(ServiceError):
        interview_lock(actor=personas.lead, interview=interview)
    with pytest.raises(ServiceError):
        interview_lock(actor=personas.staff, interview=interview)  # not a lead
    interview = interview_lock(actor=second_lead, interview=interview)
    assert interview.status == InterviewStatus.LOCKED


def test_the_workflow_writes_one_entry_per_transition(personas: Personas, consented_family) -> None:
    second_lead = make_user("lead2@north.test", Role.LEAD, personas.helsinki)
    interview = interview_create(actor=personas.staff, family=consented_family, values=CLEAN)
    interview = interview_update(
        actor=personas.staff,
        interview=interview,
        values={"offender_count": "one"},
        expected_revision=1,
    )
    interview = interview_submit(actor=personas.staff, interview=interview)
    interview = interview_lock(actor=personas.lead, interview=interview)
    with pytest.raises(ServiceError):
        interview_update(
            actor=personas.staff,
            interview=interview,
            values=CLEAN,
            expected_revision=interview.revision,
        )
    with pytest.raises(ServiceError):
        interview_unlock(actor=personas.lead, interview=interview, reason="   ")
    interview = interview_unlock(actor=personas.lead, interview=interview, reason="Wrong month.")
    interview = interview_update(
        actor=personas.staff,
        interview=interview,
        values={"interview_month": 2},
        expected_revision=interview.revision,
    )
    interview = interview_submit(actor=personas.staff, interview=interview)
    interview_lock(actor=second_lead, interview=interview)
    assert [
        entries(a)
        for a in (
            AuditAction.INTERVIEW_CREATED,
            AuditAction.INTERVIEW_UPDATED,
            AuditAction.INTERVIEW_SUBMITTED,
            AuditAction.INTERVIEW_LOCKED,
            AuditAction.INTERVIEW_UNLOCKED,
        )
    ] == [1, 2, 2, 2, 1]
    assert AuditEvent.objects.get(action=AuditAction.INTERVIEW_UNLOCKED).reason == "Wrong month."


def test_a_locked_interview_cannot_be_edited_through_the_page(
    personas: Personas, consented_family
) -> None:
    interview = interview_create(actor=personas.staff, family=consented_family, values=CLEAN)
    interview = interview_submit(actor=personas.staff, interview=interview)
    interview_lock(actor=personas.lead, interview=interview)
    client = personas.client_for("staff")
    response = client.post(
        reverse("interview_edit", args=[interview.code]),
        {"revision": "99", "narrative_advice": "changed"},
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.narrative_advice == ""
    assert interview.status == InterviewStatus.LOCKED


def test_each_detail_view_writes_exactly_one_entry(personas: Personas, consented_family) -> None:
    interview = interview_create(actor=personas.staff, family=consented_family, values=CLEAN)
    client = personas.client_for("colleague")
    for _ in range(3):
        assert client.get(reverse("interview_detail", args=[interview.code])).status_code == 200
    viewed = AuditEvent.objects.filter(action=AuditAction.INTERVIEW_VIEWED)
    assert viewed.count() == 3
    assert set(viewed.values_list("target_id", flat=True)) == {interview.code}
    assert set(viewed.values_list("actor_id", flat=True)) == {personas.colleague.pk}


def test_lists_log_the_query_not_each_row(personas: Personas, consented_family) -> None:
    for _ in range(3):
        interview_create(actor=personas.staff, family=consented_family, values=CLEAN)
    client = personas.client_for("staff")
    client.get(reverse("interview_list") + "?status=draft&violence=grooming")
    listed = AuditEvent.objects.get(action=AuditAction.INTERVIEW_LISTED)
    assert listed.details == {"filters": {"status": "draft", "violence": "grooming"}, "count": 3}
    assert not AuditEvent.objects.filter(action=AuditAction.INTERVIEW_VIEWED).exists()


def test_the_list_filters_by_violence_type_and_month(personas: Personas, consented_family) -> None:
    interview_create(actor=personas.staff, family=consented_family, values=CLEAN)
    interview_create(
        actor=personas.staff,
        family=consented_family,
        values={**CLEAN, "violence_types": ["images_shared"], "interview_month": 4},
    )
    client = personas.client_for("staff")
    page = client.get(reverse("interview_list") + "?violence=sextortion").context["page"]
    assert page.paginator.count == 1
    page = client.get(reverse("interview_list") + "?month=2026-04").context["page"]
    assert page.paginator.count == 1


def _bulk_interviews(family, author, count: int) -> None:
    Interview.objects.bulk_create(
        Interview(
            code=f"IV-T{index:03d}-{count:04d}",
            family=family,
            created_by=author,
            updated_by=author,
            interview_year=2026,
            interview_month=1 + index % 12,
            violence_types=["grooming"],
        )
        for index in range(count)
    )


def test_the_list_uses_a_constant_number_of_queries(personas: Personas, consented_family) -> None:
    client = personas.client_for("staff")
    counts = []
    for total in (10, 1000):
        Interview.objects.all().delete()
        _bulk_interviews(consented_family, personas.staff, total)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("interview_list"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_retired_vocabulary_values_keep_old_interviews_readable(
    personas: Personas, consented_family
) -> None:
    interview = interview_create(
        actor=personas.staff, family=consented_family, values={**CLEAN, "platforms": ["dark_web"]}
    )
    VocabularyTerm.objects.filter(vocabulary="platform", code="dark_web").update(
        is_active=False, retired_in=2
    )
    client = personas.client_for("staff")
    detail = client.get(reverse("interview_detail", args=[interview.code])).content.decode()
    assert "Dark web" in detail
    edit = client.get(reverse("interview_edit", args=[interview.code])).content.decode()
    assert 'value="dark_web"' in edit
    other = interview_create(actor=personas.staff, family=consented_family, values=CLEAN)
    fresh = client.get(reverse("interview_edit", args=[other.code])).content.decode()
    assert 'value="dark_web"' not in fresh


def test_the_irish_label_is_shown_for_an_irish_centre(personas: Personas) -> None:
    from accounts.models import Centre

    galway = Centre.objects.create(name="Test Centre West", country="IE", short_code="TCW")
    Membership.objects.create(user=personas.staff, role=Role.STAFF, centre=galway)
    form = published_form(personas.admin)
    family = make_family(personas.staff, galway)
    consent_record(actor=personas.staff, family=family, data=consent_input(form))
    page = (
        personas.client_for("staff")
        .get(reverse("interview_new", args=[family.code]))
        .content.decode()
    )
    assert "Tusla" in page
    assert "Garda" in page


def test_bad_input_is_explained_and_kept(personas: Personas, consented_family) -> None:
    client = personas.client_for("staff")
    response = client.post(
        reverse("interview_new", args=[consented_family.code]),
        {
            "interview_month": "March",
            "agencies__police": "1",
            "agencies__barnahus": "1",
            "narrative_what_helped": "Text that must not be lost.",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "YYYY-MM" in page
    assert "different number" in page
    assert "Text that must not be lost." in page
    assert Interview.objects.count() == 0


def test_history_shows_field_and_narrative_diffs_to_leads(
    personas: Personas, consented_family
) -> None:
    interview = interview_create(actor=personas.staff, family=consented_family, values=CLEAN)
    interview_update(
        actor=personas.staff,
        interview=interview,
        values={"narrative_what_helped": "The parents' group helped most of all."},
        expected_revision=1,
    )
    lead = personas.client_for("lead")
    page = lead.get(reverse("interview_history", args=[interview.code])).content.decode()
    assert "most of all" in page
    assert (
        personas.client_for("staff")
        .get(reverse("interview_history", args=[interview.code]))
        .status_code
        == 403
    )
