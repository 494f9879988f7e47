"""Celery tasks of the research workspace: they take ids only."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

from research.services import export_build, exports_expire

RETRY_ON = (OperationalError, InterfaceError)


@shared_task(
    autoretry_for=RETRY_ON,
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)
def build_export_task(export_id: str) -> dict[str, Any]:
    export = export_build(export_id=export_id)
    return {"export": export_id, "status": export.status if export else "skipped"}


@shared_task(autoretry_for=RETRY_ON, retry_backoff=5, max_retries=5, acks_late=True)
def expire_exports_task() -> dict[str, int]:
    return {"expired": exports_expire()}
