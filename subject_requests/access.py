"""Access helper for data-subject requests: the DPO sees every request; unknown ids are 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from accounts.access import has_role
from accounts.models import Role
from subject_requests.models import SubjectRequest


def get_subject_request(request: HttpRequest, pk: int) -> SubjectRequest:
    """The request with this id for a DPO (views also check the role); 404 otherwise."""
    if not has_role(request.user, Role.DPO):
        raise Http404
    subject_request = (
        SubjectRequest.objects.select_related("family", "created_by").filter(pk=pk).first()
    )
    if subject_request is None:
        raise Http404
    return subject_request


def with_subject_request(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve the `pk` URL argument to a request before anything else (placed after
    role_required), so an unknown id is 404 whatever the method or re-authentication state."""

    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, get_subject_request(request, pk), *args, **kwargs)

    return wrapper
