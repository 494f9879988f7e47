"""Reads of the request register: the list with deadline states, and counts for the DPO's home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from subject_requests.models import SubjectRequest, deadline_expression


@dataclass(frozen=True)
class RequestDeadlines:
    """Open requests past their deadline or due within SOON_DUE_DAYS (for the DPO's home)."""

    overdue: int
    soon_due: int
    open: int

    @property
    def needs_attention(self) -> bool:
        return bool(self.overdue or self.soon_due)


def overdue_and_soon_due(today: date | None = None) -> RequestDeadlines:
    today = today or timezone.localdate()
    return RequestDeadlines(
        overdue=SubjectRequest.objects.overdue(today).count(),
        soon_due=SubjectRequest.objects.soon_due(today).count(),
        open=SubjectRequest.objects.still_open().count(),
    )


@dataclass(frozen=True)
class RegisterRow:
    request: SubjectRequest
    deadline_state: str  # "overdue", "soon" or ""


def open_register(today: date | None = None) -> list[RegisterRow]:
    """Open requests, the earliest deadline first, each with its deadline state."""
    today = today or timezone.localdate()
    requests = (
        SubjectRequest.objects.select_related("family")
        .still_open()
        .order_by(deadline_expression(), "pk")
    )
    return [
        RegisterRow(request=request, deadline_state=request.deadline_state(today))
        for request in requests
    ]


def recently_closed(limit: int = 50) -> list[SubjectRequest]:
    return list(
        SubjectRequest.objects.select_related("family")
        .exclude(closed_at__isnull=True)
        .order_by("-closed_at")[:limit]
    )
