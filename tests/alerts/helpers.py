"""Builders for audit entries at chosen moments, and fixed local times for the rule tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from accounts.models import User
from audit.models import AuditAction, AuditEvent
from audit.services import audit_record

HELSINKI = ZoneInfo("Europe/Helsinki")
DUBLIN = ZoneInfo("Europe/Dublin")


def helsinki(day: int, hour: int, minute: int = 0, *, month: int = 1) -> datetime:
    """A moment in January 2026, local Helsinki time (UTC+2; no DST change for weeks around)."""
    return datetime(2026, month, day, hour, minute, tzinfo=HELSINKI)


def entry_at(
    moment: datetime,
    *,
    actor: User | None,
    action: AuditAction,
    target_type: str = "",
    target_id: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    with time_machine.travel(moment, tick=False):
        return audit_record(
            actor=actor,
            action=action,
            target_type=target_type,
            target_id=target_id,
            details=details,
        )


def identity_opened(moment: datetime, user: User, code: str) -> AuditEvent:
    return entry_at(
        moment,
        actor=user,
        action=AuditAction.IDENTITY_VIEWED,
        target_type="casestudies.family",
        target_id=code,
        details={"reason": "case_work"},
    )


def not_found(moment: datetime, user: User, code: str, *, status: int = 404) -> AuditEvent:
    return entry_at(
        moment,
        actor=user,
        action=AuditAction.ACCESS_DENIED,
        target_type="casestudies.family",
        target_id=code,
        details={
            "status": status,
            "path": f"/families/{code}/",
            "url_name": "family_detail",
            "method": "GET",
        },
    )


def logged_in(moment: datetime, user: User, network: str) -> AuditEvent:
    return entry_at(
        moment,
        actor=user,
        action=AuditAction.LOGIN_SUCCEEDED,
        target_type="accounts.user",
        target_id=str(user.pk),
        details={"second_factor": True, "network": network},
    )


def family_code(number: int) -> str:
    return f"TCN-{number:04d}-AAAA"
