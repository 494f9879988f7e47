"""State changes of accounts, centres, memberships, invitations and second-factor devices.

Each function runs in one transaction, writes exactly one audit entry and sends mail on commit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.devices import TOTP_DIGITS, TOTP_STEP
from accounts.models import (
    CENTRE_ROLES,
    BackupCode,
    BackupCodeDevice,
    Centre,
    Invitation,
    Membership,
    Role,
    User,
    hash_secret,
    new_backup_code,
    normalise_backup_code,
)
from audit.models import AuditAction
from audit.services import audit_record


class ServiceError(Exception):
    """A rule of the domain refused the change; the message is translated and shown to the user."""


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str


def _require_centre_for_role(role: Role, centre: Centre | None) -> None:
    if role in CENTRE_ROLES and centre is None:
        raise ServiceError(_("Staff and lead memberships need a centre."))
    if role not in CENTRE_ROLES and centre is not None:
        raise ServiceError(_("Only staff and lead memberships belong to a centre."))


def invitation_create(
    *,
    actor: User,
    email: str,
    display_name: str,
    role: Role,
    centre: Centre | None,
    preferred_language: str,
    accept_url_base: str,
) -> IssuedInvitation:
    """Invite someone by e-mail; the single-use link expires after INVITATION_VALIDITY."""
    email = email.strip().lower()
    _require_centre_for_role(role, centre)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ServiceError(_("A user with this e-mail address already exists."))
        if Invitation.objects.pending().filter(email__iexact=email).exists():
            raise ServiceError(
                _("This address already has an open invitation. Revoke it first to send a new one.")
            )
        invitation = Invitation.objects.create(
            email=email,
            display_name=display_name.strip(),
            role=role,
            centre=centre,
            preferred_language=preferred_language,
            token_hash=hash_secret(token),
            created_by=actor,
            expires_at=timezone.now() + settings.INVITATION_VALIDITY,
        )
        audit_record(
            actor=actor,
            action=AuditAction.ACCOUNT_INVITED,
            target=invitation,
            details={"role": str(role), "centre_id": centre.pk if centre else None},
        )
        link = accept_url_base + reverse("invitation_accept", args=[token])
        transaction.on_commit(lambda: _send_invitation_mail(invitation, link))
    return IssuedInvitation(invitation, token)


def _send_invitation_mail(invitation: Invitation, link: str) -> None:
    with translation.override(invitation.preferred_language):
        context = {"invitation": invitation, "link": link, "hours": 72}
        subject = _("Your invitation to Barnahus Family Voices")
        body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def invitation_for_token(token: str) -> Invitation | None:
    """The usable invitation for a link token, or None (unknown, used, revoked or expired)."""
    invitation = Invitation.objects.filter(token_hash=hash_secret(token)).first()
    if invitation is None or not invitation.is_usable:
        return None
    return invitation


def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None or locked.revoked_at is not None:
            raise ServiceError(_("This invitation was already used or revoked."))
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action=AuditAction.INVITATION_REVOKED, target=locked)


def invitation_accept(*, token: str, password: str) -> User:
    """Create the invited user with the chosen password and the invited membership."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().filter(token_hash=hash_secret(token)).first()
        )
        if invitation is None or not invitation.is_usable:
            raise ServiceError(_("This invitation link is not valid any more. Ask for a new one."))
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ServiceError(_("An account with this e-mail address already exists."))
        candidate = User(email=invitation.email, display_name=invitation.display_name)
        validate_password(password, user=candidate)
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            display_name=invitation.display_name,
            preferred_language=invitation.preferred_language,
        )
        Membership.objects.create(
            user=user,
            role=invitation.role,
            centre=invitation.centre,
            granted_by=invitation.created_by,
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_user = user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
        audit_record(
            actor=user,
            action=AuditAction.INVITATION_ACCEPTED,
            target=invitation,
            details={
                "user_id": user.pk,
                "role": invitation.role,
                "centre_id": invitation.centre_id,
            },
        )
    return user


def membership_grant(*, actor: User, user: User, role: Role, centre: Centre | None) -> Membership:
    _require_centre_for_role(role, centre)
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        exists = Membership.objects.filter(user=user, role=role, centre=centre).exists()
        if exists:
            raise ServiceError(_("This user already has that role."))
        membership = Membership.objects.create(
            user=user, role=role, centre=centre, granted_by=actor
        )
        audit_record(
            actor=actor,
            action=AuditAction.ROLE_GRANTED,
            target=user,
            details={"role": str(role), "centre_id": centre.pk if centre else None},
        )
    return membership


def _active_admin_count(excluding_user: User | None = None) -> int:
    query = Membership.objects.filter(role=Role.ADMIN, user__is_active=True)
    if excluding_user is not None:
        query = query.exclude(user=excluding_user)
    return query.values("user").distinct().count()


def membership_revoke(*, actor: User, membership: Membership) -> None:
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.role == Role.ADMIN and _active_admin_count(excluding_user=locked.user) == 0:
            raise ServiceError(_("The last administrator cannot lose the administrator role."))
        details = {"role": locked.role, "centre_id": locked.centre_id}
        user = locked.user
        locked.delete()
        audit_record(actor=actor, action=AuditAction.ROLE_REVOKED, target=user, details=details)


def user_deactivate(*, actor: User, user: User) -> None:
    """Deactivate an account; its sessions stop working at their next request."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.pk == actor.pk:
            raise ServiceError(_("You cannot deactivate your own account."))
        if not locked.is_active:
            raise ServiceError(_("This account is already deactivated."))
        locked.is_active = False
        locked.deactivated_at = timezone.now()
        locked.save(update_fields=["is_active", "deactivated_at"])
        audit_record(actor=actor, action=AuditAction.ACCOUNT_DEACTIVATED, target=locked)


def user_reactivate(*, actor: User, user: User) -> None:
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active:
            raise ServiceError(_("This account is already active."))
        locked.is_active = True
        locked.deactivated_at = None
        locked.save(update_fields=["is_active", "deactivated_at"])
        audit_record(actor=actor, action=AuditAction.ACCOUNT_REACTIVATED, target=locked)


def centre_create(
    *, actor: User, name: str, country: str, short_code: str, time_zone: str
) -> Centre:
    with transaction.atomic():
        centre = Centre(
            name=name.strip(),
            country=country.strip().upper(),
            short_code=short_code.strip().upper(),
            time_zone=time_zone,
        )
        centre.full_clean()
        centre.save()
        audit_record(
            actor=actor,
            action=AuditAction.CENTRE_CREATED,
            target=centre,
            details={"country": centre.country, "short_code": centre.short_code},
        )
    return centre


def centre_update(
    *, actor: User, centre: Centre, name: str, country: str, time_zone: str, is_active: bool
) -> Centre:
    """Update a centre; the short code is fixed once families carry it."""
    with transaction.atomic():
        locked = Centre.objects.select_for_update().get(pk=centre.pk)
        changed = []
        for field, value in (
            ("name", name.strip()),
            ("country", country.strip().upper()),
            ("time_zone", time_zone),
            ("is_active", is_active),
        ):
            if getattr(locked, field) != value:
                setattr(locked, field, value)
                changed.append(field)
        if not changed:
            return locked
        locked.full_clean()
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.CENTRE_UPDATED,
            target=locked,
            details={"changed": changed},
        )
    return locked


def _issue_backup_codes(user: User) -> list[str]:
    BackupCodeDevice.objects.filter(user=user).delete()
    device = BackupCodeDevice.objects.create(user=user, name="backup codes", confirmed=True)
    codes = [new_backup_code() for _ in range(settings.BACKUP_CODE_COUNT)]
    BackupCode.objects.bulk_create(
        BackupCode(
            device=device,
            salt=(salt := secrets.token_hex(16)),
            code_hash=BackupCode.digest(salt, normalise_backup_code(code)),
        )
        for code in codes
    )
    return codes


def totp_device_enrol(*, actor: User, key_hex: str, last_time_step: int, name: str) -> list[str]:
    """Confirm a new authenticator app (replacing any old one) and issue fresh backup codes.

    Returns the backup codes in plain text, once; only their hashes are stored.
    """
    with transaction.atomic():
        User.objects.select_for_update().get(pk=actor.pk)
        replaced = TOTPDevice.objects.filter(user=actor).count()
        TOTPDevice.objects.filter(user=actor).delete()
        TOTPDevice.objects.create(
            user=actor,
            name=name[:64],
            key=key_hex,
            step=TOTP_STEP,
            digits=TOTP_DIGITS,
            confirmed=True,
            # The code used to confirm cannot be replayed at the next login.
            last_t=last_time_step,
        )
        codes = _issue_backup_codes(actor)
        audit_record(
            actor=actor,
            action=AuditAction.DEVICE_ENROLLED,
            target=actor,
            details={
                "device_type": "totp",
                "replaced_devices": replaced,
                "backup_codes_issued": len(codes),
            },
        )
    return codes


def backup_codes_regenerate(*, actor: User) -> list[str]:
    """Replace all backup codes of the actor; old codes stop working at once."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=actor.pk)
        codes = _issue_backup_codes(actor)
        audit_record(
            actor=actor,
            action=AuditAction.BACKUP_CODES_REGENERATED,
            target=actor,
            details={"backup_codes_issued": len(codes)},
        )
    return codes


def second_factor_devices_remove(*, actor: User, user: User) -> None:
    """Remove every second-factor device of a user (an admin helping someone who lost theirs).

    The user must enrol again at their next login.
    """
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        removed = TOTPDevice.objects.filter(user=locked).delete()[0]
        removed += BackupCodeDevice.objects.filter(user=locked).delete()[0]
        if removed == 0:
            raise ServiceError(_("This user has no second-factor device."))
        audit_record(
            actor=actor,
            action=AuditAction.DEVICE_REMOVED,
            target=locked,
            details={"removed_objects": removed},
        )
