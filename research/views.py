"""Research pages (researchers: their running projects only) and project administration."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import has_recent_auth, require_recent_auth, role_required
from accounts.models import Role, User
from accounts.services import ServiceError
from research.access import (
    get_export_for_researcher,
    get_project_for_admin,
    get_project_for_researcher,
)
from research.charts import bar_chart
from research.exports import open_sealed
from research.forms import CrossTabForm, ExportForm, MemberForm, ProjectForm
from research.models import ResearchExport, ResearchExportFamily, ResearchProject
from research.records import build_records
from research.selectors import interviews_for_research, withdrawn_family_ids
from research.services import (
    ProjectInput,
    export_downloaded,
    export_request,
    project_create,
    project_member_add,
    project_member_remove,
    project_update,
    research_page_viewed,
)
from research.statistics import cross_tab, frequency_tables, mean_ratings

RECORDS_PER_PAGE = 25


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def withdrawn_rows(export: ResearchExport) -> int:
    """How many families of the export withdrew since (computed now, from ids only)."""
    family_ids = ResearchExportFamily.objects.filter(export=export).values("family_id")
    return withdrawn_family_ids(family_ids).count()


# ---------------------------------------------------------------------------- researchers


@role_required(Role.RESEARCHER)
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    projects = ResearchProject.objects.for_researcher(_actor(request)).order_by("title")
    research_page_viewed(actor=_actor(request), project=None, page="projects")
    return render(request, "research/project_list.html", {"projects": projects})


@role_required(Role.RESEARCHER)
@require_GET
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_researcher(request, pk)
    respondents, tables = frequency_tables(project)
    charts = [
        (table, bar_chart(table.variable.label, [(row.label, row.cell) for row in table.rows]))
        for table in tables
    ]
    choices = [(table.variable.field, table.variable.label) for table in tables]
    crosstab = None
    form = CrossTabForm(request.GET or None, choices=choices)
    if request.GET and form.is_valid():
        crosstab = cross_tab(project, form.cleaned_data["rows"], form.cleaned_data["cols"])
    research_page_viewed(
        actor=_actor(request),
        project=project,
        page="dashboard",
        details={"cross_tab": [form.cleaned_data["rows"], form.cleaned_data["cols"]]}
        if crosstab
        else None,
    )
    return render(
        request,
        "research/dashboard.html",
        {
            "project": project,
            "respondents": respondents,
            "enough": respondents >= 10,
            "charts": charts,
            "ratings": mean_ratings(project),
            "form": form,
            "crosstab": crosstab,
        },
    )


@role_required(Role.RESEARCHER)
@require_GET
def records(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_researcher(request, pk)
    interviews = interviews_for_research(project).select_related("family").order_by("pk")
    page = Paginator(interviews, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    research_page_viewed(
        actor=_actor(request), project=project, page="records", details={"page_number": page.number}
    )
    return render(
        request,
        "research/records.html",
        {"project": project, "page": page, "records": build_records(project, page.object_list)},
    )


@role_required(Role.RESEARCHER)
@require_http_methods(["GET", "POST"])
def exports(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_researcher(request, pk)
    form = ExportForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            export_request(
                actor=_actor(request),
                project=project,
                fields=form.cleaned_data["chosen_fields"],
                purpose=form.cleaned_data["purpose"],
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The export is being built. Reload this page to see its progress."),
            )
            return redirect("research_exports", pk=project.pk)
    research_page_viewed(actor=_actor(request), project=project, page="exports")
    rows = [(export, withdrawn_rows(export)) for export in project.exports.all()[:50]]
    return render(
        request, "research/exports.html", {"project": project, "form": form, "rows": rows}
    )


@role_required(Role.RESEARCHER)
@require_GET
def export_download(request: HttpRequest, pk: int, export_id: uuid.UUID) -> HttpResponseBase:
    # Scope first (404 outside the project), then fresh re-authentication.
    project = get_project_for_researcher(request, pk)
    export = get_export_for_researcher(project, export_id)
    if not export.is_downloadable:
        raise Http404
    if not has_recent_auth(request):
        # Come back to the exports page after re-authenticating, not straight to the file:
        # a download response would leave the browser on the filled-in password form.
        messages.info(request, _("Confirm it is you, then choose Download ZIP again."))
        query = urlencode({"next": reverse("research_exports", args=[project.pk])})
        return HttpResponseRedirect(f"{reverse('account_reauthenticate')}?{query}")
    return _download(request, export)


@require_recent_auth  # type: ignore[arg-type]  # it passes any response through
def _download(request: HttpRequest, export: ResearchExport) -> HttpResponseBase:
    chunks: Iterator[bytes] = open_sealed(export)
    first = next(chunks)  # fails here, before any byte is sent, if the key or file is gone
    export_downloaded(actor=_actor(request), export=export)

    def stream() -> Iterator[bytes]:
        yield first
        yield from chunks

    response = StreamingHttpResponse(stream(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="export-{export.pk}.zip"'
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------- the DPO


@role_required(Role.DPO)
@require_GET
def dpo_exports(request: HttpRequest) -> HttpResponse:
    """Every export with its fingerprint and whether families in it withdrew since."""
    rows = [
        (export, withdrawn_rows(export))
        for export in ResearchExport.objects.select_related("project", "requested_by")[:200]
    ]
    return render(request, "research/dpo_exports.html", {"rows": rows})


# ---------------------------------------------------------------------------- administrators


def _input(form: ProjectForm) -> ProjectInput:
    data = form.cleaned_data
    return ProjectInput(
        title=data["title"],
        responsible_researcher=data["responsible_researcher"],
        approved_purpose=data["approved_purpose"],
        ethics_reference=data["ethics_reference"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        countries=data["countries"],
        centres=list(data["centres"]),
        allowed_fields=data["allowed_fields"],
        k=data["k"],
        max_suppressed_share=data["max_suppressed_share"],
    )


@role_required(Role.ADMIN)
@require_GET
def admin_projects(request: HttpRequest) -> HttpResponse:
    projects = ResearchProject.objects.select_related("responsible_researcher").order_by("title")
    return render(request, "research/admin_projects.html", {"projects": projects})


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def admin_project_new(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = project_create(actor=_actor(request), data=_input(form))
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The project was created with its own pseudonym key."))
            return redirect("research_admin_project_edit", pk=project.pk)
    return render(request, "research/admin_project_form.html", {"form": form, "project": None})


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def admin_project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_admin(pk)
    form = ProjectForm(request.POST or None, initial=ProjectForm.initial_for(project))
    if request.method == "POST" and form.is_valid():
        try:
            project_update(actor=_actor(request), project=project, data=_input(form))
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The project was saved."))
            return redirect("research_admin_project_edit", pk=project.pk)
    return render(
        request,
        "research/admin_project_form.html",
        {
            "form": form,
            "project": project,
            "members": project.members.order_by("display_name", "email"),
            "member_form": MemberForm(project=project),
        },
    )


@role_required(Role.ADMIN)
@require_POST
def admin_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_admin(pk)
    form = MemberForm(request.POST, project=project)
    if form.is_valid():
        try:
            project_member_add(
                actor=_actor(request), project=project, user=form.cleaned_data["user"]
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The researcher was added to the project."))
    else:
        messages.error(request, _("Choose a researcher to add."))
    return redirect("research_admin_project_edit", pk=project.pk)


@role_required(Role.ADMIN)
@require_POST
def admin_member_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    project = get_project_for_admin(pk)
    member = project.members.filter(pk=user_pk).first()
    if member is None:
        raise Http404
    try:
        project_member_remove(actor=_actor(request), project=project, user=member)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The researcher was removed from the project."))
    return redirect("research_admin_project_edit", pk=project.pk)
