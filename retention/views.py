"""The DPO's retention page: what is due, what is held, what was anonymised (metadata only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import role_required
from accounts.models import Role, User
from accounts.services import ServiceError
from casestudies.models import Family, FamilyStatus
from retention.models import SweepRun
from retention.services import families_due, family_legal_hold_release, family_legal_hold_set


def _family(code: str) -> Family:
    family = Family.objects.filter(code=code).first()
    if family is None:
        raise Http404
    return family


@role_required(Role.DPO)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    context = {
        "due": families_due().filter(legal_hold_since__isnull=True)[:200],
        "held": Family.objects.filter(legal_hold_since__isnull=False).order_by("legal_hold_since"),
        "recent": Family.objects.filter(
            status__in=[FamilyStatus.ANONYMISED, FamilyStatus.ERASED]
        ).order_by("-anonymised_at")[:50],
        "sweeps": SweepRun.objects.all()[:10],
        "hold_candidates": Family.objects.filter(
            status__in=[FamilyStatus.ACTIVE, FamilyStatus.ANONYMISING],
            legal_hold_since__isnull=True,
        ).order_by("code")[:500],
    }
    return render(request, "retention/overview.html", context)


@role_required(Role.DPO)
@require_POST
def hold(request: HttpRequest) -> HttpResponse:
    family = _family(request.POST.get("code", ""))
    actor: User = request.user  # type: ignore[assignment]
    try:
        family_legal_hold_set(actor=actor, family=family, reason=request.POST.get("reason", ""))
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Family %(code)s is on legal hold.") % {"code": family.code})
    return redirect("retention_overview")


@role_required(Role.DPO)
@require_POST
def release(request: HttpRequest) -> HttpResponse:
    family = _family(request.POST.get("code", ""))
    actor: User = request.user  # type: ignore[assignment]
    try:
        family_legal_hold_release(actor=actor, family=family, reason=request.POST.get("reason", ""))
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The legal hold on %(code)s was released.") % {"code": family.code}
        )
    return redirect("retention_overview")
