"""Screening results on the demo narratives: found / missed / false alarms (prints only).

Rebuilds the demo's synthetic stories exactly as casestudies/demo_interviews.py writes them
(same templates, names and seeds), screens every narrative against the family's own vault
values, and compares the hits with what was planted.
Run: .venv/bin/python bench/screening_demo_eval.py
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


def main() -> None:
    import django

    django.setup()
    from casestudies.demo_interviews import NARRATIVES, demo_person
    from casestudies.screening import screen_text

    urls = ["www.esimerkki-tuki.fi", "www.exempel-stod.fi", "https://support.example.ie/help"]
    rng = random.Random(20261129)  # noqa: S311 - synthetic data
    found = missed = false_alarms = planted_total = texts = words = 0
    missed_examples: list[str] = []
    alarm_examples: list[str] = []
    started = time.perf_counter()
    for _family in range(300):
        language = rng.choice(["fi", "fi", "sv", "en"])
        person = demo_person(rng, language)
        story = person.story
        vault = person.identity.values_for_screening()
        for templates in NARRATIVES[language].values():
            for template in templates:
                text = template.format(**story)
                texts += 1
                words += len(text.split())
                planted = [value for value in {*story.values(), *urls} if value in text]
                planted_total += len(planted)
                hits = screen_text(text, vault_values=vault)
                for value in planted:
                    start = text.index(value)
                    end = start + len(value)
                    if any(h.start <= start and h.end >= end - 1 for h in hits) or any(
                        h.start < end and h.end > start for h in hits
                    ):
                        found += 1
                    else:
                        missed += 1
                        missed_examples.append(value)
                for hit in hits:
                    if not any(
                        text.index(value) < hit.end and text.index(value) + len(value) > hit.start
                        for value in planted
                    ):
                        false_alarms += 1
                        alarm_examples.append(hit.text)
    seconds = time.perf_counter() - started
    print(f"narratives screened: {texts} ({words} words) in {seconds:.2f} s")
    print(
        f"planted values: {planted_total}; found {found}; missed {missed}; "
        f"false alarms {false_alarms}"
    )
    if missed_examples:
        print("missed, e.g.:", sorted(set(missed_examples))[:10])
    if alarm_examples:
        print("false alarms, e.g.:", sorted(set(alarm_examples))[:10])


if __name__ == "__main__":
    main()
