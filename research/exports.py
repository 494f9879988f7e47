"""Building, storing and reading disclosure-controlled exports.

Storage: the ZIP is written to var/exports/ (RESEARCH_EXPORT_DIR) encrypted in 1 MiB AES-GCM
chunks under a data key of its own that lives in the key store. Not in the database, because
exports can be large and database backups outlive the 7-day promise; encrypted, because files
under var/ are backed up too: destroying the key at expiry makes every copy unreadable.

Memory stays flat: rows stream from the database twice (once to count the quasi-identifier
combinations, once to write), the CSV goes to a temporary file, and the ZIP and the encryption
read and write in chunks.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import struct
import tempfile
import uuid
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.crypto import seal, unseal
from keystore.services import data_key_create, data_key_destroy, data_key_open
from research.disclosure import KAnonymityResult, k_anonymise
from research.fields import LANGUAGES, TYPE_DESCRIPTIONS, Column, columns_for
from research.generalisation import COUNTRY
from research.models import ResearchExport, ResearchExportFamily
from research.pseudonyms import pseudonymiser
from research.selectors import interviews_for_research

EXPORT_LIFETIME = timedelta(days=7)
CHUNK_BYTES = 1024 * 1024
PROGRESS_EVERY = 1000
PSEUDONYM_COLUMN = "pseudonym"


def export_dir() -> Path:
    path = Path(getattr(settings, "RESEARCH_EXPORT_DIR", settings.BASE_DIR / "var" / "exports"))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def export_path(export_id: uuid.UUID) -> Path:
    return export_dir() / f"{export_id}.zip.sealed"


# ---------------------------------------------------------------------------- reading rows


def _value_names(columns: list[Column]) -> list[str]:
    names = {"family_id"}
    for column in columns:
        names.add("family__country" if column.source == COUNTRY else column.source)
    return sorted(names)


def _rows(
    export: ResearchExport, columns: list[Column], *, shuffled: bool
) -> Iterator[dict[str, Any]]:
    queryset = interviews_for_research(export.project)
    # The released order is random (sorted by the database, so memory stays flat here): the
    # order of creation would tell more than the generalised dates do.
    queryset = queryset.order_by("?") if shuffled else queryset.order_by("pk")
    for row in queryset.values(*_value_names(columns)).iterator(chunk_size=2000):
        row[COUNTRY] = row.pop("family__country", None)
        yield row


def _qi_columns(columns: list[Column]) -> list[Column]:
    return [column for column in columns if column.quasi is not None]


def count_combinations(export: ResearchExport, columns: list[Column]) -> Counter[tuple[Any, ...]]:
    qi_columns = _qi_columns(columns)
    counts: Counter[tuple[Any, ...]] = Counter()
    for row in _rows(export, columns, shuffled=False):
        counts[tuple(column.raw(row) for column in qi_columns)] += 1
    return counts


# ---------------------------------------------------------------------------- the files


def write_data(
    export: ResearchExport,
    columns: list[Column],
    result: KAnonymityResult,
    target: io.TextIOBase | Any,
) -> int:
    """Write data.csv; returns the number of rows written. Progress is saved as it goes."""
    qi_columns = _qi_columns(columns)
    qis = [column.quasi for column in qi_columns]
    levels = dict(zip([column.name for column in qi_columns], result.levels, strict=True))
    name_of = pseudonymiser(export.project)
    writer = csv.writer(target, lineterminator="\n")
    export_key = ResearchExport._meta.pk.get_db_prep_value(export.pk, connection)
    writer.writerow([PSEUDONYM_COLUMN, *(column.name for column in columns)])
    written = seen = 0
    family_ids: list[tuple[str, int]] = []
    for row in _rows(export, columns, shuffled=True):
        seen += 1
        key = result.key(qis, [column.raw(row) for column in qi_columns])  # type: ignore[arg-type]
        if key not in result.suppressed_classes:
            writer.writerow(
                [
                    name_of(row["family_id"]),
                    *(column.render(row, levels.get(column.name, 0)) for column in columns),
                ]
            )
            written += 1
            family_ids.append((export_key, row["family_id"]))
        if seen % PROGRESS_EVERY == 0:
            _flush(family_ids)
            ResearchExport.objects.filter(pk=export.pk).update(progress=seen)
    _flush(family_ids)
    ResearchExport.objects.filter(pk=export.pk).update(progress=seen)
    return written


def _flush(family_ids: list[tuple[str, int]]) -> None:
    """Plain executemany: building a model instance per row cost more than the rest."""
    if not family_ids:
        return
    table = connection.ops.quote_name(ResearchExportFamily._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (export_id, family_id) VALUES (%s, %s)",  # noqa: S608 - quoted name
            family_ids,
        )
    family_ids.clear()


def codebook_rows(columns: list[Column]) -> list[list[str]]:
    header = [
        "column",
        *(f"label_{language}" for language in LANGUAGES),
        "type",
        "classification",
        "generalisation",
        "value",
        *(f"value_label_{language}" for language in LANGUAGES),
    ]
    rows = [header]
    pseudonym_labels = {
        "en": "Family pseudonym (keyed, this project only)",
        "fi": "Perheen pseudonyymi (avaimella, vain tässä hankkeessa)",
        "sv": "Familjens pseudonym (med nyckel, endast i detta projekt)",
    }
    rows.append(
        [PSEUDONYM_COLUMN, *pseudonym_labels.values(), "text", "pseudonym", "", "", "", "", ""]
    )
    for column in columns:
        base = [
            column.name,
            *(column.labels[language] for language in LANGUAGES),
            TYPE_DESCRIPTIONS[column.kind],
            column.classification,
            column.generalisation,
        ]
        if not column.values:
            rows.append([*base, "", "", "", ""])
        for code, labels in column.values:
            rows.append([*base, code, *(labels.get(language, "") for language in LANGUAGES)])
    return rows


def readme_text(
    export: ResearchExport,
    columns: list[Column],
    result: KAnonymityResult,
    rows: int,
    sha256: str,
) -> str:
    project = export.project
    qi_lines = [
        f"  - {column.name}: generalised as {column.generalisation!r}, level {level}"
        for column, level in zip(_qi_columns(columns), result.levels, strict=True)
    ] or ["  - none: the export has no quasi-identifiers"]
    return "\n".join(
        [
            "Barnahus Family Voices: research export",
            "",
            f"Project: {project.title}",
            f"Ethics approval: {project.ethics_reference}",
            f"Approved purpose: {project.approved_purpose}",
            f"Purpose of this export: {export.purpose}",
            f"Built: {timezone.now().isoformat(timespec='seconds')}",
            f"Rows: {rows} (one per interview, in random order)",
            f"Columns: {1 + len(columns)} (see codebook.csv)",
            "",
            "Disclosure control",
            f"  k-anonymity: k = {project.k} over the quasi-identifiers below",
            f"  rows considered: {result.total_rows}",
            f"  rows suppressed: {result.suppressed_rows} "
            f"(allowed: {project.max_suppressed_share:.0%})",
            f"  equivalence classes released: {result.classes}, smallest: {result.smallest_class}",
            *qi_lines,
            "  Pseudonyms are keyed per project and cannot be linked to other projects.",
            "",
            f"SHA-256 of data.csv: {sha256}",
            "",
            "Families may withdraw consent after this export. The project page shows when that",
            "happens; delete their rows as the data agreement requires.",
            "",
        ]
    )


# ---------------------------------------------------------------------------- encryption


def _aad(export_id: uuid.UUID, index: int, final: bool) -> bytes:
    return f"export:{export_id}:{index}:{int(final)}".encode()


def seal_file(source: Path, target: Path, key: bytes, export_id: uuid.UUID) -> int:
    """Encrypt in chunks: each chunk is bound to the export, its position and whether it is last."""
    size = source.stat().st_size
    written = 0
    with source.open("rb") as reader, target.open("wb") as writer:
        index = 0
        remaining = size
        while True:
            chunk = reader.read(CHUNK_BYTES)
            remaining -= len(chunk)
            sealed = seal(key, chunk, _aad(export_id, index, remaining <= 0))
            writer.write(struct.pack(">I", len(sealed)) + sealed)
            written += 4 + len(sealed)
            index += 1
            if remaining <= 0:
                break
    return written


def open_sealed(export: ResearchExport) -> Iterator[bytes]:
    """The decrypted ZIP, chunk by chunk; raises if a chunk was altered, moved or cut off."""
    assert export.key_ref is not None
    key = data_key_open(export.key_ref)
    with export_path(export.id).open("rb") as reader:
        index = 0
        while True:
            header = reader.read(4)
            if len(header) < 4:
                raise ValueError("export file is truncated")
            sealed = reader.read(struct.unpack(">I", header)[0])
            final = reader.peek(1) == b"" if hasattr(reader, "peek") else False
            yield unseal(key, sealed, _aad(export.id, index, final))
            index += 1
            if final:
                return


# ---------------------------------------------------------------------------- building


def build_files(export: ResearchExport) -> dict[str, Any]:
    """Everything but the bookkeeping: returns the outcome for the service to record."""
    columns = columns_for(export.fields)
    counts = count_combinations(export, columns)
    total = sum(counts.values())
    ResearchExport.objects.filter(pk=export.pk).update(total=total, progress=0)
    result = k_anonymise(
        counts,
        [column.quasi for column in _qi_columns(columns)],  # type: ignore[misc]
        k=export.project.k,
        max_suppressed_share=export.project.max_suppressed_share,
    )
    report: dict[str, Any] = {
        "k": export.project.k,
        "rows_considered": total,
        "rows_suppressed": result.suppressed_rows,
        "max_suppressed_share": export.project.max_suppressed_share,
        "levels": {
            column.name: level
            for column, level in zip(_qi_columns(columns), result.levels, strict=True)
        },
        "classes": result.classes,
        "smallest_class": result.smallest_class,
    }
    if not result.acceptable:
        return {"acceptable": False, "report": report}
    with tempfile.TemporaryDirectory(prefix="export-") as workdir:
        data_path = Path(workdir) / "data.csv"
        with data_path.open("w", encoding="utf-8", newline="") as handle:
            rows = write_data(export, columns, result, handle)
        digest = hashlib.sha256()
        with data_path.open("rb") as reader:
            for block in iter(lambda: reader.read(CHUNK_BYTES), b""):
                digest.update(block)
        sha256 = digest.hexdigest()
        zip_path = Path(workdir) / "export.zip"
        with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(data_path, "data.csv")
            book = io.StringIO()
            csv.writer(book, lineterminator="\n").writerows(codebook_rows(columns))
            archive.writestr("codebook.csv", book.getvalue())
            archive.writestr("README.txt", readme_text(export, columns, result, rows, sha256))
        key_ref, key = data_key_create()
        target = export_path(export.id)
        partial = target.with_suffix(".partial")
        size = seal_file(zip_path, partial, key, export.id)
        os.replace(partial, target)
    return {
        "acceptable": True,
        "report": report,
        "rows": rows,
        "suppressed": result.suppressed_rows,
        "sha256": sha256,
        "size": size,
        "key_ref": key_ref,
        "expires_at": timezone.now() + EXPORT_LIFETIME,
    }


def delete_files(export: ResearchExport) -> None:
    """Destroy the file's key (every copy becomes unreadable), then remove the file."""
    if export.key_ref is not None:
        data_key_destroy(export.key_ref)
    export_path(export.id).unlink(missing_ok=True)
