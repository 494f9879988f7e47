from __future__ import annotations

from django.apps import AppConfig


class DpoConfig(AppConfig):
    name = "dpo"
