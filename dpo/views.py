"""The DPO's workspace pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import role_required
from accounts.models import Role
from dpo.processing import processing_markdown, processing_record

# ---------------------------------------------------------------------------- records of processing


@role_required(Role.DPO, Role.ADMIN)
@require_GET
def processing(request: HttpRequest) -> HttpResponse:
    """The records of processing (Art. 30); administrators may read them too (no case data)."""
    return render(request, "dpo/processing.html", {"record": processing_record()})


@role_required(Role.DPO, Role.ADMIN)
@require_GET
def processing_download(request: HttpRequest) -> HttpResponse:
    document = processing_markdown(processing_record())
    response = HttpResponse(document, content_type="text/markdown; charset=utf-8")
    name = f"records-of-processing-{timezone.localdate().isoformat()}.md"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
