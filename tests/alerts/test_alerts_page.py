"""The DPO's alerts page and the audited acknowledgement."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import ServiceError
from alerts.models import Alert, AlertRule
from alerts.services import alert_acknowledge, alerts_detect
from audit.models import AuditAction, AuditEvent
from tests.alerts.helpers import family_code, helsinki, identity_opened, not_found
from tests.conftest import PERSONA_NAMES, Personas

pytestmark = pytest.mark.django_db

LIST_URL = "/dpo/alerts/"
ACKNOWLEDGE_URL = "/dpo/alerts/acknowledge/"


def identity_burst(personas: Personas, *, day: int = 12) -> Alert:
    for number in range(6):
        identity_opened(helsinki(day, 10, number * 5), personas.staff, family_code(number))
    raised = alerts_detect(since=helsinki(day, 9)).raised
    # Logins of the test clients happen now (maybe at night) and may raise other alerts.
    [alert] = [alert for alert in raised if alert.rule == AlertRule.IDENTITY_BURST]
    return alert


def test_the_urls_have_the_agreed_names() -> None:
    assert reverse("alerts_list") == LIST_URL
    assert reverse("alerts_acknowledge") == ACKNOWLEDGE_URL


def test_acknowledging_is_audited_and_moves_the_alert_below(personas: Personas) -> None:
    alert = identity_burst(personas)
    client = personas.client_for("dpo")

    response = client.post(ACKNOWLEDGE_URL, {"alert": alert.pk, "note": "Mass mailing, agreed."})

    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == personas.dpo
    assert alert.acknowledgement_note == "Mass mailing, agreed."
    assert alert.acknowledged_at is not None
    [entry] = AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED)
    assert entry.actor_id == personas.dpo.pk
    assert (entry.target_type, entry.target_id) == ("alerts.alert", str(alert.pk))
    assert entry.reason == "Mass mailing, agreed."
    page = client.get(LIST_URL)
    assert list(page.context["open_alerts"]) == []
    assert list(page.context["acknowledged_alerts"]) == [alert]
    assert "Mass mailing, agreed." in page.content.decode()


def test_a_note_is_required(personas: Personas) -> None:
    alert = identity_burst(personas)

    response = personas.client_for("dpo").post(
        ACKNOWLEDGE_URL, {"alert": alert.pk, "note": "   "}, follow=True
    )

    alert.refresh_from_db()
    assert alert.is_open
    assert "Write what you found out" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED).exists()


def test_an_alert_is_acknowledged_once(personas: Personas) -> None:
    alert = identity_burst(personas)
    alert_acknowledge(actor=personas.dpo, alert=alert, note="Checked.")

    with pytest.raises(ServiceError):
        alert_acknowledge(actor=personas.dpo, alert=alert, note="Again.")
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED).count() == 1


def test_only_a_dpo_acknowledges_and_never_their_own_alert(personas: Personas) -> None:
    alert = identity_burst(personas)
    for number, minute in enumerate((0, 1, 2)):
        not_found(helsinki(13, 10, minute), personas.dpo, family_code(number))
    [own] = [
        alert
        for alert in alerts_detect(since=helsinki(13, 9)).raised
        if alert.rule == AlertRule.CROSS_CENTRE_404S
    ]

    with pytest.raises(ServiceError):
        alert_acknowledge(actor=personas.lead, alert=alert, note="Fine.")
    with pytest.raises(ServiceError):
        alert_acknowledge(actor=personas.dpo, alert=own, note="Fine.")
    assert alert.is_open
    assert Alert.objects.get(pk=own.pk).is_open


def test_the_page_shows_people_and_counts_but_no_family_codes(personas: Personas) -> None:
    identity_burst(personas)

    page = personas.client_for("dpo").get(LIST_URL)

    content = page.content.decode()
    assert page.status_code == 200
    assert "Staff" in content  # display name
    assert "Test Centre North" in content
    assert "6 different identities opened" in content
    assert family_code(0) not in content


def test_the_page_takes_the_same_number_of_queries_for_more_alerts(personas: Personas) -> None:
    alert_acknowledge(actor=personas.dpo, alert=identity_burst(personas, day=12), note="Seen.")
    identity_burst(personas, day=13)
    client = personas.client_for("dpo")
    with CaptureQueriesContext(connection) as few:
        client.get(LIST_URL)
    for day in (14, 15, 16, 19):
        alert = identity_burst(personas, day=day)
    alert_acknowledge(actor=personas.dpo, alert=alert, note="Checked.")

    with CaptureQueriesContext(connection) as more:
        client.get(LIST_URL)

    assert len(more) == len(few)


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_only_the_dpo_reaches_the_alerts_pages(personas: Personas, persona: str) -> None:
    alert = identity_burst(personas)
    client = personas.client_for(persona)

    page = client.get(LIST_URL)
    action = client.post(ACKNOWLEDGE_URL, {"alert": alert.pk, "note": "Looked at it."})

    if persona == "dpo":
        assert (page.status_code, action.status_code) == (200, 302)
    elif persona == "anonymous":
        for response in (page, action):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))
    else:
        assert (page.status_code, action.status_code) == (403, 403)
    alert.refresh_from_db()
    assert alert.is_open == (persona != "dpo")


def test_acknowledging_an_unknown_alert_is_404(personas: Personas) -> None:
    client = personas.client_for("dpo")

    assert client.post(ACKNOWLEDGE_URL, {"alert": "999999", "note": "x"}).status_code == 404
    assert client.post(ACKNOWLEDGE_URL, {"alert": "9" * 40, "note": "x"}).status_code == 404
    assert client.post(ACKNOWLEDGE_URL, {"note": "x"}).status_code == 404
    assert client.get(ACKNOWLEDGE_URL).status_code == 405


def test_every_alert_field_is_classified() -> None:
    from core.classification import unclassified_fields

    assert [name for name in unclassified_fields() if name.startswith("alerts.")] == []
