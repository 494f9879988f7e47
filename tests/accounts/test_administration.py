"""Administration services: roles, deactivation, centres and device resets, each audited."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Centre, Membership, Role
from accounts.services import (
    ServiceError,
    centre_create,
    centre_update,
    membership_grant,
    membership_revoke,
    second_factor_devices_remove,
    user_deactivate,
    user_reactivate,
)
from audit.models import AuditAction, AuditEvent
from audit.verification import verify_chain
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


def only_entry(action: AuditAction) -> AuditEvent:
    entries = AuditEvent.objects.filter(action=action)
    assert entries.count() == 1
    return entries.get()


def test_granting_and_revoking_a_role_is_audited(personas: Personas) -> None:
    membership = membership_grant(
        actor=personas.admin, user=personas.staff, role=Role.LEAD, centre=personas.helsinki
    )
    granted = only_entry(AuditAction.ROLE_GRANTED)
    assert granted.details == {"role": "lead", "centre_id": personas.helsinki.pk}
    assert granted.target_id == str(personas.staff.pk)
    membership_revoke(actor=personas.admin, membership=membership)
    assert only_entry(AuditAction.ROLE_REVOKED).details["role"] == "lead"
    assert not Membership.objects.filter(pk=membership.pk).exists()
    # simple-history keeps the revoked membership.
    assert Membership.history.filter(id=membership.pk, history_type="-").exists()
    assert verify_chain().ok


def test_role_rules_are_enforced(personas: Personas) -> None:
    with pytest.raises(ServiceError):
        membership_grant(actor=personas.admin, user=personas.staff, role=Role.LEAD, centre=None)
    with pytest.raises(ServiceError):
        membership_grant(
            actor=personas.admin, user=personas.staff, role=Role.DPO, centre=personas.helsinki
        )
    with pytest.raises(ServiceError):
        membership_grant(
            actor=personas.admin, user=personas.staff, role=Role.STAFF, centre=personas.helsinki
        )
    assert not AuditEvent.objects.filter(action=AuditAction.ROLE_GRANTED).exists()


def test_the_last_administrator_keeps_the_role(personas: Personas) -> None:
    membership = Membership.objects.get(user=personas.admin, role=Role.ADMIN)
    with pytest.raises(ServiceError):
        membership_revoke(actor=personas.admin, membership=membership)


def test_deactivation_ends_access_and_is_audited(personas: Personas) -> None:
    client = personas.client_for("staff")
    user_deactivate(actor=personas.admin, user=personas.staff)
    assert client.get(reverse("home")).status_code == 302
    assert only_entry(AuditAction.ACCOUNT_DEACTIVATED).target_id == str(personas.staff.pk)
    with pytest.raises(ServiceError):
        user_deactivate(actor=personas.admin, user=personas.staff)
    with pytest.raises(ServiceError):
        user_deactivate(actor=personas.admin, user=personas.admin)
    user_reactivate(actor=personas.admin, user=personas.staff)
    assert only_entry(AuditAction.ACCOUNT_REACTIVATED)


def test_centres_are_created_and_updated_with_audit(personas: Personas) -> None:
    centre = centre_create(
        actor=personas.admin,
        name="Test Centre West",
        country="ie",
        short_code="tcw",
        time_zone="Europe/Dublin",
    )
    assert (centre.country, centre.short_code) == ("IE", "TCW")
    assert only_entry(AuditAction.CENTRE_CREATED).details == {"country": "IE", "short_code": "TCW"}
    centre_update(
        actor=personas.admin,
        centre=centre,
        name="Test Centre West",
        country="IE",
        time_zone="Europe/Dublin",
        is_active=False,
    )
    assert only_entry(AuditAction.CENTRE_UPDATED).details == {"changed": ["is_active"]}
    assert Centre.history.filter(id=centre.pk).count() == 2


def test_the_centre_form_explains_bad_input_and_keeps_it(personas: Personas) -> None:
    client = personas.client_for("admin")
    response = client.post(
        reverse("admin_centre_new"),
        {
            "name": "Another Centre",
            "country": "Finland",
            "short_code": "TCN",
            "time_zone": "Europe/Helsinki",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "two-letter ISO code" in page
    assert "short code is taken" in page
    assert 'value="Another Centre"' in page
    assert not AuditEvent.objects.filter(action=AuditAction.CENTRE_CREATED).exists()


def test_removing_devices_forces_re_enrolment(personas: Personas) -> None:
    client = personas.client_for("staff")
    second_factor_devices_remove(actor=personas.admin, user=personas.staff)
    assert not TOTPDevice.objects.filter(user=personas.staff).exists()
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("two_factor_setup"))
    assert only_entry(AuditAction.DEVICE_REMOVED).target_id == str(personas.staff.pk)


def test_admin_pages_show_users_and_centres_but_no_secrets(personas: Personas) -> None:
    client = personas.client_for("admin")
    users_page = client.get(reverse("admin_users")).content.decode()
    assert personas.staff.email in users_page
    detail = client.get(reverse("admin_user_detail", args=[personas.staff.pk])).content.decode()
    assert "argon2" not in detail
    device = TOTPDevice.objects.get(user=personas.staff)
    assert device.key not in detail
