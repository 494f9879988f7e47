"""Nothing identifying reaches a researcher; only consented, locked records do."""

from __future__ import annotations

import io
import itertools
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.access import RECENT_AUTH_SESSION_KEY
from audit.models import AuditAction, AuditEvent
from casestudies.models import Family, FamilyStatus, Interview
from consent.models import ConsentRecord, ConsentStatus
from consent.services import consent_withdraw
from research.fields import choosable_fields
from research.models import ExportStatus, ResearchExport
from research.pseudonyms import pseudonymiser
from research.selectors import interviews_for_research, interviews_for_statistics
from research.services import export_request
from retention.services import family_anonymise
from tests.factories import published_form, simple_identity
from tests.research.conftest import (
    NEEDLES,
    QUOTE_KEPT,
    World,
    consented_family,
    locked_interview,
)

pytestmark = pytest.mark.django_db


def _forbidden(world: World) -> list[str]:
    """Identity values plus everything centre-internal: family and interview codes, centre."""
    codes = list(Family.objects.values_list("code", flat=True))
    codes += list(Interview.objects.values_list("code", flat=True))
    centre = world.personas.helsinki
    return [*NEEDLES, *codes, centre.name, f"{centre.short_code}-"]


def _crawl(world: World, client) -> dict[str, bytes]:
    project = world.project
    pages: dict[str, bytes] = {}
    urls = [
        reverse("research_projects"),
        reverse("research_dashboard", args=[project.pk]),
        reverse("research_records", args=[project.pk]),
        reverse("research_records", args=[project.pk]) + "?page=2",
        reverse("research_exports", args=[project.pk]),
    ]
    variables = ["country", "interview_year", "violence_types", "child_gender", "agencies"]
    for rows, cols in itertools.permutations(variables, 2):
        urls.append(reverse("research_dashboard", args=[project.pk]) + f"?rows={rows}&cols={cols}")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content
    return pages


def test_planted_identity_never_reaches_any_research_page_or_export(
    world: World, export_dir, django_capture_on_commit_callbacks
) -> None:
    # More families so that the pages have something to count and the export has rows.
    for index in range(6):
        family = consented_family(world.personas, world.form, identity=simple_identity(f"x{index}"))
        locked_interview(world.personas, family)
    client = world.personas.client_for("researcher")
    pages = _crawl(world, client)
    with django_capture_on_commit_callbacks(execute=True):
        export_request(
            actor=world.personas.researcher,
            project=world.project,
            fields=[name for name in choosable_fields() if name != "quotable_passages"],
            purpose="Crawl test",
        )
    export = ResearchExport.objects.get()
    session = client.session
    session[RECENT_AUTH_SESSION_KEY] = timezone.now().timestamp()
    session.save()
    # Every interview has the same answers here, so one class of 7 rows passes k = 5.
    assert export.status == ExportStatus.READY
    assert export.row_count == 7
    response = client.get(reverse("research_export_download", args=[world.project.pk, export.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["README.txt", "codebook.csv", "data.csv"]
    for name in archive.namelist():
        pages[f"zip:{name}"] = archive.read(name)
    pages["exports page after build"] = client.get(
        reverse("research_exports", args=[world.project.pk])
    ).content
    forbidden = [needle.lower() for needle in _forbidden(world)]
    for where, content in pages.items():
        text = content.decode("utf-8").lower()
        found = [needle for needle in forbidden if needle in text]
        assert found == [], (where, found)
    # The audit entries of the researcher's visits hold no values either.
    for event in AuditEvent.objects.filter(actor_id=world.personas.researcher.pk):
        text = str(event.details).lower()
        assert not [needle for needle in forbidden if needle in text]


def test_quotable_passages_are_screened_and_shown_only_with_quotation_consent(
    world: World,
) -> None:
    client = world.personas.client_for("researcher")
    page = client.get(reverse("research_records", args=[world.project.pk])).content.decode()
    assert QUOTE_KEPT in page
    assert "[name]" in page
    # No other narrative is ever shown, even though the planted ones are in the row.
    assert "vertaisryhmä" not in page
    consent = ConsentRecord.objects.get(family=world.planted, status=ConsentStatus.ACTIVE)
    consent_withdraw(
        actor=world.personas.staff,
        consent=consent,
        purposes=["quotation"],
        full=False,
        withdrawn_on=timezone.localdate(),
    )
    page = client.get(reverse("research_records", args=[world.project.pk])).content.decode()
    assert QUOTE_KEPT not in page
    assert pseudonymiser(world.project)(world.planted.pk) in page


def _visible(world: World) -> tuple[set[int], set[int]]:
    research = set(interviews_for_research(world.project).values_list("family_id", flat=True))
    statistics = set(interviews_for_statistics(world.project).values_list("family_id", flat=True))
    return research, statistics


def test_withdrawn_and_unconsented_families_never_appear(
    world: World, django_capture_on_commit_callbacks
) -> None:
    personas = world.personas
    no_research = consented_family(personas, world.form, refuse=("research",))
    locked_interview(personas, no_research)
    draft_only = consented_family(personas, world.form)
    from casestudies.interview_services import interview_create

    interview_create(actor=personas.staff, family=draft_only, values={})
    partly = consented_family(personas, world.form)
    locked_interview(personas, partly)
    # A form whose anonymised data does not stay in statistics after a withdrawal.
    strict_form = published_form(
        personas.admin, form_key="strict", anonymised_data_stays_in_statistics=False
    )
    withdrew_strict = consented_family(personas, strict_form)
    locked_interview(personas, withdrew_strict)
    withdrew_kept = consented_family(personas, world.form)
    locked_interview(personas, withdrew_kept)

    research, statistics = _visible(world)
    assert {world.planted.pk, partly.pk, withdrew_strict.pk, withdrew_kept.pk} <= research
    assert no_research.pk not in research | statistics
    assert draft_only.pk not in research | statistics

    consent_withdraw(
        actor=personas.staff,
        consent=ConsentRecord.objects.get(family=partly, status=ConsentStatus.ACTIVE),
        purposes=["research"],
        full=False,
        withdrawn_on=timezone.localdate(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        for family in (withdrew_strict, withdrew_kept):
            consent_withdraw(
                actor=personas.staff,
                consent=ConsentRecord.objects.get(family=family, status=ConsentStatus.ACTIVE),
                purposes=[],
                full=True,
                withdrawn_on=timezone.localdate(),
            )
    # The withdrawal task ran eagerly: both families are anonymised now.
    assert Family.objects.get(pk=withdrew_kept.pk).status == FamilyStatus.ANONYMISED
    research, statistics = _visible(world)
    assert partly.pk not in research | statistics
    assert withdrew_strict.pk not in research | statistics
    assert withdrew_kept.pk not in research
    assert withdrew_kept.pk in statistics  # its form said anonymised data stays in statistics
    page = personas.client_for("researcher").get(
        reverse("research_records", args=[world.project.pk])
    )
    name_of = pseudonymiser(world.project)
    for family in (no_research, draft_only, partly, withdrew_strict, withdrew_kept):
        assert name_of(family.pk) not in page.content.decode()


def test_families_anonymised_when_retention_ended_stay_usable(world: World) -> None:
    personas = world.personas
    family = consented_family(personas, world.form)
    locked_interview(personas, family)
    ConsentRecord.objects.filter(family=family).update(
        status=ConsentStatus.EXPIRED,
        retention_until=timezone.localdate() - timedelta(days=1),
        ended_at=timezone.now(),
    )
    family_anonymise(family_id=family.pk)
    assert Family.objects.get(pk=family.pk).status == FamilyStatus.ANONYMISED
    research, statistics = _visible(world)
    assert family.pk in research
    assert family.pk in statistics


def test_families_waiting_for_removal_or_with_expired_consent_are_out(world: World) -> None:
    personas = world.personas
    waiting = consented_family(personas, world.form)
    locked_interview(personas, waiting)
    Family.objects.filter(pk=waiting.pk).update(
        removal_requested_at=timezone.now(), removal_mode="anonymise"
    )
    expired = consented_family(personas, world.form)
    locked_interview(personas, expired)
    ConsentRecord.objects.filter(family=expired).update(
        retention_until=timezone.localdate() - timedelta(days=1)
    )
    research, statistics = _visible(world)
    assert waiting.pk not in research | statistics
    assert expired.pk not in research | statistics


def test_every_research_page_is_audited_without_values(world: World) -> None:
    client = world.personas.client_for("researcher")
    client.get(reverse("research_projects"))
    client.get(
        reverse("research_dashboard", args=[world.project.pk]) + "?rows=country&cols=child_gender"
    )
    client.get(reverse("research_records", args=[world.project.pk]))
    client.get(reverse("research_exports", args=[world.project.pk]))
    events = AuditEvent.objects.filter(action=AuditAction.RESEARCH_PAGE_VIEWED).order_by("sequence")
    assert [event.details["page"] for event in events] == [
        "projects",
        "dashboard",
        "records",
        "exports",
    ]
    assert all(event.actor_id == world.personas.researcher.pk for event in events)
    assert [event.target_id for event in events][1:] == [str(world.project.pk)] * 3
    assert events[1].details["cross_tab"] == ["country", "child_gender"]
