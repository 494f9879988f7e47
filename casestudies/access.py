"""Access helpers for families: scope querysets give 404 outside scope."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from accounts.models import User
from casestudies.models import Family


def get_family_for_user(request: HttpRequest, code: str) -> Family:
    """The family with this code if the user's centre works with it; 404 otherwise.

    Staff and leads have the same rights on their centre's families (DESIGN.md), so there is no
    separate write check here; roles are checked by the views' role_required.
    """
    user: User = request.user  # type: ignore[assignment]
    family = Family.objects.visible_to(user).select_related("centre").filter(code=code).first()
    if family is None:
        raise Http404
    return family


def with_family(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve the `code` URL argument to a family in the user's scope before anything else.

    Placed right after role_required, so that staff of another centre get 404 whatever the
    method or re-authentication state, and the view receives the family instead of the code.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, get_family_for_user(request, code), *args, **kwargs)

    return wrapper
