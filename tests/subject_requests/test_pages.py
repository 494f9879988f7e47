"""The DPO's request pages: who reaches them, the register's highlighting, the forms, the bundle
download and the erasure confirmation."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from casestudies.models import Family, FamilyStatus
from subject_requests.models import RequestStatus, RequestType, SubjectRequest
from tests.conftest import PERSONA_NAMES, Personas, verified_client
from tests.factories import PLANTED, make_family, planted_identity
from tests.subject_requests.conftest import at_noon, reauthenticated_client, register
from tests.test_access_matrix import matches, only_dpo

pytestmark = pytest.mark.django_db

# The rows these URL names need in tests/test_access_matrix.py (checked here the same way).
ROWS = {
    "subject_request_list": only_dpo("200", "405"),
    "subject_request_new": only_dpo("200", "200"),
    "subject_request_detail": only_dpo("200", "405"),
    "subject_request_update": only_dpo("405", "200"),
    "subject_request_extend": only_dpo("405", "200"),
    "subject_request_close": only_dpo("405", "200"),
    "subject_request_erase": only_dpo("reauth", "reauth"),
    "subject_request_bundle": only_dpo("reauth", "reauth"),
}
WITH_ID = {name for name in ROWS if name not in {"subject_request_list", "subject_request_new"}}


def url(name: str, request: SubjectRequest | None = None) -> str:
    return reverse(name, args=[request.pk]) if name in WITH_ID and request else reverse(name)


@pytest.mark.parametrize("name", sorted(ROWS))
def test_only_the_dpo_reaches_the_request_pages(personas: Personas, name: str) -> None:
    family = make_family(personas.staff, personas.helsinki)
    request = register(personas, family, RequestType.ERASURE)
    wrong = []
    for method in ("get", "post"):
        for persona in PERSONA_NAMES:
            response = getattr(personas.client_for(persona), method)(url(name, request))
            expected = ROWS[name][method][persona]
            if not matches(response, expected):
                wrong.append(f"{method} as {persona}: {response.status_code}, not {expected}")
    assert wrong == []
    assert Family.objects.get(pk=family.pk).status == FamilyStatus.ACTIVE


@pytest.mark.parametrize("name", sorted(WITH_ID))
def test_an_unknown_request_is_not_found(personas: Personas, name: str) -> None:
    client = reauthenticated_client(personas.dpo)
    for method in ("get", "post"):
        response = getattr(client, method)(reverse(name, args=[987654]))
        assert response.status_code == 404, (name, method)


# ---------------------------------------------------------------------------- the register


def test_the_register_highlights_overdue_and_soon_due_requests_in_words(
    personas: Personas,
) -> None:
    family = make_family(personas.staff, personas.helsinki)
    with time_machine.travel(at_noon(date(2026, 3, 2)), tick=False):
        late = register(personas, family, received_on=date(2026, 2, 1))  # due 1 March
        soon = register(personas, family, received_on=date(2026, 2, 5))  # due 5 March
        calm = register(personas, family, received_on=date(2026, 3, 1))  # due 1 April
        client = verified_client(personas.dpo)
        response = client.get(reverse("subject_request_list"))
    assert response.status_code == 200
    by_pk = {row.request.pk: row.deadline_state for row in response.context["rows"]}
    assert by_pk == {late.pk: "overdue", soon.pk: "soon", calm.pk: ""}
    assert [row.request.pk for row in response.context["rows"]] == [late.pk, soon.pk, calm.pk]
    deadlines = response.context["deadlines"]
    assert (deadlines.overdue, deadlines.soon_due, deadlines.open) == (1, 1, 3)
    page = response.content.decode()
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]
    assert 'class="deadline-overdue"' in rows[0]
    assert ">Overdue<" in rows[0]
    assert 'class="deadline-soon"' in rows[1]
    assert ">Due soon<" in rows[1]
    assert "deadline-" not in rows[2]
    assert "Overdue<" not in rows[2]

    # A month later the calm one is overdue too.
    with time_machine.travel(at_noon(date(2026, 4, 2)), tick=False):
        response = verified_client(personas.dpo).get(reverse("subject_request_list"))
    assert {row.deadline_state for row in response.context["rows"]} == {"overdue"}


def test_registering_finds_the_family_by_its_code(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki)
    client = verified_client(personas.dpo)
    response = client.post(
        reverse("subject_request_new"),
        {"family_code": "TCN-0000-0000", "request_type": "access", "received_on": "2026-01-05"},
    )
    assert response.status_code == 200
    assert "family_code" in response.context["form"].errors
    assert not SubjectRequest.objects.exists()

    response = client.post(
        reverse("subject_request_new"),
        {
            "family_code": family.code.lower(),
            "request_type": "erasure",
            "received_on": "2026-01-05",
        },
    )
    request = SubjectRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("subject_request_detail", args=[request.pk])
    assert (request.family, request.request_type, request.due_on) == (
        family,
        "erasure",
        date(2026, 2, 5),
    )
    assert AuditEvent.objects.filter(action=AuditAction.REQUEST_REGISTERED).count() == 1


def test_the_detail_page_updates_extends_and_closes(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki)
    request = register(personas, family, RequestType.ERASURE, received_on=date(2026, 1, 10))
    client = verified_client(personas.dpo)
    detail = reverse("subject_request_detail", args=[request.pk])
    assert client.get(detail).status_code == 200

    response = client.post(
        reverse("subject_request_update", args=[request.pk]),
        {"status": "in_progress", "handling_notes": "Waiting for the centre"},
    )
    assert response["Location"] == detail

    response = client.post(
        reverse("subject_request_extend", args=[request.pk]),
        {"extended_to": "2026-05-01", "reason": "complex"},
    )
    assert response.status_code == 200  # beyond two more months: shown as an error
    assert response.context["extend_form"].non_field_errors()
    response = client.post(
        reverse("subject_request_extend", args=[request.pk]),
        {"extended_to": "2026-04-10", "reason": "Two centres involved"},
    )
    assert response["Location"] == detail

    response = client.post(
        reverse("subject_request_close", args=[request.pk]),
        {"outcome": "refused", "refusal_ground": "", "note": ""},
    )
    assert response.status_code == 200
    assert set(response.context["close_form"].errors) == {"refusal_ground", "note"}
    response = client.post(
        reverse("subject_request_close", args=[request.pk]),
        {
            "outcome": "refused",
            "refusal_ground": "art17_3_d",
            "note": "Research exemption; the identity is erased at the end of the study.",
        },
    )
    assert response["Location"] == detail
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    assert request.deadline == date(2026, 4, 10)
    assert request.handling_notes == "Waiting for the centre"
    assert [entry.action for entry in AuditEvent.objects.filter(action__startswith="dsr.")] == [
        AuditAction.REQUEST_REGISTERED,
        AuditAction.REQUEST_UPDATED,
        AuditAction.REQUEST_EXTENDED,
        AuditAction.REQUEST_ERASURE_REFUSED,
    ]
    page = client.get(detail).content.decode()
    assert "Art. 17(3)(d)" in page


# ---------------------------------------------------------------------------- the bundle


def download(client: Client, request: SubjectRequest, reason: str = "Letter of 5 January"):
    return client.post(reverse("subject_request_bundle", args=[request.pk]), {"reason": reason})


def test_the_bundle_needs_recent_reauthentication(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki, planted_identity())
    request = register(personas, family, RequestType.ACCESS)
    client = verified_client(personas.dpo)
    bundle_url = reverse("subject_request_bundle", args=[request.pk])
    for response in (client.get(bundle_url), download(client, request)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        assert f"next={bundle_url}".replace("/", "%2F") in response["Location"]
    assert not AuditEvent.objects.filter(action=AuditAction.REQUEST_BUNDLE_GENERATED).exists()

    client = reauthenticated_client(personas.dpo)
    assert client.get(bundle_url).status_code == 200
    response = download(client, request)
    assert response.status_code == 200


def test_the_bundle_needs_a_reason(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki, planted_identity())
    request = register(personas, family, RequestType.ACCESS)
    client = reauthenticated_client(personas.dpo)
    response = download(client, request, reason="   ")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "reason" in response.context["form"].errors
    assert not AuditEvent.objects.filter(action=AuditAction.REQUEST_BUNDLE_GENERATED).exists()


def test_the_bundle_downloads_as_an_uncached_attachment_and_is_audited(
    personas: Personas,
) -> None:
    family = make_family(personas.staff, personas.helsinki, planted_identity())
    request = register(personas, family, RequestType.ACCESS)
    client = reauthenticated_client(personas.dpo)
    response = download(client, request)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"access-bundle-{family.code}-" in disposition
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        data = json.loads(archive.read("family-data.json"))
        document = archive.read("family-data.html").decode()
    assert data["family"] == family.code
    assert PLANTED["child_name"] in document
    entry = AuditEvent.objects.get(action=AuditAction.REQUEST_BUNDLE_GENERATED)
    assert entry.actor_id == personas.dpo.pk
    assert entry.reason == "Letter of 5 January"
    assert PLANTED["child_name"] not in json.dumps(entry.details)


def test_only_an_open_access_request_offers_the_bundle(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki)
    request = register(personas, family, RequestType.ERASURE)
    client = reauthenticated_client(personas.dpo)
    response = download(client, request)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response.context["form"].non_field_errors()


# ---------------------------------------------------------------------------- erasure


def test_erasure_asks_for_the_family_code_then_erases(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki, planted_identity())
    request = register(personas, family, RequestType.ERASURE)
    erase_url = reverse("subject_request_erase", args=[request.pk])
    response = verified_client(personas.dpo).post(erase_url, {"confirm_code": family.code})
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert Family.objects.get(pk=family.pk).status == FamilyStatus.ACTIVE

    client = reauthenticated_client(personas.dpo)
    assert client.get(erase_url).status_code == 200
    response = client.post(erase_url, {"confirm_code": "TCN-0000-0000"})
    assert response.status_code == 200
    assert "confirm_code" in response.context["form"].errors
    assert Family.objects.get(pk=family.pk).status == FamilyStatus.ACTIVE

    response = client.post(erase_url, {"confirm_code": family.code})
    assert response["Location"] == reverse("subject_request_detail", args=[request.pk])
    assert Family.objects.get(pk=family.pk).status == FamilyStatus.ERASED
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    assert AuditEvent.objects.filter(action=AuditAction.FAMILY_ERASED).count() == 1


def test_the_dpo_home_selector_counts_what_needs_attention(personas: Personas) -> None:
    from subject_requests.selectors import overdue_and_soon_due

    family = make_family(personas.staff, personas.helsinki)
    with time_machine.travel(at_noon(date(2026, 3, 2)), tick=False):
        register(personas, family, received_on=date(2026, 1, 15))
        register(personas, family, received_on=date(2026, 2, 3))
        deadlines = overdue_and_soon_due()
    assert (deadlines.overdue, deadlines.soon_due, deadlines.open) == (1, 1, 2)
    assert deadlines.needs_attention is True
