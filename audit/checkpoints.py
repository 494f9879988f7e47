"""Signed checkpoints of the audit chain head (Ed25519; the key lives outside the database).

A checkpoint says "at this time the chain ended at entry N with hash H", signed. Whoever keeps
the downloaded checkpoint can later prove that the chain was not rewritten or truncated since.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction, AuditChainHead, AuditCheckpoint
from audit.services import audit_record

MESSAGE_PREFIX = "barnahus-family-voices audit checkpoint v1"


def signing_key() -> Ed25519PrivateKey:
    encoded = getattr(settings, "AUDIT_SIGNING_KEY", "") or ""
    if not encoded:
        raise ImproperlyConfigured("Set AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE.")
    try:
        seed = base64.b64decode(encoded, validate=True)
        return Ed25519PrivateKey.from_private_bytes(seed)
    except ValueError as error:
        raise ImproperlyConfigured("AUDIT_SIGNING_KEY must be a base64 32-byte seed.") from error


def public_key_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(public_key_bytes(key)).hexdigest()[:16]


def trusted_public_keys() -> dict[str, Ed25519PublicKey]:
    """The current key plus any retired public keys (AUDIT_TRUSTED_PUBLIC_KEYS, base64)."""
    keys = {}
    current = signing_key().public_key()
    keys[key_id(current)] = current
    for encoded in getattr(settings, "AUDIT_TRUSTED_PUBLIC_KEYS", []) or []:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(encoded))
        keys[key_id(public)] = public
    return keys


def message(sequence: int, entry_hash: str, signed_at_iso: str) -> bytes:
    return (
        f"{MESSAGE_PREFIX}\nsequence={sequence}\nhash={entry_hash}\ntime={signed_at_iso}\n".encode()
    )


def checkpoint_message(checkpoint: AuditCheckpoint) -> bytes:
    return message(
        checkpoint.sequence,
        checkpoint.entry_hash,
        checkpoint.signed_at.astimezone(UTC).isoformat(timespec="microseconds"),
    )


def checkpoint_create(*, actor: object = None) -> AuditCheckpoint:
    """Sign the current chain head; the checkpoint's own audit entry comes after the head."""
    key = signing_key()
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        sequence, head_hash = (head.sequence, head.entry_hash) if head else (0, "0" * 64)
        signed_at = timezone.now().astimezone(UTC)
        checkpoint = AuditCheckpoint(
            sequence=sequence,
            entry_hash=head_hash,
            signed_at=signed_at,
            key_id=key_id(key.public_key()),
        )
        checkpoint.signature = base64.b64encode(key.sign(checkpoint_message(checkpoint))).decode()
        checkpoint.save()
        audit_record(
            actor=actor,
            action=AuditAction.CHECKPOINT_SIGNED,
            target=checkpoint,
            details={"sequence": sequence, "key_id": checkpoint.key_id},
        )
    return checkpoint


@dataclass(frozen=True)
class CheckpointProblem:
    checkpoint_id: int
    sequence: int
    problem: str


def signature_is_valid(checkpoint: AuditCheckpoint, keys: dict[str, Ed25519PublicKey]) -> bool:
    public = keys.get(checkpoint.key_id)
    if public is None:
        return False
    try:
        public.verify(base64.b64decode(checkpoint.signature), checkpoint_message(checkpoint))
    except (InvalidSignature, ValueError):
        return False
    return True


def checkpoint_text(checkpoint: AuditCheckpoint) -> str:
    """The small text file a DPO keeps outside the system."""
    public = trusted_public_keys().get(checkpoint.key_id)
    public_b64 = base64.b64encode(public_key_bytes(public)).decode() if public else "unknown"
    return (
        checkpoint_message(checkpoint).decode()
        + f"key_id={checkpoint.key_id}\n"
        + f"public_key_ed25519={public_b64}\n"
        + f"signature={checkpoint.signature}\n"
    )
