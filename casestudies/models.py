"""Families (pseudonymous subjects) and the encrypted identity vault."""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Centre, Role, User

# Crockford's base32 without I, L, O, U: nothing to misread, nothing that spells words easily.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_family_code(centre: Centre) -> str:
    """Centre short code + 8 random base32 characters (40 bits), e.g. HEL-7KQ2-M9XD."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{centre.short_code}-{raw[:4]}-{raw[4:]}"


class FamilyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ANONYMISING = "anonymising", _("Being anonymised")
    ANONYMISED = "anonymised", _("Anonymised")
    ERASED = "erased", _("Erased")


class RemovalMode(models.TextChoices):
    ANONYMISE = "anonymise", _("Anonymise")
    ERASE = "erase", _("Erase")


class FamilyQuerySet(models.QuerySet["Family"]):
    def visible_to(self, user: User) -> FamilyQuerySet:
        """Staff and leads see the families of their own centres; nobody else sees any."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        centre_ids = user.memberships.filter(
            role__in=[Role.STAFF, Role.LEAD], centre__isnull=False
        ).values("centre_id")
        return self.filter(centre_id__in=centre_ids)

    def in_use(self) -> FamilyQuerySet:
        """Families whose data may be used: active and not waiting for anonymisation."""
        return self.filter(status=FamilyStatus.ACTIVE, removal_requested_at__isnull=True)

    def awaiting_removal(self) -> FamilyQuerySet:
        return self.filter(status=FamilyStatus.ACTIVE, removal_requested_at__isnull=False)


class Family(models.Model):
    code = models.CharField(_("family code"), max_length=16, unique=True, editable=False)
    # Anonymisation generalises the centre to its country: centre becomes empty, country stays.
    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="families",
        verbose_name=_("centre"),
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=16, choices=FamilyStatus.choices, default=FamilyStatus.ACTIVE
    )
    # Set by a full withdrawal (or the retention sweep): the family is excluded everywhere and
    # waits for the anonymisation task, which erases or anonymises as the consent form promised.
    removal_requested_at = models.DateTimeField(null=True, blank=True)
    removal_mode = models.CharField(max_length=16, choices=RemovalMode.choices, blank=True)
    anonymising_since = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # Counts from the scrubbing step, carried to the proof entry written when the key is gone.
    anonymisation_report = models.JSONField(default=dict, blank=True)
    legal_hold_reason = models.TextField(blank=True)
    legal_hold_since = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = FamilyQuerySet.as_manager()

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(removal_requested_at__isnull=True) | ~Q(removal_mode=""),
                name="family_removal_has_mode",
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def awaiting_removal(self) -> bool:
        return self.status == FamilyStatus.ACTIVE and self.removal_requested_at is not None

    @property
    def on_legal_hold(self) -> bool:
        return self.legal_hold_since is not None


class IdentityVault(models.Model):
    """One encrypted identity record per family; readable only while its data key exists.

    History rows keep only ciphertext and the key reference, so destroying the data key makes
    every copy unreadable, in live rows, history rows and database backups alike.
    """

    family = models.OneToOneField(Family, on_delete=models.CASCADE, related_name="vault")
    key_ref = models.UUIDField(editable=False)
    ciphertext = models.BinaryField()
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"vault of {self.family_id}"

    def associated_data(self) -> bytes:
        return f"identity:{self.family_id}".encode()


class VocabularyTerm(models.Model):
    """One value of a controlled vocabulary, with its labels; retired values stay readable."""

    vocabulary = models.SlugField(max_length=48)
    code = models.SlugField(max_length=48)
    labels = models.JSONField(default=dict)  # {"en": ..., "fi": ..., "sv": ...}
    country_labels = models.JSONField(default=dict, blank=True)  # {"IE": {"en": ...}}
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    introduced_in = models.PositiveSmallIntegerField(default=1)
    retired_in = models.PositiveSmallIntegerField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar = ["vocabulary", "position", "code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["vocabulary", "code"], name="vocabulary_term_unique")
        ]

    def __str__(self) -> str:
        return f"{self.vocabulary}:{self.code}"

    def label(self, language: str, country: str = "") -> str:
        country_label = self.country_labels.get(country, {}).get(language)
        return str(country_label or self.labels.get(language) or self.labels.get("en") or self.code)


class InterviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    LOCKED = "locked", _("Reviewed and locked")


def new_interview_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"IV-{raw[:4]}-{raw[4:]}"


class InterviewQuerySet(models.QuerySet["Interview"]):
    def visible_to(self, user: User) -> InterviewQuerySet:
        """Interviews of the families the user's centre works with."""
        return self.filter(family__in=Family.objects.visible_to(user))


class Interview(models.Model):
    """One interview with a parent or carer: DOMAIN.md sections A-M.

    Multi-valued answers are JSON lists of vocabulary codes (agencies in order of first
    contact); narratives are free text screened for personal data on every save.
    """

    code = models.CharField(max_length=16, unique=True, editable=False)
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="interviews")
    instrument_version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=16, choices=InterviewStatus.choices, default=InterviewStatus.DRAFT
    )
    # Optimistic locking: every save increments it; a save based on an older revision fails.
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    # Everyone who wrote content (creator and editors): none of them may review and lock it.
    contributors = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)

    # A. Record
    interview_year = models.PositiveSmallIntegerField(null=True, blank=True)
    interview_month = models.PositiveSmallIntegerField(null=True, blank=True)
    interview_language = models.CharField(max_length=48, blank=True)
    interviewer_role = models.CharField(max_length=48, blank=True)
    consent_form_version = models.PositiveIntegerField(null=True, blank=True)
    audio_recording_exists = models.BooleanField(null=True, blank=True)
    # B. Respondent
    respondent_relationship = models.CharField(max_length=48, blank=True)
    respondent_age_band = models.CharField(max_length=48, blank=True)
    respondent_has_custody = models.BooleanField(null=True, blank=True)
    # C. Child
    child_gender = models.CharField(max_length=48, blank=True)
    child_age_band_first_incident = models.CharField(max_length=48, blank=True)
    child_age_band_disclosure = models.CharField(max_length=48, blank=True)
    child_age_band_interview = models.CharField(max_length=48, blank=True)
    siblings_affected = models.BooleanField(null=True, blank=True)
    # D. Type of online violence
    violence_types = models.JSONField(default=list, blank=True)
    violence_other = models.CharField(max_length=200, blank=True)
    extortion_motive = models.CharField(max_length=48, blank=True)
    # E. Platforms
    platforms = models.JSONField(default=list, blank=True)
    # F. Offender
    offender_relationships = models.JSONField(default=list, blank=True)
    offender_count = models.CharField(max_length=48, blank=True)
    # G. How it came to light
    disclosure_route = models.CharField(max_length=48, blank=True)
    time_to_disclosure = models.CharField(max_length=48, blank=True)
    # H. Agencies, in the order of first contact
    agencies = models.JSONField(default=list, blank=True)
    # I. Criminal proceedings
    proceedings_stage = models.CharField(max_length=48, blank=True)
    proceedings_outcome = models.CharField(max_length=48, blank=True)
    months_report_to_forensic_interview = models.CharField(max_length=48, blank=True)
    months_report_to_charging = models.CharField(max_length=48, blank=True)
    months_report_to_judgment = models.CharField(max_length=48, blank=True)
    # J. Ratings: {agency: {dimension: 1..5}}; a missing key means "not applicable"
    service_ratings = models.JSONField(default=dict, blank=True)
    # K. Impact
    child_impacts = models.JSONField(default=list, blank=True)
    parent_impacts = models.JSONField(default=list, blank=True)
    # L. Support
    support_received = models.JSONField(default=list, blank=True)
    support_needed = models.JSONField(default=list, blank=True)
    peer_group_took_part = models.BooleanField(null=True, blank=True)
    peer_group_mode = models.CharField(max_length=48, blank=True)
    peer_group_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    # M. Narratives (identifying until scrubbed)
    narrative_what_happened = models.TextField(blank=True)
    narrative_turning_points = models.TextField(blank=True)
    narrative_what_helped = models.TextField(blank=True)
    narrative_what_harmed = models.TextField(blank=True)
    narrative_advice = models.TextField(blank=True)
    narrative_peer_group = models.TextField(blank=True)
    quotable_passages = models.TextField(blank=True)
    # Screening: keyed digests of findings the author confirmed are not personal data, and the
    # number still open (the matched text itself is never stored twice).
    confirmed_findings = models.JSONField(default=list, blank=True)
    open_findings = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    objects = InterviewQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at"]
        indexes: ClassVar = [models.Index(fields=["status", "interview_year", "interview_month"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(interview_month__isnull=True)
                | Q(interview_month__gte=1, interview_month__lte=12),
                name="interview_month_valid",
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_editable(self) -> bool:
        return self.status == InterviewStatus.DRAFT
