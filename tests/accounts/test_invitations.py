"""Invitation-only accounts: single-use links that expire after 72 hours."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Invitation, Membership, Role, User
from accounts.services import ServiceError, invitation_create, invitation_revoke
from audit.models import AuditAction, AuditEvent
from tests.conftest import Personas

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "quiet orchard lantern morning"


def invite(personas: Personas, email: str = "newcomer@north.test", role: Role = Role.STAFF):
    return invitation_create(
        actor=personas.admin,
        email=email,
        display_name="New Comer",
        role=role,
        centre=personas.helsinki if role in {Role.STAFF, Role.LEAD} else None,
        preferred_language="fi",
        accept_url_base="http://testserver",
    )


def accept(client: Client, token: str, password: str = NEW_PASSWORD):
    return client.post(
        reverse("invitation_accept", args=[token]), {"password1": password, "password2": password}
    )


def test_the_admin_invites_through_the_page_and_an_email_goes_out(
    personas: Personas, django_capture_on_commit_callbacks
) -> None:
    client = personas.client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin_invite"),
            {
                "email": "Invitee@North.Test",
                "display_name": "Invited Staff",
                "preferred_language": "sv",
                "role": "staff",
                "centre": personas.helsinki.pk,
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "invitee@north.test"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["invitee@north.test"]
    assert "72" in mail.outbox[0].body
    link = re.search(r"http://testserver/invitation/(\S+)/", mail.outbox[0].body)
    assert link is not None
    # Only a hash of the token is stored.
    assert link.group(1) not in invitation.token_hash
    entry = AuditEvent.objects.get(action=AuditAction.ACCOUNT_INVITED)
    assert entry.actor_id == personas.admin.pk
    assert "invitee" not in str(entry.details).lower()


def test_staff_invitations_need_a_centre(personas: Personas) -> None:
    client = personas.client_for("admin")
    response = client.post(
        reverse("admin_invite"),
        {"email": "a@b.test", "display_name": "A", "preferred_language": "en", "role": "staff"},
    )
    assert response.status_code == 200
    assert "Choose the centre" in response.content.decode()
    # What was typed is still in the form.
    assert 'value="a@b.test"' in response.content.decode()
    assert Invitation.objects.count() == 0


def test_accepting_creates_the_account_and_forces_enrolment(personas: Personas) -> None:
    issued = invite(personas)
    client = Client()
    response = accept(client, issued.token)
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor_setup")
    user = User.objects.get(email="newcomer@north.test")
    assert user.preferred_language == "fi"
    assert Membership.objects.filter(user=user, role=Role.STAFF, centre=personas.helsinki).exists()
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_setup"))
    assert AuditEvent.objects.filter(
        action=AuditAction.INVITATION_ACCEPTED, actor_id=user.pk
    ).exists()


def test_a_link_works_only_once(personas: Personas) -> None:
    issued = invite(personas)
    accept(Client(), issued.token)
    response = accept(Client(), issued.token, password="another long passphrase here")
    assert response.status_code == 404
    assert User.objects.filter(email="newcomer@north.test").count() == 1


def test_a_link_expires_after_72_hours(personas: Personas) -> None:
    issued = invite(personas)
    with time_machine.travel(timedelta(hours=71)):
        assert Client().get(reverse("invitation_accept", args=[issued.token])).status_code == 200
    with time_machine.travel(timedelta(hours=73)):
        assert accept(Client(), issued.token).status_code == 404
    assert not User.objects.filter(email="newcomer@north.test").exists()


def test_a_revoked_link_does_not_work(personas: Personas) -> None:
    issued = invite(personas)
    invitation_revoke(actor=personas.admin, invitation=issued.invitation)
    assert accept(Client(), issued.token).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.INVITATION_REVOKED).count() == 1
    with pytest.raises(ServiceError):
        invitation_revoke(actor=personas.admin, invitation=issued.invitation)


def test_an_unknown_token_gets_404() -> None:
    assert Client().get(reverse("invitation_accept", args=["not-a-real-token"])).status_code == 404


def test_a_weak_password_is_refused_with_a_clear_message(personas: Personas) -> None:
    issued = invite(personas)
    response = accept(Client(), issued.token, password="short pass")
    assert response.status_code == 200
    assert "at least 15 characters" in response.content.decode()
    mismatch = Client().post(
        reverse("invitation_accept", args=[issued.token]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"},
    )
    assert "differ" in mismatch.content.decode()
    assert not User.objects.filter(email="newcomer@north.test").exists()


def test_an_address_can_be_invited_only_once_at_a_time(personas: Personas) -> None:
    invite(personas)
    with pytest.raises(ServiceError):
        invite(personas)
    with pytest.raises(ServiceError):
        invite(personas, email=personas.staff.email)
