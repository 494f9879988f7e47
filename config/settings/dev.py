"""Development and demo: SQLite by default, console e-mail, a generated secret key."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import AUDIT_SIGNING_KEY, BASE_DIR, SECRET_KEY, VAULT_MASTER_KEYS, env

DEBUG = env.bool("DEBUG", default=True)
DEMO_MODE = True
if not SECRET_KEY:
    # A per-checkout key kept outside git so that demo sessions survive restarts.
    _key_file = BASE_DIR / "var" / "dev-secret-key"
    if not _key_file.exists():
        import secrets

        _key_file.parent.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text(encoding="utf-8").strip()
(BASE_DIR / "var").mkdir(exist_ok=True)
if not AUDIT_SIGNING_KEY:
    from core.crypto import ensure_dev_signing_key_file

    AUDIT_SIGNING_KEY = ensure_dev_signing_key_file(BASE_DIR / "var" / "audit-signing-key")
if not VAULT_MASTER_KEYS:
    from core.crypto import ensure_dev_master_key_file

    # Kept beside, not inside, the database files; a real deployment configures its own.
    VAULT_MASTER_KEYS = ensure_dev_master_key_file(BASE_DIR / "var" / "vault-master-keys")
