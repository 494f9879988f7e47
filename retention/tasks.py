"""Celery tasks: they take ids only, load the rows and call the services."""

from __future__ import annotations

from typing import Any

from core.task_options import database_task
from retention.services import family_anonymise, retention_sweep


@database_task()
def anonymise_family_task(family_id: int) -> dict[str, Any]:
    """Run after a full withdrawal commits; the result holds counts and the code, no values."""
    result = family_anonymise(family_id=family_id)
    return {"family": result.family_code, "done": result.done, "skipped": result.skipped_reason}


@database_task()
def retention_sweep_task() -> dict[str, int]:
    report = retention_sweep()
    return {
        "due": len(report.due),
        "done": len(report.done),
        "held": len(report.held),
        "failed": len(report.failed),
    }
