"""Celery tasks for alerts: they take no personal data and call the services."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from alerts.services import alerts_detect
from core.task_options import database_task


@database_task()
def alerts_detect_task(since: str | None = None) -> dict[str, int]:
    """Every 10 minutes (beat). Looks back ALERT_DETECTION_LOOKBACK, so missed runs are covered;
    `since` (ISO 8601) is for re-running over an older stretch by hand."""
    moment = (
        datetime.fromisoformat(since)
        if since
        else timezone.now() - settings.ALERT_DETECTION_LOOKBACK
    )
    report = alerts_detect(since=moment)
    return {"findings": report.findings, "raised": len(report.raised)}
