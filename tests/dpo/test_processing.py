"""The records of processing (Art. 30) are generated from the registry, the forms and the roles."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from consent.models import LegalBasis, Purpose
from core.classification import project_models, registry, unclassified_fields
from dpo.processing import (
    APP_SUBJECTS,
    RECIPIENTS,
    UNCLASSIFIED,
    processing_markdown,
    processing_record,
)
from tests.conftest import Personas
from tests.factories import draft_form, published_form

pytestmark = pytest.mark.django_db


def listed_labels() -> set[str]:
    """Every model of the project, except history tables that inherit their model's classes."""
    return {
        model._meta.label_lower
        for model in project_models()
        if not hasattr(model, "instance_type") or model._meta.label_lower in registry()
    }


def test_the_record_lists_every_classified_model_on_the_page_and_in_the_document(
    personas: Personas,
) -> None:
    assert unclassified_fields() == []  # the registry is complete (tests/core checks it too)
    classified = set(registry())
    assert classified, "the registry is empty"
    record = processing_record()
    assert {entry.label for entry in record.models} == listed_labels()
    assert classified <= listed_labels()
    document = processing_markdown(record)
    page = personas.client_for("dpo").get(reverse("dpo_processing")).content.decode()
    for label in classified:
        assert f"(`{label}`)" in document, label
        assert f"<code>{label}</code>" in page, label


def test_every_field_is_listed_under_its_class(personas: Personas) -> None:
    record = processing_record()
    for entry in record.models:
        assert UNCLASSIFIED not in entry.fields_by_class, entry.label
    family = next(entry for entry in record.models if entry.label == "casestudies.family")
    names = {item.name for items in family.fields_by_class.values() for item in items}
    assert {"code", "centre", "legal_hold_reason"} <= names
    assert [item.name for item in family.fields_by_class["quasi_identifier"]] == [
        "centre",
        "created_at",
    ]
    interview = next(entry for entry in record.models if entry.label == "casestudies.interview")
    assert "narrative_what_happened" in {
        item.name for item in interview.fields_by_class["identifier"]
    }
    assert interview.has_history is True
    document = processing_markdown(record)
    assert "| Quasi-identifiers | `centre` | centre that works with the family | country |" in (
        document
    )


def test_every_app_with_models_says_whose_data_it_holds() -> None:
    apps_with_models = {model._meta.app_label for model in project_models()}
    assert apps_with_models <= set(APP_SUBJECTS), apps_with_models - set(APP_SUBJECTS)
    record = processing_record()
    assert not [entry.label for entry in record.models if "?" in entry.subjects]
    vocabulary = next(e for e in record.models if e.label == "casestudies.vocabularyterm")
    assert vocabulary.subjects == ()


def test_every_role_is_listed_as_a_recipient_with_what_it_may_and_may_never_see() -> None:
    assert set(RECIPIENTS) == set(Role)
    record = processing_record()
    assert [entry.role for entry in record.recipients] == [str(role) for role in Role]
    researcher = next(entry for entry in record.recipients if entry.role == Role.RESEARCHER)
    assert "identity" in researcher.may_never


def test_purposes_legal_bases_and_retention_come_from_the_published_forms(
    personas: Personas,
) -> None:
    published_form(
        personas.admin,
        form_key="long-term-archive",
        purposes=[Purpose.PARTICIPATION, Purpose.ARCHIVING],
        retention_months=97,
        legal_basis=LegalBasis.RESEARCH,
    )
    draft_form(personas.admin, form_key="unpublished-draft", retention_months=13)
    record = processing_record()
    assert record.published_forms == 1
    assert [entry.code for entry in record.purposes if entry.applies_to[0].startswith("long")] == [
        "participation",
        "archiving",
    ]
    assert [entry.code for entry in record.legal_bases] == [LegalBasis.RESEARCH, "art6_1_c"]
    assert [(entry.form, entry.months) for entry in record.retention] == [
        ("long-term-archive v1 (en)", 97)
    ]
    document = processing_markdown(record)
    assert "| long-term-archive v1 (en) | 97 | Anonymise | yes |" in document
    assert str(LegalBasis.RESEARCH.label) in document
    assert str(Purpose.ARCHIVING.label) in document
    assert "unpublished-draft" not in document


def test_the_measures_state_the_configured_session_limits() -> None:
    measures = " ".join(processing_record().measures)
    assert "30 minutes idle" in measures
    assert "12 hours" in measures
    assert "under 5 minutes old" in measures
    assert "k-anonymity" in measures
    assert "per-family" in measures or "of the family's own" in measures


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("dpo", 200),
        ("admin", 200),
        ("staff", 403),
        ("lead", 403),
        ("researcher", 403),
        ("outsider", 403),
    ],
)
def test_the_dpo_and_administrators_may_read_the_record(
    personas: Personas, persona: str, status: int
) -> None:
    client = personas.client_for(persona)
    assert client.get(reverse("dpo_processing")).status_code == status
    response = client.get(reverse("dpo_processing_download"))
    assert response.status_code == status
    assert client.post(reverse("dpo_processing")).status_code == (405 if status == 200 else 403)


def test_the_document_downloads_as_a_markdown_attachment(personas: Personas) -> None:
    response = personas.client_for("dpo").get(reverse("dpo_processing_download"))
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="records-of-processing-'
    )
    text = response.content.decode()
    assert text.startswith("# Records of processing activities (GDPR Art. 30)")
    for heading in (
        "## Categories of data subjects",
        "## Purposes",
        "## Legal bases",
        "## Retention periods",
        "## Recipients (roles)",
        "## Technical and organisational measures",
        "## Categories of personal data, per table",
    ):
        assert heading in text


def test_anonymous_visitors_are_sent_to_log_in(personas: Personas) -> None:
    response = personas.client_for("anonymous").get(reverse("dpo_processing"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
