"""Navigation entries for the signed-in user's roles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.access import is_verified, roles_of
from accounts.models import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not is_verified(user):
        return {
            "nav_roles": frozenset(),
            "is_admin": False,
            "has_case_role": False,
            "is_dpo": False,
        }
    roles = roles_of(user)
    return {
        "nav_roles": roles,
        "is_admin": Role.ADMIN in roles,
        "has_case_role": bool(roles & {Role.STAFF, Role.LEAD}),
        "is_dpo": Role.DPO in roles,
        "is_researcher": Role.RESEARCHER in roles,
    }
