"""The one retry policy of tasks that touch the database."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

# Database hiccups are retried with exponential back-off (5 s, 10 s ... up to 10 minutes).
RETRY_ON = (OperationalError, InterfaceError)


def database_task(*, max_retries: int = 8) -> Any:
    """A shared_task decorator with late acknowledgement and back-off on database errors."""
    return shared_task(
        autoretry_for=RETRY_ON,
        retry_backoff=5,
        retry_backoff_max=600,
        retry_jitter=True,
        max_retries=max_retries,
        acks_late=True,
    )
