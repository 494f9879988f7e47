"""Audit entries for authentication events raised by Django, allauth and django-axes.

These libraries report logins, failures and lockouts through signals only, so receivers are
the one place these entries can be written. The typed login name is never stored: a failed
login names the account only when one exists.
"""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.lockout import login_name_from_request
from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record

SESSION_STARTED_KEY = "auth_started_at"
SESSION_LAST_ACTIVITY_KEY = "last_activity_at"


def network_of(request: HttpRequest | None) -> str:
    """The /24 (IPv4) or /48 (IPv6) network of the client: enough to spot a new network."""
    if request is None:
        return ""
    address = str(request.META.get("REMOTE_ADDR", ""))
    if ":" in address:
        return ":".join(address.split(":")[:3]) + "::/48"
    parts = address.split(".")
    if len(parts) == 4:
        return ".".join(parts[:3]) + ".0/24"
    return ""


def _account_for_login_name(name: str) -> User | None:
    if not name:
        return None
    return User.objects.filter(email__iexact=name).first()


@receiver(user_logged_in)
def on_logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    now = timezone.now().timestamp()
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = now
        request.session[SESSION_LAST_ACTIVITY_KEY] = now
    second_factor = bool(request is not None and request.session.get(DEVICE_ID_SESSION_KEY))
    audit_record(
        actor=user,
        action=AuditAction.LOGIN_SUCCEEDED,
        target=user,
        details={"second_factor": second_factor, "network": network_of(request)},
    )


@receiver(user_logged_out)
def on_logged_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGOUT, target=user)


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    account = _account_for_login_name(login_name_from_request(request, credentials))
    audit_record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        target=account,
        target_type="" if account else "accounts.user",
        details={"known_account": account is not None, "network": network_of(request)},
    )


@receiver(user_locked_out)
def on_locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, ip_address: str, **kwargs: Any
) -> None:
    account = _account_for_login_name((username or "").strip().lower())
    audit_record(
        actor=None,
        action=AuditAction.LOCKOUT,
        target=account,
        target_type="" if account else "accounts.user",
        details={"known_account": account is not None, "network": network_of(request)},
    )


@receiver(password_changed)
def on_password_changed(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditAction.PASSWORD_CHANGED, target=user)


@receiver(password_reset)
def on_password_reset(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditAction.PASSWORD_RESET, target=user)
