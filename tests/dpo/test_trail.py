"""The DPO's trail search, family and user trails, CSV export and openings report."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from audit.services import audit_record
from casestudies.interview_services import interview_create
from casestudies.services import identity_open
from consent.services import consent_record
from tests.conftest import Personas
from tests.factories import consent_input, make_family, published_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def family_with_activity(personas: Personas):
    form = published_form(personas.admin)
    family = make_family(personas.staff, personas.helsinki)
    consent_record(actor=personas.staff, family=family, data=consent_input(form))
    interview_create(actor=personas.staff, family=family, values={"offender_count": "one"})
    identity_open(
        actor=personas.colleague, family=family, reason="contact", reason_text="Booking a visit."
    )
    return family


def test_a_family_trail_holds_its_consents_interviews_and_openings(
    personas: Personas, family_with_activity
) -> None:
    client = personas.client_for("dpo")
    response = client.get(reverse("dpo_family_trail", args=[family_with_activity.code]))
    assert response.status_code == 200
    actions = {entry.action for entry in response.context["page"].entries}
    assert {
        AuditAction.FAMILY_CREATED,
        AuditAction.CONSENT_RECORDED,
        AuditAction.INTERVIEW_CREATED,
        AuditAction.IDENTITY_VIEWED,
    } <= actions
    assert "Booking a visit." in response.content.decode()
    assert client.get(reverse("dpo_family_trail", args=["NOPE-0000-0000"])).status_code == 404


def test_search_filters_by_actor_action_centre_and_dates(
    personas: Personas, family_with_activity
) -> None:
    client = personas.client_for("dpo")
    page = client.get(
        reverse("dpo_trail"), {"actor": personas.colleague.email, "action": "identity.viewed"}
    ).context["page"]
    assert [entry.action for entry in page.entries] == ["identity.viewed"]
    by_centre = client.get(reverse("dpo_trail"), {"centre": str(personas.turku.pk)}).context["page"]
    assert all(entry.family_code != family_with_activity.code for entry in by_centre.entries)
    future = client.get(reverse("dpo_trail"), {"since": "2999-01-01"}).context["page"]
    assert future.entries == []
    searched = AuditEvent.objects.filter(action=AuditAction.TRAIL_SEARCHED)
    assert searched.count() == 3


def test_a_user_trail_lists_everything_they_did(personas: Personas, family_with_activity) -> None:
    response = personas.client_for("dpo").get(reverse("dpo_user_trail", args=[personas.staff.pk]))
    entries = response.context["page"].entries
    assert entries
    assert {entry.actor_id for entry in entries} == {personas.staff.pk}


def test_search_pages_use_a_constant_number_of_queries(personas: Personas) -> None:
    client = personas.client_for("dpo")
    counts = []
    for total in (20, 600):
        for index in range(total - AuditEvent.objects.count()):
            audit_record(actor=personas.staff, action=AuditAction.CENTRE_UPDATED, target_id=index)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("dpo_trail"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # Keyset pagination reaches older entries.
    older = client.get(reverse("dpo_trail"), {"before": response.context["page"].next_before})
    assert older.context["page"].entries


def test_the_export_is_a_csv_and_is_audited(personas: Personas, family_with_activity) -> None:
    client = personas.client_for("dpo")
    response = client.get(reverse("dpo_trail_export"), {"family": family_with_activity.code})
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("sequence,occurred_at")
    assert family_with_activity.code in body
    exported = AuditEvent.objects.get(action=AuditAction.TRAIL_EXPORTED)
    assert exported.details["filters"] == {"family": family_with_activity.code}


def test_the_openings_report_counts_per_centre_and_month(
    personas: Personas, family_with_activity
) -> None:
    response = personas.client_for("dpo").get(reverse("dpo_openings_report"))
    rows = response.context["rows"]
    assert len(rows) == 1
    assert rows[0].centre == personas.helsinki.name
    assert rows[0].openings == 1


def test_only_the_dpo_reaches_the_trail(personas: Personas) -> None:
    for name in ("staff", "lead", "researcher", "admin"):
        assert personas.client_for(name).get(reverse("dpo_trail")).status_code == 403
