"""The administrator's pages: users, invitations, memberships and centres (no case content)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.access import role_required
from accounts.forms import CentreForm, InvitationForm, RoleCentreForm
from accounts.models import Centre, Invitation, Membership, Role, User
from accounts.services import (
    ServiceError,
    centre_create,
    centre_update,
    invitation_create,
    invitation_revoke,
    membership_grant,
    membership_revoke,
    second_factor_devices_remove,
    user_deactivate,
    user_reactivate,
)

PAGE_SIZE = 50


def _get_user(pk: int) -> User:
    return get_object_or_404(User, pk=pk)


@role_required(Role.ADMIN)
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.order_by("display_name", "email").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("centre"))
    )
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    invitations = Invitation.objects.pending().select_related("centre")
    return render(
        request, "accounts/admin/user_list.html", {"page": page, "invitations": invitations}
    )


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation_create(
                actor=request.user,  # type: ignore[arg-type]
                email=data["email"],
                display_name=data["display_name"],
                role=Role(data["role"]),
                centre=data["centre"],
                preferred_language=data["preferred_language"],
                accept_url_base=request.build_absolute_uri("/").rstrip("/"),
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The invitation was sent. The link works once, for 72 hours.")
            )
            return redirect("admin_users")
    return render(request, "accounts/admin/invite.html", {"form": form})


@role_required(Role.ADMIN)
@require_POST
def revoke_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        invitation_revoke(actor=request.user, invitation=invitation)  # type: ignore[arg-type]
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The invitation was revoked; its link no longer works."))
    return redirect("admin_users")


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _get_user(pk)
    form = RoleCentreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership_grant(
                actor=request.user,  # type: ignore[arg-type]
                user=subject,
                role=Role(form.cleaned_data["role"]),
                centre=form.cleaned_data["centre"],
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The role was granted."))
            return redirect("admin_user_detail", pk=subject.pk)
    context = {
        "subject": subject,
        "memberships": subject.memberships.select_related("centre"),
        "form": form,
        "has_totp": TOTPDevice.objects.filter(user=subject, confirmed=True).exists(),
    }
    return render(request, "accounts/admin/user_detail.html", context)


@role_required(Role.ADMIN)
@require_POST
def revoke_membership(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=pk)
    try:
        membership_revoke(actor=request.user, membership=membership)  # type: ignore[arg-type]
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The role was revoked."))
    return redirect("admin_user_detail", pk=membership.user_id)


@role_required(Role.ADMIN)
@require_POST
def deactivate_user(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _get_user(pk)
    try:
        user_deactivate(actor=request.user, user=subject)  # type: ignore[arg-type]
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The account was deactivated. Its sessions have ended."))
    return redirect("admin_user_detail", pk=subject.pk)


@role_required(Role.ADMIN)
@require_POST
def reactivate_user(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _get_user(pk)
    try:
        user_reactivate(actor=request.user, user=subject)  # type: ignore[arg-type]
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The account was reactivated."))
    return redirect("admin_user_detail", pk=subject.pk)


@role_required(Role.ADMIN)
@require_POST
def reset_devices(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _get_user(pk)
    try:
        second_factor_devices_remove(actor=request.user, user=subject)  # type: ignore[arg-type]
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The second-factor devices were removed. The user must enrol again.")
        )
    return redirect("admin_user_detail", pk=subject.pk)


@role_required(Role.ADMIN)
@require_GET
def centre_list(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/admin/centre_list.html", {"centres": Centre.objects.all()})


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def centre_new(request: HttpRequest) -> HttpResponse:
    form = CentreForm(request.POST or None, initial={"time_zone": "Europe/Helsinki"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        centre_create(
            actor=request.user,  # type: ignore[arg-type]
            name=data["name"],
            country=data["country"],
            short_code=data["short_code"],
            time_zone=data["time_zone"],
        )
        messages.success(request, _("The centre was created."))
        return redirect("admin_centres")
    return render(request, "accounts/admin/centre_form.html", {"form": form, "centre": None})


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def centre_edit(request: HttpRequest, pk: int) -> HttpResponse:
    centre = get_object_or_404(Centre, pk=pk)
    initial = {
        "name": centre.name,
        "country": centre.country,
        "short_code": centre.short_code,
        "time_zone": centre.time_zone,
        "is_active": centre.is_active,
    }
    form = CentreForm(request.POST or None, initial=initial, editing=centre)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        centre_update(
            actor=request.user,  # type: ignore[arg-type]
            centre=centre,
            name=data["name"],
            country=data["country"],
            time_zone=data["time_zone"],
            is_active=data["is_active"],
        )
        messages.success(request, _("The centre was saved."))
        return redirect("admin_centres")
    return render(request, "accounts/admin/centre_form.html", {"form": form, "centre": centre})
