"""Selectors over the audit trail for the DPO: search, family and user trails, reports."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import Membership, User
from audit.models import AuditAction, AuditEvent
from casestudies.models import Family

PAGE_SIZE = 50


@dataclass
class TrailFilters:
    actor: str = ""
    family: str = ""
    action: str = ""
    centre: str = ""
    since: date | None = None
    until: date | None = None

    def as_dict(self) -> dict[str, str]:
        data = {
            "actor": self.actor,
            "family": self.family,
            "action": self.action,
            "centre": self.centre,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {key: value for key, value in data.items() if value}


def trail_queryset(filters: TrailFilters) -> QuerySet[AuditEvent]:
    """Entries matching the filters, newest first; every filter uses an indexed column."""
    entries = AuditEvent.objects.all()
    if filters.actor:
        if filters.actor.isdigit():
            entries = entries.filter(actor_id=int(filters.actor))
        else:
            user = User.objects.filter(email__iexact=filters.actor.strip()).first()
            entries = entries.filter(actor_id=user.pk if user else -1)
    if filters.family:
        entries = entries.filter(family_code=filters.family.strip().upper())
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.centre.isdigit():
        centre_id = int(filters.centre)
        members = Membership.objects.filter(centre_id=centre_id).values("user_id")
        codes = Family.objects.filter(centre_id=centre_id).values("code")
        entries = entries.filter(Q(actor_id__in=members) | Q(family_code__in=codes))
    tz = timezone.get_current_timezone()
    if filters.since:
        entries = entries.filter(occurred_at__gte=datetime.combine(filters.since, time.min, tz))
    if filters.until:
        entries = entries.filter(occurred_at__lte=datetime.combine(filters.until, time.max, tz))
    return entries.order_by("-sequence")


@dataclass
class TrailPage:
    entries: list[AuditEvent]
    actor_names: dict[int, str]
    next_before: int | None


def trail_page(queryset: QuerySet[AuditEvent], *, before: int | None) -> TrailPage:
    """Keyset pagination on the sequence: constant work per page however long the trail."""
    if before is not None:
        queryset = queryset.filter(sequence__lt=before)
    rows = list(queryset[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    actor_ids = {row.actor_id for row in rows if row.actor_id}
    names = dict(User.objects.filter(pk__in=actor_ids).values_list("pk", "display_name"))
    return TrailPage(rows, names, rows[-1].sequence if more and rows else None)


@dataclass
class OpeningsRow:
    month: date
    centre: str
    openings: int
    people: int


def identity_openings_report() -> list[OpeningsRow]:
    """Identity openings per centre (of the family) and month, newest month first."""
    rows = (
        AuditEvent.objects.filter(action=AuditAction.IDENTITY_VIEWED)
        .annotate(month=TruncMonth("occurred_at"))
        .values_list("month", "family_code", "actor_id")
    )
    codes = {code for _month, code, _actor in rows}
    centre_of = {
        code: name or ""
        for code, name in Family.objects.filter(code__in=codes).values_list("code", "centre__name")
    }
    counts: Counter[tuple[date, str]] = Counter()
    people: dict[tuple[date, str], set[int]] = defaultdict(set)
    for month, code, actor in rows:
        key = (month.date() if isinstance(month, datetime) else month, centre_of.get(code, ""))
        counts[key] += 1
        if actor:
            people[key].add(actor)
    return [
        OpeningsRow(month, centre or "—", count, len(people[(month, centre)]))
        for (month, centre), count in sorted(counts.items(), key=lambda item: item[0], reverse=True)
    ]


def anonymisations_per_month() -> list[dict[str, Any]]:
    rows = (
        AuditEvent.objects.filter(
            action__in=[AuditAction.FAMILY_ANONYMISED, AuditAction.FAMILY_ERASED]
        )
        .annotate(month=TruncMonth("occurred_at"))
        .values_list("month", "action")
    )
    counts: Counter[tuple[Any, str]] = Counter(rows)
    months = sorted({month for month, _action in counts}, reverse=True)[:12]
    return [
        {
            "month": month,
            "anonymised": counts[(month, AuditAction.FAMILY_ANONYMISED.value)],
            "erased": counts[(month, AuditAction.FAMILY_ERASED.value)],
        }
        for month in months
    ]
