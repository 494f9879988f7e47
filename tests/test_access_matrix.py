"""The access matrix: every URL pattern x every persona x GET/POST has an expected answer.

A URL pattern without a row fails the suite, so a new view cannot ship without stating who may
reach it. Expected answers: a status code, or "login" (redirect to the login page), "home"
(redirect to /), "reauth" (redirect to re-authentication), "moved" (any other redirect).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Membership, Role
from accounts.services import invitation_create
from audit.checkpoints import checkpoint_create
from casestudies.interview_services import interview_create
from consent.services import consent_record, consent_withdraw
from research.models import ExportStatus, ResearchExport
from retention.models import SweepRun
from subject_requests.models import RequestType
from subject_requests.services import request_register
from tests.conftest import PERSONA_NAMES, Personas
from tests.factories import consent_input, draft_form, make_family, published_form
from tests.research.conftest import make_project

VERIFIED = tuple(name for name in PERSONA_NAMES if name != "anonymous")

Row = dict[str, dict[str, str]]


def for_all(verified: str, anonymous: str) -> dict[str, str]:
    return {**dict.fromkeys(VERIFIED, verified), "anonymous": anonymous}


def only_admin(admin: str, anonymous: str = "login") -> dict[str, str]:
    return {**dict.fromkeys(VERIFIED, "403"), "admin": admin, "anonymous": anonymous}


CASE_PEOPLE = ("staff", "colleague", "lead")


def case_page(get: str, post: str, *, outsider: str = "404") -> Row:
    """A page about one family of the Helsinki centre: its staff and lead only."""

    def row(status: str) -> dict[str, str]:
        return {
            **dict.fromkeys(VERIFIED, "403"),
            **dict.fromkeys(CASE_PEOPLE, status),
            "outsider": outsider,
            "anonymous": "login",
        }

    return {"get": row(get), "post": row(post)}


def case_list_page(get: str, post: str) -> Row:
    """A page every staff member and lead may use (shows only their own centre)."""
    return {
        "get": {
            **dict.fromkeys(VERIFIED, "403"),
            **dict.fromkeys((*CASE_PEOPLE, "outsider"), get),
            "anonymous": "login",
        },
        "post": {
            **dict.fromkeys(VERIFIED, "403"),
            **dict.fromkeys((*CASE_PEOPLE, "outsider"), post),
            "anonymous": "login",
        },
    }


def only_dpo(get: str, post: str) -> Row:
    return {
        "get": {**dict.fromkeys(VERIFIED, "403"), "dpo": get, "anonymous": "login"},
        "post": {**dict.fromkeys(VERIFIED, "403"), "dpo": post, "anonymous": "login"},
    }


def dpo_and_admin(get: str, post: str) -> Row:
    """DPO pages administrators may read too (no case data)."""
    return {
        "get": {**dict.fromkeys(VERIFIED, "403"), "dpo": get, "admin": get, "anonymous": "login"},
        "post": {
            **dict.fromkeys(VERIFIED, "403"),
            "dpo": post,
            "admin": post,
            "anonymous": "login",
        },
    }


def researcher_page(get: str, post: str) -> Row:
    """Pages of a running research project: its member researchers only."""
    return {
        "get": {**dict.fromkeys(VERIFIED, "403"), "researcher": get, "anonymous": "login"},
        "post": {**dict.fromkeys(VERIFIED, "403"), "researcher": post, "anonymous": "login"},
    }


def lead_page(get: str, post: str) -> Row:
    """Review pages: leads of the family's centre only."""
    return {
        "get": {**dict.fromkeys(VERIFIED, "403"), "lead": get, "anonymous": "login"},
        "post": {**dict.fromkeys(VERIFIED, "403"), "lead": post, "anonymous": "login"},
    }


def form_reader_page() -> Row:
    readers = (*CASE_PEOPLE, "outsider", "admin")
    return {
        "get": {
            **dict.fromkeys(VERIFIED, "403"),
            **dict.fromkeys(readers, "200"),
            "anonymous": "login",
        },
        "post": {
            **dict.fromkeys(VERIFIED, "403"),
            **dict.fromkeys(readers, "405"),
            "anonymous": "login",
        },
    }


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
    # Families and consent: staff and leads of the family's centre; other centres get 404.
    "family_list": case_list_page("200", "405"),
    "family_new": case_list_page("200", "200"),
    "family_detail": case_page("200", "405"),
    # The identity always asks for fresh re-authentication first (then a reason).
    "identity_view": case_page("reauth", "reauth"),
    "identity_edit": case_page("reauth", "reauth"),
    "consent_record": case_page("200", "200"),
    "consent_receipt": case_page("200", "405"),
    "consent_withdraw": case_page("200", "200"),
    "withdrawal_receipt": case_page("200", "405"),
    "consent_evidence": case_page("200", "405"),
    # Consent forms: staff and leads read and use them, administrators manage them.
    "consent_form_list": form_reader_page(),
    "consent_form_detail": form_reader_page(),
    "consent_form_new": {"get": only_admin("200"), "post": only_admin("200")},
    "consent_form_edit": {"get": only_admin("200"), "post": only_admin("200")},
    "consent_form_publish": ADMIN_ACTION,
    "consent_form_retire": ADMIN_ACTION,
    "consent_form_new_version": ADMIN_ACTION,
    # Interviews: staff and leads of the family's centre; review steps for leads only.
    "interview_list": case_list_page("200", "405"),
    "interview_new": case_page("200", "200"),
    "interview_detail": case_page("200", "405"),
    # An empty POST carries no revision: it is treated as a stale save (conflict page).
    "interview_edit": case_page("200", "409"),
    "interview_confirm_findings": case_page("405", "moved"),
    "interview_redact_finding": case_page("405", "moved"),
    "interview_submit": case_page("405", "moved"),
    "interview_lock": lead_page("405", "moved"),
    "interview_unlock": lead_page("200", "200"),
    "interview_history": lead_page("200", "405"),
    # Retention: the DPO only (metadata: family codes and dates).
    "retention_overview": only_dpo("200", "405"),
    "retention_hold": only_dpo("405", "404"),
    "retention_release": only_dpo("405", "404"),
    # The DPO's audit pages.
    "dpo_overview": only_dpo("200", "405"),
    "dpo_verification": only_dpo("200", "moved"),
    "dpo_checkpoints": only_dpo("200", "moved"),
    "dpo_checkpoint_download": only_dpo("200", "405"),
    "dpo_trail": only_dpo("200", "405"),
    "dpo_trail_export": only_dpo("200", "405"),
    "dpo_family_trail": only_dpo("200", "405"),
    "dpo_user_trail": only_dpo("200", "405"),
    "dpo_openings_report": only_dpo("200", "405"),
    "alerts_list": only_dpo("200", "405"),
    "alerts_acknowledge": only_dpo("405", "404"),
    # Data-subject requests: the DPO only; erasing and the access bundle ask for re-authentication.
    "subject_request_list": only_dpo("200", "405"),
    "subject_request_new": only_dpo("200", "200"),
    "subject_request_detail": only_dpo("200", "405"),
    "subject_request_update": only_dpo("405", "200"),
    "subject_request_extend": only_dpo("405", "200"),
    "subject_request_close": only_dpo("405", "200"),
    "subject_request_erase": only_dpo("reauth", "reauth"),
    "subject_request_bundle": only_dpo("reauth", "reauth"),
    # Records of processing (Art. 30): the DPO, and administrators may read them.
    "dpo_processing": dpo_and_admin("200", "405"),
    "dpo_processing_download": dpo_and_admin("200", "405"),
    # Research: members of a running project; administrators manage projects.
    "research_projects": researcher_page("200", "405"),
    "research_dashboard": researcher_page("200", "405"),
    "research_records": researcher_page("200", "405"),
    "research_exports": researcher_page("200", "200"),
    "research_export_download": researcher_page("reauth", "405"),
    "research_dpo_exports": only_dpo("200", "405"),
    "research_admin_projects": {"get": only_admin("200"), "post": only_admin("405")},
    "research_admin_project_new": {"get": only_admin("200"), "post": only_admin("200")},
    "research_admin_project_edit": {"get": only_admin("200"), "post": only_admin("200")},
    "research_admin_member_add": ADMIN_ACTION,
    "research_admin_member_remove": ADMIN_ACTION,
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


PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def case_objects(personas: Personas) -> dict[str, object]:
    """A Helsinki family with a consent (with evidence), a partial withdrawal and two forms."""
    cached = getattr(personas, "_case_objects", None)
    if cached is not None:
        return cached
    published = published_form(personas.admin)
    family = make_family(personas.staff, personas.helsinki)
    consent = consent_record(
        actor=personas.staff, family=family, data=consent_input(published, evidence=PDF)
    )
    withdrawal = consent_withdraw(
        actor=personas.staff,
        consent=consent,
        purposes=["quotation"],
        full=False,
        withdrawn_on=consent.consent_date,
    )
    interview = interview_create(
        actor=personas.staff,
        family=family,
        values={"narrative_what_happened": "They rang +358 40 765 4321 about it."},
    )
    subject_request = request_register(
        actor=personas.dpo,
        family=family,
        request_type=RequestType.ERASURE,
        received_on=timezone.localdate(),
    )
    # The sweep has run, so /health/ answers 200 (its 503 cases are tested in tests/core).
    SweepRun.objects.create(finished_at=timezone.now(), succeeded=True)
    project = make_project(personas.admin, personas.researcher)
    export = ResearchExport.objects.create(
        project=project,
        requested_by=personas.researcher,
        purpose="Matrix check (synthetic).",
        fields=[],
        status=ExportStatus.READY,
        expires_at=timezone.now() + timedelta(days=7),
    )
    objects = {
        "project": project,
        "export": export,
        "subject_request": subject_request,
        "checkpoint": checkpoint_create(),
        "interview": interview,
        "family": family,
        "consent": consent,
        "withdrawal": withdrawal,
        "published": published,
        "draft": draft_form(personas.admin, form_key="draft-form"),
    }
    personas._case_objects = objects  # type: ignore[attr-defined]
    return objects


def _family_url(name: str, *extra: str) -> Callable[[Personas], str]:
    def build(personas: Personas) -> str:
        objects = case_objects(personas)
        args: list[object] = [objects["family"].code]  # type: ignore[attr-defined]
        for key in extra:
            args.append(objects[key].pk)  # type: ignore[attr-defined]
        return reverse(name, args=args)

    return build


def _form_url(name: str, which: str) -> Callable[[Personas], str]:
    return lambda personas: reverse(name, args=[case_objects(personas)[which].pk])  # type: ignore[attr-defined]


def _project_url(name: str) -> Callable[[Personas], str]:
    return lambda personas: reverse(name, args=[case_objects(personas)["project"].pk])  # type: ignore[attr-defined]


def _subject_request_url(name: str) -> Callable[[Personas], str]:
    return lambda personas: reverse(name, args=[case_objects(personas)["subject_request"].pk])  # type: ignore[attr-defined]


def _interview_url(name: str) -> Callable[[Personas], str]:
    return lambda personas: reverse(name, args=[case_objects(personas)["interview"].code])  # type: ignore[attr-defined]


URL_BUILDERS: dict[str, Callable[[Personas], str]] = {
    "family_detail": _family_url("family_detail"),
    "identity_view": _family_url("identity_view"),
    "identity_edit": _family_url("identity_edit"),
    "consent_record": _family_url("consent_record"),
    "consent_receipt": _family_url("consent_receipt", "consent"),
    "consent_withdraw": _family_url("consent_withdraw", "consent"),
    "withdrawal_receipt": _family_url("withdrawal_receipt", "consent", "withdrawal"),
    "consent_evidence": _family_url("consent_evidence", "consent"),
    "interview_new": _family_url("interview_new"),
    "research_dashboard": _project_url("research_dashboard"),
    "research_records": _project_url("research_records"),
    "research_exports": _project_url("research_exports"),
    "research_admin_project_edit": _project_url("research_admin_project_edit"),
    "research_admin_member_add": _project_url("research_admin_member_add"),
    "research_admin_member_remove": lambda p: reverse(
        "research_admin_member_remove",
        args=[case_objects(p)["project"].pk, p.researcher.pk],  # type: ignore[attr-defined]
    ),
    "research_export_download": lambda p: reverse(
        "research_export_download",
        args=[case_objects(p)["project"].pk, case_objects(p)["export"].pk],  # type: ignore[attr-defined]
    ),
    "subject_request_detail": _subject_request_url("subject_request_detail"),
    "subject_request_update": _subject_request_url("subject_request_update"),
    "subject_request_extend": _subject_request_url("subject_request_extend"),
    "subject_request_close": _subject_request_url("subject_request_close"),
    "subject_request_erase": _subject_request_url("subject_request_erase"),
    "subject_request_bundle": _subject_request_url("subject_request_bundle"),
    "dpo_family_trail": lambda p: reverse(
        "dpo_family_trail",
        args=[case_objects(p)["family"].code],  # type: ignore[attr-defined]
    ),
    "dpo_user_trail": lambda p: reverse("dpo_user_trail", args=[p.staff.pk]),
    "dpo_checkpoint_download": lambda p: reverse(
        "dpo_checkpoint_download",
        args=[case_objects(p)["checkpoint"].pk],  # type: ignore[attr-defined]
    ),
    "interview_detail": _interview_url("interview_detail"),
    "interview_edit": _interview_url("interview_edit"),
    "interview_confirm_findings": _interview_url("interview_confirm_findings"),
    "interview_redact_finding": _interview_url("interview_redact_finding"),
    "interview_submit": _interview_url("interview_submit"),
    "interview_lock": _interview_url("interview_lock"),
    "interview_unlock": _interview_url("interview_unlock"),
    "interview_history": _interview_url("interview_history"),
    "consent_form_detail": _form_url("consent_form_detail", "published"),
    "consent_form_edit": _form_url("consent_form_edit", "draft"),
    "consent_form_publish": _form_url("consent_form_publish", "draft"),
    "consent_form_retire": _form_url("consent_form_retire", "published"),
    "consent_form_new_version": _form_url("consent_form_new_version", "published"),
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
    case_objects(personas)  # outside the savepoints, so every request sees the same objects
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
    case_objects(personas)
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
