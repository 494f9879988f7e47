"""Users, centres, memberships (role + centre), invitations and hashed backup codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    STAFF = "staff", _("Staff")
    LEAD = "lead", _("Lead")
    RESEARCHER = "researcher", _("Researcher")
    DPO = "dpo", _("Data protection officer")
    ADMIN = "admin", _("Administrator")


# Roles whose membership is tied to one centre.
CENTRE_ROLES = frozenset({Role.STAFF, Role.LEAD})


class Language(models.TextChoices):
    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering: ClassVar = ["display_name", "email"]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name

    @property
    def audit_label(self) -> str:
        """How the audit trail names this account: its id, never its e-mail or name."""
        return f"user:{self.pk}"


class Centre(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    country = models.CharField(
        _("country"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use the two-letter ISO code, e.g. FI."))],
        help_text=_("Two-letter ISO 3166 country code, e.g. FI, SE, IE."),
    )
    short_code = models.CharField(
        _("short code"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{3,4}$", _("Use 3 or 4 capital letters, e.g. HEL."))],
        help_text=_("Three or four capital letters; used as the prefix of family codes."),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Helsinki")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(user__is_active=True)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("centre"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(role__in=[Role.STAFF, Role.LEAD]) | Q(centre__isnull=False),
                name="membership_centre_role_has_centre",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "centre"],
                condition=Q(centre__isnull=False),
                name="membership_unique_with_centre",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(centre__isnull=True),
                name="membership_unique_without_centre",
            ),
        ]

    def __str__(self) -> str:
        if self.centre_id:
            return f"{self.get_role_display()} · {self.centre}"
        return str(self.get_role_display())


def hash_secret(secret: str) -> str:
    """SHA-256 of a high-entropy random secret (tokens, codes); never used for passwords."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    email = models.EmailField(_("e-mail address"))
    display_name = models.CharField(_("display name"), max_length=150)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("centre")
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    # Only the SHA-256 of the link's token is stored; the token itself is in the e-mail alone.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(role__in=[Role.STAFF, Role.LEAD]) | Q(centre__isnull=False),
                name="invitation_centre_role_has_centre",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} invitation #{self.pk}"

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class BackupCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """Single-use backup codes, stored as salted hashes (OWASP ASVS 6.5.2).

    django-otp's StaticDevice keeps its tokens in plain text, which is why this device exists.
    """

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1))

    def verify_token(self, token: object) -> bool:
        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        normalised = normalise_backup_code(str(token))
        for code in self.codes.filter(used_at__isnull=True):
            if code.matches(normalised):
                code.used_at = timezone.now()
                code.save(update_fields=["used_at"])
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
                return True
        self.throttle_increment()
        return False

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()


def normalise_backup_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def new_backup_code() -> str:
    """Ten random base32 characters (50 bits), shown as xxxxx-xxxxx."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"backup code #{self.pk}"

    @staticmethod
    def digest(salt: str, normalised_code: str) -> str:
        # The codes carry 50 bits of entropy, so a salted SHA-256 resists offline guessing
        # without the cost of a password hash for each of ten codes.
        return hashlib.sha256(f"{salt}:{normalised_code}".encode()).hexdigest()

    def matches(self, normalised_code: str) -> bool:
        return hmac.compare_digest(self.code_hash, self.digest(self.salt, normalised_code))
