"""Verification of the audit chain: every entry's hash, link and place in the sequence."""

from __future__ import annotations

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


def verify_chain(*, batch_size: int = 5000) -> ChainVerification:
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
    )
    rows = AuditEvent.objects.order_by("sequence").values_list(*fields).iterator(batch_size)
    for row in rows:
        (sequence, occurred_at, actor_id, actor_label, action, target_type, target_id) = row[:7]
        reason, details, stored_previous, stored_hash = row[7:]
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
        )
        if entry_hash(previous_hash, payload) != stored_hash:
            return ChainVerification(False, checked, sequence, "entry content was altered")
        previous_hash = stored_hash
        expected_sequence += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence != checked or head.entry_hash != previous_hash):
        # Entries were removed from the end, or the head was tampered with.
        return ChainVerification(
            False, checked, checked + 1, "the chain ends before its recorded head"
        )
    return ChainVerification(True, checked)
