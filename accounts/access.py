"""Role checks: the one place that says which roles a user holds and guards views by them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import Membership, Role, User

P = ParamSpec("P")
R = TypeVar("R")

RECENT_AUTH_SESSION_KEY = "recent_auth_at"
ANY_ROLE: tuple[Role, ...] = tuple(Role)


def is_verified(user: object) -> bool:
    """Whether django-otp's middleware marked this request's user as second-factor verified."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def roles_of(user: User | AnonymousUser) -> frozenset[Role]:
    """The roles an active user holds, cached on the user object for the request."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_cached_roles", None)
    if cached is None:
        cached = frozenset(
            Role(value)
            for value in Membership.objects.filter(user=user).values_list("role", flat=True)
        )
        user._cached_roles = cached  # type: ignore[attr-defined]
    return cached


def centres_for_role(user: User, *roles: Role) -> list[int]:
    """Ids of the centres where the user holds one of the given roles."""
    return list(
        Membership.objects.filter(user=user, role__in=roles, centre__isnull=False)
        .values_list("centre_id", flat=True)
        .distinct()
    )


def has_role(user: User | AnonymousUser, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def role_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Allow the view only to users holding one of the roles; others get 403.

    Login and the second factor are enforced before this by the middleware; the check here is
    the explicit statement of who the view is for.
    """
    if not roles:
        raise ValueError("role_required needs at least one role")

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            request = args[0]
            assert isinstance(request, HttpRequest)
            if not request.user.is_authenticated or not is_verified(request.user):
                raise PermissionDenied
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(*args, **kwargs)

        wrapper.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return wrapper

    return decorator


def has_recent_auth(request: HttpRequest) -> bool:
    stamp = request.session.get(RECENT_AUTH_SESSION_KEY)
    if not stamp:
        return False
    max_age: timedelta = settings.RECENT_AUTH_MAX_AGE
    return timezone.now().timestamp() - float(stamp) <= max_age.total_seconds()


def mark_recent_auth(request: HttpRequest) -> None:
    request.session[RECENT_AUTH_SESSION_KEY] = timezone.now().timestamp()


def require_recent_auth(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Password and a fresh second factor within RECENT_AUTH_MAX_AGE, or re-authenticate first."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not has_recent_auth(request):
            target = request.get_full_path() if request.method == "GET" else request.path
            query = urlencode({"next": target})
            return HttpResponseRedirect(f"{reverse('account_reauthenticate')}?{query}")
        return view(request, *args, **kwargs)

    wrapper.requires_recent_auth = True  # type: ignore[attr-defined]
    return wrapper
