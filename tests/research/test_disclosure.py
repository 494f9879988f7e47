"""Small-cell suppression survives differencing; exports are k-anonymous on random data."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections import Counter

import pytest
from django.urls import reverse

from research.disclosure import (
    COMPLEMENTARY,
    PRIMARY,
    k_anonymise,
    lines_with_one_hidden_cell,
    protect_counts,
    protect_table,
)
from research.exports import open_sealed
from research.generalisation import quasi_identifier
from research.models import ExportStatus, ResearchExport
from research.services import export_request
from research.statistics import cross_tab, frequency_tables
from tests.research.conftest import World, bulk_locked_interviews, make_project

SEEDS = [1, 7, 42, 2026, 31337, 99991]


def _attack(table) -> list[tuple[int, int, int]]:
    """Differencing: in any row or column (margins included) with one hidden cell, the hidden
    value is the total minus the shown cells. Returns what was recovered."""
    recovered = []
    rows, cols = table.rows, table.cols
    grid = table.grid
    lines = [[(i, j) for j in range(cols + 1)] for i in range(rows + 1)]
    lines += [[(i, j) for i in range(rows + 1)] for j in range(cols + 1)]
    for line in lines:
        hidden = [p for p in line if grid[p[0]][p[1]].suppressed]
        if len(hidden) != 1:
            continue
        *interior, margin = line
        target = hidden[0]
        if target == margin:
            value = sum(grid[i][j].value for i, j in interior)
        else:
            value = grid[margin[0]][margin[1]].value - sum(
                grid[i][j].value for i, j in interior if (i, j) != target
            )
        recovered.append((target[0], target[1], value))
    return recovered


def test_small_counts_are_shown_as_under_ten() -> None:
    cells, total = protect_counts([25, 3, 40, 0])
    assert [cell.shown for cell in cells][1] == "<10"
    assert cells[3].shown == "0"
    assert total.shown == "68"


def test_total_minus_shown_cells_does_not_reveal_a_suppressed_count() -> None:
    cells, total = protect_counts([25, 3, 40, 12])
    shown = [cell.number for cell in cells]
    assert shown[1] is None
    # Without complementary suppression 68 + 12 - 25 - 40 - 12 would be 3.
    assert sum(1 for value in shown if value is None) >= 2
    assert cells[3].suppressed == COMPLEMENTARY  # the smallest other cell
    assert total.number == 80


@pytest.mark.parametrize("seed", SEEDS)
def test_suppression_survives_a_differencing_attack_on_random_tables(seed: int) -> None:
    rng = random.Random(seed)
    for _round in range(40):
        rows, cols = rng.randint(1, 6), rng.randint(1, 6)
        interior = [
            [rng.choice([0, 0, 1, 2, 5, 9, 10, 14, 30, 80]) for _ in range(cols)]
            for _ in range(rows)
        ]
        table = protect_table(interior)
        assert lines_with_one_hidden_cell(table) == []
        assert _attack(table) == []
        for i in range(rows + 1):
            for j in range(cols + 1):
                cell = table.grid[i][j]
                if 0 < cell.value < 10:
                    assert cell.suppressed == PRIMARY
                    assert cell.shown == "<10"


@pytest.mark.django_db
def test_cross_tab_margins_hide_what_the_frequency_tables_hide(world: World) -> None:
    """The dashboard's one-way table and a cross-tab's margins cannot be played off."""
    bulk_locked_interviews(world.personas, world.form, 60, seed=5)
    _n, tables = frequency_tables(world.project)
    by_field = {table.variable.field: table for table in tables}
    for rows, cols in [("child_gender", "interview_year"), ("disclosure_route", "offender_count")]:
        crosstab = cross_tab(world.project, rows, cols)
        assert crosstab is not None
        assert _attack(crosstab.table) == []
        one_way = by_field[rows]
        for index, row in enumerate(one_way.rows):
            if row.cell.suppressed:
                assert crosstab.table.row_total(index).suppressed, (rows, row.code)
            else:
                assert crosstab.table.row_total(index).value == row.cell.value


# ---------------------------------------------------------------------------- k-anonymity


QI_FIELDS = [
    "country",
    "interview_year",
    "interview_month",
    "respondent_age_band",
    "child_gender",
    "child_age_band_interview",
    "time_to_disclosure",
]


@pytest.mark.parametrize("seed", SEEDS)
def test_k_anonymise_releases_only_classes_of_at_least_k(seed: int) -> None:
    rng = random.Random(seed)
    qis = [quasi_identifier(name) for name in QI_FIELDS[1:6]]
    counts: Counter = Counter()
    for _row in range(rng.randint(50, 400)):
        counts[
            (
                rng.choice([2024, 2025, 2026]),
                rng.randint(1, 12),
                rng.choice(["under_30", "30_39", "40_49", "50_plus"]),
                rng.choice(["girl", "boy", "other", "not_stated"]),
                rng.choice(["0_6", "7_9", "10_12", "13_15", "16_17"]),
            )
        ] += 1
    for k in (2, 5, 10):
        result = k_anonymise(counts, qis, k=k, max_suppressed_share=0.3)
        released: Counter = Counter()
        for raw, count in counts.items():
            key = result.key(qis, raw)
            if key not in result.suppressed_classes:
                released[key] += count
        if result.acceptable:
            assert all(count >= k for count in released.values())
            assert result.suppressed_rows <= 0.3 * sum(counts.values())
            assert sum(released.values()) + result.suppressed_rows == sum(counts.values())


def _download_rows(world: World, export: ResearchExport) -> tuple[list[dict], zipfile.ZipFile]:
    archive = zipfile.ZipFile(io.BytesIO(b"".join(open_sealed(export))))
    rows = list(csv.DictReader(io.StringIO(archive.read("data.csv").decode("utf-8"))))
    return rows, archive


@pytest.mark.django_db
@pytest.mark.parametrize("seed", SEEDS[:4])
def test_exports_are_k_anonymous_on_random_data(
    world: World, export_dir, django_capture_on_commit_callbacks, seed: int
) -> None:
    bulk_locked_interviews(world.personas, world.form, 120, seed=seed)
    project = make_project(
        world.personas.admin,
        world.personas.researcher,
        title=f"Seed {seed}",
        k=5,
        max_suppressed_share=0.25,
    )
    fields = [*QI_FIELDS, "violence_types", "platforms"]
    with django_capture_on_commit_callbacks(execute=True):
        export_request(
            actor=world.personas.researcher, project=project, fields=fields, purpose="k test"
        )
    export = ResearchExport.objects.get(project=project)
    assert export.status in {ExportStatus.READY, ExportStatus.NEEDS_FEWER_FIELDS}
    if export.status == ExportStatus.NEEDS_FEWER_FIELDS:
        assert export.report["rows_suppressed"] > 0.25 * export.report["rows_considered"]
        fields = ["country", "interview_year", "child_gender", "violence_types"]
        with django_capture_on_commit_callbacks(execute=True):
            export_request(
                actor=world.personas.researcher, project=project, fields=fields, purpose="again"
            )
        export = ResearchExport.objects.filter(project=project).order_by("-created_at").first()
        assert export.status == ExportStatus.READY
    rows, _archive = _download_rows(world, export)
    assert len(rows) == export.row_count
    assert export.row_count + export.suppressed_rows == export.report["rows_considered"]
    assert export.suppressed_rows <= 0.25 * export.report["rows_considered"]
    quasi_columns = [
        name
        for name in (
            "country",
            "interview_year",
            "interview_quarter",
            "respondent_age_band",
            "child_gender",
            "child_age_band_interview",
            "time_to_disclosure",
        )
        if name in rows[0]
    ]
    classes = Counter(tuple(row[name] for name in quasi_columns) for row in rows)
    assert min(classes.values()) >= 5, classes
    # Months never leave: quarters (or halves) at most.
    if "interview_quarter" in rows[0]:
        assert {row["interview_quarter"] for row in rows} <= {
            "Q1",
            "Q2",
            "Q3",
            "Q4",
            "H1",
            "H2",
            "",
        }


@pytest.mark.django_db
def test_an_export_that_would_lose_too_many_rows_asks_for_fewer_fields(
    world: World, export_dir, django_capture_on_commit_callbacks
) -> None:
    bulk_locked_interviews(world.personas, world.form, 30, seed=3)
    project = make_project(
        world.personas.admin,
        world.personas.researcher,
        title="Strict",
        k=10,
        max_suppressed_share=0.05,
    )
    with django_capture_on_commit_callbacks(execute=True):
        export_request(
            actor=world.personas.researcher, project=project, fields=QI_FIELDS, purpose="too much"
        )
    export = ResearchExport.objects.get(project=project)
    assert export.status == ExportStatus.NEEDS_FEWER_FIELDS
    assert export.key_ref is None
    assert list(export_dir.glob("*")) == []
    page = world.personas.client_for("researcher").get(
        reverse("research_exports", args=[project.pk])
    )
    assert "choose fewer fields" in page.content.decode()
