"""Envelope encryption: per-family data keys (AES-256-GCM) wrapped by master keys.

AES-GCM comes from the `cryptography` package (pyca), the maintained binding to OpenSSL that
Django itself depends on for its own crypto needs; its AEAD interface authenticates the
ciphertext and binds it to associated data, so a ciphertext cannot be moved to another family.
Master keys come from settings (environment or a file), never from the database.
"""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12
KEY_BYTES = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


class DecryptionFailed(Exception):
    """The ciphertext does not open with this key (wrong key, altered data, other family)."""


@dataclass(frozen=True)
class MasterKey:
    key_id: str
    secret: bytes


def parse_master_keys(spec: str) -> list[MasterKey]:
    """Parse "id:base64key,id:base64key" (newest first) into master keys."""
    keys: list[MasterKey] = []
    for item in (part.strip() for part in spec.replace("\n", ",").split(",")):
        if not item:
            continue
        key_id, _, encoded = item.partition(":")
        if not _KEY_ID.match(key_id) or not encoded:
            raise ImproperlyConfigured("VAULT_MASTER_KEYS entries look like id:base64key.")
        try:
            secret = base64.b64decode(encoded, validate=True)
        except ValueError as error:
            raise ImproperlyConfigured(f"Master key {key_id} is not valid base64.") from error
        if len(secret) != KEY_BYTES:
            raise ImproperlyConfigured(f"Master key {key_id} must be {KEY_BYTES} bytes.")
        if any(existing.key_id == key_id for existing in keys):
            raise ImproperlyConfigured(f"Master key id {key_id} appears twice.")
        keys.append(MasterKey(key_id, secret))
    return keys


def generate_master_key_line(key_id: str) -> str:
    return f"{key_id}:{base64.b64encode(os.urandom(KEY_BYTES)).decode('ascii')}"


def ensure_dev_master_key_file(path: Path) -> str:
    """Demo/dev only: create a master key file on first run, outside the database files."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(generate_master_key_line("dev1") + "\n", encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8")


def master_keys() -> list[MasterKey]:
    keys = parse_master_keys(getattr(settings, "VAULT_MASTER_KEYS", "") or "")
    if not keys:
        raise ImproperlyConfigured("No vault master key: set VAULT_MASTER_KEYS(_FILE).")
    return keys


def newest_master_key() -> MasterKey:
    return master_keys()[0]


def master_key_by_id(key_id: str) -> MasterKey:
    for key in master_keys():
        if key.key_id == key_id:
            return key
    raise ImproperlyConfigured(f"Master key {key_id} is not configured any more.")


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def seal(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def unseal(key: bytes, sealed: bytes, associated_data: bytes) -> bytes:
    if len(sealed) <= NONCE_BYTES:
        raise DecryptionFailed("ciphertext too short")
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated_data)
    except InvalidTag as error:
        raise DecryptionFailed("ciphertext does not open with this key") from error


def ensure_dev_signing_key_file(path: Path) -> str:
    """Demo/dev only: create a signing key on first run, beside (not inside) the database."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        seed = os.urandom(32)
        path.write_text(base64.b64encode(seed).decode("ascii") + "\n", encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()
