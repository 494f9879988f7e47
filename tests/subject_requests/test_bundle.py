"""The access bundle: everything held about a family, found by introspection, nothing else."""

from __future__ import annotations

import hashlib
import html
import io
import json
import zipfile
from dataclasses import dataclass, replace
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from accounts.services import ServiceError
from audit.models import AuditAction, AuditEvent
from casestudies.interview_services import interview_create, interview_update
from casestudies.models import Family, Interview
from casestudies.services import IdentityReason, family_create, identity_open, identity_update
from consent.models import ChildAssent, ConsentRecord
from consent.services import consent_record, consent_withdraw
from retention.models import SweepRun
from subject_requests.bundle import HTML_NAME, JSON_NAME, family_tables
from subject_requests.models import RequestStatus, RequestType, SubjectRequest
from subject_requests.services import request_bundle_build, request_close
from tests.casestudies.test_vault import entry_text
from tests.conftest import Personas
from tests.factories import (
    PLANTED,
    consent_input,
    make_family,
    planted_identity,
    published_form,
    simple_identity,
)
from tests.subject_requests.conftest import register

pytestmark = pytest.mark.django_db

EVIDENCE = b"%PDF-1.4\n% signed consent (synthetic) zq-evidence-8841\n%%EOF\n"
NEW_PHONE = "+358 40 1112223"
ASSENT_REASON = "The child was asleep when the form was signed (zq-assent-3302)."
FIRST_NARRATIVE = f"{PLANTED['respondent_name']} found messages (zq-first-narrative-1904)."
SECOND_NARRATIVE = "The messages were found on the tablet (zq-second-narrative-2205)."
OPENING_REASON = "to arrange the follow-up call (zq-opening-7710)"
HANDLING_NOTE = "Asked the centre for the signed form (zq-note-5521)."
BUNDLE_REASON = "Access request received by letter"

# Family tables the planted case below does not fill, with the reason. A new family table
# fails test_every_family_table_holds_a_planted_row until it is planted here or listed.
NOT_PLANTED = {
    "research.researchexportfamily": "written by research exports (tests/research)",
}


@dataclass
class PlantedCase:
    family: Family
    other: Family
    consent: ConsentRecord
    interview: Interview
    request: SubjectRequest


@dataclass
class Unzipped:
    names: set[str]
    html: str
    data: dict[str, Any]
    json_text: str
    files: dict[str, bytes]


def build_planted_case(personas: Personas) -> PlantedCase:
    """Planted values in every table that holds family data: identity (two versions), consent
    with evidence and a withdrawal, an interview edited once, an opening, a request."""
    form = published_form(personas.admin, form_key="dsr-bundle")
    family = family_create(
        actor=personas.staff, centre=personas.helsinki, identity=planted_identity()
    )
    changed = planted_identity()
    changed.respondents[0] = replace(changed.respondents[0], phone=NEW_PHONE)
    identity_update(
        actor=personas.staff, family=family, identity=changed, reason_text="new phone number"
    )
    consent = consent_record(
        actor=personas.staff,
        family=family,
        data=consent_input(
            form,
            child_age=9,
            child_assent=ChildAssent.NOT_ASKED,
            child_assent_reason=ASSENT_REASON,
            evidence=EVIDENCE,
        ),
    )
    consent_withdraw(
        actor=personas.staff,
        consent=consent,
        purposes=["quotation"],
        full=False,
        withdrawn_on=consent.consent_date,
    )
    interview = interview_create(
        actor=personas.staff,
        family=family,
        values={"narrative_what_happened": FIRST_NARRATIVE, "interview_year": 2026},
    )
    interview = interview_update(
        actor=personas.staff,
        interview=interview,
        values={"narrative_what_happened": SECOND_NARRATIVE},
        expected_revision=interview.revision,
    )
    identity_open(
        actor=personas.staff,
        family=family,
        reason=IdentityReason.CONTACT,
        reason_text=OPENING_REASON,
    )
    SweepRun.objects.create(held=["OTHER-0000-0000", family.code])
    request = register(personas, family, RequestType.ACCESS, notes=HANDLING_NOTE)

    # Another family of the same centre, with its own interview: none of it may appear.
    other = make_family(personas.staff, personas.helsinki, simple_identity("otherfamzq"))
    consent_record(actor=personas.staff, family=other, data=consent_input(form))
    interview_create(
        actor=personas.staff,
        family=other,
        values={"narrative_what_happened": "Other family's story (otherfamzq)."},
    )
    return PlantedCase(family, other, ConsentRecord.objects.get(pk=consent.pk), interview, request)


def unzip(content: bytes) -> Unzipped:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    json_text = files[JSON_NAME].decode("utf-8")
    return Unzipped(
        names=set(files),
        html=html.unescape(files[HTML_NAME].decode("utf-8")),
        data=json.loads(json_text),
        json_text=json_text,
        files=files,
    )


def build(personas: Personas, case: PlantedCase) -> Unzipped:
    return unzip(
        request_bundle_build(actor=personas.dpo, request=case.request, reason=BUNDLE_REASON)
    )


def assert_in_both(bundle: Unzipped, needle: str) -> None:
    assert needle in bundle.html, f"{needle!r} missing from the HTML"
    assert needle in bundle.json_text, f"{needle!r} missing from the JSON"


def rows(bundle: Unzipped, label: str) -> list[dict[str, Any]]:
    return bundle.data["tables"][label]["rows"]


# ---------------------------------------------------------------------------- contents


def test_the_bundle_holds_planted_values_from_every_family_table(personas: Personas) -> None:
    case = build_planted_case(personas)
    bundle = build(personas, case)
    evidence_name = f"evidence/consent-{case.consent.pk}.pdf"
    assert bundle.names == {HTML_NAME, JSON_NAME, evidence_name}

    # The family and its history.
    assert_in_both(bundle, case.family.code)
    assert rows(bundle, "casestudies.family")[0]["code"] == case.family.code
    assert rows(bundle, "casestudies.historicalfamily")
    # The identity, decrypted from the vault; the old phone number is only in the vault history.
    for value in PLANTED.values():
        assert_in_both(bundle, value)
    assert_in_both(bundle, NEW_PHONE)
    identity = bundle.data["identity"]
    assert identity["available"] is True
    assert identity["current"]["respondents"][0]["phone"] == NEW_PHONE
    assert [v["identity"]["respondents"][0]["phone"] for v in identity["versions"]] == [
        PLANTED["respondent_phone"],
        NEW_PHONE,
    ]
    assert len(rows(bundle, "casestudies.identityvault")) == 1
    assert len(rows(bundle, "casestudies.historicalidentityvault")) == 2
    # Ciphertext is never copied into the bundle, only its size.
    assert set(rows(bundle, "casestudies.identityvault")[0]["ciphertext"]) == {"encrypted_bytes"}
    # Consent (live and history rows), the withdrawal and the signed form.
    assert_in_both(bundle, "zq-assent-3302")
    assert rows(bundle, "consent.consentrecord")[0]["withdrawn_purposes"] == ["quotation"]
    assert len(rows(bundle, "consent.historicalconsentrecord")) == 2
    assert [row["purposes"] for row in rows(bundle, "consent.consentwithdrawal")] == [["quotation"]]
    assert rows(bundle, "consent.historicalconsentwithdrawal")
    assert bundle.files[evidence_name] == EVIDENCE
    assert_in_both(bundle, hashlib.sha256(EVIDENCE).hexdigest())
    assert bundle.data["evidence_files"][0]["file"] == evidence_name
    # The interview and its history: the first narrative survives only in a history row.
    assert_in_both(bundle, case.interview.code)
    assert_in_both(bundle, "zq-second-narrative-2205")
    assert_in_both(bundle, "zq-first-narrative-1904")
    assert len(rows(bundle, "casestudies.historicalinterview")) == 2
    # The request register.
    assert_in_both(bundle, "zq-note-5521")
    assert rows(bundle, "subject_requests.historicalsubjectrequest")
    # The audit entries about the family, its consent and its interview.
    assert_in_both(bundle, "zq-opening-7710")
    actions = {entry["action"] for entry in bundle.data["audit_entries"]}
    assert {
        AuditAction.FAMILY_CREATED,
        AuditAction.IDENTITY_UPDATED,
        AuditAction.IDENTITY_VIEWED,
        AuditAction.CONSENT_RECORDED,
        AuditAction.CONSENT_WITHDRAWN,
        AuditAction.INTERVIEW_CREATED,
        AuditAction.INTERVIEW_UPDATED,
        AuditAction.REQUEST_REGISTERED,
    } <= actions
    # The retention log mentions the family; other families' codes are left out.
    assert [run["outcome"] for run in bundle.data["retention_sweeps"]] == ["held"]
    assert "OTHER-0000-0000" not in bundle.json_text
    assert "OTHER-0000-0000" not in bundle.html


def test_every_family_table_holds_a_planted_row(personas: Personas) -> None:
    case = build_planted_case(personas)
    bundle = build(personas, case)

    def holds_rows(label: str, where: str) -> bool:
        if where == "tables":
            return bool(bundle.data["tables"][label]["rows"])
        return bool(bundle.data[where])  # a section of its own, e.g. the audit entries

    empty = [
        label
        for label, where in bundle.data["covered_tables"].items()
        if not holds_rows(label, where) and label not in NOT_PLANTED
    ]
    assert empty == [], f"plant a row for these tables in build_planted_case: {empty}"


def test_the_bundle_holds_nothing_of_another_family(personas: Personas) -> None:
    case = build_planted_case(personas)
    bundle = build(personas, case)
    for needle in ("otherfamzq", case.other.code):
        assert needle not in bundle.html
        assert needle not in bundle.json_text
    other_interviews = Interview.objects.filter(family=case.other).values_list("code", flat=True)
    for code in other_interviews:
        assert code not in bundle.json_text


def test_an_erased_familys_bundle_says_the_identity_is_gone(personas: Personas) -> None:
    from retention.services import family_anonymise

    family = make_family(personas.staff, personas.helsinki, planted_identity())
    request = register(personas, family, RequestType.ACCESS)
    family_anonymise(family_id=family.pk, mode="erase", actor=personas.dpo)
    bundle = unzip(request_bundle_build(actor=personas.dpo, request=request, reason="asked"))
    assert bundle.data["identity"]["available"] is False
    assert bundle.data["identity"]["current"] is None
    for value in PLANTED.values():
        assert value not in bundle.json_text
        assert value not in bundle.html
    assert rows(bundle, "casestudies.family")[0]["status"] == "erased"


# ---------------------------------------------------------------------------- the audit entry


def test_building_the_bundle_writes_one_entry_with_counts_and_no_values(
    personas: Personas,
) -> None:
    case = build_planted_case(personas)
    before = AuditEvent.objects.count()
    build(personas, case)
    assert AuditEvent.objects.count() == before + 1
    entry = AuditEvent.objects.get(action=AuditAction.REQUEST_BUNDLE_GENERATED)
    assert entry.actor_id == personas.dpo.pk
    assert entry.target_type == "subject_requests.subjectrequest"
    assert entry.target_id == str(case.request.pk)
    assert entry.reason == BUNDLE_REASON
    assert entry.details["family"] == case.family.code
    assert entry.details["tables"]["casestudies.interview"] == 1
    assert entry.details["tables"]["casestudies.historicalinterview"] == 2
    assert entry.details["identity_available"] is True
    assert entry.details["evidence_files"] == 1
    assert entry.details["audit_entries"] >= 8
    text = entry_text(entry)
    for needle in [*PLANTED.values(), NEW_PHONE, "zq-"]:
        assert needle not in text


def test_the_bundle_needs_a_reason_and_an_open_access_request(personas: Personas) -> None:
    case = build_planted_case(personas)
    with pytest.raises(ServiceError):
        request_bundle_build(actor=personas.dpo, request=case.request, reason="  ")
    with pytest.raises(ServiceError):  # the reason would put identity values in the trail
        request_bundle_build(
            actor=personas.dpo,
            request=case.request,
            reason=f"asked by {PLANTED['respondent_name']}",
        )
    erasure = register(personas, case.family, RequestType.ERASURE)
    with pytest.raises(ServiceError):
        request_bundle_build(actor=personas.dpo, request=erasure, reason="asked")
    closed = request_close(
        actor=personas.dpo, request=case.request, outcome=RequestStatus.COMPLETED
    )
    with pytest.raises(ServiceError):
        request_bundle_build(actor=personas.dpo, request=closed, reason="asked")
    assert not AuditEvent.objects.filter(action=AuditAction.REQUEST_BUNDLE_GENERATED).exists()


# ---------------------------------------------------------------------------- introspection


def models_reaching_family(candidates: list[type[models.Model]]) -> set[type[models.Model]]:
    """Written here independently of the bundle: Family, anything with a foreign-key chain to
    it or a plain family_id / family_code column, and the history tables of all of those."""
    found: set[type[models.Model]] = {Family}
    while True:
        more = set()
        for model in candidates:
            if model in found:
                continue
            columns = model._meta.concrete_fields
            targets = {column.related_model for column in columns if column.is_relation}
            plain = {column.name for column in columns if not column.is_relation}
            history_of = getattr(model, "instance_type", None)
            if targets & found or plain & {"family_id", "family_code"} or history_of in found:
                more.add(model)
        if not more:
            return found
        found |= more


def test_the_bundle_covers_exactly_the_tables_that_reach_family(personas: Personas) -> None:
    case = build_planted_case(personas)
    bundle = build(personas, case)
    expected = {model._meta.label_lower for model in models_reaching_family(apps.get_models())}
    assert set(bundle.data["covered_tables"]) == expected
    # Each is either a table section or a section of its own (the audit trail, which has a
    # family column, is shown as the list of entries).
    own_sections = {
        label for label, where in bundle.data["covered_tables"].items() if where != "tables"
    }
    assert own_sections <= {"audit.auditevent"}
    assert set(bundle.data["tables"]) == expected - own_sections
    # Not vacuous: the tables the case studies are made of, live and history, are among them.
    assert {
        "casestudies.family",
        "casestudies.historicalfamily",
        "casestudies.identityvault",
        "casestudies.historicalidentityvault",
        "casestudies.interview",
        "casestudies.historicalinterview",
        "consent.consentrecord",
        "consent.historicalconsentrecord",
        "consent.consentwithdrawal",
        "consent.historicalconsentwithdrawal",
        "consent.consentevidence",
        "subject_requests.subjectrequest",
        "subject_requests.historicalsubjectrequest",
    } <= expected
    assert "consent.consentform" not in expected  # referenced by consents, holds no family data
    assert "accounts.user" not in expected


@isolate_apps("subject_requests")
def test_a_new_model_that_reaches_family_is_picked_up() -> None:
    class PlantedNote(models.Model):
        """Two steps from Family: through an interview."""

        interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="+")
        text = models.TextField()

        class Meta:
            app_label = "subject_requests"

        def __str__(self) -> str:
            return "planted"

    class PlantedMark(models.Model):
        """A plain id column, as tables that must outlive an erasure keep it."""

        family_id = models.PositiveBigIntegerField()

        class Meta:
            app_label = "subject_requests"

        def __str__(self) -> str:
            return "planted"

    class PlantedCodeNote(models.Model):
        family_code = models.CharField(max_length=16)

        class Meta:
            app_label = "subject_requests"

        def __str__(self) -> str:
            return "planted"

    class Unrelated(models.Model):
        name = models.CharField(max_length=10)

        class Meta:
            app_label = "subject_requests"

        def __str__(self) -> str:
            return "planted"

    candidates = [*apps.get_models(), PlantedNote, PlantedMark, PlantedCodeNote, Unrelated]
    tables = {table.model: table for table in family_tables(candidates)}
    assert {PlantedNote, PlantedMark, PlantedCodeNote} <= set(tables)
    assert Unrelated not in tables
    assert set(tables) == models_reaching_family(candidates)
    assert [fk.name for fk in tables[PlantedNote].links] == ["interview"]
    assert tables[PlantedMark].id_columns == ("family_id",)
    assert tables[PlantedCodeNote].code_columns == ("family_code",)
    # And without them, they are not there: the default is the installed models.
    assert PlantedNote not in {table.model for table in family_tables()}
