"""Test settings: PostgreSQL when DATABASE_URL is set, SQLite otherwise; fast hashing."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import BASE_DIR

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
