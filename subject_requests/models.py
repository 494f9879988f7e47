"""The register of data-subject requests (GDPR Art. 15-18) and their deadlines (Art. 12(3))."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casestudies.models import Family

# Art. 12(3): one month from receipt, extendable by two further months.
RESPONSE_MONTHS = 1
MAX_EXTENSION_MONTHS = 2
SOON_DUE_DAYS = 7


def due_date_for(received_on: date) -> date:
    return received_on + relativedelta(months=RESPONSE_MONTHS)


def latest_extension_for(due_on: date) -> date:
    return due_on + relativedelta(months=MAX_EXTENSION_MONTHS)


class RequestType(models.TextChoices):
    ACCESS = "access", _("Access (Art. 15)")
    RECTIFICATION = "rectification", _("Rectification (Art. 16)")
    ERASURE = "erasure", _("Erasure (Art. 17)")
    RESTRICTION = "restriction", _("Restriction of processing (Art. 18)")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")


OPEN_STATUSES = (RequestStatus.OPEN, RequestStatus.IN_PROGRESS)
CLOSED_STATUSES = (RequestStatus.COMPLETED, RequestStatus.REFUSED)


class RefusalGround(models.TextChoices):
    RESEARCH_EXEMPTION = (
        "art17_3_d",
        _("Art. 17(3)(d): erasure would seriously impair the research (Art. 89(1) safeguards)"),
    )
    UNFOUNDED_OR_EXCESSIVE = "art12_5", _("Art. 12(5): manifestly unfounded or excessive")
    IDENTITY_NOT_CONFIRMED = "art12_6", _("Art. 12(6): the requester's identity was not confirmed")
    OTHER = "other", _("Other ground (explained in the note)")


def deadline_expression() -> Coalesce:
    """The extended date if there is one, otherwise the due date (for ordering in SQL)."""
    return Coalesce("extended_to", "due_on")


class SubjectRequestQuerySet(models.QuerySet["SubjectRequest"]):
    def still_open(self) -> SubjectRequestQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def deadline_between(self, first: date, last: date) -> SubjectRequestQuerySet:
        return self.filter(
            Q(extended_to__isnull=True, due_on__range=(first, last))
            | Q(extended_to__range=(first, last))
        )

    def overdue(self, today: date | None = None) -> SubjectRequestQuerySet:
        today = today or timezone.localdate()
        return self.still_open().filter(
            Q(extended_to__isnull=True, due_on__lt=today) | Q(extended_to__lt=today)
        )

    def soon_due(self, today: date | None = None) -> SubjectRequestQuerySet:
        today = today or timezone.localdate()
        return self.still_open().deadline_between(today, today + timedelta(days=SOON_DUE_DAYS))


class SubjectRequest(models.Model):
    """One request from a family; the DPO finds the family by its code."""

    family = models.ForeignKey(
        Family,
        on_delete=models.PROTECT,
        related_name="subject_requests",
        verbose_name=_("family"),
    )
    request_type = models.CharField(_("type"), max_length=16, choices=RequestType.choices)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due on"))
    extended_to = models.DateField(_("extended to"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    handling_notes = models.TextField(_("handling notes"), blank=True)
    refusal_ground = models.CharField(
        _("ground for refusal"), max_length=16, choices=RefusalGround.choices, blank=True
    )
    closing_note = models.TextField(_("note on closing"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    history = HistoricalRecords()
    objects = SubjectRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering: ClassVar = ["due_on", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(extended_to__isnull=True)
                | (Q(extended_to__gt=models.F("due_on")) & ~Q(extension_reason="")),
                name="subject_request_extension_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in CLOSED_STATUSES], closed_at__isnull=False)
                | Q(status__in=[s.value for s in OPEN_STATUSES], closed_at__isnull=True),
                name="subject_request_closed_at_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(status=RequestStatus.REFUSED) | Q(refusal_ground=""),
                name="subject_request_ground_only_when_refused",
            ),
        ]

    def __str__(self) -> str:
        return f"request #{self.pk} ({self.request_type})"

    @property
    def deadline(self) -> date:
        return self.extended_to or self.due_on

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def can_extend(self) -> bool:
        return self.is_open and self.extended_to is None

    @property
    def latest_extension(self) -> date:
        return latest_extension_for(self.due_on)

    def deadline_state(self, today: date | None = None) -> str:
        """ "overdue", "soon" (within SOON_DUE_DAYS) or "" for the register's highlighting."""
        if not self.is_open:
            return ""
        today = today or timezone.localdate()
        if self.deadline < today:
            return "overdue"
        if self.deadline <= today + timedelta(days=SOON_DUE_DAYS):
            return "soon"
        return ""
