"""Who reaches the research pages: members of running projects only; nobody else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.access import RECENT_AUTH_SESSION_KEY
from research.models import ExportStatus, ResearchExport
from tests.conftest import verified_client
from tests.research.conftest import World, make_project, other_researcher

pytestmark = pytest.mark.django_db


def project_urls(project_pk: int) -> list[str]:
    return [
        reverse("research_dashboard", args=[project_pk]),
        reverse("research_records", args=[project_pk]),
        reverse("research_exports", args=[project_pk]),
    ]


def test_members_reach_their_running_project(world: World) -> None:
    client = world.personas.client_for("researcher")
    assert client.get(reverse("research_projects")).status_code == 200
    for url in project_urls(world.project.pk):
        assert client.get(url).status_code == 200, url


def test_researchers_outside_the_project_get_404(world: World) -> None:
    client = verified_client(other_researcher())
    for url in project_urls(world.project.pk):
        assert client.get(url).status_code == 404, url
    page = client.get(reverse("research_projects"))
    assert world.project.title not in page.content.decode()


def test_a_project_that_is_not_running_is_out_of_scope(world: World) -> None:
    today = timezone.localdate()
    ended = make_project(
        world.personas.admin,
        world.personas.researcher,
        title="Ended project",
        starts_on=today - timedelta(days=90),
        ends_on=today - timedelta(days=1),
    )
    future = make_project(
        world.personas.admin,
        world.personas.researcher,
        title="Future project",
        starts_on=today + timedelta(days=1),
        ends_on=today + timedelta(days=90),
    )
    client = world.personas.client_for("researcher")
    for project in (ended, future):
        for url in project_urls(project.pk):
            assert client.get(url).status_code == 404, url


def test_a_member_who_lost_the_researcher_role_is_out(world: World) -> None:
    world.personas.researcher.memberships.all().delete()
    client = world.personas.client_for("researcher")
    assert client.get(project_urls(world.project.pk)[0]).status_code == 403


@pytest.mark.parametrize("persona", ["staff", "lead", "outsider", "dpo", "admin"])
def test_other_roles_cannot_use_research_pages(world: World, persona: str) -> None:
    client = world.personas.client_for(persona)
    for url in [reverse("research_projects"), *project_urls(world.project.pk)]:
        assert client.get(url).status_code == 403, (persona, url)
        assert client.post(url).status_code in {403, 405}, (persona, url)


@pytest.mark.parametrize("persona", ["staff", "lead", "researcher", "dpo"])
def test_only_administrators_manage_projects(world: World, persona: str) -> None:
    client = world.personas.client_for(persona)
    for url in [
        reverse("research_admin_projects"),
        reverse("research_admin_project_new"),
        reverse("research_admin_project_edit", args=[world.project.pk]),
    ]:
        assert client.get(url).status_code == 403, (persona, url)
    admin = world.personas.client_for("admin")
    assert admin.get(reverse("research_admin_projects")).status_code == 200
    assert (
        admin.get(reverse("research_admin_project_edit", args=[world.project.pk])).status_code
        == 200
    )


def test_download_asks_for_fresh_authentication_and_is_scoped(world: World, export_dir) -> None:
    export = ResearchExport.objects.create(
        project=world.project,
        requested_by=world.personas.researcher,
        purpose="p",
        fields=["country"],
        status=ExportStatus.READY,
        expires_at=timezone.now() + timedelta(days=7),
    )
    url = reverse("research_export_download", args=[world.project.pk, export.pk])
    response = world.personas.client_for("researcher").get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    outsider = verified_client(other_researcher())
    session = outsider.session
    session[RECENT_AUTH_SESSION_KEY] = timezone.now().timestamp()
    session.save()
    assert outsider.get(url).status_code == 404
