"""Create the chain head row that every append locks."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def create_head(apps: Any, schema_editor: Any) -> None:
    head_model = apps.get_model("audit", "AuditChainHead")
    head_model.objects.get_or_create(pk=1, defaults={"sequence": 0, "entry_hash": "0" * 64})


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
