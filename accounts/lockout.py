"""How django-axes finds the login name in allauth's login (the lockout is keyed on it)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def login_name_from_request(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    name = ""
    if credentials:
        name = str(credentials.get("email") or credentials.get("username") or "")
    if not name and request is not None and request.method == "POST":
        name = str(request.POST.get("login", ""))
    return name.strip().lower()
