"""Export files, codebook, fingerprint, audit trail, withdrawal marks and expiry."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.access import RECENT_AUTH_SESSION_KEY
from audit.models import AuditAction, AuditEvent
from consent.models import ConsentRecord, ConsentStatus
from consent.services import consent_withdraw
from keystore.services import data_key_exists
from research.exports import export_path
from research.fields import columns_for
from research.models import ExportStatus, ResearchExport
from research.pseudonyms import pseudonymiser
from research.services import export_request, exports_expire
from tests.research.conftest import World, bulk_locked_interviews

pytestmark = pytest.mark.django_db

FIELDS = [
    "country",
    "interview_year",
    "interview_month",
    "child_gender",
    "violence_types",
    "agencies",
    "service_ratings",
    "peer_group_took_part",
]


def _build(world: World, capture, fields=FIELDS) -> ResearchExport:
    with capture(execute=True):
        export_request(
            actor=world.personas.researcher,
            project=world.project,
            fields=fields,
            purpose="Compare services by country",
        )
    return ResearchExport.objects.order_by("-created_at").first()


def _download(world: World, export: ResearchExport):
    client = world.personas.client_for("researcher")
    session = client.session
    session[RECENT_AUTH_SESSION_KEY] = timezone.now().timestamp()
    session.save()
    response = client.get(reverse("research_export_download", args=[world.project.pk, export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_zip_has_data_codebook_and_readme(
    world: World, export_dir, django_capture_on_commit_callbacks
) -> None:
    bulk_locked_interviews(world.personas, world.form, 150, seed=11)
    export = _build(world, django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.READY, export.report
    assert export.progress == export.total == 151
    archive = _download(world, export)
    data = archive.read("data.csv")
    assert hashlib.sha256(data).hexdigest() == export.sha256
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    header, body = rows[0], rows[1:]
    assert header[0] == "pseudonym"
    assert len(body) == export.row_count
    assert all(row[0].startswith("P-") for row in body)
    # The codebook describes every column, in three languages, with its classification.
    book = list(csv.DictReader(io.StringIO(archive.read("codebook.csv").decode("utf-8"))))
    described = {row["column"] for row in book}
    assert described == set(header)
    for row in book:
        assert all(row[key] for key in ("label_en", "label_fi", "label_sv")), row
        assert all(row[key] for key in ("type", "classification")), row
    gender = {row["value"]: row for row in book if row["column"] == "child_gender"}
    assert gender["girl"]["value_label_fi"] == "Tyttö"
    assert "rating_police_kept_informed" in described
    readme = archive.read("README.txt").decode("utf-8")
    assert export.sha256 in readme
    assert "Compare services by country" in readme
    assert f"Rows: {export.row_count}" in readme
    assert "k = 5" in readme
    # Pseudonyms are this project's.
    name_of = pseudonymiser(world.project)
    assert name_of(world.planted.pk) in {row[0] for row in body}


def test_the_stored_file_is_encrypted_and_deleted_after_seven_days(
    world: World, export_dir, django_capture_on_commit_callbacks
) -> None:
    bulk_locked_interviews(world.personas, world.form, 20, seed=12)
    export = _build(world, django_capture_on_commit_callbacks, fields=["country", "child_gender"])
    stored = export_path(export.pk).read_bytes()
    assert b"data.csv" not in stored
    assert b"pseudonym" not in stored
    assert export.expires_at - export.built_at >= timedelta(days=7) - timedelta(seconds=5)
    assert exports_expire(now=timezone.now() + timedelta(days=6)) == 0
    assert exports_expire(now=timezone.now() + timedelta(days=7, minutes=1)) == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED
    assert not export_path(export.pk).exists()
    assert not data_key_exists(export.key_ref)


def test_each_export_step_is_audited(
    world: World, export_dir, django_capture_on_commit_callbacks
) -> None:
    bulk_locked_interviews(world.personas, world.form, 20, seed=13)
    export = _build(world, django_capture_on_commit_callbacks, fields=["country", "child_gender"])
    _download(world, export)
    requested = AuditEvent.objects.get(action=AuditAction.RESEARCH_EXPORT_REQUESTED)
    built = AuditEvent.objects.get(action=AuditAction.RESEARCH_EXPORT_BUILT)
    downloaded = AuditEvent.objects.get(action=AuditAction.RESEARCH_EXPORT_DOWNLOADED)
    assert requested.actor_id == downloaded.actor_id == world.personas.researcher.pk
    assert requested.details["purpose"] == "Compare services by country"
    for event in (built, downloaded):
        assert event.target_id == str(export.pk)
        assert event.details["fingerprint"] == export.sha256
        assert event.details["fields"] == ["country", "child_gender"]
        assert event.details["rows"] == export.row_count
        assert event.details["purpose"] == "Compare services by country"


def test_a_later_withdrawal_marks_the_export(
    world: World, export_dir, django_capture_on_commit_callbacks
) -> None:
    bulk_locked_interviews(world.personas, world.form, 20, seed=14)
    export = _build(world, django_capture_on_commit_callbacks, fields=["country", "child_gender"])
    researcher = world.personas.client_for("researcher")
    dpo = world.personas.client_for("dpo")
    page = researcher.get(reverse("research_exports", args=[world.project.pk])).content.decode()
    assert "withdrawn" not in page
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(
            actor=world.personas.staff,
            consent=ConsentRecord.objects.get(family=world.planted, status=ConsentStatus.ACTIVE),
            purposes=[],
            full=True,
            withdrawn_on=timezone.localdate(),
        )
    page = researcher.get(reverse("research_exports", args=[world.project.pk])).content.decode()
    assert "1 family who has since withdrawn" in page
    page = dpo.get(reverse("research_dpo_exports")).content.decode()
    assert export.sha256[:10] in page
    assert "<strong>1</strong>" in page


def test_quotable_passages_are_never_exported(world: World) -> None:
    names = {column.name for column in columns_for(["quotable_passages", "country"])}
    assert names == {"country"}
