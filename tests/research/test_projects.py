"""Project administration, its audit entries, and keyed per-project pseudonyms."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from accounts.services import ServiceError
from audit.models import AuditAction, AuditEvent
from keystore.models import ProjectKey
from keystore.routers import KEYSTORE_ALIAS
from keystore.services import project_key_open
from research.fields import choosable_fields
from research.models import ResearchProject
from research.pseudonyms import pseudonym, pseudonymiser
from research.services import (
    ProjectInput,
    project_member_add,
    project_member_remove,
    project_update,
)
from tests.conftest import Personas
from tests.research.conftest import World, make_project, other_researcher

pytestmark = pytest.mark.django_db


def test_identifiers_and_narratives_can_never_be_chosen(personas: Personas) -> None:
    chosen = set(choosable_fields())
    assert "quotable_passages" in chosen
    assert not chosen & {
        "narrative_what_happened",
        "narrative_advice",
        "violence_other",
        "code",
        "family",
        "created_by",
        "locked_by",
        "consent_form_version",
    }
    with pytest.raises(ServiceError):
        make_project(personas.admin, personas.researcher, fields=["narrative_what_happened"])
    with pytest.raises(ServiceError):
        make_project(personas.admin, personas.researcher, fields=["code"])


def test_creating_a_project_makes_its_key_in_the_key_store(personas: Personas) -> None:
    project = make_project(personas.admin, personas.researcher)
    key = ProjectKey.objects.using(KEYSTORE_ALIAS).get(project_ref=project.key_ref)
    assert len(project_key_open(project.key_ref)) == 32
    assert bytes(key.wrapped_key) != project_key_open(project.key_ref)
    event = AuditEvent.objects.get(action=AuditAction.PROJECT_CREATED)
    assert event.actor_id == personas.admin.pk
    assert event.target_id == str(project.pk)
    assert list(project.members.all()) == [personas.researcher]


def test_pseudonyms_are_keyed_and_differ_between_projects(world: World) -> None:
    second = make_project(world.personas.admin, world.personas.researcher, title="Second")
    family_id = world.planted.pk
    first_name = pseudonymiser(world.project)(family_id)
    second_name = pseudonymiser(second)(family_id)
    assert first_name != second_name
    assert first_name.startswith("P-")
    assert len(first_name) == 18
    assert first_name == pseudonym(project_key_open(world.project.key_ref), family_id)
    unkeyed = [
        hashlib.sha256(str(family_id).encode()).hexdigest(),
        hashlib.sha256(world.planted.code.encode()).hexdigest(),
        hashlib.sha256(b"").hexdigest(),
    ]
    for digest in unkeyed:
        assert first_name[2:].lower() not in digest
    # Stable within a project.
    assert pseudonymiser(world.project)(family_id) == first_name


def test_members_are_added_and_removed_with_audit(world: World) -> None:
    admin = world.personas.admin
    newcomer = other_researcher()
    project_member_add(actor=admin, project=world.project, user=newcomer)
    assert world.project.members.filter(pk=newcomer.pk).exists()
    with pytest.raises(ServiceError):
        project_member_add(actor=admin, project=world.project, user=world.personas.staff)
    project_member_remove(actor=admin, project=world.project, user=newcomer)
    assert not world.project.members.filter(pk=newcomer.pk).exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="research.member").values_list(
            "action", flat=True
        )
    )
    assert actions == [AuditAction.PROJECT_MEMBER_ADDED, AuditAction.PROJECT_MEMBER_REMOVED]
    assert ResearchProject.history.filter(id=world.project.pk).exists()


def test_updating_a_project_is_audited(world: World) -> None:
    project = world.project
    project_update(
        actor=world.personas.admin,
        project=project,
        data=ProjectInput(
            title="Renamed",
            responsible_researcher=world.personas.researcher,
            approved_purpose=project.approved_purpose,
            ethics_reference=project.ethics_reference,
            starts_on=project.starts_on,
            ends_on=project.ends_on,
            countries=["FI", "IE"],
            allowed_fields=["country", "child_gender"],
        ),
    )
    project.refresh_from_db()
    assert project.title == "Renamed"
    assert project.countries == ["FI", "IE"]
    event = AuditEvent.objects.get(action=AuditAction.PROJECT_UPDATED)
    assert event.details["allowed_fields"] == ["country", "child_gender"]


def test_the_admin_pages_create_and_manage_a_project(personas: Personas) -> None:
    client = personas.client_for("admin")
    response = client.post(
        reverse("research_admin_project_new"),
        {
            "title": "Through the form",
            "responsible_researcher": personas.researcher.pk,
            "approved_purpose": "Synthetic purpose",
            "ethics_reference": "ETH-1",
            "starts_on": "2026-01-01",
            "ends_on": "2030-12-31",
            "countries": "fi, ie",
            "allowed_fields": ["country", "child_gender"],
            "k": 5,
            "max_suppressed_share": 0.2,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project = ResearchProject.objects.get(title="Through the form")
    assert project.countries == ["FI", "IE"]
    newcomer = other_researcher()
    client.post(reverse("research_admin_member_add", args=[project.pk]), {"user": newcomer.pk})
    assert project.members.filter(pk=newcomer.pk).exists()
    client.post(reverse("research_admin_member_remove", args=[project.pk, newcomer.pk]))
    assert not project.members.filter(pk=newcomer.pk).exists()
    page = client.get(reverse("research_admin_project_edit", args=[project.pk]))
    assert page.status_code == 200
