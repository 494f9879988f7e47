from __future__ import annotations

from django.apps import AppConfig


class CasestudiesConfig(AppConfig):
    name = "casestudies"
