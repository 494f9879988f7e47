"""Denied access attempts (403/404 on protected pages) are written to the audit trail."""

from __future__ import annotations

import json

import pytest

from audit.models import AuditAction, AuditEvent
from tests.conftest import Personas
from tests.factories import make_family

pytestmark = pytest.mark.django_db


def denied() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED))


def test_a_404_on_another_centres_family_is_written_with_its_code(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki)

    response = personas.client_for("outsider").get(f"/families/{family.code}/identity/")

    assert response.status_code == 404
    [entry] = denied()
    assert entry.actor_id == personas.outsider.pk
    assert entry.target_type == "casestudies.family"
    assert entry.target_id == family.code
    assert entry.details == {
        "status": 404,
        "path": f"/families/{family.code}/identity/",
        "url_name": "identity_view",
        "method": "GET",
    }


def test_a_404_on_an_interview_names_the_interview_code(personas: Personas) -> None:
    response = personas.client_for("outsider").get("/interviews/IV-ABCD-EFGH/")

    assert response.status_code == 404
    [entry] = denied()
    assert (entry.target_type, entry.target_id) == ("casestudies.interview", "IV-ABCD-EFGH")
    assert entry.details["url_name"] == "interview_detail"


def test_a_403_is_written_with_the_url_name(personas: Personas) -> None:
    response = personas.client_for("researcher").get("/dpo/retention/")

    assert response.status_code == 403
    [entry] = denied()
    assert entry.actor_id == personas.researcher.pk
    assert entry.details["status"] == 403
    assert entry.details["url_name"] == "retention_overview"
    assert entry.target_type == ""


def test_the_query_string_and_form_data_are_never_stored(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki)
    client = personas.client_for("outsider")

    client.get(f"/families/{family.code}/?q=Zyxwa+Plantedname&token=abc")
    client.post(
        f"/families/{family.code}/identity/",
        {"reason_text": "Zyxwa Plantedname", "password": "hunter2hunter2"},
    )

    entries = denied()
    assert [entry.details["path"] for entry in entries] == [
        f"/families/{family.code}/",
        f"/families/{family.code}/identity/",
    ]
    stored = json.dumps([[entry.details, entry.reason] for entry in entries])
    assert "Plantedname" not in stored
    assert "hunter2" not in stored
    assert "?" not in stored


def test_a_url_argument_that_is_not_a_code_is_not_stored(personas: Personas) -> None:
    response = personas.client_for("outsider").get("/families/Zyxwa Plantedname/")

    assert response.status_code == 404
    [entry] = denied()
    assert entry.target_type == "casestudies.family"
    assert entry.target_id == ""
    assert entry.details["path"] == "/families/<str:code>/"
    assert "Plantedname" not in json.dumps(entry.details)


def test_pages_that_answer_are_not_written(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki)

    response = personas.client_for("staff").get(f"/families/{family.code}/")

    assert response.status_code == 200
    assert denied() == []


def test_anonymous_visitors_are_not_written(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki)

    response = personas.client_for("anonymous").get(f"/families/{family.code}/")

    assert response.status_code == 302
    assert denied() == []


def test_unknown_urls_health_and_static_files_are_not_written(personas: Personas) -> None:
    client = personas.client_for("staff")

    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/accounts/signup/").status_code == 404
    assert client.get("/static/missing.css").status_code == 404

    assert denied() == []


def test_a_failing_trail_write_does_not_break_the_response(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr("alerts.middleware.audit_record", broken)

    response = personas.client_for("outsider").get("/families/TCN-AAAA-BBBB/")

    assert response.status_code == 404
