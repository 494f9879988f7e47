"""End to end in a real browser: the data protection officer logs in with both factors, verifies
the audit chain, follows a family's trail to an identity opening and its reason, acknowledges an
unusual-access alert with a note, registers an access request and, after confirming it is them
again, downloads the family's access bundle."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime, time, timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from accounts.access import RECENT_AUTH_SESSION_KEY
from accounts.models import Centre, Role, User
from alerts.models import Alert, AlertRule
from alerts.services import alerts_detect
from audit.models import AuditAction, AuditEvent
from casestudies.services import IdentityReason, identity_open
from consent.services import consent_record
from subject_requests.models import RequestType, SubjectRequest
from tests.alerts.helpers import family_code, identity_opened
from tests.conftest import PASSWORD, make_user, totp_code
from tests.factories import PLANTED, consent_input, make_family, planted_identity, published_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DPO_EMAIL = "dpo@north.test"
NAME = PLANTED["respondent_name"]  # "Zyxwa Plantedname", the family's own vault value
OPENING_REASON = "Checking the consent record with the family."
ALERT_NOTE = "Asked the staff member: a batch of consent renewals, agreed with the lead."
BUNDLE_REASON = "Answering the family's access request received by post."
BURST_SIZE = 6  # different families; the rule fires above ALERT_IDENTITY_OPENINGS_PER_HOUR (5)


def burst_start() -> datetime:
    """Yesterday at 10:00 in the centre's time zone: inside working hours whenever the test
    runs, so the burst raises only the identity-burst alert and no off-hours one."""
    yesterday = timezone.localdate() - timedelta(days=1)
    return timezone.make_aware(datetime.combine(yesterday, time(10, 0)))


def raise_identity_burst_alert(staff: User) -> Alert:
    """Six identity openings of different families within an hour, then the detection run.

    Detection runs before any other entry exists: the rule for off-hours access looks at every
    entry from `since` on, and the set-up below happens now, which may be outside working hours.
    """
    start = burst_start()
    for number in range(1, BURST_SIZE + 1):
        identity_opened(start + timedelta(minutes=5 * number), staff, family_code(number))
    report = alerts_detect(since=start)
    (alert,) = report.raised
    assert alert.rule == AlertRule.IDENTITY_BURST
    assert alert.user_id == staff.pk
    return alert


def log_in(page: Page, base_url: str, user: User) -> None:
    """E-mail and password, then the code the user's authenticator app shows."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/account/two-factor/login/$"))
    page.get_by_label("Code from your authenticator app, or a backup code").fill(totp_code(user))
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base_url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def age_recent_authentication(page: Page, *, minutes: int) -> None:
    """Move the session's last password-and-code check back in time (the browser is idle)."""
    page.wait_for_load_state("networkidle")
    (cookie,) = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"])
    assert session.get(RECENT_AUTH_SESSION_KEY), "the login should count as recent"
    session[RECENT_AUTH_SESSION_KEY] -= minutes * 60
    session.save()


def summary_value(scope: Page | Locator, term: str) -> Locator:
    """The <dd> beside a <dt> in a summary list (no accessible name ties them together)."""
    return (
        scope.locator("dl.summary > div")
        .filter(has=scope.get_by_role("term").filter(has_text=re.compile(f"^{re.escape(term)}$")))
        .get_by_role("definition")
    )


def main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def test_dpo_verifies_chain_follows_family_trail_acknowledges_alert_and_answers_access_request(
    live_server, page: Page
) -> None:
    centre = Centre.objects.create(name="Test Centre North", country="FI", short_code="TCN")
    staff = make_user("staff@north.test", Role.STAFF, centre)
    dpo = make_user(DPO_EMAIL, Role.DPO)
    admin = make_user("admin@north.test", Role.ADMIN)
    alert = raise_identity_burst_alert(staff)
    consent_form = published_form(admin)
    family = make_family(staff, centre, planted_identity())
    consent_record(actor=staff, family=family, data=consent_input(consent_form))
    identity_open(
        actor=staff, family=family, reason=IdentityReason.CONSENT, reason_text=OPENING_REASON
    )
    code = family.code
    base = live_server.url

    # ---------------------------------------------------------------- log in, the overview
    log_in(page, base, dpo)
    main_nav(page).get_by_role("link", name="Data protection").click()
    expect(page).to_have_url(f"{base}/dpo/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Data protection overview")
    expect(summary_value(page, "Last verification")).to_have_text("never")
    alerts_section = page.get_by_role("region", name="Unusual access")
    expect(alerts_section).to_contain_text("1 alert waits for your review.")

    # ---------------------------------------------------------------- verify the chain
    page.get_by_role("region", name="Audit trail").get_by_role(
        "link", name="Verify the chain"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify the audit chain")
    runs = page.get_by_role("table", name="Verification runs")
    expect(runs).to_contain_text("No verification yet.")
    page.get_by_role("button", name="Verify now").click()
    expect(page).to_have_url(f"{base}/dpo/verification/")
    expect(page.get_by_role("status")).to_contain_text(
        "The verification started. This page shows its progress."
    )
    # Tasks run in process in the tests, so the run has finished by the time the page shows.
    expect(runs.get_by_role("row")).to_have_count(2)  # the header and the run
    run_row = runs.get_by_role("row").nth(1)
    expect(run_row).to_contain_text("intact")
    expect(run_row.get_by_role("progressbar", name="Entries checked")).to_be_visible()
    main_nav(page).get_by_role("link", name="Data protection").click()
    expect(summary_value(page, "Last verification")).to_contain_text("intact")

    # ---------------------------------------------------------------- the trail of the family
    page.get_by_role("region", name="Audit trail").get_by_role(
        "link", name="Search the trail"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    filters = page.get_by_role("form", name="Filter the trail")
    filters.get_by_label("Family code").fill(code)
    filters.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(rf"/dpo/trail/\?.*family={code}"))
    entries = page.get_by_role("table", name="Entries, newest first")
    expect(entries.get_by_role("row").filter(has_text="identity.viewed")).to_have_count(1)
    expect(entries).not_to_contain_text("No entries match.")
    # Other families' openings (the burst) are not in this family's trail.
    expect(entries).not_to_contain_text(family_code(1))
    entries.get_by_role("link", name=code, exact=True).first.click()

    expect(page).to_have_url(f"{base}/dpo/trail/family/{code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Trail of family {code}")
    family_entries = page.get_by_role("table", name="Entries, newest first")
    opening = family_entries.get_by_role("row").filter(has_text="identity.viewed")
    expect(opening).to_have_count(1)
    expect(opening).to_contain_text("Identity opened")
    expect(opening).to_contain_text(OPENING_REASON)
    expect(opening).to_contain_text(staff.display_name)
    expect(opening).to_contain_text("reason=consent_administration")
    # The trail is metadata only: never the identity itself.
    expect(page.get_by_role("main")).not_to_contain_text("Plantedname")

    # ---------------------------------------------------------------- acknowledge the alert
    main_nav(page).get_by_role("link", name="Alerts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unusual-access alerts")
    open_alerts = page.get_by_role("table", name="1 open alert")
    alert_row = open_alerts.get_by_role("row").filter(has_text="Many identities opened")
    expect(alert_row).to_have_count(1)
    expect(alert_row).to_contain_text(staff.display_name)
    expect(alert_row).to_contain_text(
        f"{BURST_SIZE} different identities opened ({BURST_SIZE} openings) within 60 minutes."
    )
    alert_row.get_by_label("What you found (do not write family identities)").fill(ALERT_NOTE)
    alert_row.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The alert was acknowledged and your note kept."
    )
    expect(page.get_by_role("table", name="0 open alerts")).to_contain_text("No open alerts.")
    acknowledged = page.get_by_role("table", name="The 100 most recently acknowledged")
    expect(acknowledged).to_contain_text(ALERT_NOTE)
    expect(acknowledged).to_contain_text(dpo.display_name)

    # ---------------------------------------------------------------- register an access request
    main_nav(page).get_by_role("link", name="Requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data-subject requests")
    page.get_by_role("link", name="Register a request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register a data-subject request")
    today = timezone.localdate()
    expect(page.get_by_label("Received on")).to_have_value(today.isoformat())
    page.get_by_label("Family code").fill(code.lower())  # the form accepts any case
    page.get_by_role("group", name="Type of request").get_by_role(
        "radio", name=str(RequestType.ACCESS.label)
    ).check()
    page.get_by_label("Received on").fill(today.isoformat())
    page.get_by_role("button", name="Register").click()

    expect(page).to_have_url(re.compile(r"/dpo/requests/\d+/$"))
    subject_request = SubjectRequest.objects.get()
    expect(page.get_by_role("status")).to_contain_text(
        f"The request was registered. It is due on {subject_request.due_on.isoformat()}."
    )

    # Open it from the register.
    main_nav(page).get_by_role("link", name="Requests").click()
    register = page.get_by_role("table", name="Earliest deadline first")
    request_row = register.get_by_role("row").filter(has_text=code)
    expect(request_row).to_contain_text(str(RequestType.ACCESS.label))
    request_row.get_by_role("link", name=f"Request {subject_request.pk}").click()
    expect(page).to_have_url(f"{base}/dpo/requests/{subject_request.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Request {subject_request.pk} · {RequestType.ACCESS.label}"
    )
    expect(summary_value(page, "Family code")).to_have_text(code)
    expect(summary_value(page, "Status")).to_have_text("Open")

    # ---------------------------------------------------------------- the access bundle
    # Logging in counts as a recent authentication for five minutes: age it, so the app must
    # ask for the password and a fresh code before the bundle.
    age_recent_authentication(page, minutes=6)
    page.get_by_role("link", name="Prepare the access bundle").click()
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_label("Password").fill(PASSWORD)
    # The login code is spent (last_t): the next step's code is fresh, and the one-step
    # tolerance accepts it now.
    page.get_by_label("Code from your authenticator app, or a backup code").fill(
        totp_code(dpo, steps_ahead=1)
    )
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(f"{base}/dpo/requests/{subject_request.pk}/bundle/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Access bundle for family {code}")
    page.get_by_label("Why are you preparing the bundle?").fill(BUNDLE_REASON)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the bundle").click()
    download = download_info.value
    assert download.suggested_filename == f"access-bundle-{code}-{today.isoformat()}.zip"
    with zipfile.ZipFile(download.path()) as archive:
        names = archive.namelist()
        html_names = [name for name in names if name.endswith(".html")]
        json_names = [name for name in names if name.endswith(".json")]
        assert html_names, names
        assert json_names, names
        html = archive.read(html_names[0]).decode()
        data = archive.read(json_names[0]).decode()
    assert NAME in html
    assert NAME in data
    assert code in html

    # ---------------------------------------------------------------- what the database holds
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None
    assert alert.acknowledged_by_id == dpo.pk
    assert alert.acknowledgement_note == ALERT_NOTE
    assert not Alert.objects.open().exists()

    assert subject_request.request_type == RequestType.ACCESS
    assert subject_request.family_id == family.pk
    assert subject_request.received_on == today

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    for action in (
        AuditAction.CHAIN_VERIFIED,
        AuditAction.TRAIL_SEARCHED,
        AuditAction.ALERT_ACKNOWLEDGED,
        AuditAction.REQUEST_REGISTERED,
        AuditAction.REAUTHENTICATED,
        AuditAction.REQUEST_BUNDLE_GENERATED,
    ):
        assert action in actions, action
    verified = AuditEvent.objects.get(action=AuditAction.CHAIN_VERIFIED)
    assert verified.details["ok"] is True
    assert verified.details["requested_by"] == dpo.pk
    acknowledgement = AuditEvent.objects.get(action=AuditAction.ALERT_ACKNOWLEDGED)
    assert acknowledgement.actor_id == dpo.pk
    assert acknowledgement.reason == ALERT_NOTE
    registered = AuditEvent.objects.get(action=AuditAction.REQUEST_REGISTERED)
    assert registered.actor_id == dpo.pk
    assert registered.family_code == code
    generated = AuditEvent.objects.get(action=AuditAction.REQUEST_BUNDLE_GENERATED)
    assert generated.actor_id == dpo.pk
    assert generated.reason == BUNDLE_REASON
    assert generated.family_code == code
    # The trail records what happened, never the identity values themselves.
    for event in AuditEvent.objects.all():
        recorded = f"{event.reason} {event.details}"
        assert "Plantedname" not in recorded, event.action
