"""Each unusual-access rule fires on a constructed case and stays quiet on normal use."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine

from alerts.models import Alert, AlertRule
from alerts.services import alerts_detect
from alerts.tasks import alerts_detect_task
from audit.models import AuditAction, AuditEvent
from tests.alerts.helpers import (
    DUBLIN,
    entry_at,
    family_code,
    helsinki,
    identity_opened,
    logged_in,
    not_found,
)
from tests.conftest import Personas

pytestmark = pytest.mark.django_db

DAY = 12  # Monday 12 January 2026


def alerts_of(rule: AlertRule) -> list[Alert]:
    return list(Alert.objects.filter(rule=rule).order_by("window_start"))


def raised_entries() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.ALERT_RAISED))


# ------------------------------------------------------------------------ identity bursts


def test_it_alerts_when_more_than_five_identities_are_opened_within_an_hour(
    personas: Personas,
) -> None:
    entries = [
        identity_opened(helsinki(DAY, 10, minute), personas.staff, family_code(number))
        for number, minute in enumerate((0, 10, 20, 30, 40, 55))
    ]

    report = alerts_detect(since=helsinki(DAY, 9))

    [alert] = alerts_of(AlertRule.IDENTITY_BURST)
    assert report.raised == [alert]
    assert alert.user == personas.staff
    assert alert.window_start == helsinki(DAY, 10)
    assert alert.window_end == helsinki(DAY, 10, 55)
    assert alert.evidence["identities"] == 6
    assert alert.evidence["count"] == 6
    assert alert.sequences == [entry.sequence for entry in entries]
    [raised] = raised_entries()
    assert raised.actor_id is None
    assert raised.actor_label == "system"
    assert raised.target_type == "alerts.alert"
    assert raised.target_id == str(alert.pk)
    assert raised.details["rule"] == AlertRule.IDENTITY_BURST
    assert raised.details["user"] == personas.staff.pk


def test_it_does_not_alert_on_five_identities_an_hour_or_one_identity_opened_often(
    personas: Personas,
) -> None:
    # Five families within the hour, a sixth 65 minutes after the first.
    for number, minute in enumerate((0, 10, 20, 30, 40)):
        identity_opened(helsinki(DAY, 10, minute), personas.staff, family_code(number))
    identity_opened(helsinki(DAY, 11, 5), personas.staff, family_code(5))
    # A colleague opens the same family's identity eight times while correcting it.
    for minute in range(0, 40, 5):
        identity_opened(helsinki(DAY, 10, minute), personas.colleague, family_code(99))

    alerts_detect(since=helsinki(DAY, 9))

    assert alerts_of(AlertRule.IDENTITY_BURST) == []
    assert raised_entries() == []


# ------------------------------------------------------------------------------ off hours


def test_it_alerts_on_access_outside_working_hours_of_the_users_centre(
    personas: Personas,
) -> None:
    personas.turku.time_zone = "Europe/Dublin"
    personas.turku.save()
    late = identity_opened(helsinki(DAY, 21, 30), personas.staff, family_code(1))
    later = entry_at(
        helsinki(DAY + 1, 1, 15),
        actor=personas.staff,
        action=AuditAction.INTERVIEW_VIEWED,
        target_type="casestudies.interview",
        target_id="IV-AAAA-BBBB",
    )
    # 08:30 in Helsinki is 06:30 in Dublin: early for the outsider's centre.
    early = logged_in(helsinki(DAY + 1, 8, 30), personas.outsider, "10.1.2.0/24")

    alerts_detect(since=helsinki(DAY, 12))

    staff_alert, outsider_alert = sorted(
        alerts_of(AlertRule.OFF_HOURS), key=lambda alert: alert.user.email != "staff@north.test"
    )
    assert staff_alert.user == personas.staff
    assert staff_alert.window_start == helsinki(DAY, 20)
    assert staff_alert.window_end == helsinki(DAY + 1, 7)
    assert staff_alert.sequences == [late.sequence, later.sequence]
    assert staff_alert.evidence["count"] == 2
    assert staff_alert.evidence["actions"] == {"identity.viewed": 1, "interview.viewed": 1}
    assert staff_alert.evidence["time_zone"] == "Europe/Helsinki"
    assert outsider_alert.user == personas.outsider
    assert outsider_alert.sequences == [early.sequence]
    assert outsider_alert.evidence["time_zone"] == "Europe/Dublin"
    assert outsider_alert.window_end.astimezone(DUBLIN).hour == 7
    assert len(raised_entries()) == 2


def test_it_uses_helsinki_time_for_users_without_a_centre(personas: Personas) -> None:
    entry_at(helsinki(DAY, 6, 59), actor=personas.dpo, action=AuditAction.TRAIL_SEARCHED)
    entry_at(helsinki(DAY, 7, 0), actor=personas.researcher, action=AuditAction.LOGIN_SUCCEEDED)

    alerts_detect(since=helsinki(DAY, 0))

    [alert] = alerts_of(AlertRule.OFF_HOURS)
    assert alert.user == personas.dpo
    assert alert.window_start == helsinki(DAY - 1, 20)


def test_it_does_not_alert_on_work_during_the_day(personas: Personas) -> None:
    personas.turku.time_zone = "Europe/Dublin"
    personas.turku.save()
    logged_in(helsinki(DAY, 7, 0), personas.staff, "10.1.2.0/24")
    identity_opened(helsinki(DAY, 12, 0), personas.staff, family_code(1))
    entry_at(helsinki(DAY, 19, 59), actor=personas.staff, action=AuditAction.LOGOUT)
    # 21:30 in Helsinki is 19:30 in Dublin: still the outsider's working day.
    logged_in(helsinki(DAY, 21, 30), personas.outsider, "10.1.2.0/24")
    # Entries of the system and failed logins name no acting user.
    entry_at(helsinki(DAY, 23, 0), actor=None, action=AuditAction.RETENTION_SWEEP)
    entry_at(helsinki(DAY, 23, 5), actor=None, action=AuditAction.LOGIN_FAILED)

    alerts_detect(since=helsinki(DAY, 0))

    assert Alert.objects.count() == 0


# --------------------------------------------------------------------- repeated 404s


def test_it_alerts_on_three_refused_attempts_on_family_pages_within_an_hour(
    personas: Personas,
) -> None:
    entries = [
        not_found(helsinki(DAY, 10, minute), personas.outsider, family_code(number))
        for number, minute in ((1, 0), (2, 20), (2, 50))
    ]

    alerts_detect(since=helsinki(DAY, 9))

    [alert] = alerts_of(AlertRule.CROSS_CENTRE_404S)
    assert alert.user == personas.outsider
    assert alert.evidence["count"] == 3
    assert alert.evidence["records"] == 2
    assert alert.sequences == [entry.sequence for entry in entries]


def test_it_does_not_alert_on_a_few_scattered_refusals_or_on_403s(personas: Personas) -> None:
    not_found(helsinki(DAY, 10, 0), personas.outsider, family_code(1))
    not_found(helsinki(DAY, 10, 30), personas.outsider, family_code(2))
    not_found(helsinki(DAY, 11, 30), personas.outsider, family_code(3))
    for minute in (0, 5, 10):
        not_found(helsinki(DAY, 12, minute), personas.researcher, family_code(4), status=403)
    # 404s on pages that are not about a family or an interview.
    for minute in (0, 5, 10):
        entry_at(
            helsinki(DAY, 13, minute),
            actor=personas.staff,
            action=AuditAction.ACCESS_DENIED,
            details={"status": 404, "path": "/consent-forms/9/", "url_name": "x"},
        )

    alerts_detect(since=helsinki(DAY, 9))

    assert Alert.objects.count() == 0


def test_outsider_opening_another_centres_families_raises_an_alert(
    personas: Personas,
) -> None:
    """The real flow: the middleware writes the refusals, the detection finds them."""
    from tests.factories import make_family

    with time_machine.travel(helsinki(DAY, 10), tick=True):
        codes = [make_family(personas.staff, personas.helsinki).code for _ in range(3)]
        client = personas.client_for("outsider")
        for code in codes:
            assert client.get(f"/families/{code}/").status_code == 404

    alerts_detect(since=helsinki(DAY, 9))

    [alert] = alerts_of(AlertRule.CROSS_CENTRE_404S)
    assert alert.user == personas.outsider
    assert alert.evidence["records"] == 3
    assert codes[0] not in json.dumps(alert.evidence)


# ----------------------------------------------------------- new network after absence


def test_it_alerts_on_a_login_from_a_new_network_after_a_long_absence(
    personas: Personas,
) -> None:
    first = logged_in(helsinki(DAY, 9), personas.staff, "10.1.2.0/24")
    logged_in(helsinki(DAY + 1, 9), personas.staff, "10.1.3.0/24")
    back = logged_in(helsinki(DAY + 1, 9) + timedelta(days=40), personas.staff, "192.0.2.0/24")

    alerts_detect(since=helsinki(DAY + 1, 8) + timedelta(days=40))

    [alert] = alerts_of(AlertRule.NEW_NETWORK_AFTER_ABSENCE)
    assert alert.user == personas.staff
    assert alert.window_start == helsinki(DAY + 1, 9)
    assert alert.window_end == back.occurred_at
    assert alert.evidence["days_absent"] == 40
    assert alert.evidence["earlier_logins"] == 2
    assert alert.sequences == [first.sequence + 1, back.sequence]
    assert "192.0.2" not in json.dumps(alert.evidence)
    [raised] = raised_entries()
    assert "192.0.2" not in json.dumps(raised.details)


def test_it_does_not_alert_on_a_known_network_or_a_short_absence(personas: Personas) -> None:
    logged_in(helsinki(DAY, 9), personas.staff, "10.1.2.0/24")
    logged_in(helsinki(DAY, 9) + timedelta(days=45), personas.staff, "10.1.2.0/24")
    logged_in(helsinki(DAY, 9), personas.colleague, "10.1.2.0/24")
    logged_in(helsinki(DAY, 9) + timedelta(days=5), personas.colleague, "192.0.2.0/24")
    # A first login ever is not a return; an unknown network says nothing.
    logged_in(helsinki(DAY, 9) + timedelta(days=45), personas.lead, "192.0.2.0/24")
    logged_in(helsinki(DAY, 10), personas.dpo, "10.1.2.0/24")
    logged_in(helsinki(DAY, 10) + timedelta(days=45), personas.dpo, "")

    alerts_detect(since=helsinki(DAY, 8))

    assert alerts_of(AlertRule.NEW_NETWORK_AFTER_ABSENCE) == []


# ----------------------------------------------------------------- runs and idempotency


def build_one_of_each(personas: Personas) -> None:
    for number in range(6):
        identity_opened(helsinki(DAY, 10, number * 5), personas.staff, family_code(number))
    identity_opened(helsinki(DAY, 22), personas.colleague, family_code(1))
    for minute in (0, 1, 2):
        not_found(helsinki(DAY, 11, minute), personas.outsider, family_code(minute))
    logged_in(helsinki(DAY, 9) - timedelta(days=40), personas.lead, "10.1.2.0/24")
    logged_in(helsinki(DAY, 9), personas.lead, "192.0.2.0/24")


def test_running_the_detection_again_raises_nothing_new(personas: Personas) -> None:
    build_one_of_each(personas)

    first = alerts_detect(since=helsinki(DAY, 8))
    again = alerts_detect(since=helsinki(DAY, 8))
    later = alerts_detect(since=helsinki(DAY, 10, 20))
    earlier = alerts_detect(since=helsinki(DAY - 1, 0))

    assert {alert.rule for alert in first.raised} == set(AlertRule)
    assert again.raised == later.raised == earlier.raised == []
    assert Alert.objects.count() == 4
    assert len(raised_entries()) == 4


def test_a_new_burst_after_a_reported_one_raises_a_new_alert(personas: Personas) -> None:
    for number in range(6):
        identity_opened(helsinki(DAY, 10, number * 5), personas.staff, family_code(number))
    alerts_detect(since=helsinki(DAY, 9))
    for number in range(6):
        identity_opened(helsinki(DAY, 14, number * 5), personas.staff, family_code(number + 10))

    report = alerts_detect(since=helsinki(DAY, 9))

    assert [alert.window_start for alert in report.raised] == [helsinki(DAY, 14)]
    assert len(alerts_of(AlertRule.IDENTITY_BURST)) == 2


def test_the_task_runs_in_process_and_looks_back_from_now(personas: Personas) -> None:
    for number in range(6):
        identity_opened(helsinki(DAY, 10, number * 5), personas.staff, family_code(number))

    with time_machine.travel(helsinki(DAY, 10, 40), tick=False):
        result = alerts_detect_task.delay().get()
    explicit = alerts_detect_task.delay(since=helsinki(DAY, 9).isoformat()).get()

    assert result == {"findings": 1, "raised": 1}
    assert explicit == {"findings": 0, "raised": 0}
    assert Alert.objects.get().rule == AlertRule.IDENTITY_BURST


def test_beat_runs_the_detection_every_ten_minutes() -> None:
    from config.celery import app

    [entry] = [
        entry
        for entry in app.conf.beat_schedule.values()
        if entry["task"] == "alerts.tasks.alerts_detect_task"
    ]
    assert entry["schedule"].minute == set(range(0, 60, 10))


def test_the_evidence_reads_as_one_sentence_per_rule(personas: Personas) -> None:
    build_one_of_each(personas)
    alerts_detect(since=helsinki(DAY, 8))

    summaries = {alert.rule: alert.evidence_summary() for alert in Alert.objects.all()}

    assert summaries[AlertRule.IDENTITY_BURST].startswith("6 different identities opened")
    assert "(07:00 to 20:00, Europe/Helsinki)" in summaries[AlertRule.OFF_HOURS]
    assert summaries[AlertRule.CROSS_CENTRE_404S].startswith("3 refused attempts")
    assert "40 days after the previous login" in summaries[AlertRule.NEW_NETWORK_AFTER_ABSENCE]
