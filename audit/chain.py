"""Hashing of audit entries: SHA-256 over the previous hash and a canonical JSON of the entry."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64

# Keys whose values must never enter the trail (they are replaced, not dropped, so the entry
# still shows that something was there).
_SECRET_KEY_PATTERN = re.compile(
    r"pass(word|phrase)?|secret|token|otp|totp|backup|credential|session|api_?key|private|pin$",
    re.IGNORECASE,
)
MASK = "***"


def mask_secrets(value: Any) -> Any:
    """Return a copy of value with the values of secret-looking keys masked, at any depth."""
    if isinstance(value, dict):
        return {
            str(key): MASK if _SECRET_KEY_PATTERN.search(str(key)) else mask_secrets(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_secrets(item) for item in value]
    return value


def canonical_payload(
    *,
    sequence: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    reason: str,
    details: dict[str, Any],
    family_code: str = "",
) -> bytes:
    payload = {
        "sequence": sequence,
        "occurred_at": occurred_at.isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "reason": reason,
        "details": details,
    }
    if family_code:
        # Only when set, so entries written before the column existed hash as they did.
        payload["family_code"] = family_code
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(previous_hash: str, payload: bytes) -> str:
    return hashlib.sha256(previous_hash.encode("ascii") + payload).hexdigest()
