"""The DPO's register of data-subject requests: list, register, handle, erase, access bundle."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import require_recent_auth, role_required
from accounts.models import Role, User
from accounts.services import ServiceError
from subject_requests.access import with_subject_request
from subject_requests.forms import (
    BundleForm,
    RequestCloseForm,
    RequestEraseForm,
    RequestExtendForm,
    RequestRegisterForm,
    RequestUpdateForm,
)
from subject_requests.models import RefusalGround, RequestType, SubjectRequest
from subject_requests.selectors import open_register, overdue_and_soon_due, recently_closed
from subject_requests.services import (
    request_bundle_build,
    request_close,
    request_erase,
    request_extend,
    request_register,
    request_update,
)


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@role_required(Role.DPO)
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    context = {
        "rows": open_register(),
        "closed": recently_closed(),
        "deadlines": overdue_and_soon_due(),
    }
    return render(request, "subject_requests/list.html", context)


@role_required(Role.DPO)
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    form = RequestRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subject_request = request_register(
                actor=_actor(request),
                family=form.family,
                request_type=form.cleaned_data["request_type"],
                received_on=form.cleaned_data["received_on"],
                handling_notes=form.cleaned_data["handling_notes"],
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The request was registered. It is due on %(due)s.")
                % {"due": subject_request.due_on.isoformat()},
            )
            return redirect("subject_request_detail", pk=subject_request.pk)
    return render(request, "subject_requests/new.html", {"form": form})


def _detail(request: HttpRequest, subject_request: SubjectRequest, **forms: Any) -> HttpResponse:
    """The detail page with its forms; a form given here is shown bound, with its errors."""
    context = {
        "subject_request": subject_request,
        "family": subject_request.family,
        "deadline_state": subject_request.deadline_state(),
        "today": timezone.localdate(),
        "update_form": forms.get("update_form")
        or RequestUpdateForm(
            initial={
                "status": subject_request.status,
                "handling_notes": subject_request.handling_notes,
            }
        ),
        "extend_form": forms.get("extend_form")
        or RequestExtendForm(initial={"extended_to": subject_request.latest_extension}),
        "close_form": forms.get("close_form") or RequestCloseForm(),
        "is_access": subject_request.request_type == RequestType.ACCESS,
        "is_erasure": subject_request.request_type == RequestType.ERASURE,
        "research_exemption": RefusalGround.RESEARCH_EXEMPTION,
        "history": subject_request.history.order_by("-history_date")[:20],
    }
    return render(request, "subject_requests/detail.html", context)


@role_required(Role.DPO)
@with_subject_request
@require_GET
def request_detail(request: HttpRequest, subject_request: SubjectRequest) -> HttpResponse:
    return _detail(request, subject_request)


@role_required(Role.DPO)
@with_subject_request
@require_POST
def request_update_view(request: HttpRequest, subject_request: SubjectRequest) -> HttpResponse:
    form = RequestUpdateForm(request.POST)
    if form.is_valid():
        try:
            request_update(
                actor=_actor(request),
                request=subject_request,
                status=form.cleaned_data["status"],
                handling_notes=form.cleaned_data["handling_notes"],
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The request was saved."))
            return redirect("subject_request_detail", pk=subject_request.pk)
    return _detail(request, subject_request, update_form=form)


@role_required(Role.DPO)
@with_subject_request
@require_POST
def request_extend_view(request: HttpRequest, subject_request: SubjectRequest) -> HttpResponse:
    form = RequestExtendForm(request.POST)
    if form.is_valid():
        try:
            extended = request_extend(
                actor=_actor(request),
                request=subject_request,
                extended_to=form.cleaned_data["extended_to"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The deadline is now %(date)s. Tell the family why within the first month.")
                % {"date": extended.deadline.isoformat()},
            )
            return redirect("subject_request_detail", pk=subject_request.pk)
    return _detail(request, subject_request, extend_form=form)


@role_required(Role.DPO)
@with_subject_request
@require_POST
def request_close_view(request: HttpRequest, subject_request: SubjectRequest) -> HttpResponse:
    form = RequestCloseForm(request.POST)
    if form.is_valid():
        try:
            request_close(
                actor=_actor(request),
                request=subject_request,
                outcome=form.cleaned_data["outcome"],
                refusal_ground=form.cleaned_data["refusal_ground"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The request was closed."))
            return redirect("subject_request_detail", pk=subject_request.pk)
    return _detail(request, subject_request, close_form=form)


@role_required(Role.DPO)
@with_subject_request
@never_cache
@require_http_methods(["GET", "POST"])
@require_recent_auth
def request_erase_view(request: HttpRequest, subject_request: SubjectRequest) -> HttpResponse:
    """Confirm by typing the family code; erasing needs fresh re-authentication (DESIGN.md)."""
    form = RequestEraseForm(request.POST or None, family_code=subject_request.family.code)
    if request.method == "POST" and form.is_valid():
        try:
            request_erase(actor=_actor(request), request=subject_request)
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The family's data was erased and the request completed. Tell the family."),
            )
            return redirect("subject_request_detail", pk=subject_request.pk)
    return render(
        request,
        "subject_requests/erase.html",
        {"subject_request": subject_request, "family": subject_request.family, "form": form},
    )


@role_required(Role.DPO)
@with_subject_request
@never_cache
@require_http_methods(["GET", "POST"])
@require_recent_auth
def request_bundle_view(request: HttpRequest, subject_request: SubjectRequest) -> HttpResponse:
    """Ask for a reason; a valid POST builds the ZIP in memory and sends it (never stored)."""
    form = BundleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            content = request_bundle_build(
                actor=_actor(request), request=subject_request, reason=form.cleaned_data["reason"]
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            name = (
                f"access-bundle-{subject_request.family.code}-"
                f"{timezone.localdate().isoformat()}.zip"
            )
            response = HttpResponse(content, content_type="application/zip")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "subject_requests/bundle_form.html",
        {"subject_request": subject_request, "family": subject_request.family, "form": form},
    )
