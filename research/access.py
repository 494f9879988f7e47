"""The one place that decides which research project and export a request may reach."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest

from accounts.models import User
from research.models import ResearchExport, ResearchProject


def get_project_for_researcher(request: HttpRequest, pk: int) -> ResearchProject:
    """A running project the researcher belongs to; anything else is 404 (out of scope)."""
    user: User = request.user  # type: ignore[assignment]
    project = ResearchProject.objects.for_researcher(user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def get_export_for_researcher(project: ResearchProject, export_id: uuid.UUID) -> ResearchExport:
    export = ResearchExport.objects.filter(project=project, pk=export_id).first()
    if export is None:
        raise Http404
    return export


def get_project_for_admin(pk: int) -> ResearchProject:
    project = ResearchProject.objects.filter(pk=pk).first()
    if project is None:
        raise Http404
    return project
