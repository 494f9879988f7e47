"""End to end in a real browser: a staff member writes an interview whose narrative names the
family, redacts or confirms each flagged passage and submits it; a lead of the centre reviews
and locks it; after that nobody can edit it."""

from __future__ import annotations

import re
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from accounts.models import Centre, Role, User
from audit.models import AuditAction, AuditEvent
from casestudies.models import Interview, InterviewStatus
from consent.services import consent_record
from tests.conftest import PASSWORD, make_user, totp_code
from tests.e2e.conftest import TIMEOUT_MS
from tests.factories import PLANTED, consent_input, make_family, planted_identity, published_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_EMAIL = "staff@north.test"
LEAD_EMAIL = "lead@north.test"
NAME = PLANTED["respondent_name"]  # "Zyxwa Plantedname", the family's own vault value
FIRST_NAME = NAME.split()[0]
PHONE = PLANTED["respondent_phone"]
HELPLINE = "0800 100 100"  # flagged as a phone number, but a public helpline: not personal data
NARRATIVE = (
    f"{NAME} found the messages on her daughter's phone. "
    f"Later {FIRST_NAME} called the police from {PHONE}.\n"
    f"The school nurse gave her the helpline number {HELPLINE}, which helped."
)
VIOLENCE_TYPE = "Grooming or solicitation for sexual purposes"
LOCKED_REFUSAL = "This interview is locked and cannot be edited."


def seed_vocabularies() -> None:
    """The vocabularies come from a data migration; an earlier transactional test flushed them."""
    import_module("casestudies.migrations.0003_seed_vocabularies").seed(apps, None)


def previous_month() -> str:
    first = timezone.localdate().replace(day=1)
    last_month = first - timedelta(days=1)
    return f"{last_month:%Y-%m}"


def log_in(page: Page, base_url: str, user: User, *, steps_ahead: int = 0) -> None:
    """E-mail and password, then the code the user's authenticator app shows."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/account/two-factor/login/$"))
    page.get_by_label("Code from your authenticator app, or a backup code").fill(
        totp_code(user, steps_ahead=steps_ahead)
    )
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base_url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def summary_value(page: Page, term: str) -> Locator:
    """The <dd> beside a <dt> in the summary list (no accessible name ties them together)."""
    return (
        page.locator("dl.summary > div")
        .filter(has=page.get_by_role("term").filter(has_text=re.compile(f"^{re.escape(term)}$")))
        .get_by_role("definition")
    )


def refuses_to_edit(page: Page, base_url: str, code: str) -> None:
    page.goto(f"{base_url}/interviews/{code}/edit/")
    expect(page).to_have_url(f"{base_url}/interviews/{code}/")
    expect(page.get_by_role("alert")).to_contain_text(LOCKED_REFUSAL)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Interview {code}")
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)
    expect(page.get_by_label("What happened, briefly")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)


def test_staff_writes_screens_and_submits_an_interview_and_a_lead_locks_it(
    live_server, browser: Browser, page: Page
) -> None:
    seed_vocabularies()
    centre = Centre.objects.create(name="Test Centre North", country="FI", short_code="TCN")
    staff = make_user(STAFF_EMAIL, Role.STAFF, centre)
    lead = make_user(LEAD_EMAIL, Role.LEAD, centre)
    admin = make_user("admin@north.test", Role.ADMIN)
    form = published_form(admin)
    family = make_family(staff, centre, planted_identity())
    consent_record(actor=staff, family=family, data=consent_input(form))
    base = live_server.url

    # ---------------------------------------------------------------- the staff member writes
    log_in(page, base, staff)
    page.goto(f"{base}/families/{family.code}/interviews/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"New interview with family {family.code}"
    )
    month = previous_month()
    page.get_by_label("Month and year of the interview").fill(month)
    violence = page.get_by_role("group", name="D. Type of online violence")
    violence.get_by_role("checkbox", name=VIOLENCE_TYPE).check()
    agencies = page.get_by_role("group", name="Agencies involved, in the order of first contact")
    agencies.get_by_label("Police, prosecutor or court", exact=True).fill("1")
    agencies.get_by_label("Child welfare", exact=True).fill("2")
    page.get_by_label("What happened, briefly").fill(NARRATIVE)
    page.get_by_role("button", name="Save draft").click()

    expect(page).to_have_url(re.compile(r"/interviews/[^/]+/$"))
    code = page.url.rstrip("/").rsplit("/", 1)[-1]
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Interview {code}")
    expect(page.get_by_role("status")).to_contain_text("The draft was saved.")
    expect(summary_value(page, "Status")).to_have_text("Draft")
    expect(summary_value(page, "Flagged passages")).to_have_text("4")
    interview_part = page.get_by_role("region", name="A. The interview")
    expect(interview_part).to_contain_text(month)
    expect(page.get_by_role("region", name="D. Type of online violence")).to_contain_text(
        VIOLENCE_TYPE
    )
    expect(page.get_by_role("region", name="H. Agencies involved")).to_contain_text(
        "Police, prosecutor or court, Child welfare"
    )

    # The narrative shows each flagged passage highlighted and numbered for screen readers.
    narratives = page.get_by_role("region", name="M. Narratives")
    # ARIA 1.3 role "mark": Playwright resolves it, though its Python stubs do not list it yet.
    marks = narratives.get_by_role("mark")
    expect(marks).to_have_text(
        [
            f"{NAME} (flagged 1)",
            f"{FIRST_NAME} (flagged 2)",
            f"{PHONE} (flagged 3)",
            f"{HELPLINE} (flagged 4)",
        ]
    )
    findings = page.get_by_role("region", name="Passages that may be personal data")
    expect(findings.get_by_role("checkbox")).to_have_count(4)

    # Redact the family's name (twice) and phone number, one passage at a time.
    for passage in (NAME, FIRST_NAME, PHONE):
        findings.get_by_role("button", name=f"Redact {passage}", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text(
            "The passage was replaced with a neutral marker."
        )
        expect(findings.get_by_role("button", name=f"Redact {passage}", exact=True)).to_have_count(
            0
        )
    expect(narratives).to_contain_text("[name] found the messages")
    expect(narratives).to_contain_text("Later [name] called the police from [phone].")
    expect(narratives).not_to_contain_text("Plantedname")
    expect(narratives).not_to_contain_text("7654321")

    # The helpline number is not personal data: tick it and confirm.
    expect(findings.get_by_role("checkbox")).to_have_count(1)
    findings.get_by_role("checkbox", name=re.compile(re.escape(HELPLINE))).check()
    findings.get_by_role("button", name="Confirm the ticked passages are not personal data").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The passages were marked as not personal data."
    )
    expect(findings).to_have_count(0)
    expect(summary_value(page, "Flagged passages")).to_have_text("0")
    expect(narratives).to_contain_text(f"the helpline number {HELPLINE}")

    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The interview was submitted for review by a lead."
    )
    expect(summary_value(page, "Status")).to_have_text("Submitted for review")
    expect(page.get_by_role("button", name="Submit for review")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    # The author may not review their own interview.
    expect(page.get_by_role("button", name="Review done: lock")).to_have_count(0)

    # ---------------------------------------------------------------- the lead reviews and locks
    lead_context = browser.new_context(locale="en-GB")
    lead_context.set_default_timeout(TIMEOUT_MS)
    lead_context.set_default_navigation_timeout(TIMEOUT_MS)
    try:
        lead_page = lead_context.new_page()
        log_in(lead_page, base, lead)
        lead_page.goto(f"{base}/interviews/")
        lead_page.get_by_role("link", name=code, exact=True).click()
        expect(lead_page.get_by_role("heading", level=1)).to_have_text(f"Interview {code}")
        expect(summary_value(lead_page, "Status")).to_have_text("Submitted for review")
        expect(lead_page.get_by_role("region", name="M. Narratives")).not_to_contain_text(
            "Plantedname"
        )
        lead_page.get_by_role("button", name="Review done: lock").click()
        expect(lead_page.get_by_role("status")).to_contain_text(
            "The interview was reviewed and locked."
        )
        expect(summary_value(lead_page, "Status")).to_have_text("Reviewed and locked")
        expect(lead_page.get_by_role("main")).to_contain_text(
            f"Reviewed and locked by {lead.display_name} on"
        )
        expect(lead_page.get_by_role("main")).to_contain_text(
            "Nobody can edit it unless a lead unlocks it with a reason."
        )
        expect(lead_page.get_by_role("button", name="Review done: lock")).to_have_count(0)
        expect(lead_page.get_by_role("link", name="Unlock")).to_be_visible()

        # Neither the lead nor the author can edit the locked interview.
        refuses_to_edit(lead_page, base, code)
    finally:
        lead_context.close()
    refuses_to_edit(page, base, code)

    # ---------------------------------------------------------------- what the database holds
    interview = Interview.objects.get(code=code)
    assert interview.family_id == family.pk
    assert interview.status == InterviewStatus.LOCKED
    assert interview.locked_by_id == lead.pk
    assert interview.locked_at is not None
    assert interview.created_by_id == staff.pk
    assert interview.open_findings == 0
    assert interview.violence_types == ["grooming"]
    assert interview.agencies == ["police", "child_welfare"]
    assert f"{interview.interview_year}-{interview.interview_month:02d}" == month
    # Browsers submit a textarea's line breaks as CRLF; the text is stored as submitted.
    text = interview.narrative_what_happened.replace("\r\n", "\n")
    for gone in (NAME, FIRST_NAME, "Plantedname", PHONE, "7654321"):
        assert gone not in text
    assert text == (
        "[name] found the messages on her daughter's phone. "
        "Later [name] called the police from [phone].\n"
        f"The school nurse gave her the helpline number {HELPLINE}, which helped."
    )

    events = AuditEvent.objects.filter(target_id=code)
    actions = list(events.values_list("action", flat=True))
    for action in (
        AuditAction.INTERVIEW_CREATED,
        AuditAction.INTERVIEW_SUBMITTED,
        AuditAction.INTERVIEW_LOCKED,
        AuditAction.INTERVIEW_VIEWED,
    ):
        assert action in actions, action
    assert actions.count(AuditAction.INTERVIEW_FINDING_REDACTED) == 3
    assert actions.count(AuditAction.INTERVIEW_FINDINGS_CONFIRMED) == 1
    assert events.get(action=AuditAction.INTERVIEW_CREATED).actor_id == staff.pk
    assert events.get(action=AuditAction.INTERVIEW_SUBMITTED).actor_id == staff.pk
    assert events.get(action=AuditAction.INTERVIEW_LOCKED).actor_id == lead.pk
    viewers = set(
        events.filter(action=AuditAction.INTERVIEW_VIEWED).values_list("actor_id", flat=True)
    )
    assert viewers == {staff.pk, lead.pk}
    # The audit trail records what happened, never the flagged text itself.
    for event in events:
        recorded = f"{event.reason} {event.details}"
        assert "Plantedname" not in recorded
        assert "7654321" not in recorded
