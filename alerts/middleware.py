"""Denied access attempts (403/404 for a signed-in user) go to the audit trail.

One place for every view: the access helpers and role checks answer 404 and 403 by raising,
and the response status is what this middleware sees. Only the path (no query string), the
status, the URL name and, for family and interview pages, the pseudonymous code are kept:
never query strings, form data or anything else the user typed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch

from audit.models import AuditAction
from audit.services import audit_record

logger = logging.getLogger(__name__)

DENIED_STATUSES = frozenset({403, 404})

# URL names that answer 404 or 403 by design and protect no object: health, language, and the
# allauth flows this product does not offer (see config/urls.py).
NOT_PROTECTED_URL_NAMES = frozenset(
    {
        "health",
        "set_language",
        "account_email",
        "allauth_not_offered",
        "account_signup",
        "account_request_reauthentication_code",
        "account_confirm_reauthentication_code",
        "account_email_verification_sent",
        "account_confirm_email",
        "account_set_password",
        "account_confirm_login_code",
    }
)

# Routes whose `code` argument names a family or an interview (codes are pseudonymous).
TARGET_BY_ROUTE_PREFIX = (
    ("families/<str:code>/", "casestudies.family"),
    ("interviews/<str:code>/", "casestudies.interview"),
)
# Family codes (HEL-7KQ2-M9XD) and interview codes (IV-7KQ2-M9XD).
CODE_PATTERN = re.compile(r"^[A-Z]{2,4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")


def _is_code(value: object) -> bool:
    return isinstance(value, str) and CODE_PATTERN.fullmatch(value) is not None


def _target(match: ResolverMatch) -> tuple[str, str]:
    for prefix, target_type in TARGET_BY_ROUTE_PREFIX:
        if (match.route or "").startswith(prefix):
            code = match.kwargs.get("code")
            return target_type, str(code) if _is_code(code) else ""
    return "", ""


def _safe_path(request: HttpRequest, match: ResolverMatch) -> str:
    """The path when every URL argument is a number or a code; otherwise the route pattern.

    Other arguments may be secrets (reset keys, invitation tokens) or whatever was typed.
    """
    values = [*match.args, *match.kwargs.values()]
    if all(isinstance(value, int) or _is_code(value) for value in values):
        return request.path
    return "/" + (match.route or "")


class DeniedAccessAuditMiddleware:
    """Writes one access.denied entry for each 403 or 404 a signed-in user gets on a known URL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.static_prefix = "/" + str(settings.STATIC_URL or "static/").lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in DENIED_STATUSES:
            try:
                self.record(request, response.status_code)
            except Exception as error:
                # The trail entry must never cost the user the response. Only the error type is
                # logged: a database message could echo the path.
                logger.error("could not record a denied access: %s", type(error).__name__)
        return response

    def record(self, request: HttpRequest, status: int) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name in NOT_PROTECTED_URL_NAMES:
            return  # unknown URLs protect nothing
        if request.path.startswith(self.static_prefix):
            return
        target_type, target_id = _target(match)
        audit_record(
            actor=user,
            action=AuditAction.ACCESS_DENIED,
            target_type=target_type,
            target_id=target_id,
            details={
                "status": status,
                "path": _safe_path(request, match)[:200],
                "url_name": match.url_name or "",
                "method": request.method or "",
            },
        )
