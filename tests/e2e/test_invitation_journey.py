"""End to end in a real browser: an invited staff member sets a password, enrols an
authenticator app, logs out and logs in again with both factors."""

from __future__ import annotations

import base64
import re
import time
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from accounts.models import Centre, Role, User
from accounts.services import invitation_create
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INVITEE_EMAIL = "new.staff@north.test"
INVITEE_NAME = "Noor Staff"
INVITEE_PASSWORD = "violet harbour lantern meadow"
TOTP_STEP = 30
TOTP_DIGITS = 6


def authenticator_code(secret_shown: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the secret as the setup page prints it."""
    secret = re.sub(r"\s+", "", secret_shown).upper()
    secret += "=" * (-len(secret) % 8)
    totp = TOTP(base64.b32decode(secret), step=TOTP_STEP, t0=0, digits=TOTP_DIGITS)
    totp.time = time.time() + steps_ahead * TOTP_STEP
    return f"{totp.token():0{TOTP_DIGITS}d}"


def test_invited_staff_member_sets_password_enrols_app_and_logs_in_again(
    live_server, page: Page, tmp_path: Path
) -> None:
    centre = Centre.objects.create(name="Test Centre North", country="FI", short_code="TCN")
    admin = make_user("admin@north.test", Role.ADMIN)
    issued = invitation_create(
        actor=admin,
        email=INVITEE_EMAIL,
        display_name=INVITEE_NAME,
        role=Role.STAFF,
        centre=centre,
        preferred_language="en",
        accept_url_base=live_server.url,
    )

    # The invitation link: choose a password.
    page.goto(f"{live_server.url}/invitation/{issued.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accept your invitation")
    page.get_by_label("Choose a password").fill(INVITEE_PASSWORD)
    page.get_by_label("Type the password again").fill(INVITEE_PASSWORD)
    page.get_by_role("button", name="Set password").click()

    # Straight on to the authenticator app.
    expect(page).to_have_url(re.compile(r"/account/two-factor/setup/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your second factor")
    # The QR code is inline SVG (no image request, nothing cached), with an accessible name.
    qr = page.locator("main .qr > svg")
    expect(qr).to_have_count(1)
    expect(qr).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    screenshot = tmp_path / "two-factor-setup.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 0

    secret_shown = page.locator("#totp-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})*", secret_shown), secret_shown
    enrolment_code = authenticator_code(secret_shown)
    page.get_by_label("Six-digit code shown by your authenticator app").fill(enrolment_code)
    page.get_by_role("button", name="Confirm").click()

    # Ten backup codes, shown once.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your backup codes")
    expect(page.get_by_role("list", name="Backup codes").get_by_role("listitem")).to_have_count(10)
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    # Log out from the header.
    page.get_by_role("banner").get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)

    # Log in again: e-mail and password, then a code the app shows after the enrolment code.
    page.get_by_label("Email").fill(INVITEE_EMAIL)
    page.get_by_label("Password").fill(INVITEE_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/account/two-factor/login/$"))
    # The enrolment code is spent (last_t); a fresh code is the next step's, which the
    # one-step tolerance accepts now and which is the current code half a minute from now.
    login_code = authenticator_code(secret_shown, steps_ahead=1)
    page.get_by_label("Code from your authenticator app, or a backup code").fill(login_code)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.get_by_role("heading", level=1)).to_contain_text(INVITEE_NAME)
    expect(page.get_by_role("main")).to_contain_text("Staff · Test Centre North")

    invitee = User.objects.get(email=INVITEE_EMAIL)
    assert list(invitee.memberships.values_list("role", "centre")) == [(Role.STAFF, centre.pk)]
    assert TOTPDevice.objects.filter(user=invitee, confirmed=True).count() == 1
