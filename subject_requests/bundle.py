"""Everything the system holds about one family, for an access request (GDPR Art. 15).

Which tables hold family data is not listed by hand: every model with a chain of foreign keys
to Family, every model with a plain `family_id` or `family_code` column (kept as a plain value
so that it outlives an erasure), and the history model of any such model are found by
introspection, so a model added later is in the bundle without anyone remembering to add it.
The audit trail and the retention sweep log name families inside their entries; they are
searched by code.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction, AuditEvent
from casestudies.models import Family, IdentityVault
from casestudies.services import IdentityUnavailable, family_data_key, identity_for_correction
from consent.models import ConsentEvidence
from core.crypto import DecryptionFailed, unseal
from retention.models import SweepRun

BUNDLE_FORMAT = "barnahus-family-voices/access-bundle"
BUNDLE_VERSION = 1
HTML_NAME = "family-data.html"
JSON_NAME = "family-data.json"

# Family tables shown in a section of their own instead of as table rows.
DEDICATED_SECTIONS = {"audit.auditevent": "audit_entries"}

# Sections a reader expects first; every other family table follows in label order.
PREFERRED_ORDER = (
    "casestudies.family",
    "casestudies.identityvault",
    "consent.consentrecord",
    "consent.consentwithdrawal",
    "consent.consentevidence",
    "casestudies.interview",
    "subject_requests.subjectrequest",
)


# ---------------------------------------------------------------------------- introspection


@dataclass(frozen=True)
class FamilyTable:
    """A model that holds family data, and how its rows are tied to a family."""

    model: type[models.Model]
    links: tuple[models.ForeignKey[Any, Any], ...]  # foreign keys to other family tables
    history_of: type[models.Model] | None  # the live model, for a simple-history model
    id_columns: tuple[str, ...] = ()  # plain columns holding Family.pk
    code_columns: tuple[str, ...] = ()  # plain columns holding Family.code

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def _history_base(model: type[models.Model]) -> type[models.Model] | None:
    base = getattr(model, "instance_type", None)  # set by simple-history on historical models
    return base if isinstance(base, type) and issubclass(base, models.Model) else None


def _foreign_keys(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [
        candidate
        for candidate in model._meta.concrete_fields
        if isinstance(candidate, models.ForeignKey)
    ]


# Plain (non-foreign-key) columns that name a family by id or by code.
FAMILY_ID_COLUMNS = frozenset({"family_id"})
FAMILY_CODE_COLUMNS = frozenset({"family_code"})


def _plain_columns(model: type[models.Model], names: frozenset[str]) -> tuple[str, ...]:
    return tuple(
        column.name
        for column in model._meta.concrete_fields
        if not column.is_relation and column.name in names
    )


def family_tables(candidates: Iterable[type[models.Model]] | None = None) -> list[FamilyTable]:
    """Family, every model with a foreign-key path to it or a plain family id or code column,
    and their history models."""
    pool = list(apps.get_models() if candidates is None else candidates)
    if Family not in pool:
        pool.append(Family)
    linked: set[type[models.Model]] = {Family}
    changed = True
    while changed:
        changed = False
        for model in pool:
            if model in linked:
                continue
            reaches_family = any(fk.related_model in linked for fk in _foreign_keys(model))
            names_family = bool(_plain_columns(model, FAMILY_ID_COLUMNS | FAMILY_CODE_COLUMNS))
            if reaches_family or names_family or _history_base(model) in linked:
                linked.add(model)
                changed = True
    tables = [
        FamilyTable(
            model=model,
            links=tuple(fk for fk in _foreign_keys(model) if fk.related_model in linked),
            history_of=_history_base(model),
            id_columns=_plain_columns(model, FAMILY_ID_COLUMNS),
            code_columns=_plain_columns(model, FAMILY_CODE_COLUMNS),
        )
        for model in linked
    ]
    return sorted(tables, key=_section_key)


def _section_key(table: FamilyTable) -> tuple[int, int, str]:
    """Live tables first, then history tables, each in the reader's order."""
    live_label = table.history_of._meta.label_lower if table.history_of else table.label
    if live_label in PREFERRED_ORDER:
        position = PREFERRED_ORDER.index(live_label)
    else:
        position = len(PREFERRED_ORDER)
    return (0 if table.history_of is None else 1, position, table.label)


def collect_family_rows(
    family: Family, tables: list[FamilyTable]
) -> dict[type[models.Model], list[models.Model]]:
    """The rows of every family table that belong to the family.

    Ids are gathered from live and history rows alike and the search repeats until nothing new
    turns up, so history rows of deleted rows (and their dependants) are found too.
    """
    ids: dict[type[models.Model], set[Any]] = {table.model: set() for table in tables}
    ids[Family] = {family.pk}
    rows: dict[type[models.Model], list[models.Model]] = {table.model: [] for table in tables}
    while True:
        grown = False
        for table in tables:
            if table.model is Family:
                rows[Family] = [Family._base_manager.get(pk=family.pk)]
                continue
            if table.label in DEDICATED_SECTIONS:
                continue  # read by the section's own query
            condition = _plain_column_condition(table, family)
            for fk in table.links:
                if ids[fk.related_model]:
                    condition |= Q(**{f"{fk.attname}__in": ids[fk.related_model]})
            base = table.history_of
            if base is not None and ids.get(base):
                condition |= Q(**{f"{base._meta.pk.attname}__in": ids[base]})
            if not condition:
                continue
            found = list(table.model._base_manager.filter(condition).order_by("pk"))
            rows[table.model] = found
            before = (len(ids[table.model]), len(ids[base]) if base is not None else 0)
            ids[table.model] |= {row.pk for row in found}
            if base is not None:
                ids[base] |= {getattr(row, base._meta.pk.attname) for row in found}
            after = (len(ids[table.model]), len(ids[base]) if base is not None else 0)
            grown = grown or after != before
        if not grown:
            return rows


def _references(
    tables: list[FamilyTable], rows: dict[type[models.Model], list[models.Model]]
) -> dict[str, set[str]]:
    """How the audit trail may name each row: "app.model" -> its ids and codes as text."""
    references: dict[str, set[str]] = {}
    for table in tables:
        live = table.history_of or table.model
        if live._meta.label_lower in DEDICATED_SECTIONS:
            continue
        keys = references.setdefault(live._meta.label_lower, set())
        pk_name = live._meta.pk.attname
        # Codes name rows in the trail where they exist (families, interviews).
        code_field = next((f for f in live._meta.concrete_fields if f.name == "code"), None)
        for row in rows[table.model]:
            keys.add(str(row.__dict__[pk_name]))
            code = code_field.value_from_object(row) if code_field is not None else None
            if code:
                keys.add(str(code))
    return references


def _plain_column_condition(table: FamilyTable | None, family: Family) -> Q:
    condition = Q()
    if table is not None:
        for name in table.id_columns:
            condition |= Q(**{name: family.pk})
        for name in table.code_columns:
            condition |= Q(**{name: family.code})
    return condition


def audit_entries_about(
    family: Family, references: dict[str, set[str]], tables: list[FamilyTable] | None = None
) -> list[AuditEvent]:
    """Entries that target the family or one of its rows, or name its code in their details
    or in a family column. Entries written before the trail had a family column are found by
    their targets and details."""
    condition = Q(details__family=family.code) | Q(
        target_type="casestudies.family", target_id=family.code
    )
    audit_table = next((t for t in tables or [] if t.model is AuditEvent), None)
    condition |= _plain_column_condition(audit_table, family)
    for label, keys in references.items():
        if keys:
            condition |= Q(target_type=label, target_id__in=sorted(keys))
    return list(AuditEvent.objects.filter(condition).order_by("sequence"))


def sweep_runs_mentioning(family: Family) -> list[dict[str, Any]]:
    """Retention sweeps that held the family back or failed on it (other codes left out)."""
    runs = SweepRun.objects.filter(
        Q(held__icontains=family.code) | Q(failed__icontains=family.code)
    ).order_by("started_at")
    mentions = []
    for run in runs:
        held = family.code in (run.held or [])
        failed = any(str(item).startswith(f"{family.code}:") for item in run.failed or [])
        if held or failed:
            mentions.append(
                {
                    "started_at": run.started_at,
                    "finished_at": run.finished_at,
                    "dry_run": run.dry_run,
                    "outcome": "held" if held else "failed",
                }
            )
    return mentions


# ---------------------------------------------------------------------------- values


def _plain(value: Any) -> Any:
    """A JSON-ready copy of a field value."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return {"encrypted_bytes": len(bytes(value))}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _field_value(column: models.Field[Any, Any], row: models.Model) -> Any:
    value = column.value_from_object(row)
    if isinstance(column, models.BinaryField):
        # Ciphertext is useless to the family; its content is given decrypted elsewhere.
        return {"encrypted_bytes": len(bytes(value or b""))}
    if column.is_relation:
        if value is None:
            return None
        if column.related_model is get_user_model():
            # Staff are named as in the audit trail: by account id.
            return f"user:{value}"
        return value
    return _plain(value)


def _display(column: models.Field[Any, Any], value: Any) -> str:
    if value is None or value == "":
        return "—"
    choices = dict(column.flatchoices) if column.choices else {}
    if choices and not isinstance(value, list | dict):
        label = choices.get(value)
        return f"{label} ({value})" if label else str(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _column_label(column: models.Field[Any, Any]) -> str:
    return str(column.verbose_name)


@dataclass
class Section:
    label: str
    title: str
    is_history: bool
    rows: list[dict[str, Any]] = field(default_factory=list)
    display_rows: list[list[tuple[str, str]]] = field(default_factory=list)


def _section(table: FamilyTable, found: list[models.Model]) -> Section:
    meta = table.model._meta
    section = Section(
        label=table.label, title=str(meta.verbose_name), is_history=table.history_of is not None
    )
    columns = list(meta.concrete_fields)
    for row in found:
        values = {column.attname: _field_value(column, row) for column in columns}
        section.rows.append(values)
        section.display_rows.append(
            [
                (_column_label(column), _display(column, values[column.attname]))
                for column in columns
            ]
        )
    return section


# ---------------------------------------------------------------------------- identity


def _identity_lines(identity: dict[str, Any]) -> list[tuple[str, str]]:
    """The decrypted identity as (label, value) lines for the readable document."""
    lines: list[tuple[str, str]] = []
    for number, person in enumerate(identity.get("respondents", []), start=1):
        for key, label in (
            ("name", _("name")),
            ("relationship", _("relationship to the child")),
            ("phone", _("phone")),
            ("email", _("e-mail")),
            ("address", _("address")),
            ("personal_identity_code", _("personal identity code")),
        ):
            if person.get(key):
                lines.append(
                    (
                        _("Respondent %(number)s: %(what)s") % {"number": number, "what": label},
                        str(person[key]),
                    )
                )
    simple = (
        ("child_name", _("Child's name")),
        ("child_date_of_birth", _("Child's date of birth")),
        ("notes", _("Notes")),
    )
    for key, label in simple:
        if identity.get(key):
            lines.append((str(label), str(identity[key])))
    for key, label in (
        ("police_case_numbers", _("Police case numbers")),
        ("court_case_numbers", _("Court case numbers")),
    ):
        if identity.get(key):
            lines.append((str(label), ", ".join(identity[key])))
    for number, offender in enumerate(identity.get("offenders", []), start=1):
        if offender.get("name"):
            lines.append((_("Offender %(number)s: name") % {"number": number}, offender["name"]))
        if offender.get("usernames"):
            lines.append(
                (
                    _("Offender %(number)s: usernames") % {"number": number},
                    ", ".join(offender["usernames"]),
                )
            )
    return lines


@dataclass
class IdentityPart:
    available: bool
    current: dict[str, Any] | None = None
    # Every saved version from the vault's history rows, oldest first (the last is the current).
    versions: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


def _identity_part(family: Family, vault_history: list[models.Model]) -> IdentityPart:
    try:
        identity = identity_for_correction(family)
        key = family_data_key(family)
    except IdentityUnavailable as error:
        return IdentityPart(available=False, note=str(error))
    part = IdentityPart(available=True, current=json.loads(identity.to_json()))
    for row in vault_history:
        snapshot: IdentityVault = row.instance  # type: ignore[attr-defined]
        try:
            plaintext = unseal(key, bytes(snapshot.ciphertext), snapshot.associated_data())
        except DecryptionFailed:
            continue
        part.versions.append(
            {
                "changed_at": _plain(row.history_date),  # type: ignore[attr-defined]
                "identity": json.loads(plaintext.decode("utf-8")),
            }
        )
    return part


def _evidence_files(
    family: Family, evidence_rows: list[models.Model]
) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    listing: list[dict[str, Any]] = []
    files: dict[str, bytes] = {}
    if not evidence_rows:
        return listing, files
    try:
        key: bytes | None = family_data_key(family)
    except IdentityUnavailable:
        key = None
    for row in evidence_rows:
        assert isinstance(row, ConsentEvidence)
        entry: dict[str, Any] = {
            "consent": row.consent_id,
            "sha256": row.sha256,
            "size": row.size,
            "uploaded_at": _plain(row.uploaded_at),
            "file": None,
        }
        if key is not None:
            try:
                content = unseal(key, bytes(row.ciphertext), row.associated_data())
            except DecryptionFailed:
                content = None
            if content is not None:
                name = f"evidence/consent-{row.consent_id}.pdf"
                files[name] = content
                entry["file"] = name
        listing.append(entry)
    return listing, files


# ---------------------------------------------------------------------------- the bundle


def _audit_entry(entry: AuditEvent, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "sequence": entry.sequence,
        "occurred_at": _plain(entry.occurred_at),
        "actor": entry.actor_label,
        "action": entry.action,
        "action_label": labels.get(entry.action, entry.action),
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "reason": entry.reason,
        "details": entry.details,
        "entry_hash": entry.entry_hash,
    }


@dataclass
class Bundle:
    content: bytes
    counts: dict[str, Any]
    covered_tables: list[str]


def build_bundle(*, family: Family, request_id: int, request_type: str) -> Bundle:
    """The ZIP (readable HTML + machine-readable JSON + evidence files), built in memory."""
    tables = family_tables()
    rows = collect_family_rows(family, tables)
    sections = [
        _section(table, rows[table.model])
        for table in tables
        if table.label not in DEDICATED_SECTIONS
    ]
    vault_history = next((rows[t.model] for t in tables if t.history_of is IdentityVault), [])
    identity = _identity_part(family, vault_history)
    evidence_listing, evidence_content = _evidence_files(family, rows.get(ConsentEvidence, []))
    labels = {str(value): str(label) for value, label in AuditAction.choices}
    entries = [
        _audit_entry(entry, labels)
        for entry in audit_entries_about(family, _references(tables, rows), tables)
    ]
    sweeps = [
        {key: _plain(value) for key, value in run.items()} for run in sweep_runs_mentioning(family)
    ]
    generated_at = timezone.now()
    document = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "generated_at": generated_at.isoformat(),
        "family": family.code,
        "request": {"id": request_id, "type": request_type},
        "identity": {
            "available": identity.available,
            "note": identity.note,
            "current": identity.current,
            "versions": identity.versions,
        },
        "tables": {
            section.label: {
                "name": section.title,
                "history": section.is_history,
                "rows": section.rows,
            }
            for section in sections
        },
        "evidence_files": evidence_listing,
        "audit_entries": entries,
        "retention_sweeps": sweeps,
        # Every family table found by introspection, and where its rows are in this file.
        "covered_tables": {
            **{section.label: "tables" for section in sections},
            **{
                table.label: DEDICATED_SECTIONS[table.label]
                for table in tables
                if table.label in DEDICATED_SECTIONS
            },
        },
        # Searched by the family code inside their entries.
        "searched_by_code": ["audit.auditevent", "retention.sweeprun"],
    }
    html = render_to_string(
        "subject_requests/bundle.html",
        {
            "family": family,
            "generated_at": generated_at,
            "request_id": request_id,
            "identity": identity,
            "identity_lines": _identity_lines(identity.current) if identity.current else [],
            "identity_versions": [
                (version["changed_at"], _identity_lines(version["identity"]))
                for version in identity.versions
            ],
            "sections": sections,
            "evidence": evidence_listing,
            "entries": entries,
            "sweeps": sweeps,
        },
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(HTML_NAME, html)
        archive.writestr(
            JSON_NAME, json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)
        )
        for name, content in evidence_content.items():
            archive.writestr(name, content)
    counts = {
        "tables": {section.label: len(section.rows) for section in sections},
        "identity_available": identity.available,
        "identity_versions": len(identity.versions),
        "evidence_files": len(evidence_content),
        "audit_entries": len(entries),
        "retention_sweeps": len(sweeps),
    }
    return Bundle(
        content=buffer.getvalue(),
        counts=counts,
        covered_tables=[table.label for table in tables],
    )
