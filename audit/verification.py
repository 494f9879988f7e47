"""Verification of the audit chain: every entry's hash, link and place in the sequence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC

from audit.chain import GENESIS_HASH, canonical_payload, entry_hash
from audit.models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainVerification:
    ok: bool
    checked: int
    first_bad_sequence: int | None = None
    problem: str = ""
    checkpoints_checked: int = 0


def verify_chain(
    *, batch_size: int = 5000, progress: Callable[[int], None] | None = None
) -> ChainVerification:
    """Verify the hash chain, then every signed checkpoint against it."""
    result = _verify_entries(batch_size=batch_size, progress=progress)
    if not result.ok:
        return result
    return _verify_checkpoints(result)


def _verify_checkpoints(chain: ChainVerification) -> ChainVerification:
    from audit.checkpoints import signature_is_valid, trusted_public_keys
    from audit.models import AuditCheckpoint

    keys = trusted_public_keys()
    count = 0
    for checkpoint in AuditCheckpoint.objects.order_by("sequence", "pk").iterator():
        count += 1
        if not signature_is_valid(checkpoint, keys):
            return ChainVerification(
                False,
                chain.checked,
                checkpoint.sequence,
                "a checkpoint's signature is not valid",
                count,
            )
        if checkpoint.sequence == 0:
            continue
        if checkpoint.sequence > chain.checked:
            return ChainVerification(
                False,
                chain.checked,
                chain.checked + 1,
                "the chain ends before a signed checkpoint (entries were removed)",
                count,
            )
        stored = (
            AuditEvent.objects.filter(sequence=checkpoint.sequence)
            .values_list("entry_hash", flat=True)
            .first()
        )
        if stored != checkpoint.entry_hash:
            return ChainVerification(
                False,
                chain.checked,
                checkpoint.sequence,
                "the chain no longer passes through a signed checkpoint (it was rewritten)",
                count,
            )
    return ChainVerification(True, chain.checked, checkpoints_checked=count)


def _verify_entries(
    *, batch_size: int, progress: Callable[[int], None] | None
) -> ChainVerification:
    """Walk the whole trail in sequence order; stop at the first entry that does not fit."""
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    checked = 0
    fields = (
        "sequence",
        "occurred_at",
        "actor_id",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "reason",
        "details",
        "previous_hash",
        "entry_hash",
        "family_code",
    )
    rows = AuditEvent.objects.order_by("sequence").values_list(*fields).iterator(batch_size)
    for row in rows:
        (sequence, occurred_at, actor_id, actor_label, action, target_type, target_id) = row[:7]
        reason, details, stored_previous, stored_hash, family_code = row[7:]
        if sequence != expected_sequence:
            return ChainVerification(
                False, checked, expected_sequence, f"entry {expected_sequence} is missing"
            )
        if stored_previous != previous_hash:
            return ChainVerification(
                False, checked, sequence, "link to the previous entry is broken"
            )
        payload = canonical_payload(
            sequence=sequence,
            occurred_at=occurred_at.astimezone(UTC),
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            target_type=target_type,
            target_id=target_id,
            reason=reason,
            details=details,
            family_code=family_code,
        )
        if entry_hash(previous_hash, payload) != stored_hash:
            return ChainVerification(False, checked, sequence, "entry content was altered")
        previous_hash = stored_hash
        expected_sequence += 1
        checked += 1
        if progress is not None and checked % batch_size == 0:
            progress(checked)
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence != checked or head.entry_hash != previous_hash):
        # Entries were removed from the end, or the head was tampered with.
        return ChainVerification(
            False, checked, checked + 1, "the chain ends before its recorded head"
        )
    return ChainVerification(True, checked)
