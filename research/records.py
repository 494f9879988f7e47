"""The pseudonymised record view: one interview per row, generalised, labelled, no identity."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from casestudies.instrument import QUESTIONS
from casestudies.interview_services import vault_values
from casestudies.models import Interview
from casestudies.screening import redact, screen_text
from consent.models import Purpose
from consent.services import consent_allows
from research.fields import QUOTABLE, choosable_fields, code_labels, field_label, vocabulary_labels
from research.generalisation import COUNTRY, quasi_identifier
from research.models import ResearchProject
from research.pseudonyms import pseudonymiser


@dataclass
class Record:
    pseudonym: str
    values: list[tuple[str, str]] = field(default_factory=list)
    quote: str = ""


def screened_quote(interview: Interview) -> str:
    """The quotable passages, only under quotation consent, screened again and redacted."""
    text = interview.quotable_passages.strip()
    if not text or not consent_allows(interview.family, Purpose.QUOTATION):
        return ""
    findings = screen_text(text, vault_values=vault_values(interview.family))
    return redact(text, findings) if findings else text


def _display(name: str, value: Any, labels: dict[tuple[str, str], dict[str, str]]) -> str:
    language = (get_language() or "en")[:2]
    question = QUESTIONS.get(name)
    vocabulary = question.vocabulary if question else ""
    quasi = quasi_identifier(name)
    if quasi is not None:
        value = quasi.generalise(value)
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if question is not None and question.kind == "ratings":
        parts = []
        for agency, dimensions in sorted(value.items()):
            agency_label = code_labels("agency", agency, labels)[language]
            for dimension, score in sorted((dimensions or {}).items()):
                dimension_label = code_labels(vocabulary, dimension, labels)[language]
                parts.append(f"{agency_label} \u2013 {dimension_label}: {score}")
        return "; ".join(parts)
    if isinstance(value, list):
        return ", ".join(code_labels(vocabulary, str(item), labels)[language] for item in value)
    return code_labels(vocabulary, str(value), labels)[language]


def build_records(project: ResearchProject, interviews: Iterable[Interview]) -> list[Record]:
    name_of = pseudonymiser(project)
    labels = vocabulary_labels()
    allowed = set(project.allowed_fields)
    shown = [name for name in choosable_fields() if name in allowed and name != QUOTABLE]
    records = []
    for interview in interviews:
        record = Record(name_of(interview.family_id))
        for name in shown:
            value = interview.family.country if name == COUNTRY else getattr(interview, name)
            record.values.append((field_label(name), _display(name, value, labels)))
        if QUOTABLE in allowed:
            record.quote = screened_quote(interview)
        records.append(record)
    return records
