from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.i18n import set_language

from accounts import views as account_views
from core import views as core_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # Our re-authentication (password + second factor) takes allauth's name, so allauth's own
    # flows that ask for re-authentication land here too.
    path("accounts/reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    # allauth flows this product does not offer answer 404: users do not manage their own
    # e-mail addresses (administrators do), there is no sign-up, no e-mail verification, no
    # login or re-authentication by e-mailed code, and every account has a password.
    path("accounts/email/", account_views.not_available, name="account_email"),
    re_path(
        r"^accounts/(?:signup|confirm-email|password/set|login/code|reauthenticate/code)/",
        account_views.not_available,
        name="allauth_not_offered",
    ),
    path("accounts/", include("allauth.account.urls")),
    path("", include("accounts.urls")),
    path("", include("casestudies.urls")),
    path("", include("consent.urls")),
    path("", include("retention.urls")),
    path("", include("dpo.urls")),
    path("", include("dpo.trail_urls")),
    path("", include("alerts.urls")),
    path("", include("subject_requests.urls")),
    path("", include("research.urls")),
]

handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
