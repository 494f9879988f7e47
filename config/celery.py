"""The Celery application: Redis broker, beat schedule in code, tasks from every app."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault(
    "DJANGO_SETTINGS_MODULE", f"config.settings.{os.environ.get('DJANGO_ENV', 'dev')}"
)

app = Celery("family_voices")
# Read once, when the worker or the web process starts: tests that need other values change
# app.conf directly (override_settings would come too late).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "retention-sweep-daily": {
        "task": "retention.tasks.retention_sweep_task",
        # 02:30 in Helsinki (CELERY_TIMEZONE), when nobody is entering interviews.
        "schedule": crontab(hour=2, minute=30),
    },
    "alerts-detect-every-10-minutes": {
        "task": "alerts.tasks.alerts_detect_task",
        "schedule": crontab(minute="*/10"),
    },
    "audit-checkpoint-hourly": {
        "task": "audit.tasks.checkpoint_task",
        "schedule": crontab(minute=5),
    },
    "research-exports-expire-hourly": {
        "task": "research.tasks.expire_exports_task",
        # Exports are promised for 7 days: deleted within the hour after that.
        "schedule": crontab(minute=15),
    },
}
