"""Login always needs two factors; codes cannot be replayed; lockout and session timeouts."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import BackupCode, BackupCodeDevice, Role, User
from accounts.services import backup_codes_regenerate
from audit.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD, Personas, make_user, totp_code

pytestmark = pytest.mark.django_db


def password_step(client: Client, email: str, password: str = PASSWORD, **extra: str):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def actions_for(user: User) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="accounts.user", target_id=str(user.pk)).values_list(
            "action", flat=True
        )
    )


def test_the_password_step_leads_to_the_code_page_without_logging_in(personas: Personas) -> None:
    client = Client()
    response = password_step(client, personas.staff.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor_login")
    assert "_auth_user_id" not in client.session
    # Nothing behind the login is reachable with the password alone.
    assert client.get(reverse("home")).status_code == 302
    assert client.get(reverse("admin_users"))["Location"].startswith(reverse("account_login"))


def test_a_right_code_completes_the_login(personas: Personas) -> None:
    client = Client()
    password_step(client, personas.staff.email)
    response = client.post(reverse("two_factor_login"), {"code": totp_code(personas.staff)})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    actions = actions_for(personas.staff)
    assert AuditAction.OTP_VERIFIED in actions
    assert AuditAction.LOGIN_SUCCEEDED in actions
    login_entry = AuditEvent.objects.get(action=AuditAction.LOGIN_SUCCEEDED)
    assert login_entry.details["second_factor"] is True


def test_a_wrong_code_is_refused_and_audited(personas: Personas) -> None:
    client = Client()
    password_step(client, personas.staff.email)
    right = totp_code(personas.staff)
    wrong = f"{(int(right) + 1) % 1000000:06d}"
    response = client.post(reverse("two_factor_login"), {"code": wrong})
    assert response.status_code == 200
    assert "not valid" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditAction.OTP_FAILED in actions_for(personas.staff)


def test_a_code_cannot_be_replayed(personas: Personas) -> None:
    code = totp_code(personas.staff)
    first = Client()
    password_step(first, personas.staff.email)
    assert first.post(reverse("two_factor_login"), {"code": code}).status_code == 302
    second = Client()
    password_step(second, personas.staff.email)
    response = second.post(reverse("two_factor_login"), {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in second.session


def test_a_backup_code_works_once(personas: Personas) -> None:
    codes = backup_codes_regenerate(actor=personas.staff)
    first = Client()
    password_step(first, personas.staff.email)
    assert first.post(reverse("two_factor_login"), {"code": codes[0]}).status_code == 302
    assert first.get(reverse("home")).status_code == 200
    second = Client()
    password_step(second, personas.staff.email)
    assert second.post(reverse("two_factor_login"), {"code": codes[0]}).status_code == 200
    assert "_auth_user_id" not in second.session
    # Another code still works, typed in capitals and without the dash, once the throttle
    # that follows a failure (one second after one failure) has passed.
    with time_machine.travel(timedelta(seconds=5)):
        third = Client()
        password_step(third, personas.staff.email)
        typed = codes[1].replace("-", "").upper()
        assert third.post(reverse("two_factor_login"), {"code": typed}).status_code == 302


def test_backup_codes_are_stored_hashed(personas: Personas) -> None:
    codes = backup_codes_regenerate(actor=personas.staff)
    stored = list(BackupCode.objects.values_list("salt", "code_hash"))
    assert len(stored) == 10
    for code in codes:
        bare = code.replace("-", "")
        for salt, code_hash in stored:
            assert bare not in code_hash
            assert code not in code_hash
            assert bare not in salt
    assert AuditEvent.objects.filter(action=AuditAction.BACKUP_CODES_REGENERATED).count() == 1


def test_regenerating_backup_codes_voids_the_old_ones(personas: Personas) -> None:
    old = backup_codes_regenerate(actor=personas.staff)
    backup_codes_regenerate(actor=personas.staff)
    device = BackupCodeDevice.objects.get(user=personas.staff)
    assert not device.verify_token(old[0])


def test_lockout_after_ten_failures_from_rotating_addresses(personas: Personas) -> None:
    for attempt in range(10):
        response = password_step(
            Client(),
            personas.staff.email,
            password="wrong password guess " + str(attempt),
            REMOTE_ADDR=f"198.51.100.{attempt + 1}",
        )
        assert response.status_code in {200, 429}
    # The right password from yet another address is refused now.
    response = password_step(Client(), personas.staff.email, REMOTE_ADDR="203.0.113.77")
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() >= 10
    assert AuditEvent.objects.filter(action=AuditAction.LOCKOUT).exists()
    # Another account is not affected.
    assert password_step(Client(), personas.colleague.email).status_code == 302


def test_the_lockout_ends_after_thirty_minutes(personas: Personas) -> None:
    for attempt in range(10):
        password_step(Client(), personas.staff.email, password=f"bad guess {attempt}")
    with time_machine.travel(timedelta(minutes=31)):
        response = password_step(Client(), personas.staff.email)
        assert response.status_code == 302
        assert response["Location"] == reverse("two_factor_login")


def test_failed_login_for_an_unknown_address_stores_no_typed_name() -> None:
    password_step(Client(), "nobody-planted-xq7@example.test", password="whatever guess here")
    entry = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert entry.details["known_account"] is False
    assert "planted-xq7" not in str(entry.details) + entry.target_id + entry.reason


def test_a_session_ends_after_thirty_idle_minutes(personas: Personas) -> None:
    client = Client()
    password_step(client, personas.staff.email)
    client.post(reverse("two_factor_login"), {"code": totp_code(personas.staff)})
    with time_machine.travel(timedelta(minutes=29)):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(timedelta(minutes=29 + 31)):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_EXPIRED).count() == 1


def test_a_session_ends_after_twelve_hours_even_when_busy(personas: Personas) -> None:
    client = Client()
    password_step(client, personas.staff.email)
    client.post(reverse("two_factor_login"), {"code": totp_code(personas.staff)})
    # A request every 20 minutes keeps the session from idling out...
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(timedelta(minutes=minutes)):
            assert client.get(reverse("home")).status_code == 200, minutes
    # ...but not past the absolute limit.
    with time_machine.travel(timedelta(hours=12, minutes=5)):
        assert client.get(reverse("home")).status_code == 302


def test_a_new_user_is_forced_to_enrol(personas: Personas) -> None:
    newcomer = make_user("new@north.test", Role.STAFF, personas.helsinki, with_device=False)
    client = Client()
    response = password_step(client, newcomer.email)
    # No device yet: logged in but unverified, and everything leads to enrolment.
    assert response.status_code == 302
    for url in (reverse("home"), reverse("account_security"), reverse("admin_users")):
        followed = client.get(url)
        assert followed.status_code == 302
        assert followed["Location"].startswith(reverse("two_factor_setup"))
    assert client.get(reverse("two_factor_setup")).status_code == 200


def test_an_unverified_session_with_a_device_is_sent_to_verification(personas: Personas) -> None:
    client = personas.client_for("unverified")
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"code": totp_code(personas.staff)})
    assert client.get(reverse("home")).status_code == 200


def test_enrolment_confirms_the_app_and_shows_ten_backup_codes_once(personas: Personas) -> None:
    newcomer = make_user("fresh@north.test", Role.STAFF, personas.helsinki, with_device=False)
    client = Client()
    password_step(client, newcomer.email)
    page = client.get(reverse("two_factor_setup"))
    assert "<svg" in page.content.decode()
    key_hex = client.session["pending_totp_key"]
    from django_otp.oath import TOTP

    totp = TOTP(bytes.fromhex(key_hex), 30, 0, 6, 0)
    response = client.post(reverse("two_factor_setup"), {"code": f"{totp.token():06d}"})
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert "no-store" in response["Cache-Control"]
    assert client.get(reverse("home")).status_code == 200
    assert AuditAction.DEVICE_ENROLLED in actions_for(newcomer)
    # A second visit to the setup page asks for re-authentication instead of a new secret.
    again = client.get(reverse("two_factor_setup"))
    assert again.status_code == 200 or again["Location"].startswith(
        reverse("account_reauthenticate")
    )


def test_a_wrong_enrolment_code_keeps_the_same_secret(personas: Personas) -> None:
    newcomer = make_user("typo@north.test", Role.STAFF, personas.helsinki, with_device=False)
    client = Client()
    password_step(client, newcomer.email)
    client.get(reverse("two_factor_setup"))
    key = client.session["pending_totp_key"]
    response = client.post(reverse("two_factor_setup"), {"code": "12345x"})
    assert response.status_code == 200
    assert "does not match" in response.content.decode()
    assert client.session["pending_totp_key"] == key


def test_deactivated_users_lose_their_session(personas: Personas) -> None:
    client = personas.client_for("staff")
    assert client.get(reverse("home")).status_code == 200
    User.objects.filter(pk=personas.staff.pk).update(is_active=False)
    assert client.get(reverse("home")).status_code == 302
