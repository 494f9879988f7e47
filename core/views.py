"""Views that belong to no domain app."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database_answers(alias: str) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("health check: database %s unreachable", alias)
        return False
    return True


def _broker_answers() -> bool:
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
        return True  # no broker in this deployment: tasks run in process
    from config.celery import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        logger.warning("health check: broker unreachable")
        return False
    return True


def _sweep_is_recent() -> bool:
    from retention.services import last_successful_sweep

    last = last_successful_sweep()
    return last is not None and timezone.now() - last <= settings.RETENTION_SWEEP_MAX_AGE


@require_GET
@never_cache
@login_not_required
def health(request: HttpRequest) -> JsonResponse:
    """200 when the databases and the broker answer and the retention sweep ran within 25
    hours; 503 otherwise. The body names the failing check and nothing else."""
    checks = {
        "database": _database_answers("default"),
        "keystore": _database_answers("keystore"),
        "broker": _broker_answers(),
    }
    checks["retention_sweep"] = checks["database"] and _sweep_is_recent()
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)
