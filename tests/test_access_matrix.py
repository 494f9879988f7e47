"""The access matrix: every URL pattern x every persona x GET/POST has an expected answer.

A URL pattern without a row fails the suite, so a new view cannot ship without stating who may
reach it. Expected answers: a status code, or "login" (redirect to the login page), "home"
(redirect to /), "reauth" (redirect to re-authentication), "moved" (any other redirect).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Membership, Role
from accounts.services import invitation_create
from tests.conftest import PERSONA_NAMES, Personas

VERIFIED = tuple(name for name in PERSONA_NAMES if name != "anonymous")

Row = dict[str, dict[str, str]]


def for_all(verified: str, anonymous: str) -> dict[str, str]:
    return {**dict.fromkeys(VERIFIED, verified), "anonymous": anonymous}


def only_admin(admin: str, anonymous: str = "login") -> dict[str, str]:
    return {**dict.fromkeys(VERIFIED, "403"), "admin": admin, "anonymous": anonymous}


PUBLIC_PAGE = {"get": for_all("200", "200"), "post": for_all("405", "405")}
NOT_OFFERED = {"get": for_all("404", "404"), "post": for_all("404", "404")}
ADMIN_ACTION = {"get": only_admin("405"), "post": only_admin("moved")}

MATRIX: dict[str, Row] = {
    "home": {"get": for_all("200", "login"), "post": for_all("405", "login")},
    "health": {"get": for_all("200", "200"), "post": for_all("405", "405")},
    "set_language": {"get": for_all("home", "home"), "post": for_all("home", "home")},
    "account_reauthenticate": {"get": for_all("200", "login"), "post": for_all("200", "login")},
    "account_email": NOT_OFFERED,
    "allauth_not_offered": NOT_OFFERED,
    # allauth's own views: the login page sends signed-in users home.
    "account_login": {"get": for_all("home", "200"), "post": for_all("home", "200")},
    "account_logout": {"get": for_all("200", "login"), "post": for_all("login", "login")},
    "account_inactive": PUBLIC_PAGE,
    "account_signup": NOT_OFFERED,
    "account_request_reauthentication_code": NOT_OFFERED,
    "account_confirm_reauthentication_code": NOT_OFFERED,
    "account_email_verification_sent": NOT_OFFERED,
    "account_confirm_email": NOT_OFFERED,
    "account_set_password": NOT_OFFERED,
    "account_confirm_login_code": NOT_OFFERED,
    "account_change_password": {"get": for_all("200", "login"), "post": for_all("200", "login")},
    "account_reset_password": {"get": for_all("200", "200"), "post": for_all("200", "200")},
    "account_reset_password_done": PUBLIC_PAGE,
    "account_reset_password_from_key": {
        "get": for_all("200", "200"),
        "post": for_all("200", "200"),
    },
    "account_reset_password_from_key_done": PUBLIC_PAGE,
    # Our two-factor pages.
    "two_factor_login": {"get": for_all("home", "login"), "post": for_all("home", "login")},
    "two_factor_verify": {"get": for_all("home", "login"), "post": for_all("home", "login")},
    "two_factor_setup": {"get": for_all("reauth", "login"), "post": for_all("reauth", "login")},
    "account_security": {"get": for_all("200", "login"), "post": for_all("405", "login")},
    "regenerate_backup_codes": {"get": for_all("405", "login"), "post": for_all("reauth", "login")},
    "invitation_accept": {"get": for_all("home", "200"), "post": for_all("home", "200")},
    # Administration: the admin role only.
    "admin_users": {"get": only_admin("200"), "post": only_admin("405")},
    "admin_invite": {"get": only_admin("200"), "post": only_admin("200")},
    "admin_user_detail": {"get": only_admin("200"), "post": only_admin("200")},
    "admin_user_deactivate": ADMIN_ACTION,
    "admin_user_reactivate": ADMIN_ACTION,
    "admin_user_reset_devices": ADMIN_ACTION,
    "admin_membership_revoke": ADMIN_ACTION,
    "admin_invitation_revoke": ADMIN_ACTION,
    "admin_centres": {"get": only_admin("200"), "post": only_admin("405")},
    "admin_centre_new": {"get": only_admin("200"), "post": only_admin("200")},
    "admin_centre_edit": {"get": only_admin("200"), "post": only_admin("200")},
}


def _walk(patterns: list[URLPattern | URLResolver]) -> Iterator[URLPattern]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns)
        else:
            yield pattern


def all_url_names() -> list[str]:
    names = []
    for pattern in _walk(get_resolver().url_patterns):
        assert pattern.name, f"URL pattern {pattern.pattern} has no name"
        names.append(pattern.name)
    return sorted(set(names))


def _new_invitation(personas: Personas, email: str):
    return invitation_create(
        actor=personas.admin,
        email=email,
        display_name="Invited Person",
        role=Role.DPO,
        centre=None,
        preferred_language="en",
        accept_url_base="http://testserver",
    )


URL_BUILDERS: dict[str, Callable[[Personas], str]] = {
    "admin_user_detail": lambda p: reverse("admin_user_detail", args=[p.colleague.pk]),
    "admin_user_deactivate": lambda p: reverse("admin_user_deactivate", args=[p.colleague.pk]),
    "admin_user_reactivate": lambda p: reverse("admin_user_reactivate", args=[p.colleague.pk]),
    "admin_user_reset_devices": lambda p: reverse(
        "admin_user_reset_devices", args=[p.colleague.pk]
    ),
    "admin_membership_revoke": lambda p: reverse(
        "admin_membership_revoke", args=[Membership.objects.get(user=p.colleague).pk]
    ),
    "admin_invitation_revoke": lambda p: reverse(
        "admin_invitation_revoke", args=[_new_invitation(p, "revoke@x.test").invitation.pk]
    ),
    "invitation_accept": lambda p: reverse(
        "invitation_accept", args=[_new_invitation(p, "accept@x.test").token]
    ),
    "admin_centre_edit": lambda p: reverse("admin_centre_edit", args=[p.turku.pk]),
    "account_confirm_email": lambda p: reverse("account_confirm_email", args=["made-up-key"]),
    "account_reset_password_from_key": lambda p: reverse(
        "account_reset_password_from_key", kwargs={"uidb36": "1", "key": "made-up-key"}
    ),
    "allauth_not_offered": lambda p: "/accounts/signup/",
}


def url_for(name: str, personas: Personas) -> str:
    builder = URL_BUILDERS.get(name)
    return builder(personas) if builder else reverse(name)


def test_every_url_pattern_has_a_row() -> None:
    missing = [name for name in all_url_names() if name not in MATRIX]
    assert missing == [], f"add these URL names to the access matrix: {missing}"
    stale = [name for name in MATRIX if name not in all_url_names()]
    assert stale == [], f"remove rows for URL names that no longer exist: {stale}"


def test_every_row_covers_every_persona_and_method() -> None:
    for name, row in MATRIX.items():
        assert set(row) == {"get", "post"}, name
        for method, expected in row.items():
            assert set(expected) == set(PERSONA_NAMES), (name, method)


def matches(response, expected: str) -> bool:
    location = response.get("Location", "")
    if expected == "login":
        return response.status_code == 302 and location.startswith(reverse("account_login"))
    if expected == "home":
        return response.status_code == 302 and location.split("?")[0] == "/"
    if expected == "reauth":
        return response.status_code == 302 and location.startswith(
            reverse("account_reauthenticate")
        )
    if expected == "moved":
        return response.status_code == 302
    return response.status_code == int(expected)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(personas: Personas, name: str) -> None:
    """Every persona and method for one URL; each request in its own rolled-back savepoint."""
    wrong = []
    for method in ("get", "post"):
        for persona in PERSONA_NAMES:
            savepoint = transaction.savepoint_create()
            client: Client = personas.client_for(persona)
            url = url_for(name, personas)
            response = getattr(client, method)(url)
            expected = MATRIX[name][method][persona]
            if not matches(response, expected):
                wrong.append(
                    f"{method.upper()} {url} as {persona}: got {response.status_code} "
                    f"{response.get('Location', '')}, expected {expected}"
                )
            transaction.savepoint_rollback(savepoint)
    assert wrong == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_a_password_alone_reaches_nothing(personas: Personas, name: str) -> None:
    """A session that passed the password but not the second factor: only enrolment,
    verification, logout, and the pages anyone may see."""
    open_to_anyone = {
        name
        for name, row in MATRIX.items()
        if row["get"]["anonymous"] not in {"login"} and name not in {"account_login"}
    }
    client = personas.client_for("unverified")
    response = client.get(url_for(name, personas))
    if name in {"two_factor_verify", "account_logout", "set_language", "health"}:
        assert response.status_code in {200, 302}
        return
    if name in open_to_anyone and response.status_code in {404, 405}:
        return
    assert response.status_code == 302, (name, response.status_code)
    assert response["Location"].startswith(reverse("two_factor_verify")), (
        name,
        response["Location"],
    )
