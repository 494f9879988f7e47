"""Home, second-factor login, enrolment, re-authentication, invitations and device management."""

from __future__ import annotations

import secrets
from typing import Any

import segno
from allauth.account.internal.decorators import login_stage_required
from allauth.account.internal.flows.login import record_authentication
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.access import (
    ANY_ROLE,
    is_verified,
    mark_recent_auth,
    require_recent_auth,
    role_required,
    roles_of,
)
from accounts.devices import (
    backup_device_for,
    check_pending_totp,
    has_confirmed_device,
    totp_device_for,
    verify_second_factor,
)
from accounts.forms import AcceptInvitationForm, CodeForm, ReauthenticateForm, TotpSetupForm
from accounts.models import Centre, Invitation, Membership, Role, User
from accounts.services import (
    ServiceError,
    backup_codes_regenerate,
    invitation_for_token,
    totp_device_enrol,
)
from accounts.services import (
    invitation_accept as accept_invitation,
)
from accounts.stages import SecondFactorStage
from audit.models import AuditAction, AuditChainHead, AuditEvent
from audit.services import audit_record

PENDING_TOTP_SESSION_KEY = "pending_totp_key"


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@role_required(*ANY_ROLE)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    roles = roles_of(user)
    context: dict[str, Any] = {
        "memberships": Membership.objects.filter(user=user).select_related("centre"),
        "roles": roles,
    }
    if Role.ADMIN in roles:
        context["admin_summary"] = {
            "users": User.objects.aggregate(
                active=Count("pk", filter=Q(is_active=True)),
                inactive=Count("pk", filter=Q(is_active=False)),
            ),
            "pending_invitations": Invitation.objects.pending().count(),
            "centres": Centre.objects.filter(is_active=True).count(),
        }
    if Role.DPO in roles:
        head = AuditChainHead.objects.filter(pk=1).first()
        context["audit_summary"] = {
            "entries": head.sequence if head else 0,
            "failed_logins_24h": AuditEvent.objects.filter(
                action=AuditAction.LOGIN_FAILED,
                occurred_at__gte=_hours_ago(24),
            ).count(),
            "lockouts_24h": AuditEvent.objects.filter(
                action=AuditAction.LOCKOUT, occurred_at__gte=_hours_ago(24)
            ).count(),
        }
    return render(request, "accounts/home.html", context)


def _hours_ago(hours: int) -> Any:
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() - timedelta(hours=hours)


def _code_failed(request: HttpRequest, user: User, form: CodeForm | ReauthenticateForm) -> None:
    audit_record(actor=None, action=AuditAction.OTP_FAILED, target=user)
    form.add_error(
        "code",
        _(
            "That code is not valid. Wait for a new code in your app and try again, "
            "or use a backup code."
        ),
    )


@login_stage_required(stage=SecondFactorStage.key, redirect_urlname="account_login")
@require_http_methods(["GET", "POST"])
def two_factor_login(request: HttpRequest) -> HttpResponse:
    """Second step of the login: the session is not logged in until the code is right."""
    stage: SecondFactorStage = request._login_stage  # type: ignore[attr-defined]
    user: User = stage.login.user
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = verify_second_factor(user, form.cleaned_data["code"])
        if device is None:
            _code_failed(request, user, form)
        else:
            # Kept in the session through login(), which then sees a verified session.
            request.session["otp_device_id"] = device.persistent_id
            record_authentication(request, user, method="mfa", type=type(device).__name__)
            mark_recent_auth(request)
            audit_record(
                actor=user,
                action=AuditAction.OTP_VERIFIED,
                target=user,
                details={"device_type": _device_type(device)},
            )
            return stage.exit()
    return render(request, "accounts/two_factor_login.html", {"form": form})


def _device_type(device: object) -> str:
    return "totp" if isinstance(device, TOTPDevice) else "backup_code"


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """For a logged-in session that is not verified yet (e.g. after a device was replaced)."""
    user: User = request.user  # type: ignore[assignment]
    if is_verified(user):
        return redirect(_safe_next(request, reverse("home")))
    if not has_confirmed_device(user):
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = verify_second_factor(user, form.cleaned_data["code"])
        if device is None:
            _code_failed(request, user, form)
        else:
            otp_login(request, device)
            mark_recent_auth(request)
            audit_record(
                actor=user,
                action=AuditAction.OTP_VERIFIED,
                target=user,
                details={"device_type": _device_type(device)},
            )
            return redirect(_safe_next(request, reverse("home")))
    return render(request, "accounts/two_factor_verify.html", {"form": form})


def _qr_svg(config_url: str) -> str:
    qr = segno.make(config_url, error="m")
    svg: str = qr.svg_inline(
        scale=5, dark="#000", light="#fff", title=_("QR code for your authenticator app")
    )
    return svg


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: QR code (inline SVG) and secret, then a code to confirm."""
    user: User = request.user  # type: ignore[assignment]
    enrolled = has_confirmed_device(user)
    if enrolled and not is_verified(user):
        return redirect("two_factor_verify")
    if enrolled:
        # Replacing a working device needs fresh proof of both factors.
        return _replace_device(request)
    return _setup(request, user)


@require_recent_auth
def _replace_device(request: HttpRequest) -> HttpResponse:
    return _setup(request, request.user)  # type: ignore[arg-type]


def _setup(request: HttpRequest, user: User) -> HttpResponse:
    key_hex = request.session.get(PENDING_TOTP_SESSION_KEY)
    if not key_hex:
        key_hex = secrets.token_hex(20)
        request.session[PENDING_TOTP_SESSION_KEY] = key_hex
    form = TotpSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = check_pending_totp(key_hex, form.cleaned_data["code"])
        if check.verified:
            codes = totp_device_enrol(
                actor=user,
                key_hex=key_hex,
                last_time_step=check.time_step,
                name=_("Authenticator app"),
            )
            del request.session[PENDING_TOTP_SESSION_KEY]
            device = totp_device_for(user)
            otp_login(request, device)
            mark_recent_auth(request)
            # Shown once, in this response only; the database keeps their hashes.
            return render(
                request, "accounts/backup_codes.html", {"codes": codes, "after_enrolment": True}
            )
        form.add_error(
            "code",
            _("That code does not match. Check the time on your phone and type the newest code."),
        )
    preview = TOTPDevice(user=user, key=key_hex, name="preview")
    secret_b32 = _base32(bytes.fromhex(key_hex))
    context = {
        "form": form,
        "qr_svg": _qr_svg(preview.config_url),
        "secret": " ".join(secret_b32[i : i + 4] for i in range(0, len(secret_b32), 4)),
        "replacing": has_confirmed_device(user),
    }
    return render(request, "accounts/two_factor_setup.html", context)


def _base32(raw: bytes) -> str:
    from base64 import b32encode

    return b32encode(raw).decode("ascii").rstrip("=")


@role_required(*ANY_ROLE)
@require_GET
def security(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    backup = backup_device_for(user)
    context = {
        "totp": totp_device_for(user),
        "backup_remaining": backup.remaining() if backup else 0,
    }
    return render(request, "accounts/security.html", context)


@role_required(*ANY_ROLE)
@require_POST
@require_recent_auth
def regenerate_backup_codes(request: HttpRequest) -> HttpResponse:
    codes = backup_codes_regenerate(actor=request.user)  # type: ignore[arg-type]
    return render(request, "accounts/backup_codes.html", {"codes": codes, "after_enrolment": False})


@never_cache
@require_http_methods(["GET", "POST"])
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Password plus a fresh second factor; both are required for sensitive actions."""
    user: User = request.user  # type: ignore[assignment]
    form = ReauthenticateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checked = authenticate(request, email=user.email, password=form.cleaned_data["password"])
        if checked is None or checked.pk != user.pk:
            form.add_error("password", _("The password is not correct."))
        else:
            device = verify_second_factor(user, form.cleaned_data["code"])
            if device is None:
                _code_failed(request, user, form)
            else:
                record_authentication(request, user, method="password", reauthenticated=True)
                record_authentication(
                    request, user, method="mfa", type=type(device).__name__, reauthenticated=True
                )
                otp_login(request, device)
                mark_recent_auth(request)
                audit_record(
                    actor=user,
                    action=AuditAction.REAUTHENTICATED,
                    target=user,
                    details={"device_type": _device_type(device)},
                )
                return HttpResponseRedirect(_safe_next(request, reverse("home")))
    return render(
        request, "accounts/reauthenticate.html", {"form": form, "next": _safe_next(request, "")}
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    if request.user.is_authenticated:
        messages.info(request, _("Log out first to accept an invitation for another account."))
        return redirect("home")
    candidate = User(email=invitation.email, display_name=invitation.display_name)
    form = AcceptInvitationForm(request.POST or None, user_candidate=candidate)
    if request.method == "POST" and form.is_valid():
        try:
            user = accept_invitation(token=token, password=form.cleaned_data["password1"])
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
            messages.success(request, _("Your password is set. Now set up your second factor."))
            return redirect("two_factor_setup")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )


@login_not_required
def not_available(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """Shadows allauth pages this product does not offer (self-service e-mail changes)."""
    raise Http404
