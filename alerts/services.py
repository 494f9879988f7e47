"""Raising unusual-access alerts from the audit trail, and the DPO's acknowledgement."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import has_role
from accounts.models import Role, User
from accounts.services import ServiceError
from alerts.models import Alert, AlertRule
from alerts.rules import RULES, Finding, Thresholds
from audit.models import AuditAction
from audit.services import audit_record


@dataclass
class DetectionReport:
    raised: list[Alert] = field(default_factory=list)
    findings: int = 0


def _reported_until(rule: AlertRule, start: datetime) -> dict[int, datetime]:
    """Per user, the end of the newest alert of this rule that reaches into the scanned range."""
    rows = (
        Alert.objects.filter(rule=rule, window_end__gte=start)
        .values("user_id")
        .annotate(until=Max("window_end"))
        .values_list("user_id", "until")
    )
    return {int(user_id): until for user_id, until in rows}


def _raise(finding: Finding, user: User) -> Alert | None:
    """Create the alert and its alert.raised entry; None when it already exists."""
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                rule=finding.rule,
                user=user,
                window_start=finding.window_start,
                window_end=finding.window_end,
                evidence=finding.evidence,
            )
            audit_record(
                actor=None,
                action=AuditAction.ALERT_RAISED,
                target=alert,
                details={
                    "rule": str(finding.rule),
                    "user": user.pk,
                    "window_start": finding.window_start.isoformat(),
                    "window_end": finding.window_end.isoformat(),
                    "count": finding.evidence.get("count", 1),
                },
            )
    except IntegrityError:
        # Same rule, user and window start: an earlier or concurrent run raised it already.
        return None
    return alert


def alerts_detect(*, since: datetime) -> DetectionReport:
    """Run every rule over the trail from `since` (minus one window, so bursts that began just
    before are whole) and raise the new alerts, each with one alert.raised entry.

    Re-running over the same entries raises nothing: rules skip what earlier alerts covered,
    and the unique (rule, user, window start) constraint is the backstop for concurrent runs.
    The actor is the system; there is no user behind a scheduled run.
    """
    thresholds = Thresholds.from_settings()
    start = since - thresholds.window
    findings: list[Finding] = []
    for rule, detect in RULES.items():
        findings.extend(
            detect(
                start=start,
                thresholds=thresholds,
                reported_until=_reported_until(rule, start),
            )
        )
    report = DetectionReport(findings=len(findings))
    if not findings:
        return report
    # The trail outlives accounts: an entry of a user who no longer exists raises nothing.
    users = User.objects.in_bulk({finding.user_id for finding in findings})
    with transaction.atomic():
        for finding in sorted(findings, key=lambda item: (item.window_start, item.rule)):
            user = users.get(finding.user_id)
            if user is None:
                continue
            alert = _raise(finding, user)
            if alert is not None:
                report.raised.append(alert)
    return report


def alert_acknowledge(*, actor: User, alert: Alert, note: str) -> Alert:
    """The DPO states what they found; the alert leaves the open list. One audit entry."""
    if not has_role(actor, Role.DPO):
        raise ServiceError(_("Only the data protection officer acknowledges alerts."))
    note = note.strip()
    if not note:
        raise ServiceError(_("Write what you found out before acknowledging the alert."))
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.acknowledged_at is not None:
            raise ServiceError(_("This alert was already acknowledged."))
        # Four eyes: nobody clears an alert about their own activity.
        if locked.user_id == actor.pk:
            raise ServiceError(
                _("This alert is about your own activity: another DPO must acknowledge it.")
            )
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = actor
        locked.acknowledgement_note = note
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
        audit_record(
            actor=actor,
            action=AuditAction.ALERT_ACKNOWLEDGED,
            target=locked,
            reason=note,
            details={"rule": locked.rule, "user": locked.user_id},
        )
    return locked
