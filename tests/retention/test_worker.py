"""A full withdrawal reaches a real Celery worker through Redis and the family ends anonymised,
with no manual step. Needs PostgreSQL and Redis (CI provides both)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import transaction
from django.utils import timezone
from kombu import pools as kombu_pools

from audit.models import AuditAction
from casestudies.models import Family, FamilyStatus, IdentityVault
from config.celery import app as celery_app
from consent.services import consent_withdraw
from keystore.services import data_key_exists
from tests.conftest import Personas, require_or_fail
from tests.retention.test_anonymisation import (
    assert_no_planted_values,
    assert_proof_entry_holds_counts_only,
    build_planted_case,
    entries,
)

BROKER_URL = "redis://127.0.0.1:6379/15"
WAIT_SECONDS = 20


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def forget_broker_connections() -> None:
    """Celery caches its connection and producer pools on first use, bound to the broker URL of
    that moment; an eager task acquires a producer too, so after any eager test in this process
    the pools point at the default amqp://localhost (and a local RabbitMQ would swallow the task
    without a word). Drop them so that the next use builds pools for the current URL."""
    # kombu keeps a process-wide registry of pools keyed by connection: closing a pool without
    # clearing the registry hands the closed pool back on the next lookup.
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def celery_through_redis(postgres: None) -> Iterator[None]:
    """Point the Celery app at Redis and switch eager mode off, on the app itself (Celery read
    the test settings once); put everything back afterwards."""
    require_or_fail(redis_answers(), f"needs Redis at {BROKER_URL}")
    keys = (
        "task_always_eager",
        "broker_url",
        "result_backend",
        "worker_hijack_root_logger",
    )
    saved = {key: celery_app.conf[key] for key in keys}
    forget_broker_connections()
    celery_app.conf.update(
        task_always_eager=False,
        broker_url=BROKER_URL,
        result_backend=BROKER_URL,
        worker_hijack_root_logger=False,
    )
    try:
        celery_app.control.purge()  # messages left by an earlier, interrupted run
        yield
    finally:
        forget_broker_connections()
        celery_app.conf.update(saved)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_is_anonymised_by_a_real_worker(
    celery_through_redis: None, personas: Personas
) -> None:
    case = build_planted_case(personas)
    ran_on: list[tuple[str, int]] = []

    def record_thread(sender: Any = None, **kwargs: Any) -> None:
        ran_on.append((sender.name, threading.get_ident()))

    task_postrun.connect(record_thread, weak=False)
    try:
        with start_worker(celery_app, perform_ping_check=False, pool="solo"):
            with transaction.atomic():
                consent_withdraw(
                    actor=personas.staff,
                    consent=case.consent,
                    purposes=[],
                    full=True,
                    withdrawn_on=timezone.localdate(),
                )
            # The commit only queued the task: the worker does the rest.
            deadline = time.monotonic() + WAIT_SECONDS
            status = Family.objects.get(pk=case.family.pk).status
            while status != FamilyStatus.ANONYMISED and time.monotonic() < deadline:
                time.sleep(0.2)
                status = Family.objects.get(pk=case.family.pk).status
    finally:
        task_postrun.disconnect(record_thread)

    assert status == FamilyStatus.ANONYMISED, f"still {status} after {WAIT_SECONDS} s"
    assert [name for name, _thread in ran_on] == ["retention.tasks.anonymise_family_task"]
    assert ran_on[0][1] != threading.get_ident()  # run by the worker, not in this thread
    family = Family.objects.get(pk=case.family.pk)
    assert family.centre_id is None
    assert not data_key_exists(case.key_ref)
    assert not IdentityVault.objects.filter(family_id=family.pk).exists()
    (proof,) = entries(AuditAction.FAMILY_ANONYMISED)
    assert_proof_entry_holds_counts_only(proof, family, "anonymise")
    assert_no_planted_values()
