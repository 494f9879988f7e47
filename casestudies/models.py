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
    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="families", verbose_name=_("centre")
    )
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
