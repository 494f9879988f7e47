"""Shared fixtures: named personas, verified and unverified clients, and service requirements."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.auth_events import SESSION_LAST_ACTIVITY_KEY, SESSION_STARTED_KEY
from accounts.models import Centre, Membership, Role, User
from audit.guard import install_guard, remove_guard

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PASSWORD = "correct horse battery staple river"


def require_or_fail(condition: bool, reason: str) -> None:
    """Skip when a service or tool is missing locally; in CI a missing service is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must provide this: {reason}")
    pytest.skip(reason)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Database tests use every database by default: the key store is a database of its own."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or "databases" in marker.kwargs:
            continue
        item.add_marker(
            pytest.mark.django_db(*marker.args, **{**marker.kwargs, "databases": "__all__"}),
            append=False,
        )


@pytest.fixture
def postgres() -> None:
    """For tests that need PostgreSQL."""
    require_or_fail(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture(autouse=True)
def _audit_table_flushable(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let pytest-django flush the append-only audit table after transactional tests.

    Flushing deletes every row; SQLite's row triggers would refuse it. The rows are removed here
    with the guard lifted, then the guard is put back, so the flush finds nothing to refuse.
    """
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames)
    if transactional:
        request.getfixturevalue(next(iter(transactional)))
    yield
    if transactional:
        remove_guard(connection)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent")
            cursor.execute("DELETE FROM audit_auditchainhead")
        install_guard(connection)


@pytest.fixture(autouse=True)
def _vocabularies(request: pytest.FixtureRequest) -> None:
    """Controlled vocabularies come from a data migration; a transactional test's flush empties
    them, so database tests put them back when they are missing."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction") or "live_server" in request.fixturenames
    request.getfixturevalue("transactional_db" if transactional else "db")
    from casestudies.models import VocabularyTerm

    if not VocabularyTerm.objects.exists():
        from importlib import import_module

        from django.apps import apps

        seed = import_module("casestudies.migrations.0003_seed_vocabularies").seed
        seed(apps, None)


@pytest.fixture
def centre_helsinki(db: None) -> Centre:
    return Centre.objects.create(name="Test Centre North", country="FI", short_code="TCN")


@pytest.fixture
def centre_turku(db: None) -> Centre:
    return Centre.objects.create(name="Test Centre South", country="FI", short_code="TCS")


def make_user(
    email: str, role: Role | None, centre: Centre | None = None, *, with_device: bool = True
) -> User:
    user = User.objects.create_user(
        email=email, password=PASSWORD, display_name=email.split("@")[0].title()
    )
    if role is not None:
        Membership.objects.create(user=user, role=role, centre=centre)
    if with_device:
        TOTPDevice.objects.create(user=user, name="test app", confirmed=True)
    return user


def totp_code(user: User, *, steps_ahead: int = 0) -> str:
    """The code the user's authenticator app shows now (or a step later)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def verified_client(user: User) -> Client:
    """A client whose session passed password and second factor."""
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = client.session
    now = timezone.now().timestamp()
    session["otp_device_id"] = device.persistent_id
    session[SESSION_STARTED_KEY] = now
    session[SESSION_LAST_ACTIVITY_KEY] = now
    session.save()
    return client


@dataclass
class Personas:
    staff: User
    colleague: User
    outsider: User
    lead: User
    researcher: User
    dpo: User
    admin: User
    helsinki: Centre
    turku: Centre

    def client_for(self, name: str) -> Client:
        if name == "anonymous":
            return Client()
        if name == "unverified":
            client = Client()
            client.force_login(
                self.staff, backend="allauth.account.auth_backends.AuthenticationBackend"
            )
            return client
        return verified_client(getattr(self, name))


PERSONA_NAMES = (
    "staff",
    "colleague",
    "outsider",
    "lead",
    "researcher",
    "dpo",
    "admin",
    "anonymous",
)


@pytest.fixture
def personas(centre_helsinki: Centre, centre_turku: Centre) -> Personas:
    return Personas(
        staff=make_user("staff@north.test", Role.STAFF, centre_helsinki),
        colleague=make_user("colleague@north.test", Role.STAFF, centre_helsinki),
        outsider=make_user("outsider@south.test", Role.STAFF, centre_turku),
        lead=make_user("lead@north.test", Role.LEAD, centre_helsinki),
        researcher=make_user("researcher@uni.test", Role.RESEARCHER),
        dpo=make_user("dpo@north.test", Role.DPO),
        admin=make_user("admin@north.test", Role.ADMIN),
        helsinki=centre_helsinki,
        turku=centre_turku,
    )


@pytest.fixture
def client_for(personas: Personas) -> Callable[[str], Client]:
    return personas.client_for
