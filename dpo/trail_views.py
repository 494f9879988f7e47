"""The DPO's audit pages: overview, verification, checkpoints, trail search and reports."""

from __future__ import annotations

import base64
import csv
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import role_required
from accounts.models import Centre, Role, User
from alerts.models import Alert
from audit.checkpoints import checkpoint_create, checkpoint_text, public_key_bytes, signing_key
from audit.models import AuditAction, AuditCheckpoint, AuditEvent, VerificationRun
from audit.services import audit_record
from audit.tasks import verify_chain_task
from casestudies.models import Family, FamilyStatus
from dpo.trail import (
    TrailFilters,
    anonymisations_per_month,
    identity_openings_report,
    trail_page,
    trail_queryset,
)
from retention.models import SweepRun
from subject_requests.selectors import overdue_and_soon_due


class TrailFilterForm(forms.Form):
    actor = forms.CharField(
        label=gettext_lazy("Actor (account id or e-mail)"), required=False, max_length=200
    )
    family = forms.CharField(label=gettext_lazy("Family code"), required=False, max_length=16)
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", "—"), *AuditAction.choices],
    )
    centre = forms.ChoiceField(label=gettext_lazy("Centre"), required=False, choices=[])
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(str(pk), name) for pk, name in Centre.objects.values_list("pk", "name")],
        ]

    def filters(self) -> TrailFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return TrailFilters(
            actor=data.get("actor", "") or "",
            family=data.get("family", "") or "",
            action=data.get("action", "") or "",
            centre=data.get("centre", "") or "",
            since=data.get("since"),
            until=data.get("until"),
        )


def _before(request: HttpRequest) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() else None


@role_required(Role.DPO)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    context = {
        "verification": VerificationRun.objects.first(),
        "checkpoint": AuditCheckpoint.objects.first(),
        "entries": AuditEvent.objects.order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
        or 0,
        "sweep": SweepRun.objects.filter(dry_run=False).first(),
        "anonymisations": anonymisations_per_month(),
        "on_hold": Family.objects.filter(legal_hold_since__isnull=False).count(),
        "awaiting": Family.objects.awaiting_removal().count(),
        "anonymising": Family.objects.filter(status=FamilyStatus.ANONYMISING).count(),
        "open_alerts": Alert.objects.filter(acknowledged_at__isnull=True).count(),
        "deadlines": overdue_and_soon_due(),
    }
    return render(request, "dpo/overview.html", context)


@role_required(Role.DPO)
@require_http_methods(["GET", "POST"])
def verification(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        run = VerificationRun.objects.create(
            requested_by_id=request.user.pk,
            started_at=timezone.now(),
            total=AuditEvent.objects.count(),
        )
        verify_chain_task.delay(run.pk)
        messages.info(request, _("The verification started. This page shows its progress."))
        return redirect("dpo_verification")
    runs = VerificationRun.objects.all()[:20]
    public = base64.b64encode(public_key_bytes(signing_key().public_key())).decode()
    return render(request, "dpo/verification.html", {"runs": runs, "public_key": public})


@role_required(Role.DPO)
@require_http_methods(["GET", "POST"])
def checkpoints(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        checkpoint_create(actor=request.user)
        messages.success(request, _("A checkpoint of the current chain head was signed."))
        return redirect("dpo_checkpoints")
    public = base64.b64encode(public_key_bytes(signing_key().public_key())).decode()
    return render(
        request,
        "dpo/checkpoints.html",
        {"checkpoints": AuditCheckpoint.objects.all()[:100], "public_key": public},
    )


@role_required(Role.DPO)
@require_GET
def checkpoint_download(request: HttpRequest, pk: int) -> HttpResponse:
    checkpoint = get_object_or_404(AuditCheckpoint, pk=pk)
    response = HttpResponse(checkpoint_text(checkpoint), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-checkpoint-{checkpoint.sequence}.txt"'
    )
    return response


def _render_trail(
    request: HttpRequest, *, filters: TrailFilters, title: str, form: TrailFilterForm | None
) -> HttpResponse:
    page = trail_page(trail_queryset(filters), before=_before(request))
    audit_record(
        actor=request.user,
        action=AuditAction.TRAIL_SEARCHED,
        details={"filters": filters.as_dict(), "page_before": _before(request)},
        family_code=filters.family.upper(),
    )
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "dpo/trail.html",
        {
            "page": page,
            "form": form,
            "title": title,
            "query": query.urlencode(),
            "export_query": query.urlencode(),
            "labels": dict(AuditAction.choices),
        },
    )


@role_required(Role.DPO)
@require_GET
def trail(request: HttpRequest) -> HttpResponse:
    form = TrailFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else TrailFilters()
    return _render_trail(request, filters=filters, title=_("Audit trail"), form=form)


@role_required(Role.DPO)
@require_GET
def family_trail(request: HttpRequest, code: str) -> HttpResponse:
    if (
        not Family.objects.filter(code=code).exists()
        and not AuditEvent.objects.filter(family_code=code).exists()
    ):
        raise Http404
    return _render_trail(
        request,
        filters=TrailFilters(family=code),
        title=_("Trail of family %(code)s") % {"code": code},
        form=None,
    )


@role_required(Role.DPO)
@require_GET
def user_trail(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    return _render_trail(
        request,
        filters=TrailFilters(actor=str(user.pk)),
        title=_("Everything %(name)s did") % {"name": user.display_name},
        form=None,
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@role_required(Role.DPO)
@require_GET
def trail_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered trail as CSV, streamed; the export itself is audited first."""
    form = TrailFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else TrailFilters()
    entries = trail_queryset(filters)
    audit_record(
        actor=request.user,
        action=AuditAction.TRAIL_EXPORTED,
        details={"filters": filters.as_dict(), "count": entries.count()},
        family_code=filters.family.upper(),
    )
    writer = csv.writer(_Echo())
    header = [
        "sequence",
        "occurred_at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "family",
        "reason",
        "details",
        "entry_hash",
    ]

    def rows() -> Any:
        yield writer.writerow(header)
        for entry in entries.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    entry.sequence,
                    entry.occurred_at.isoformat(),
                    entry.actor_label,
                    entry.action,
                    entry.target_type,
                    entry.target_id,
                    entry.family_code,
                    entry.reason,
                    entry.details,
                    entry.entry_hash,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-trail-{date.today().isoformat()}.csv"'
    )
    return response


@role_required(Role.DPO)
@require_GET
def openings_report(request: HttpRequest) -> HttpResponse:
    return render(request, "dpo/openings.html", {"rows": identity_openings_report()})
