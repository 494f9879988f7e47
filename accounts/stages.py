"""The allauth login stage that asks for the second factor before the session is logged in."""

from __future__ import annotations

from allauth.account.stages import LoginStage
from allauth.core.internal.httpkit import headed_redirect_response
from django.http import HttpResponse

from accounts.devices import has_confirmed_device


class SecondFactorStage(LoginStage):
    key = "barnahus_second_factor"
    urlname = "two_factor_login"

    def handle(self) -> tuple[HttpResponse | None, bool]:
        user = self.login.user
        if user is not None and has_confirmed_device(user):
            return headed_redirect_response(self.urlname), True
        # No device yet (an invited user who has not enrolled): the session is logged in but
        # unverified, and TwoFactorGateMiddleware allows nothing but enrolment.
        return None, True
