"""Celery tasks of the research workspace: they take ids only."""

from __future__ import annotations

from typing import Any

from core.task_options import database_task
from research.services import export_build, exports_expire


@database_task(max_retries=5)
def build_export_task(export_id: str) -> dict[str, Any]:
    export = export_build(export_id=export_id)
    return {"export": export_id, "status": export.status if export else "skipped"}


@database_task(max_retries=5)
def expire_exports_task() -> dict[str, int]:
    return {"expired": exports_expire()}
