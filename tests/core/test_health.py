from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.db import DatabaseError
from django.test import Client
from django.utils import timezone

from retention.models import SweepRun

pytestmark = pytest.mark.django_db


def record_sweep(ago: timedelta) -> None:
    SweepRun.objects.create(
        started_at=timezone.now() - ago, finished_at=timezone.now() - ago, succeeded=True
    )


def test_it_answers_ok_without_login_when_everything_answers() -> None:
    record_sweep(timedelta(hours=2))
    response = Client().get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": True, "keystore": True, "broker": True, "retention_sweep": True},
    }


def test_it_answers_503_and_reveals_nothing_when_the_database_is_down() -> None:
    record_sweep(timedelta(hours=2))
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError("secret detail")
    ):
        response = Client().get("/health/")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert b"secret detail" not in response.content


def test_it_is_unhealthy_when_the_last_sweep_is_older_than_25_hours() -> None:
    record_sweep(timedelta(hours=1))
    with time_machine.travel(timedelta(hours=23)):
        assert Client().get("/health/").status_code == 200
    with time_machine.travel(timedelta(hours=26)):
        response = Client().get("/health/")
        assert response.status_code == 503
        assert response.json()["checks"]["retention_sweep"] is False


def test_it_is_unhealthy_when_no_sweep_ever_succeeded() -> None:
    SweepRun.objects.create(finished_at=timezone.now(), succeeded=False)
    assert Client().get("/health/").status_code == 503


def test_it_is_unhealthy_when_the_broker_is_unreachable(settings) -> None:
    record_sweep(timedelta(hours=1))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    from config.celery import app

    with mock.patch.object(app, "connection_for_write", side_effect=OSError("refused")):
        response = Client().get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] is False
