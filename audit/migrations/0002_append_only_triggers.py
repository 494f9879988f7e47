"""Refuse UPDATE and DELETE on the audit table at the database, on PostgreSQL and SQLite."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    from audit.guard import install_guard

    install_guard(schema_editor.connection)


def remove(apps: Any, schema_editor: Any) -> None:
    from audit.guard import remove_guard

    remove_guard(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
