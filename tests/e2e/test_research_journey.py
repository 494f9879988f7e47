"""End to end in a real browser: a researcher logs in with both factors, reads the statistics of
a project (charts with accessible tables, small cells hidden), builds a cross-tabulation, asks
for an export, re-authenticates to download it and gets a ZIP with the data, the codebook and a
README whose fingerprint matches. No identity value planted in the narratives reaches any page
or the ZIP."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import time
import zipfile
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.access import RECENT_AUTH_SESSION_KEY
from accounts.models import User
from audit.models import AuditAction, AuditEvent
from casestudies.models import Interview
from research.models import ExportStatus, ResearchExport
from tests.conftest import PASSWORD, Personas, totp_code
from tests.factories import planted_identity, published_form
from tests.research.conftest import (
    NEEDLES,
    PLANTED_NARRATIVES,
    bulk_locked_interviews,
    consented_family,
    locked_interview,
    make_project,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLANTED_FAMILIES = 3
RANDOM_INTERVIEWS = 30  # seeded: some categories reach 10, others stay small and are hidden
SEED = 2026
CODE_LABEL = "Code from your authenticator app, or a backup code"
# (field, label) of the cross-tabulation: two single-answer questions.
ROWS = ("child_gender", "Gender")
COLUMNS = ("interview_language", "Language of the interview")
EXPORT_FIELDS = ["country", "child_gender", "violence_types"]
PURPOSE = "Compare the kinds of online harm by the child's gender (synthetic journey)."


def log_in(page: Page, base: str, user: User) -> None:
    """E-mail and password, then the code the user's authenticator app shows."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/account/two-factor/login/$"))
    page.get_by_label(CODE_LABEL).fill(totp_code(user))
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def age_recent_authentication(page: Page, *, minutes: int) -> None:
    """Move the session's last password-and-code check back in time (the browser is idle)."""
    page.wait_for_load_state("networkidle")
    (cookie,) = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"])
    assert session.get(RECENT_AUTH_SESSION_KEY), "the login should count as recent"
    session[RECENT_AUTH_SESSION_KEY] -= minutes * 60
    session.save()


def leaked(text: str) -> list[str]:
    lowered = text.lower()
    return [needle for needle in NEEDLES if needle.lower() in lowered]


def test_researcher_reads_statistics_cross_tabulates_and_downloads_an_export(
    live_server: LiveServer, page: Page, personas: Personas, settings: Any, tmp_path: Path
) -> None:
    # pytest-django's settings fixture: the live server thread sees it, and it is undone after.
    settings.RESEARCH_EXPORT_DIR = tmp_path / "exports"
    researcher = personas.researcher
    form = published_form(personas.admin)
    # A few families whose vault holds the planted identity, written through the services ...
    for _ in range(PLANTED_FAMILIES):
        locked_interview(personas, consented_family(personas, form, identity=planted_identity()))
    # ... and more, written directly with seeded random answers.
    bulk_locked_interviews(personas, form, RANDOM_INTERVIEWS, seed=SEED)
    # Every narrative names the family, as if screening had missed it (update(): the services
    # refuse to change locked interviews).
    assert Interview.objects.update(**PLANTED_NARRATIVES) == PLANTED_FAMILIES + RANDOM_INTERVIEWS
    project = make_project(personas.admin, researcher)
    base = live_server.url
    pages_html: dict[str, str] = {}

    # ------------------------------------------------------------------ log in, find the project
    log_in(page, base, researcher)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Research").click()
    expect(page).to_have_url(f"{base}/research/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Research projects")
    projects = page.get_by_role("table", name="Your running projects")
    expect(projects.get_by_role("row")).to_have_count(2)
    pages_html["projects"] = page.content()
    projects.get_by_role("link", name=project.title).click()

    # ------------------------------------------------------------------ the dashboard
    expect(page).to_have_url(f"{base}/research/{project.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(project.title)
    expect(
        page.get_by_role("navigation", name="Project").get_by_role("link", name="Statistics")
    ).to_have_attribute("aria-current", "page")
    counted = page.locator("dl.summary > div").filter(
        has=page.get_by_role("term").filter(has_text="Interviews counted")
    )
    expect(counted.get_by_role("definition")).to_have_text(
        str(PLANTED_FAMILIES + RANDOM_INTERVIEWS)
    )
    # Each variable: a chart labelled as an image, and beside it a table with the same numbers.
    gender = page.get_by_role("region", name=ROWS[1], exact=True)
    chart = gender.get_by_role("img", name=ROWS[1], exact=True)
    expect(chart).to_be_visible()
    expect(chart).to_have_js_property("tagName", "svg")
    table = gender.get_by_role("table", name=ROWS[1], exact=True)
    expect(table.get_by_role("columnheader")).to_have_text(["Answer", "Interviews", "Share"])
    expect(table.get_by_role("rowheader", name="Girl")).to_be_visible()
    expect(table.get_by_role("rowheader", name="Not answered")).to_be_visible()
    # The chart shows the same cells as the table (suppressed ones as "<10", without a bar).
    table_cells = [
        row.get_by_role("cell").first.inner_text()
        for row in table.locator("tbody").get_by_role("row").all()
    ]
    chart_texts = chart.locator("text").all_text_contents()
    assert chart_texts[1::2] == table_cells, (chart_texts, table_cells)
    # Small cells exist in the data and are hidden, never shown as a number below 10.
    main = page.get_by_role("main")
    expect(main.get_by_role("cell", name="<10", exact=True).first).to_be_visible()
    for cell in main.get_by_role("cell").all_inner_texts():
        assert not re.fullmatch(r"[1-9]", cell.strip()), f"a small count is shown: {cell!r}"
    pages_html["dashboard"] = page.content()

    # ------------------------------------------------------------------ a cross-tabulation
    expect(page.get_by_role("heading", name="Cross-tabulation")).to_be_visible()
    page.get_by_label("Rows").select_option(label=ROWS[1])
    page.get_by_label("Columns").select_option(label=COLUMNS[1])
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(
        re.compile(rf"/research/{project.pk}/\?rows={ROWS[0]}&cols={COLUMNS[0]}#crosstab$")
    )
    crosstab = page.get_by_role("table", name=f"{ROWS[1]} \N{MULTIPLICATION SIGN} {COLUMNS[1]}")
    expect(crosstab).to_be_visible()
    expect(crosstab.get_by_role("columnheader").first).to_have_text(ROWS[1])
    expect(crosstab.get_by_role("columnheader").last).to_have_text("Total")
    expect(crosstab.get_by_role("rowheader", name="Girl")).to_be_visible()
    expect(crosstab.get_by_role("rowheader").last).to_have_text("Total")
    expect(crosstab.get_by_role("cell", name="<10", exact=True).first).to_be_visible()
    # The grand total is shown (33 interviews), the small cells are not.
    expect(crosstab.get_by_role("row").last.get_by_role("cell").last).to_have_text(
        str(PLANTED_FAMILIES + RANDOM_INTERVIEWS)
    )
    for cell in crosstab.get_by_role("cell").all_inner_texts():
        assert not re.fullmatch(r"[1-9]", cell.strip()), f"a small count is shown: {cell!r}"
    # The chosen variables stay selected.
    expect(page.get_by_label("Rows")).to_have_value(ROWS[0])
    expect(page.get_by_label("Columns")).to_have_value(COLUMNS[0])
    pages_html["crosstab"] = page.content()

    # ------------------------------------------------------------------ ask for an export
    page.get_by_role("navigation", name="Project").get_by_role("link", name="Exports").click()
    expect(page).to_have_url(f"{base}/research/{project.pk}/exports/")
    expect(page.get_by_role("table", name="Exports of this project")).to_contain_text(
        "No exports yet."
    )
    fields = page.get_by_role("group", name="Fields")
    # Identifiers, narratives and quotable passages can never be chosen.
    expect(fields.get_by_role("checkbox", name=re.compile("quoted", re.IGNORECASE))).to_have_count(
        0
    )
    fields.get_by_role("checkbox", name="Country", exact=True).check()
    fields.get_by_role("checkbox", name="Gender", exact=True).check()
    fields.get_by_role("checkbox", name="What happened (choose all that apply)").check()
    page.get_by_label("Purpose of this export").fill(PURPOSE)
    page.get_by_role("button", name="Build the export").click()
    expect(page).to_have_url(f"{base}/research/{project.pk}/exports/")
    expect(page.get_by_role("status")).to_contain_text("The export is being built.")

    # Wait for it: reload until the status says it is ready (eager Celery: at once).
    exports = page.get_by_role("table", name="Exports of this project")
    row = exports.get_by_role("row").filter(has_text=PURPOSE)
    status = row.get_by_role("cell").nth(2)
    deadline = time.monotonic() + 30
    while "Ready to download" not in status.inner_text():
        assert "Failed" not in status.inner_text()
        assert "choose fewer fields" not in status.inner_text(), status.inner_text()
        assert time.monotonic() < deadline, f"the export is still {status.inner_text()!r}"
        page.wait_for_timeout(500)
        page.reload()
    export = ResearchExport.objects.get(project=project)
    assert export.status == ExportStatus.READY, export.report
    assert export.fields == EXPORT_FIELDS
    assert export.purpose == PURPOSE
    expect(row.get_by_role("cell").nth(3)).to_have_text(str(export.row_count))
    expect(row.get_by_role("cell").nth(4)).to_have_text(f"{export.sha256[:19]}…")
    pages_html["exports"] = page.content()

    # ------------------------------------------------------------------ re-authenticate, download
    # The login counts as a recent authentication for five minutes: age it as if the login
    # were six minutes ago, so the download must ask again.
    age_recent_authentication(page, minutes=6)
    row.get_by_role("link", name="Download ZIP").click()
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    pages_html["reauthenticate"] = page.content()
    assert not AuditEvent.objects.filter(action=AuditAction.RESEARCH_EXPORT_DOWNLOADED).exists()
    page.get_by_label("Password").fill(PASSWORD)
    # The login code is spent: a fresh one is the next step's, which the tolerance accepts now.
    page.get_by_label(CODE_LABEL).fill(totp_code(researcher, steps_ahead=1))
    page.get_by_role("button", name="Confirm").click()
    # Back on the exports page (not stranded on the password form), the download now starts.
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Confirm it is you")
    expect(page.get_by_label("Password")).to_have_count(0)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download ZIP").first.click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == f"export-{export.pk}.zip"
    archive_path = tmp_path / "download.zip"
    download.save_as(archive_path)

    # ------------------------------------------------------------------ what the ZIP holds
    raw_zip = archive_path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(raw_zip)) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "codebook.csv", "data.csv"]
        files = {name: archive.read(name) for name in archive.namelist()}
    data = files["data.csv"]
    digest = hashlib.sha256(data).hexdigest()
    assert digest == export.sha256
    readme = files["README.txt"].decode("utf-8")
    assert f"SHA-256 of data.csv: {digest}" in readme
    assert f"Purpose of this export: {PURPOSE}" in readme
    assert f"Rows: {export.row_count}" in readme
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    header, body = rows[0], rows[1:]
    assert header == ["pseudonym", *EXPORT_FIELDS]
    assert len(body) == export.row_count > 0
    assert all(line[0].startswith("P-") for line in body)
    book = list(csv.DictReader(io.StringIO(files["codebook.csv"].decode("utf-8"))))
    assert {line["column"] for line in book} == set(header)

    # ------------------------------------------------------------------ nothing planted leaks
    for name, content in files.items():
        assert not leaked(content.decode("utf-8")), name
    assert not leaked(raw_zip.decode("latin-1"))
    for name, html in pages_html.items():
        assert not leaked(html), name

    # ------------------------------------------------------------------ the audit trail
    events = AuditEvent.objects.filter(target_id=str(export.pk))
    requested = events.get(action=AuditAction.RESEARCH_EXPORT_REQUESTED)
    assert requested.actor_id == researcher.pk
    assert requested.details["purpose"] == PURPOSE
    built = events.get(action=AuditAction.RESEARCH_EXPORT_BUILT)
    assert built.actor_id is None
    assert built.details["fingerprint"] == export.sha256
    downloaded = events.get(action=AuditAction.RESEARCH_EXPORT_DOWNLOADED)
    assert downloaded.actor_id == researcher.pk
    assert downloaded.details["fingerprint"] == export.sha256
    assert AuditEvent.objects.filter(
        action=AuditAction.REAUTHENTICATED, actor_id=researcher.pk
    ).exists()
    for event in AuditEvent.objects.all():
        assert not leaked(f"{event.reason} {event.details}"), event.action
