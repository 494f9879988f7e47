"""The one way to write to the audit trail."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from audit.chain import GENESIS_HASH, canonical_payload, entry_hash, mask_secrets
from audit.models import AuditAction, AuditChainHead, AuditEvent

SYSTEM_LABEL = "system"


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, SYSTEM_LABEL if actor is None else "anonymous"
    return int(actor.pk), f"user:{actor.pk}"


def _normalise_details(details: dict[str, Any] | None) -> dict[str, Any]:
    # Round-trip through JSON so the stored value equals what was hashed (tuples, dates...).
    masked = mask_secrets(details or {})
    return json.loads(json.dumps(masked, sort_keys=True, default=str))


def _family_code_of(
    target: models.Model | None, target_type: str, target_id: str, details: dict[str, Any] | None
) -> str:
    """The family an entry is about: the family itself, or whatever belongs to one."""
    if target_type == "casestudies.family":
        return target_id
    family = getattr(target, "family", None) if target is not None else None
    code = getattr(family, "code", "")
    if code:
        return str(code)
    return str((details or {}).get("family", ""))


def audit_record(
    *,
    actor: Any,
    action: AuditAction | str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
    family_code: str = "",
) -> AuditEvent:
    """Append one entry inside the caller's transaction (a savepoint if one is open).

    The chain head row is locked first, so concurrent writers queue instead of forking the chain.
    Never pass identity values, passwords or codes: details keys that look secret are masked.
    """
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    family_code = family_code or _family_code_of(target, target_type, str(target_id), details)
    actor_id, actor_label = _actor_fields(actor)
    clean_details = _normalise_details(details)
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            # First entry ever (or after a test flush): concurrent first writers may race to
            # create the head, so insert-if-absent and then lock whichever row won.
            AuditChainHead.objects.bulk_create(
                [AuditChainHead(pk=1, sequence=0, entry_hash=GENESIS_HASH)], ignore_conflicts=True
            )
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        sequence = head.sequence + 1
        occurred_at = timezone.now().astimezone(UTC)
        payload = canonical_payload(
            sequence=sequence,
            occurred_at=occurred_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=str(action),
            target_type=target_type,
            target_id=str(target_id),
            reason=reason,
            details=clean_details,
            family_code=family_code,
        )
        digest = entry_hash(head.entry_hash, payload)
        event = AuditEvent.objects.create(
            sequence=sequence,
            occurred_at=occurred_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=str(action),
            target_type=target_type,
            target_id=str(target_id),
            reason=reason,
            details=clean_details,
            family_code=family_code,
            previous_hash=head.entry_hash,
            entry_hash=digest,
        )
        AuditChainHead.objects.filter(pk=1).update(sequence=sequence, entry_hash=digest)
    return event
