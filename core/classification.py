"""The field classification registry: every model field of the project has one class.

Research views, anonymisation and the records of processing read this registry; a test fails
for any project model field that is not declared here (DESIGN.md, privacy model point 2).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models


class FieldClass(models.TextChoices):
    IDENTIFIER = "identifier", "identifier"
    QUASI_IDENTIFIER = "quasi_identifier", "quasi-identifier"
    SENSITIVE = "sensitive", "sensitive"
    OTHER = "other", "other"


@dataclass(frozen=True)
class FieldSpec:
    field_class: FieldClass
    description: str = ""
    # For quasi-identifiers: how research sees it (e.g. "year", "country", "age band").
    generalisation: str = ""


# Fields simple-history adds to every historical model; they describe the change, not a person.
HISTORY_FIELDS: dict[str, FieldSpec] = {
    "history_id": FieldSpec(FieldClass.OTHER, "history row id"),
    "history_date": FieldSpec(FieldClass.OTHER, "time of the change"),
    "history_change_reason": FieldSpec(FieldClass.OTHER, "reason given for the change"),
    "history_type": FieldSpec(FieldClass.OTHER, "created, changed or deleted"),
    "history_user": FieldSpec(FieldClass.OTHER, "account that made the change"),
}

_REGISTRY: dict[str, dict[str, FieldSpec]] = {}


def classify(model_label: str, fields: dict[str, FieldSpec]) -> None:
    """Declare the classes of one model's fields (model_label as "app_label.ModelName")."""
    key = model_label.lower()
    if key in _REGISTRY:
        raise ValueError(f"{model_label} is classified twice")
    _REGISTRY[key] = dict(fields)


def spec_for(model: type[models.Model], field_name: str) -> FieldSpec | None:
    """The declared spec of a field; historical models inherit their base model's specs."""
    label = model._meta.label_lower
    declared = _REGISTRY.get(label, {})
    if field_name in declared:
        return declared[field_name]
    base = getattr(model, "instance_type", None)  # set by simple-history on historical models
    if base is not None:
        if field_name in HISTORY_FIELDS:
            return HISTORY_FIELDS[field_name]
        return spec_for(base, field_name)
    return None


def project_models() -> list[type[models.Model]]:
    """Models defined by this project's own apps (not Django's or third parties')."""
    from django.conf import settings

    base_dir = str(settings.BASE_DIR)
    return [
        model
        for model in apps.get_models()
        if model.__module__.split(".")[0] in _project_app_labels(base_dir)
    ]


def _project_app_labels(base_dir: str) -> set[str]:
    return {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if str(config.path).startswith(base_dir) and "/.venv/" not in str(config.path)
    }


def unclassified_fields() -> list[str]:
    """Every project model field without a declared class, as "app.Model.field"."""
    missing = []
    for model in project_models():
        for field in model._meta.get_fields(include_hidden=True):
            if not field.concrete:
                continue
            if spec_for(model, field.name) is None:
                missing.append(f"{model._meta.label}.{field.name}")
    return missing


def registry() -> dict[str, dict[str, FieldSpec]]:
    """A read-only view of the declarations, for the records of processing."""
    return {label: dict(fields) for label, fields in _REGISTRY.items()}
