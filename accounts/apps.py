from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        # Authentication events come from Django, allauth and axes; their signals are the only
        # hook they offer, so the audit entries for them are written by receivers.
        from accounts import auth_events  # noqa: F401
