"""allauth adapter: no public sign-up, and our second-factor stage as the only login stage."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts exist only through invitations.
        return False

    def get_login_stages(self) -> list[str]:
        return ["accounts.stages.SecondFactorStage"]
