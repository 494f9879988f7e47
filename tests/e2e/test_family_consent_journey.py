"""End to end in a real browser: a staff member logs in with both factors, adds a family,
records its consent, opens the identity for a reason and withdraws one purpose."""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.access import RECENT_AUTH_SESSION_KEY
from accounts.models import Centre, Role
from audit.models import AuditAction, AuditEvent
from casestudies.models import Family
from consent.models import ConsentRecord, Purpose
from consent.services import consent_allows
from tests.conftest import PASSWORD, make_user, totp_code
from tests.factories import published_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_EMAIL = "staff@north.test"
RESPONDENT_NAME = "Aino Testrespondent"  # synthetic
CHILD_NAME = "Eero Testchild"  # synthetic


def age_recent_authentication(page: Page, *, minutes: int) -> None:
    """Move the session's last password-and-code check back in time (the browser is idle)."""
    page.wait_for_load_state("networkidle")
    (cookie,) = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"])
    assert session.get(RECENT_AUTH_SESSION_KEY), "the login should count as recent"
    session[RECENT_AUTH_SESSION_KEY] -= minutes * 60
    session.save()


def test_staff_member_adds_family_records_consent_opens_identity_and_withdraws_a_purpose(
    live_server, page: Page
) -> None:
    centre = Centre.objects.create(name="Test Centre North", country="FI", short_code="TCN")
    staff = make_user(STAFF_EMAIL, Role.STAFF, centre)
    admin = make_user("admin@north.test", Role.ADMIN)
    consent_form = published_form(admin)
    form_label = (
        f"{consent_form.title} · {consent_form.get_language_display()} · v{consent_form.version}"
    )

    # Log in: e-mail and password, then the code the app shows now.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(STAFF_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/account/two-factor/login/$"))
    page.get_by_label("Code from your authenticator app, or a backup code").fill(totp_code(staff))
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    # Add a family.
    page.goto(f"{live_server.url}/families/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a family")
    page.get_by_label("Respondent 1: name").fill(RESPONDENT_NAME)
    page.get_by_label("Respondent 1: relationship to the child").fill("mother")
    page.get_by_label("Respondent 1: e-mail").fill("aino.testrespondent@example.test")
    page.get_by_label("Child's name").fill(CHILD_NAME)
    page.get_by_role("button", name="Create family").click()

    # Straight on to record consent: choose the form the family read.
    expect(page).to_have_url(re.compile(r"/families/[^/]+/consents/new/$"))
    family = Family.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Record consent for {family.code}")
    page.get_by_label("Consent form the family read").select_option(label=form_label)
    page.get_by_role("button", name="Continue").click()

    # Every purpose is a yes/no question with nothing preselected.
    purposes = page.get_by_role("group", name="Purposes: ask about each one separately")
    expect(purposes.get_by_role("radio")).to_have_count(2 * len(consent_form.purposes))
    for radio in purposes.get_by_role("radio").all():
        expect(radio).not_to_be_checked()
    for _code, label in consent_form.purpose_choices():
        purposes.get_by_role("group", name=str(label)).get_by_role("radio", name="Yes").check()
    page.get_by_label("Who gave consent (relationship to the child)").select_option(label="Mother")
    page.get_by_role("group", name="Guardian consent for the child's information").get_by_role(
        "radio", name="Both guardians"
    ).check()
    page.get_by_label("Child's age now (years)").fill("13")
    page.get_by_role("group", name="The child's own assent").get_by_role(
        "radio", name="Given"
    ).check()
    page.get_by_role("group", name="How consent was given").get_by_role(
        "radio", name="Written"
    ).check()
    page.get_by_label("Date of consent").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Record consent").click()

    # The receipt.
    expect(page).to_have_url(re.compile(r"/consents/\d+/receipt/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent receipt")
    answers = page.get_by_role("table", name="Your answers")
    expect(answers.get_by_role("row")).to_have_count(1 + len(consent_form.purposes))
    page.get_by_role("link", name="Back to the family").click()

    # Open the identity. Logging in counts as a recent authentication for five minutes, so the
    # session is aged as if the login were six minutes ago: the app must then ask again.
    expect(page.get_by_role("heading", level=1)).to_contain_text(family.code)
    age_recent_authentication(page, minutes=6)
    page.get_by_role("link", name="Open identity").click()
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_label("Password").fill(PASSWORD)
    # The login code is spent (last_t): a fresh one is the next step's, which the one-step
    # tolerance accepts now.
    page.get_by_label("Code from your authenticator app, or a backup code").fill(
        totp_code(staff, steps_ahead=1)
    )
    page.get_by_role("button", name="Confirm").click()

    # A reason, then the identity.
    expect(page).to_have_url(re.compile(rf"/families/{family.code}/identity/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Open the identity of {family.code}")
    page.get_by_role("group", name="Why do you need to see who this family is?").get_by_role(
        "radio", name="Consent administration"
    ).check()
    page.get_by_label("Explain briefly").fill("Checking the consent record with the family.")
    page.get_by_role("button", name="Show identity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Identity of {family.code}")
    expect(page.get_by_role("region", name="Respondents")).to_contain_text(RESPONDENT_NAME)
    expect(page.get_by_role("region", name="Child")).to_contain_text(CHILD_NAME)

    # Withdraw one purpose from the family page.
    page.get_by_role("link", name="Back to the family").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(family.code)
    consent = ConsentRecord.objects.get(family=family)
    card = page.get_by_role("region", name=re.compile(re.escape(consent_form.title)))
    card.get_by_role("link", name="Withdraw").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Withdraw consent for {family.code}")
    page.get_by_role("group", name="What does the family withdraw?").get_by_role(
        "radio", name="Only the purposes ticked below"
    ).check()
    page.get_by_role("group", name="Purposes to withdraw").get_by_role(
        "checkbox", name=str(Purpose.QUOTATION.label)
    ).check()
    expect(page.get_by_label("Date of withdrawal")).to_have_value(timezone.localdate().isoformat())
    page.get_by_role("button", name="Withdraw").click()

    # The withdrawal receipt lists only that purpose.
    expect(page).to_have_url(re.compile(r"/withdrawals/\d+/receipt/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdrawal receipt")
    receipt = page.get_by_role("article")
    expect(receipt.get_by_role("listitem")).to_have_text([str(Purpose.QUOTATION.label)])
    expect(receipt).to_contain_text("Your other answers stay as they were.")
    page.get_by_role("link", name="Back to the family").click()
    expect(card).to_contain_text("Active, partly withdrawn")

    consent.refresh_from_db()
    assert consent.withdrawn_purposes == [Purpose.QUOTATION.value]
    family.refresh_from_db()
    assert consent_allows(family, Purpose.RESEARCH)
    assert not consent_allows(family, Purpose.QUOTATION)
    assert AuditEvent.objects.filter(action=AuditAction.IDENTITY_VIEWED).count() == 1
