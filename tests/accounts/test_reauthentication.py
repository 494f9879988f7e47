"""Sensitive actions need the password and a fresh second factor within five minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.models import BackupCodeDevice
from audit.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD, Personas, totp_code

pytestmark = pytest.mark.django_db


def reauthenticate(client, user, *, password: str = PASSWORD, next_url: str = "/account/security/"):
    return client.post(
        reverse("account_reauthenticate"),
        {"password": password, "code": totp_code(user), "next": next_url},
    )


def test_regenerating_backup_codes_asks_to_reauthenticate_first(personas: Personas) -> None:
    client = personas.client_for("staff")
    response = client.post(reverse("regenerate_backup_codes"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not BackupCodeDevice.objects.filter(user=personas.staff).exists()
    assert reauthenticate(client, personas.staff)["Location"] == "/account/security/"
    response = client.post(reverse("regenerate_backup_codes"))
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert AuditEvent.objects.filter(action=AuditAction.REAUTHENTICATED).count() == 1


def test_reauthentication_lasts_five_minutes(personas: Personas) -> None:
    client = personas.client_for("staff")
    reauthenticate(client, personas.staff)
    with time_machine.travel(timedelta(minutes=4)):
        assert client.post(reverse("regenerate_backup_codes")).status_code == 200
    with time_machine.travel(timedelta(minutes=6)):
        response = client.post(reverse("regenerate_backup_codes"))
        assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_a_wrong_password_or_code_does_not_reauthenticate(personas: Personas) -> None:
    client = personas.client_for("staff")
    response = reauthenticate(client, personas.staff, password="not the password at all")
    assert response.status_code == 200
    assert "password is not correct" in response.content.decode()
    wrong_code = client.post(
        reverse("account_reauthenticate"), {"password": PASSWORD, "code": "000000"}
    )
    assert wrong_code.status_code == 200
    assert client.post(reverse("regenerate_backup_codes")).status_code == 302


def test_the_next_address_must_stay_on_this_site(personas: Personas) -> None:
    client = personas.client_for("staff")
    response = reauthenticate(client, personas.staff, next_url="https://evil.example/")
    assert response["Location"] == "/"


def test_replacing_the_authenticator_needs_reauthentication(personas: Personas) -> None:
    client = personas.client_for("staff")
    assert client.get(reverse("two_factor_setup"))["Location"].startswith(
        reverse("account_reauthenticate")
    )
    reauthenticate(client, personas.staff, next_url=reverse("two_factor_setup"))
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    assert "Replace your authenticator app" in page.content.decode()
