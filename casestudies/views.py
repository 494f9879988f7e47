"""Family pages for staff and leads of the family's own centre."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import centres_for_role, require_recent_auth, role_required
from accounts.models import Centre, Role, User
from accounts.services import ServiceError
from casestudies.access import with_family
from casestudies.forms import REASON_CHOICES, IdentityEditForm, IdentityForm, IdentityReasonForm
from casestudies.models import Family
from casestudies.services import (
    IdentityUnavailable,
    family_create,
    identity_for_correction,
    identity_open,
    identity_openings,
    identity_update,
)
from consent.models import ConsentRecord, ConsentStatus

CASE_ROLES = (Role.STAFF, Role.LEAD)
PAGE_SIZE = 50
# After a reasoned opening, the same person may correct the identity for this long without a
# second opening (the opening already recorded who looked, when and why).
IDENTITY_OPENING_SECONDS = 5 * 60


def _opened_key(family: Family) -> str:
    return f"identity_opened:{family.code}"


@role_required(*CASE_ROLES)
@require_GET
def family_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    families = (
        Family.objects.visible_to(user)
        .select_related("centre")
        .prefetch_related(
            Prefetch(
                "consents",
                queryset=ConsentRecord.objects.filter(status=ConsentStatus.ACTIVE),
                to_attr="active_consents",
            )
        )
    )
    page = Paginator(families, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "casestudies/family_list.html", {"page": page})


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
def family_new(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    centres = Centre.objects.filter(pk__in=centres_for_role(user, *CASE_ROLES), is_active=True)
    form = IdentityForm(request.POST or None)
    centre_error = ""
    if request.method == "POST":
        centre = centres.filter(pk=request.POST.get("centre") or 0).first()
        if centre is None and centres.count() == 1:
            centre = centres.first()
        if centre is None:
            centre_error = _("Choose the centre.")
        if form.is_valid() and centre is not None:
            family = family_create(actor=user, centre=centre, identity=form.to_identity())
            messages.success(
                request,
                _("Family %(code)s was created. Record the family's consent next.")
                % {"code": family.code},
            )
            return redirect("consent_record", code=family.code)
    return render(
        request,
        "casestudies/family_new.html",
        {"form": form, "centres": centres, "centre_error": centre_error},
    )


@role_required(*CASE_ROLES)
@with_family
@require_GET
def family_detail(request: HttpRequest, family: Family) -> HttpResponse:
    consents = (
        ConsentRecord.objects.filter(family=family)
        .select_related("form", "recorded_by")
        .prefetch_related("withdrawals")
    )
    return render(
        request, "casestudies/family_detail.html", {"family": family, "consents": consents}
    )


@role_required(*CASE_ROLES)
@with_family
@never_cache
@require_http_methods(["GET", "POST"])
@require_recent_auth
def identity_view(request: HttpRequest, family: Family) -> HttpResponse:
    """Ask for a reason; only a POST with a reason shows the identity (and is audited)."""
    form = IdentityReasonForm(request.POST or None)
    context = {"family": family, "form": form, "openings": identity_openings(family)}
    if request.method == "POST" and form.is_valid():
        try:
            identity = identity_open(
                actor=request.user,  # type: ignore[arg-type]
                family=family,
                reason=form.cleaned_data["reason"],
                reason_text=form.cleaned_data["reason_text"],
            )
        except IdentityUnavailable as error:
            messages.error(request, str(error))
            return redirect("family_detail", code=family.code)
        request.session[_opened_key(family)] = timezone.now().timestamp()
        context.update({"identity": identity, "reason_labels": dict(REASON_CHOICES)})
        context["openings"] = identity_openings(family)
        return render(request, "casestudies/identity_shown.html", context)
    context["reason_labels"] = dict(REASON_CHOICES)
    return render(request, "casestudies/identity_reason.html", context)


@role_required(*CASE_ROLES)
@with_family
@never_cache
@require_http_methods(["GET", "POST"])
@require_recent_auth
def identity_edit(request: HttpRequest, family: Family) -> HttpResponse:
    opened = request.session.get(_opened_key(family))
    if not opened or timezone.now().timestamp() - float(opened) > IDENTITY_OPENING_SECONDS:
        messages.info(request, _("Open the identity with a reason first, then edit it."))
        return redirect("identity_view", code=family.code)
    if request.method == "POST":
        form = IdentityEditForm(request.POST)
        if form.is_valid():
            try:
                identity_update(
                    actor=request.user,  # type: ignore[arg-type]
                    family=family,
                    identity=form.to_identity(),
                    reason_text=form.cleaned_data["reason_text"],
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                request.session.pop(_opened_key(family), None)
                messages.success(request, _("The identity was saved."))
                return redirect("family_detail", code=family.code)
    else:
        try:
            identity = identity_for_correction(family)
        except IdentityUnavailable as error:
            messages.error(request, str(error))
            return redirect("family_detail", code=family.code)
        form = IdentityEditForm(initial=IdentityForm.initial_from(identity))
    return render(request, "casestudies/identity_edit.html", {"family": family, "form": form})
