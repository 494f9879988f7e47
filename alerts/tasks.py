"""Celery tasks for alerts: they take no personal data and call the services."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from alerts.services import alerts_detect

# Database hiccups are retried with exponential back-off (5 s, 10 s ... up to 10 minutes).
RETRY_ON = (OperationalError, InterfaceError)


@shared_task(
    autoretry_for=RETRY_ON,
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
)
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
