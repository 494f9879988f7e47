"""Unusual-access alerts, computed from the audit trail and shown to the DPO until acknowledged."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AlertRule(models.TextChoices):
    IDENTITY_BURST = "identity_burst", _("Many identities opened within an hour")
    OFF_HOURS = "off_hours", _("Access outside working hours")
    CROSS_CENTRE_404S = "cross_centre_404s", _("Repeated attempts to open records of other centres")
    NEW_NETWORK_AFTER_ABSENCE = (
        "new_network_after_absence",
        _("Login from a new network after a long absence"),
    )


class AlertQuerySet(models.QuerySet["Alert"]):
    def open(self) -> AlertQuerySet:
        return self.filter(acknowledged_at__isnull=True)

    def acknowledged(self) -> AlertQuerySet:
        return self.filter(acknowledged_at__isnull=False)


class Alert(models.Model):
    rule = models.CharField(_("rule"), max_length=32, choices=AlertRule.choices)
    # PROTECT: accounts are deactivated, not deleted, and an alert must outlive nothing it names.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="alerts",
        verbose_name=_("user"),
    )
    window_start = models.DateTimeField(_("window start"))
    window_end = models.DateTimeField(_("window end"))
    # Counts and audit sequence numbers only: never codes, networks or any other value.
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    created_at = models.DateTimeField(_("detected"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledgement_note = models.TextField(_("acknowledgement note"), blank=True)

    history = HistoricalRecords()
    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering: ClassVar = ["-window_start", "-pk"]
        constraints: ClassVar = [
            # Re-running the detection over the same entries cannot raise the same alert twice.
            models.UniqueConstraint(
                fields=["rule", "user", "window_start"], name="alert_unique_rule_user_window"
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | ~Q(acknowledgement_note=""),
                name="alert_acknowledgement_has_note",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["acknowledged_at", "-window_start"])]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} · user:{self.user_id}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def sequences(self) -> list[int]:
        return [int(number) for number in self.evidence.get("sequences", [])]

    def evidence_summary(self) -> str:
        """One translated sentence of counts for the DPO's list."""
        evidence: dict[str, Any] = self.evidence
        if self.rule == AlertRule.IDENTITY_BURST:
            return gettext(
                "%(identities)d different identities opened (%(openings)d openings) "
                "within %(minutes)d minutes."
            ) % {
                "identities": evidence.get("identities", 0),
                "openings": evidence.get("count", 0),
                "minutes": evidence.get("window_minutes", 60),
            }
        if self.rule == AlertRule.OFF_HOURS:
            hours = evidence.get("working_hours", [7, 20])
            return gettext(
                "%(count)d audited actions outside working hours "
                "(%(start)02d:00 to %(end)02d:00, %(zone)s)."
            ) % {
                "count": evidence.get("count", 0),
                "start": hours[0],
                "end": hours[1],
                "zone": evidence.get("time_zone", ""),
            }
        if self.rule == AlertRule.CROSS_CENTRE_404S:
            return gettext(
                "%(count)d refused attempts (not found) on %(records)d family or interview "
                "pages within %(minutes)d minutes."
            ) % {
                "count": evidence.get("count", 0),
                "records": evidence.get("records", 0),
                "minutes": evidence.get("window_minutes", 60),
            }
        return gettext(
            "First login from this network, %(days)d days after the previous login "
            "(%(earlier)d earlier logins, none from this network)."
        ) % {"days": evidence.get("days_absent", 0), "earlier": evidence.get("earlier_logins", 0)}
