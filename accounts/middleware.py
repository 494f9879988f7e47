"""Session timeouts, the second-factor gate, and the user's own language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode

from accounts.access import is_verified
from accounts.auth_events import SESSION_LAST_ACTIVITY_KEY, SESSION_STARTED_KEY
from accounts.devices import has_confirmed_device
from audit.models import AuditAction
from audit.services import audit_record

# Views an authenticated but unverified session may reach: enrolment, verification, logout.
UNVERIFIED_ALLOWED_URL_NAMES = frozenset(
    {"two_factor_setup", "two_factor_verify", "account_logout", "set_language", "health"}
)


class SessionTimeoutMiddleware:
    """End sessions after SESSION_IDLE_TIMEOUT without a request or SESSION_ABSOLUTE_TIMEOUT."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = timezone.now().timestamp()
            started = float(request.session.get(SESSION_STARTED_KEY, now))
            last = float(request.session.get(SESSION_LAST_ACTIVITY_KEY, now))
            idle = now - last > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            too_old = now - started > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if idle or too_old:
                audit_record(
                    actor=user,
                    action=AuditAction.SESSION_EXPIRED,
                    target=user,
                    details={"reason": "idle" if idle else "absolute"},
                )
                logout(request)
            else:
                request.session.setdefault(SESSION_STARTED_KEY, started)
                request.session[SESSION_LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


class TwoFactorGateMiddleware:
    """Backstop: a logged-in session without a verified second factor reaches nothing else.

    Sends it to enrolment when the user has no device yet, otherwise to verification. Runs for
    every view, including those marked login_not_required.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or is_verified(user):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in UNVERIFIED_ALLOWED_URL_NAMES:
            return None
        target = "two_factor_verify" if has_confirmed_device(user) else "two_factor_setup"
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return HttpResponseRedirect(reverse(target) + (f"?{query}" if query else ""))


class UserLanguageMiddleware:
    """Use the user's preferred language unless they picked one with the switcher (cookie)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            language = user.preferred_language
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        return response
