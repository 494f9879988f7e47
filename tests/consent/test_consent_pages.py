"""Recording and withdrawing consent through the pages, with receipts and evidence."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from casestudies.models import Family
from consent.models import ConsentEvidence, ConsentRecord, ConsentStatus
from consent.services import consent_allows
from tests.conftest import Personas
from tests.factories import make_family, published_form

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def consent_post(form_id: int, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "form_version": form_id,
        "purpose_participation": "yes",
        "purpose_audio": "no",
        "purpose_research": "yes",
        "purpose_quotation": "yes",
        "consenter_relationship": "mother",
        "guardian_consent": "both",
        "child_age": "13",
        "child_assent": "given",
        "method": "written",
        "consent_date": timezone.localdate().isoformat(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def setting(personas: Personas) -> tuple[Client, Family, int]:
    form = published_form(personas.admin)
    family = make_family(personas.staff, personas.helsinki)
    return personas.client_for("staff"), family, form.pk


def record_url(family: Family, form_id: int) -> str:
    return reverse("consent_record", args=[family.code]) + f"?form_version={form_id}"


def test_the_form_has_no_preselected_answers(setting) -> None:
    client, family, form_id = setting
    chooser = client.get(reverse("consent_record", args=[family.code]))
    assert chooser.status_code == 200
    page = client.get(record_url(family, form_id)).content.decode()
    purpose_inputs = re.findall(r'<input[^>]*name="purpose_[a-z]+"[^>]*>', page)
    assert len(purpose_inputs) == 8  # four purposes, yes and no each
    assert not any("checked" in tag for tag in purpose_inputs)


def test_recording_consent_through_the_page(setting, personas: Personas) -> None:
    client, family, form_id = setting
    upload = SimpleUploadedFile("signed.pdf", PDF, content_type="application/pdf")
    response = client.post(record_url(family, form_id), consent_post(form_id, evidence=upload))
    consent = ConsentRecord.objects.get()
    assert response["Location"] == reverse("consent_receipt", args=[family.code, consent.pk])
    assert consent.purposes == {
        "participation": True,
        "audio": False,
        "research": True,
        "quotation": True,
    }
    assert consent_allows(family, "research")
    assert not consent_allows(family, "audio")
    assert ConsentEvidence.objects.get().size == len(PDF)
    download = client.get(reverse("consent_evidence", args=[family.code, consent.pk]))
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action=AuditAction.CONSENT_EVIDENCE_VIEWED).count() == 1


def test_an_unanswered_purpose_is_an_error_and_nothing_typed_is_lost(setting) -> None:
    client, family, form_id = setting
    response = client.post(
        record_url(family, form_id),
        consent_post(form_id, purpose_research=None, child_age="9", child_assent="not_asked"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This field is required." in page
    assert "Say why the child was not asked." in page
    assert 'value="9"' in page
    assert ConsentRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.pdf", PNG, "Only PDF files"),
        ("notes.txt", b"plain text, not a form", "Only PDF files"),
        ("huge.pdf", PDF[:-6] + b"0" * (10 * 1024 * 1024) + b"%%EOF\n", "larger than 10 MB"),
    ],
)
def test_evidence_must_be_a_pdf_of_at_most_10_mb(setting, name, content, message) -> None:
    client, family, form_id = setting
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(record_url(family, form_id), consent_post(form_id, evidence=upload))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ConsentRecord.objects.count() == 0
    assert ConsentEvidence.objects.count() == 0


def test_a_child_of_12_must_be_asked(setting) -> None:
    client, family, form_id = setting
    response = client.post(
        record_url(family, form_id),
        consent_post(form_id, child_assent="not_asked", child_assent_reason="Busy day"),
    )
    assert "must be asked for their own assent" in response.content.decode()
    assert ConsentRecord.objects.count() == 0


def test_withdrawal_takes_no_more_steps_than_consent(setting) -> None:
    client, family, form_id = setting
    consent_requests = [
        client.get(reverse("consent_record", args=[family.code])),
        client.get(record_url(family, form_id)),
        client.post(record_url(family, form_id), consent_post(form_id)),
    ]
    consent = ConsentRecord.objects.get()
    withdraw_url = reverse("consent_withdraw", args=[family.code, consent.pk])
    withdrawal_requests = [
        client.get(withdraw_url),
        client.post(
            withdraw_url,
            {"scope": "some", "purposes": ["quotation"], "withdrawn_on": timezone.localdate()},
        ),
    ]
    assert all(r.status_code in {200, 302} for r in consent_requests + withdrawal_requests)
    assert len(withdrawal_requests) <= len(consent_requests)
    assert sum(r.request["REQUEST_METHOD"] == "POST" for r in withdrawal_requests) <= sum(
        r.request["REQUEST_METHOD"] == "POST" for r in consent_requests
    )
    consent.refresh_from_db()
    assert consent.withdrawn_purposes == ["quotation"]
    assert not consent_allows(family, "quotation")
    assert consent_allows(family, "research")


def test_a_full_withdrawal_excludes_the_family_at_once(setting) -> None:
    client, family, form_id = setting
    client.post(record_url(family, form_id), consent_post(form_id))
    consent = ConsentRecord.objects.get()
    response = client.post(
        reverse("consent_withdraw", args=[family.code, consent.pk]),
        {"scope": "full", "withdrawn_on": timezone.localdate()},
    )
    assert response.status_code == 302
    receipt = client.get(response["Location"]).content.decode()
    assert "withdrew from the study entirely" in receipt
    consent.refresh_from_db()
    family.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN
    assert family.awaiting_removal
    assert not any(consent_allows(family, code) for code in consent.purposes)
    assert family not in Family.objects.in_use()
    listing = client.get(reverse("family_list")).content.decode()
    assert "awaiting anonymisation" in listing


def test_the_receipt_is_in_the_language_of_the_form(personas: Personas) -> None:
    form = published_form(personas.admin, language="fi", form_key="fi-form")
    family = make_family(personas.staff, personas.helsinki)
    client = personas.client_for("staff")
    client.post(record_url(family, form.pk), consent_post(form.pk))
    consent = ConsentRecord.objects.get()
    page = client.get(reverse("consent_receipt", args=[family.code, consent.pk])).content.decode()
    assert 'lang="fi"' in page
    assert "Consent receipt" not in page  # translated, not the English text
    assert "<h1>" in page
