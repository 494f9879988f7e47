"""Keyed, per-project pseudonyms: HMAC-SHA256(project key, family id), shortened.

The key lives in the key store, so the main database alone cannot link two projects' records
or reverse a pseudonym; an unkeyed hash of the family id would be reversible by enumeration.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from keystore.services import project_key_open
from research.models import ResearchProject

PREFIX = "P-"
HEX_CHARS = 16  # 64 bits: no collisions in practice at the scale of a study


def pseudonym(key: bytes, family_id: int) -> str:
    digest = hmac.new(key, str(family_id).encode("ascii"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:HEX_CHARS].upper()


def pseudonymiser(project: ResearchProject) -> Callable[[int], str]:
    """Open the project's key once and return the function that names families."""
    key = project_key_open(project.key_ref)
    return lambda family_id: pseudonym(key, family_id)
