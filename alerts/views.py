"""The DPO's alerts page: open alerts first, each with an acknowledgement form."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import role_required
from accounts.models import Membership, Role, User
from accounts.services import ServiceError
from alerts.models import Alert, AlertQuerySet
from alerts.services import alert_acknowledge

ACKNOWLEDGED_SHOWN = 100


def _with_people(alerts: AlertQuerySet) -> AlertQuerySet:
    """Names, roles and centres in a fixed number of queries, whatever the number of alerts."""
    memberships = Prefetch(
        "user__memberships", queryset=Membership.objects.select_related("centre").order_by("pk")
    )
    return alerts.select_related("user", "acknowledged_by").prefetch_related(memberships)


@role_required(Role.DPO)
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    context = {
        "open_alerts": _with_people(Alert.objects.open().order_by("-window_start", "-pk")),
        "acknowledged_alerts": _with_people(
            Alert.objects.acknowledged().order_by("-acknowledged_at", "-pk")
        )[:ACKNOWLEDGED_SHOWN],
        "acknowledged_shown": ACKNOWLEDGED_SHOWN,
    }
    return render(request, "alerts/list.html", context)


@role_required(Role.DPO)
@require_POST
def alert_acknowledge_view(request: HttpRequest) -> HttpResponse:
    alert_id = request.POST.get("alert", "")
    valid = alert_id.isdigit() and len(alert_id) <= 18  # fits a bigint
    alert = Alert.objects.filter(pk=int(alert_id)).first() if valid else None
    if alert is None:
        raise Http404
    actor: User = request.user  # type: ignore[assignment]
    try:
        alert_acknowledge(actor=actor, alert=alert, note=request.POST.get("note", ""))
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The alert was acknowledged and your note kept."))
    return redirect("alerts_list")
