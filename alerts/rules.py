"""The unusual-access rules, each computed from the audit trail alone.

A rule returns findings (rule, user, time window, evidence). It only looks at a user's entries
after the end of the last alert of the same rule for that user (`reported_until`), so one burst
is reported once however often the detection runs and whatever `since` it is given.
Evidence holds counts and audit sequence numbers, never codes, networks or other values.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import QuerySet

from accounts.models import Membership
from alerts.models import AlertRule
from audit.models import AuditAction, AuditEvent

DEFAULT_TIME_ZONE = "Europe/Helsinki"
FAMILY_TARGET = "casestudies.family"
INTERVIEW_TARGET = "casestudies.interview"
# Evidence keeps at most this many sequence numbers; the counts are always complete.
MAX_SEQUENCES = 100


@dataclass(frozen=True)
class Thresholds:
    identities_per_hour: int
    working_hours: tuple[int, int]
    not_found_per_hour: int
    absence: timedelta
    window: timedelta = timedelta(hours=1)

    @classmethod
    def from_settings(cls) -> Thresholds:
        first, last = settings.ALERT_WORKING_HOURS
        return cls(
            identities_per_hour=int(settings.ALERT_IDENTITY_OPENINGS_PER_HOUR),
            working_hours=(int(first), int(last)),
            not_found_per_hour=int(settings.ALERT_CROSS_CENTRE_404S),
            absence=timedelta(days=int(settings.ALERT_ABSENCE_DAYS)),
        )

    @property
    def window_minutes(self) -> int:
        return int(self.window.total_seconds() // 60)


@dataclass(frozen=True)
class Entry:
    sequence: int
    occurred_at: datetime
    user_id: int
    action: str
    target_id: str


@dataclass(frozen=True)
class Finding:
    rule: AlertRule
    user_id: int
    window_start: datetime
    window_end: datetime
    evidence: dict[str, Any]


Rule = Callable[..., list[Finding]]


# ------------------------------------------------------------------------------- helpers


def _entries_by_user(queryset: QuerySet[AuditEvent]) -> dict[int, list[Entry]]:
    by_user: dict[int, list[Entry]] = defaultdict(list)
    rows = queryset.filter(actor_id__isnull=False).values_list(
        "sequence", "occurred_at", "actor_id", "action", "target_id"
    )
    for sequence, occurred_at, actor_id, action, target_id in rows:
        if actor_id is None:
            continue
        by_user[int(actor_id)].append(
            Entry(sequence, occurred_at, int(actor_id), action, target_id)
        )
    for entries in by_user.values():
        entries.sort(key=lambda entry: (entry.occurred_at, entry.sequence))
    return by_user


def _after(entries: Iterable[Entry], cutoff: datetime | None) -> list[Entry]:
    if cutoff is None:
        return list(entries)
    return [entry for entry in entries if entry.occurred_at > cutoff]


def _sequences(entries: Iterable[Entry]) -> list[int]:
    return [entry.sequence for entry in entries][:MAX_SEQUENCES]


def _bursts(
    entries: list[Entry], window: timedelta, qualifies: Callable[[list[Entry]], bool]
) -> Iterator[list[Entry]]:
    """Groups of entries within `window` of their first entry that qualify.

    Greedy from the oldest entry: a qualifying group is reported and the scan goes on after it,
    so a burst gives one group, not one per entry.
    """
    start, end, count = 0, 0, len(entries)
    while start < count:
        end = max(end, start)
        while end < count and entries[end].occurred_at - entries[start].occurred_at < window:
            end += 1
        group = entries[start:end]
        if qualifies(group):
            yield group
            start = end
        else:
            start += 1


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def time_zones_of(user_ids: Iterable[int]) -> dict[int, ZoneInfo]:
    """The time zone of each user's centre (the earliest centre membership); default Helsinki."""
    zones: dict[int, ZoneInfo] = {}
    rows = (
        Membership.objects.filter(user_id__in=list(user_ids), centre__isnull=False)
        .order_by("granted_at", "pk")
        .values_list("user_id", "centre__time_zone")
    )
    for user_id, name in rows:
        zones.setdefault(int(user_id), _zone(name))
    return zones


def off_hours_period(
    moment: datetime, zone: ZoneInfo, working_hours: tuple[int, int]
) -> tuple[datetime, datetime] | None:
    """The off-hours period (e.g. 20:00 to 07:00 next day, local) holding `moment`, in UTC."""
    first, last = working_hours
    local = moment.astimezone(zone)
    if first <= local.hour < last:
        return None
    day = local.date() if local.hour >= last else local.date() - timedelta(days=1)
    midnight = datetime.combine(day, time(0), tzinfo=zone)
    # Wall-clock arithmetic (same tzinfo), so the period follows the local clock across DST.
    begins = midnight + timedelta(hours=last)
    ends = midnight + timedelta(days=1, hours=first)
    return begins.astimezone(UTC), ends.astimezone(UTC)


# --------------------------------------------------------------------------------- rules


def identity_bursts(
    *, start: datetime, thresholds: Thresholds, reported_until: Mapping[int, datetime]
) -> list[Finding]:
    """(a) More than N different families' identities opened within any 60 minutes."""
    queryset = AuditEvent.objects.filter(action=AuditAction.IDENTITY_VIEWED, occurred_at__gte=start)

    def qualifies(group: list[Entry]) -> bool:
        return len({entry.target_id for entry in group}) > thresholds.identities_per_hour

    findings = []
    for user_id, entries in _entries_by_user(queryset).items():
        candidates = _after(entries, reported_until.get(user_id))
        for group in _bursts(candidates, thresholds.window, qualifies):
            findings.append(
                Finding(
                    rule=AlertRule.IDENTITY_BURST,
                    user_id=user_id,
                    window_start=group[0].occurred_at,
                    window_end=group[-1].occurred_at,
                    evidence={
                        "count": len(group),
                        "identities": len({entry.target_id for entry in group}),
                        "threshold": thresholds.identities_per_hour,
                        "window_minutes": thresholds.window_minutes,
                        "sequences": _sequences(group),
                    },
                )
            )
    return findings


def off_hours_access(
    *, start: datetime, thresholds: Thresholds, reported_until: Mapping[int, datetime]
) -> list[Finding]:
    """(b) Any audited action of a user outside working hours of the user's centre.

    One alert per user and off-hours period (one night), whatever the number of actions.
    """
    by_user = _entries_by_user(AuditEvent.objects.filter(occurred_at__gte=start))
    zones = time_zones_of(by_user)
    findings = []
    for user_id, entries in by_user.items():
        zone = zones.get(user_id) or _zone(DEFAULT_TIME_ZONE)
        periods: dict[tuple[datetime, datetime], list[Entry]] = defaultdict(list)
        for entry in _after(entries, reported_until.get(user_id)):
            period = off_hours_period(entry.occurred_at, zone, thresholds.working_hours)
            if period is not None:
                periods[period].append(entry)
        for (begins, ends), group in sorted(periods.items()):
            findings.append(
                Finding(
                    rule=AlertRule.OFF_HOURS,
                    user_id=user_id,
                    window_start=begins,
                    window_end=ends,
                    evidence={
                        "count": len(group),
                        "actions": dict(Counter(entry.action for entry in group)),
                        "time_zone": zone.key,
                        "working_hours": list(thresholds.working_hours),
                        "sequences": _sequences(group),
                    },
                )
            )
    return findings


def repeated_not_found(
    *, start: datetime, thresholds: Thresholds, reported_until: Mapping[int, datetime]
) -> list[Finding]:
    """(c) N or more refused attempts (404) on family or interview pages within 60 minutes.

    The access helpers answer 404 outside the user's scope, so these are attempts to reach
    other centres' families (or guessed codes).
    """
    queryset = AuditEvent.objects.filter(
        action=AuditAction.ACCESS_DENIED,
        occurred_at__gte=start,
        target_type__in=[FAMILY_TARGET, INTERVIEW_TARGET],
        details__status=404,
    )

    def qualifies(group: list[Entry]) -> bool:
        return len(group) >= thresholds.not_found_per_hour

    findings = []
    for user_id, entries in _entries_by_user(queryset).items():
        candidates = _after(entries, reported_until.get(user_id))
        for group in _bursts(candidates, thresholds.window, qualifies):
            findings.append(
                Finding(
                    rule=AlertRule.CROSS_CENTRE_404S,
                    user_id=user_id,
                    window_start=group[0].occurred_at,
                    window_end=group[-1].occurred_at,
                    evidence={
                        "count": len(group),
                        "records": len({entry.target_id for entry in group if entry.target_id}),
                        "threshold": thresholds.not_found_per_hour,
                        "window_minutes": thresholds.window_minutes,
                        "sequences": _sequences(group),
                    },
                )
            )
    return findings


def new_network_after_absence(
    *, start: datetime, thresholds: Thresholds, reported_until: Mapping[int, datetime]
) -> list[Finding]:
    """(d) A login from a network the user never logged in from, after N+ days without a login.

    The window is the absence: from the previous login to this one.
    """
    logins = (
        AuditEvent.objects.filter(
            action=AuditAction.LOGIN_SUCCEEDED, occurred_at__gte=start, actor_id__isnull=False
        )
        .order_by("sequence")
        .values_list("sequence", "occurred_at", "actor_id", "details")
    )
    findings = []
    for sequence, occurred_at, actor_id, details in logins:
        if actor_id is None:
            continue
        user_id = int(actor_id)
        cutoff = reported_until.get(user_id)
        if cutoff is not None and occurred_at <= cutoff:
            continue
        network = str((details or {}).get("network") or "")
        if not network:
            continue  # an unknown network says nothing about a new one
        earlier = AuditEvent.objects.filter(
            action=AuditAction.LOGIN_SUCCEEDED, actor_id=user_id, sequence__lt=sequence
        )
        previous = earlier.order_by("-sequence").values_list("sequence", "occurred_at").first()
        if previous is None:
            continue  # a first login is not a return after an absence
        previous_sequence, previous_at = previous
        absent = occurred_at - previous_at
        if absent < thresholds.absence:
            continue
        if earlier.filter(details__network=network).exists():
            continue
        findings.append(
            Finding(
                rule=AlertRule.NEW_NETWORK_AFTER_ABSENCE,
                user_id=user_id,
                window_start=previous_at,
                window_end=occurred_at,
                evidence={
                    "days_absent": absent.days,
                    "earlier_logins": earlier.count(),
                    "threshold_days": thresholds.absence.days,
                    "sequences": [previous_sequence, sequence],
                },
            )
        )
    return findings


RULES: dict[AlertRule, Rule] = {
    AlertRule.IDENTITY_BURST: identity_bursts,
    AlertRule.OFF_HOURS: off_hours_access,
    AlertRule.CROSS_CENTRE_404S: repeated_not_found,
    AlertRule.NEW_NETWORK_AFTER_ABSENCE: new_network_after_absence,
}
