"""Seed the controlled vocabularies of instrument version 1 (DOMAIN.md A-L)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from casestudies.vocabularies import INSTRUMENT_VERSION, VOCABULARIES

    term_model = apps.get_model("casestudies", "VocabularyTerm")
    for vocabulary, terms in VOCABULARIES.items():
        for position, term in enumerate(terms):
            code, english, finnish, swedish = term[:4]
            country_labels = term[4] if len(term) > 4 else {}  # type: ignore[misc]
            term_model.objects.update_or_create(
                vocabulary=vocabulary,
                code=code,
                defaults={
                    "labels": {"en": english, "fi": finnish, "sv": swedish},
                    "country_labels": country_labels,
                    "position": position,
                    "introduced_in": INSTRUMENT_VERSION,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("casestudies", "0002_interviews")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
