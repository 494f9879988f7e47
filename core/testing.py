"""Test-only helpers that must be importable from settings."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with minimal cost, so the suite stays fast; used only by test settings."""

    algorithm = "argon2-fast"
    time_cost = 1
    memory_cost = 64
    parallelism = 1
