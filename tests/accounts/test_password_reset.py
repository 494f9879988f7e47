"""Password reset without account enumeration, audited, and still followed by a second factor."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from tests.conftest import Personas

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "amber valley quiet window"


def request_reset(email: str):
    return Client().post(reverse("account_reset_password"), {"email": email})


def test_known_and_unknown_addresses_get_the_same_answer(personas: Personas) -> None:
    known = request_reset(personas.staff.email)
    unknown = request_reset("nobody@nowhere.test")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # Only the real account gets a message; nothing is sent to unknown addresses.
    assert [message.to for message in mail.outbox] == [[personas.staff.email]]


def test_a_reset_sets_the_password_is_audited_and_still_needs_the_second_factor(
    personas: Personas,
) -> None:
    request_reset(personas.staff.email)
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link is not None
    client = Client()
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action=AuditAction.PASSWORD_RESET, target_id=str(personas.staff.pk)
    ).exists()
    # The new password leads to the code page, not into the application.
    login = Client()
    answer = login.post(
        reverse("account_login"), {"login": personas.staff.email, "password": NEW_PASSWORD}
    )
    assert answer["Location"] == reverse("two_factor_login")
    assert login.get(reverse("home")).status_code == 302


def test_history_of_users_keeps_no_password() -> None:
    from accounts.models import User

    field_names = {field.name for field in User.history.model._meta.get_fields()}
    assert "password" not in field_names
    assert "last_login" not in field_names
    assert "email" in field_names


def test_changing_the_password_is_audited(personas: Personas) -> None:
    from tests.conftest import PASSWORD

    client = personas.client_for("staff")
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED).count() == 1
    # The session stays verified after the change.
    assert client.get(reverse("home")).status_code == 200
