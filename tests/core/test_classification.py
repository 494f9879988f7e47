"""Every model field of the project has a class in the registry."""

from __future__ import annotations

from django.db import models
from django.test.utils import isolate_apps

from accounts.models import User
from core.classification import FieldClass, project_models, spec_for, unclassified_fields


def test_every_project_model_field_is_classified() -> None:
    assert unclassified_fields() == []


def test_the_registry_covers_the_project_apps_and_their_history_tables() -> None:
    labels = {model._meta.label for model in project_models()}
    assert {"accounts.User", "accounts.HistoricalUser", "audit.AuditEvent"} <= labels
    assert not any(label.startswith(("auth.", "axes.", "otp_totp.")) for label in labels)


def test_history_tables_inherit_the_class_of_their_base_field() -> None:
    historical = User.history.model
    assert spec_for(historical, "email").field_class == FieldClass.IDENTIFIER
    assert spec_for(historical, "history_date").field_class == FieldClass.OTHER


@isolate_apps("accounts")
def test_a_field_without_a_class_is_reported() -> None:
    class Unregistered(models.Model):
        planted_name = models.CharField(max_length=10)

        class Meta:
            app_label = "accounts"

        def __str__(self) -> str:
            return self.planted_name

    assert spec_for(Unregistered, "planted_name") is None
    assert spec_for(User, "email").field_class == FieldClass.IDENTIFIER
