"""State changes (and audited reads) of families and their identity vault."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Centre, User
from accounts.services import ServiceError
from audit.models import AuditAction, AuditEvent
from audit.services import audit_record
from casestudies.identity import Identity
from casestudies.models import Family, FamilyStatus, IdentityVault, new_family_code
from casestudies.screening import screen_text
from core.crypto import DecryptionFailed, seal, unseal
from keystore.services import DataKeyDestroyed, data_key_create, data_key_open

logger = logging.getLogger(__name__)


class IdentityReason:
    """Why someone opens an identity; the choice plus free text goes into the audit entry."""

    CONTACT = "contact"
    CONSENT = "consent_administration"
    SAFEGUARDING = "safeguarding"
    DATA_SUBJECT_REQUEST = "data_subject_request"


class IdentityUnavailable(ServiceError):
    """The family was anonymised or erased: its identity no longer exists."""


def family_create(*, actor: User, centre: Centre, identity: Identity) -> Family:
    """Create a family with a random code and its encrypted identity.

    The data key is written to the key store first (its own database); if the main transaction
    then fails, an unused key is left behind, which reveals nothing.
    """
    key_ref, data_key = data_key_create()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                family = Family.objects.create(
                    code=new_family_code(centre),
                    centre=centre,
                    country=centre.country,
                    created_by=actor,
                )
                vault = IdentityVault(family=family, key_ref=key_ref)
                vault.ciphertext = seal(data_key, identity.to_json(), vault.associated_data())
                vault.save()
                audit_record(
                    actor=actor,
                    action=AuditAction.FAMILY_CREATED,
                    target=family,
                    target_id=family.code,
                    details={"centre_id": centre.pk},
                )
            return family
        except IntegrityError:
            # A code collision (40 random bits per centre): draw again.
            continue
    raise ServiceError(_("Could not create a unique family code. Try again."))


def _vault_of(family: Family) -> IdentityVault:
    if family.status != FamilyStatus.ACTIVE:
        raise IdentityUnavailable(_("This family's identity was destroyed when it was anonymised."))
    vault = IdentityVault.objects.filter(family=family).first()
    if vault is None:
        raise IdentityUnavailable(_("This family has no identity record any more."))
    return vault


def family_data_key(family: Family) -> bytes:
    """The family's data key (for the vault and consent evidence)."""
    vault = _vault_of(family)
    try:
        return data_key_open(vault.key_ref)
    except DataKeyDestroyed as error:
        raise IdentityUnavailable(_("This family's identity can no longer be read.")) from error


def _decrypt(vault: IdentityVault) -> Identity:
    try:
        key = data_key_open(vault.key_ref)
        plaintext = unseal(key, bytes(vault.ciphertext), vault.associated_data())
    except DataKeyDestroyed as error:
        raise IdentityUnavailable(_("This family's identity can no longer be read.")) from error
    except DecryptionFailed as error:
        # Altered or misplaced ciphertext: refuse, and leave a trace for the operators.
        logger.error("identity vault of family %s does not decrypt", vault.family_id)
        raise IdentityUnavailable(_("This family's identity can no longer be read.")) from error
    return Identity.from_json(plaintext)


def reject_identity_values(text: str, identity: Identity | None) -> None:
    """Free text that goes into the audit trail must not repeat the family's identity."""
    if identity is None or not text.strip():
        return
    if screen_text(text, vault_values=identity.values_for_screening()):
        raise ServiceError(
            _(
                "Do not write names, contact details or case numbers here: the text is kept "
                "in the audit trail."
            )
        )


def identity_open(*, actor: User, family: Family, reason: str, reason_text: str) -> Identity:
    """Decrypt a family's identity for a stated reason; writes one identity.viewed entry."""
    vault = _vault_of(family)
    identity = _decrypt(vault)
    reject_identity_values(reason_text, identity)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.IDENTITY_VIEWED,
            target=family,
            target_id=family.code,
            reason=reason_text.strip(),
            details={"reason": reason},
        )
    return identity


def identity_read_for_screening(family: Family) -> Identity | None:
    """The identity for machine use only (screening, scrubbing); never shown, not audited."""
    try:
        return _decrypt(_vault_of(family))
    except IdentityUnavailable:
        return None


def identity_of_vault(vault: IdentityVault) -> Identity:
    """Decrypt a vault row whatever the family's state (anonymisation reads it one last time)."""
    return _decrypt(vault)


def identity_for_correction(family: Family) -> Identity:
    """The identity to prefill a correction, within an opening the caller already audited."""
    return _decrypt(_vault_of(family))


def identity_update(*, actor: User, family: Family, identity: Identity, reason_text: str) -> None:
    reject_identity_values(reason_text, identity)
    reject_identity_values(reason_text, identity_read_for_screening(family))
    with transaction.atomic():
        locked = Family.objects.select_for_update().get(pk=family.pk)
        vault = _vault_of(locked)
        key = family_data_key(locked)
        vault.ciphertext = seal(key, identity.to_json(), vault.associated_data())
        vault.updated_at = timezone.now()
        vault.save(update_fields=["ciphertext", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.IDENTITY_UPDATED,
            target=locked,
            target_id=locked.code,
            reason=reason_text.strip(),
        )


@dataclass(frozen=True)
class IdentityOpening:
    actor_label: str
    actor_name: str
    occurred_at: object
    reason: str
    reason_text: str


def identity_openings(family: Family, *, limit: int = 50) -> list[IdentityOpening]:
    """Who opened this family's identity before, newest first (from the audit trail)."""
    entries = list(
        AuditEvent.objects.filter(
            action=AuditAction.IDENTITY_VIEWED,
            target_type="casestudies.family",
            target_id=family.code,
        ).order_by("-sequence")[:limit]
    )
    names = dict(
        User.objects.filter(pk__in={entry.actor_id for entry in entries}).values_list(
            "pk", "display_name"
        )
    )
    return [
        IdentityOpening(
            actor_label=entry.actor_label,
            actor_name=names.get(entry.actor_id or 0, entry.actor_label),
            occurred_at=entry.occurred_at,
            reason=str(entry.details.get("reason", "")),
            reason_text=entry.reason,
        )
        for entry in entries
    ]
