"""Celery tasks: they take ids only, load the rows and call the services."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

from retention.services import family_anonymise, retention_sweep

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
def anonymise_family_task(family_id: int) -> dict[str, Any]:
    """Run after a full withdrawal commits; the result holds counts and the code, no values."""
    result = family_anonymise(family_id=family_id)
    return {"family": result.family_code, "done": result.done, "skipped": result.skipped_reason}


@shared_task(
    autoretry_for=RETRY_ON,
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
)
def retention_sweep_task() -> dict[str, int]:
    report = retention_sweep()
    return {
        "due": len(report.due),
        "done": len(report.done),
        "held": len(report.held),
        "failed": len(report.failed),
    }
