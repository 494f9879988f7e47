"""Research projects (with their keyed pseudonyms) and disclosure-controlled exports."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Centre, Role, User


class ResearchProjectQuerySet(models.QuerySet["ResearchProject"]):
    def running(self, today: date | None = None) -> ResearchProjectQuerySet:
        today = today or timezone.localdate()
        return self.filter(starts_on__lte=today, ends_on__gte=today)

    def for_researcher(self, user: User) -> ResearchProjectQuerySet:
        """The running projects the user belongs to while holding the researcher role."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.memberships.filter(role=Role.RESEARCHER).exists():
            return self.none()
        return self.running().filter(members=user)


class ResearchProject(models.Model):
    title = models.CharField(_("title"), max_length=200)
    responsible_researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible researcher"),
    )
    approved_purpose = models.TextField(_("approved purpose"))
    ethics_reference = models.CharField(_("ethics approval reference"), max_length=200)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    # Scope: families of these countries, or of these centres (either matches). Anonymised
    # families have no centre any more, so a centre-only scope no longer sees them.
    countries = models.JSONField(_("countries"), default=list, blank=True)
    centres = models.ManyToManyField(
        Centre, blank=True, related_name="research_projects", verbose_name=_("centres")
    )
    allowed_fields = models.JSONField(_("fields the project may use"), default=list, blank=True)
    k = models.PositiveSmallIntegerField(
        _("k-anonymity of exports"), default=5, validators=[MinValueValidator(2)]
    )
    max_suppressed_share = models.FloatField(
        _("largest share of rows an export may suppress"),
        default=0.2,
        validators=[MinValueValidator(0.0), MaxValueValidator(0.5)],
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="research_projects",
        verbose_name=_("members"),
    )
    # The project's pseudonym key lives in the key store under this reference.
    key_ref = models.UUIDField(editable=False, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(m2m_fields=[members, centres])
    objects = ResearchProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("research project")
        verbose_name_plural = _("research projects")
        ordering: ClassVar = ["-starts_on", "title"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="research_project_dates"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_running(self) -> bool:
        return self.starts_on <= timezone.localdate() <= self.ends_on


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be built")
    BUILDING = "building", _("Being built")
    READY = "ready", _("Ready to download")
    NEEDS_FEWER_FIELDS = "needs_fewer_fields", _("Too many rows would be lost: choose fewer fields")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired and deleted")


class ResearchExport(models.Model):
    """One export request and its result. The ZIP is stored encrypted outside the database."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(ResearchProject, on_delete=models.PROTECT, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.TextField(_("purpose of the export"))
    fields = models.JSONField(_("fields"), default=list)
    status = models.CharField(
        max_length=24, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    # Progress counters are written with update() while building, on purpose without history.
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)
    suppressed_rows = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    # The file's own data key in the key store: destroying it at expiry makes every copy of the
    # file (including backups of var/) unreadable.
    key_ref = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    built_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["progress", "total"])

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"export {self.id}"

    @property
    def is_downloadable(self) -> bool:
        return (
            self.status == ExportStatus.READY
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )

    @property
    def progress_percent(self) -> int:
        return int(100 * self.progress / self.total) if self.total else 0


class ResearchExportFamily(models.Model):
    """Which families an export contains, so a later withdrawal can mark it (ids only).

    A plain integer, not a foreign key: the mark must survive the family's erasure. A family
    with several interviews appears once per row; readers use it as a set.
    """

    export = models.ForeignKey(ResearchExport, on_delete=models.CASCADE, related_name="families")
    family_id = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"{self.export_id}:{self.family_id}"
