"""Family pages: creation, the reasoned identity opening, correction, and scope."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from casestudies.models import Family
from casestudies.services import identity_for_correction
from tests.conftest import PASSWORD, Personas, totp_code
from tests.factories import PLANTED, make_family, planted_identity

pytestmark = pytest.mark.django_db


def reauthenticated(personas: Personas, name: str) -> Client:
    client = personas.client_for(name)
    user = getattr(personas, name)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD, "code": totp_code(user)})
    return client


NEW_FAMILY = {
    "respondent1_name": "Ilmari Syntheticname",
    "respondent1_relationship": "father",
    "respondent1_phone": "+358 50 111 2233",
    "respondent1_email": "ilmari.synthetic@example.test",
    "respondent1_identity_code": "010203A9013",
    "child_name": "Synthetic Child",
    "police_case_numbers": "SYN-1\nSYN-2",
    "offender1_usernames": "synthetic_handle",
}


def test_staff_create_a_family_and_are_sent_to_record_consent(personas: Personas) -> None:
    client = personas.client_for("staff")
    response = client.post(reverse("family_new"), NEW_FAMILY)
    family = Family.objects.get()
    assert response["Location"] == reverse("consent_record", args=[family.code])
    assert family.centre == personas.helsinki
    identity = identity_for_correction(family)
    assert identity.respondents[0].name == "Ilmari Syntheticname"
    assert identity.police_case_numbers == ["SYN-1", "SYN-2"]
    assert identity.offenders[0].usernames == ["synthetic_handle"]
    # The family list and page show the code, never the name.
    listing = client.get(reverse("family_list")).content.decode()
    assert family.code in listing
    assert "Syntheticname" not in listing
    assert (
        "Syntheticname"
        not in client.get(reverse("family_detail", args=[family.code])).content.decode()
    )


def test_bad_identity_input_is_explained_and_kept(personas: Personas) -> None:
    client = personas.client_for("staff")
    bad = {**NEW_FAMILY, "respondent1_identity_code": "010203A901C", "respondent1_phone": "call me"}
    response = client.post(reverse("family_new"), bad)
    assert response.status_code == 200
    page = response.content.decode()
    assert "check character" in page
    assert "+358 40 123 4567" in page
    assert 'value="Ilmari Syntheticname"' in page
    assert Family.objects.count() == 0


def test_opening_the_identity_needs_reauthentication_and_a_reason(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki, planted_identity())
    url = reverse("identity_view", args=[family.code])
    assert (
        personas.client_for("staff")
        .get(url)["Location"]
        .startswith(reverse("account_reauthenticate"))
    )
    client = reauthenticated(personas, "colleague")
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert PLANTED["respondent_name"] not in form_page.content.decode()
    assert "no-store" in form_page["Cache-Control"]
    missing_reason = client.post(url, {"reason": "contact"})
    assert PLANTED["respondent_name"] not in missing_reason.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.IDENTITY_VIEWED).exists()
    shown = client.post(url, {"reason": "contact", "reason_text": "Arranging the interview."})
    page = shown.content.decode()
    assert PLANTED["respondent_name"] in page
    assert PLANTED["offender_username"] in page
    assert "no-store" in shown["Cache-Control"]
    entry = AuditEvent.objects.get(action=AuditAction.IDENTITY_VIEWED)
    assert entry.actor_id == personas.colleague.pk
    assert entry.target_id == family.code
    assert entry.details == {"reason": "contact"}
    assert entry.reason == "Arranging the interview."
    # The next visit lists the earlier opening with who, when and why.
    again = client.get(url).content.decode()
    assert personas.colleague.display_name in again
    assert "Arranging the interview." in again


def test_correcting_the_identity_follows_an_opening_and_is_audited(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki, planted_identity())
    client = reauthenticated(personas, "staff")
    edit_url = reverse("identity_edit", args=[family.code])
    assert client.get(edit_url)["Location"] == reverse("identity_view", args=[family.code])
    client.post(
        reverse("identity_view", args=[family.code]),
        {"reason": "consent_administration", "reason_text": "Correcting a phone number."},
    )
    form = client.get(edit_url)
    assert PLANTED["respondent_phone"] in form.content.decode()
    response = client.post(
        edit_url,
        {
            **NEW_FAMILY,
            "respondent1_name": PLANTED["respondent_name"],
            "respondent1_phone": "+358 44 000 0001",
            "reason_text": "Phone number changed.",
        },
    )
    assert response["Location"] == reverse("family_detail", args=[family.code])
    assert identity_for_correction(family).respondents[0].phone == "+358 44 000 0001"
    assert AuditEvent.objects.filter(action=AuditAction.IDENTITY_UPDATED).count() == 1


def test_staff_of_another_centre_get_404_everywhere(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki)
    client = reauthenticated(personas, "outsider")
    for name in ("family_detail", "identity_view", "identity_edit", "consent_record"):
        url = reverse(name, args=[family.code])
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"reason": "contact", "reason_text": "x"}).status_code == 404
    assert family.code not in client.get(reverse("family_list")).content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.IDENTITY_VIEWED).exists()


def test_researchers_dpos_and_admins_see_no_family_pages(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki)
    for name in ("researcher", "dpo", "admin"):
        client = reauthenticated(personas, name)
        assert client.get(reverse("family_list")).status_code == 403
        assert client.get(reverse("family_detail", args=[family.code])).status_code == 403
        assert client.get(reverse("identity_view", args=[family.code])).status_code == 403
