"""Consent forms (versioned, one language each), consent records, withdrawals and evidence."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Language
from casestudies.models import Family, RemovalMode


class Purpose(models.TextChoices):
    """The separate purposes a form may ask about (DOMAIN.md, Consent)."""

    PARTICIPATION = "participation", _("Taking part in the study")
    AUDIO = "audio", _("Audio recording and transcription")
    RESEARCH = "research", _("Research use by the named controller")
    QUOTATION = "quotation", _("Anonymous quotation")
    SHARING = "sharing", _("Sharing with named partner institutions")
    ARCHIVING = "archiving", _("Archiving for reuse")
    RECONTACT = "recontact", _("Being contacted again")


class LegalBasis(models.TextChoices):
    EXPLICIT_CONSENT = "art9_2_a", _("GDPR Art. 9(2)(a): explicit consent")
    RESEARCH = "art9_2_j", _("GDPR Art. 9(2)(j): research with Art. 89 safeguards")


class FormStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class ConsentForm(models.Model):
    """One version of a consent form in one language. Published versions never change."""

    form_key = models.SlugField(
        _("form identifier"),
        max_length=64,
        help_text=_("Groups the versions and languages of one form, e.g. family-interview."),
    )
    version = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text of the form"))
    purposes = models.JSONField(_("purposes offered"), default=list)
    retention_months = models.PositiveIntegerField(
        _("retention period (months)"),
        validators=[MinValueValidator(1), MaxValueValidator(15 * 12)],
    )
    legal_basis = models.CharField(_("legal basis"), max_length=16, choices=LegalBasis.choices)
    withdrawal_effect = models.CharField(
        _("what a withdrawal does to data already given"),
        max_length=16,
        choices=RemovalMode.choices,
    )
    anonymised_data_stays_in_statistics = models.BooleanField(
        _("anonymised data stays in statistics after a withdrawal"), default=False
    )
    status = models.CharField(
        _("status"), max_length=16, choices=FormStatus.choices, default=FormStatus.DRAFT
    )
    text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consent form")
        verbose_name_plural = _("consent forms")
        ordering: ClassVar = ["form_key", "language", "-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["form_key", "language", "version"], name="consent_form_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(text_sha256=""),
                name="consent_form_published_has_hash",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version}, {self.language})"

    def purpose_choices(self) -> list[tuple[str, str]]:
        labels = dict(Purpose.choices)
        return [(code, str(labels[code])) for code in self.purposes if code in labels]


class ConsentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SUPERSEDED = "superseded", _("Superseded")
    EXPIRED = "expired", _("Expired")


class ConsenterRelationship(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    OTHER_GUARDIAN = "other_guardian", _("Other guardian")
    CARER = "carer", _("Foster or other carer")


class GuardianConsent(models.TextChoices):
    """Who gave guardian consent for the child's information to be included."""

    BOTH = "both", _("Both guardians")
    ONE_OTHER_INFORMED = "one_informed", _("One guardian; the other was informed")
    ONE_OTHER_SUSPECT = (
        "one_other_suspect",
        _("One guardian; the other is a suspect and was not asked"),
    )
    APPOINTED = "appointed", _("A guardian appointed for the child (e.g. guardian ad litem)")
    SOLE = "sole", _("The only guardian")


class ChildAssent(models.TextChoices):
    GIVEN = "given", _("Given")
    DECLINED = "declined", _("Declined")
    NOT_ASKED = "not_asked", _("Not asked")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Written")
    ORAL = "oral", _("Oral, with a witnessing professional")
    ELECTRONIC = "electronic", _("Electronic")


CHILD_ASSENT_AGE = 12


class ConsentRecordQuerySet(models.QuerySet["ConsentRecord"]):
    def active(self) -> ConsentRecordQuerySet:
        return self.filter(status=ConsentStatus.ACTIVE)


class ConsentRecord(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="consents")
    form = models.ForeignKey(ConsentForm, on_delete=models.PROTECT, related_name="records")
    # Every purpose the form offers, each explicitly granted (true) or refused (false).
    purposes = models.JSONField(_("purposes"), default=dict)
    withdrawn_purposes = models.JSONField(_("withdrawn purposes"), default=list, blank=True)
    consenter_relationship = models.CharField(
        _("who consented (relationship to the child)"),
        max_length=32,
        choices=ConsenterRelationship.choices,
    )
    guardian_consent = models.CharField(
        _("guardian consent for the child's information"),
        max_length=32,
        choices=GuardianConsent.choices,
    )
    other_guardian_is_suspect = models.BooleanField(
        _("the other guardian is a suspect"), default=False
    )
    child_age = models.PositiveSmallIntegerField(
        _("child's age at consent (years)"), validators=[MaxValueValidator(17)]
    )
    child_assent = models.CharField(
        _("child's own assent"), max_length=16, choices=ChildAssent.choices
    )
    child_assent_reason = models.TextField(_("why the child was not asked"), blank=True)
    method = models.CharField(
        _("how consent was given"), max_length=16, choices=ConsentMethod.choices
    )
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("witnessing professional"),
    )
    consent_date = models.DateField(_("date of consent"))
    retention_until = models.DateField(_("kept until"))
    status = models.CharField(
        _("status"), max_length=16, choices=ConsentStatus.choices, default=ConsentStatus.ACTIVE
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering: ClassVar = ["-recorded_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(status="active"),
                name="consent_one_active_per_family",
            ),
            models.CheckConstraint(
                condition=~Q(method="oral") | Q(witness__isnull=False),
                name="consent_oral_has_witness",
            ),
            models.CheckConstraint(
                condition=~Q(child_assent="not_asked") | ~Q(child_assent_reason=""),
                name="consent_not_asked_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"consent #{self.pk} of {self.family_id}"

    def allows(self, purpose: str) -> bool:
        return (
            self.status == ConsentStatus.ACTIVE
            and bool(self.purposes.get(purpose))
            and purpose not in self.withdrawn_purposes
            and self.retention_until >= timezone.localdate()
        )

    @property
    def partly_withdrawn(self) -> bool:
        return self.status == ConsentStatus.ACTIVE and bool(self.withdrawn_purposes)


class ConsentWithdrawal(models.Model):
    consent = models.ForeignKey(ConsentRecord, on_delete=models.CASCADE, related_name="withdrawals")
    purposes = models.JSONField(_("purposes withdrawn"), default=list)
    is_full = models.BooleanField(_("full withdrawal"))
    effect = models.CharField(max_length=16, choices=RemovalMode.choices, blank=True)
    withdrawn_on = models.DateField(_("date of withdrawal"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar = ["-recorded_at"]

    def __str__(self) -> str:
        return f"withdrawal #{self.pk}"


class ConsentEvidence(models.Model):
    """A signed form or similar, stored encrypted with the family's data key (no history)."""

    consent = models.OneToOneField(ConsentRecord, on_delete=models.CASCADE, related_name="evidence")
    ciphertext = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"evidence of consent {self.consent_id}"

    def associated_data(self) -> bytes:
        return f"evidence:{self.consent_id}".encode()
