"""Test settings: PostgreSQL when DATABASE_URL is set, SQLite otherwise; fast hashing."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, env

DJANGO_ENV = "test"
DEBUG = False
DEMO_MODE = True
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"  # noqa: S105
# Argon2 stays first for the hasher test; its cost is what makes tests slow, so it is lowered
# through a subclass instead of swapping the algorithm.
PASSWORD_HASHERS = [
    "core.testing.FastArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
(BASE_DIR / "var").mkdir(exist_ok=True)
# Fixed, test-only master keys (newest first); tests rotate between them.
TEST_MASTER_KEY_NEW = "test2:" + "Mi" * 21 + "g="
TEST_MASTER_KEY_OLD = "test1:" + "MT" * 21 + "E="
VAULT_MASTER_KEYS = TEST_MASTER_KEY_OLD
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3" and not env.str(
    "KEYSTORE_DATABASE_URL", default=""
):
    # The key store is its own database on the same server in the test suite.
    DATABASES["keystore"] = {
        **DATABASES["default"],
        "NAME": DATABASES["default"]["NAME"] + "_keystore",
    }

# Tasks run in process unless a test starts a real worker (it changes celery_app.conf itself,
# because Celery reads its configuration once).
CELERY_TASK_ALWAYS_EAGER = True
# A fixed, test-only checkpoint signing seed.
AUDIT_SIGNING_KEY = "dGVzdC1vbmx5LWF1ZGl0LXNpZ25pbmctc2VlZC0zMmI="
