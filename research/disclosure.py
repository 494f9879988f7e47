"""Disclosure control: small-cell suppression of tables and k-anonymity of exports.

Tables: counts of 1-9 are primary-suppressed (shown as "<10"). Complementary suppression then
makes sure no row or column of the table *with its margins* has exactly one hidden cell, so
"total minus the shown cells" never recovers a hidden one. Margins that another table already
published (a variable's own frequency table) can be forced to the same pattern, so the two
tables cannot be played off against each other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from research.generalisation import QuasiIdentifier

SMALL_CELL_LIMIT = 10
PRIMARY, COMPLEMENTARY = "primary", "complementary"

Position = tuple[int, int]


@dataclass(frozen=True)
class Cell:
    value: int
    suppressed: str = ""  # "", PRIMARY or COMPLEMENTARY

    @property
    def shown(self) -> str:
        if self.suppressed == PRIMARY:
            return f"<{SMALL_CELL_LIMIT}"
        if self.suppressed == COMPLEMENTARY:
            return "x"
        return str(self.value)

    @property
    def number(self) -> int | None:
        """The value when it may be shown, else None (for charts and shares)."""
        return None if self.suppressed else self.value


@dataclass
class ProtectedTable:
    """Interior cells plus margins: row totals (last column) and column totals (last row)."""

    grid: list[list[Cell]]

    @property
    def rows(self) -> int:
        return len(self.grid) - 1

    @property
    def cols(self) -> int:
        return len(self.grid[0]) - 1

    def interior(self, row: int, col: int) -> Cell:
        return self.grid[row][col]

    def row_total(self, row: int) -> Cell:
        return self.grid[row][self.cols]

    def col_total(self, col: int) -> Cell:
        return self.grid[self.rows][col]

    @property
    def total(self) -> Cell:
        return self.grid[self.rows][self.cols]


def _lines(rows: int, cols: int) -> list[tuple[list[Position], list[Position]]]:
    """Every additive line of the extended table: (all positions, positions to choose from)."""
    lines = []
    for i in range(rows + 1):
        members = [(i, j) for j in range(cols + 1)]
        lines.append((members, [(i, j) for j in range(cols)]))
    for j in range(cols + 1):
        members = [(i, j) for i in range(rows + 1)]
        lines.append((members, [(i, j) for i in range(rows)]))
    return lines


def protect_table(
    interior: Sequence[Sequence[int]],
    *,
    forced_row_totals: Sequence[bool] | None = None,
    forced_col_totals: Sequence[bool] | None = None,
) -> ProtectedTable:
    """Suppress small cells of an additive table and complement them (margins are computed)."""
    rows = len(interior)
    cols = len(interior[0]) if rows else 0
    values = [[int(v) for v in row] + [sum(row)] for row in interior]
    values.append(
        [sum(values[i][j] for i in range(rows)) for j in range(cols)]
        + [sum(sum(row) for row in interior)]
    )
    primary: set[Position] = {
        (i, j)
        for i in range(rows + 1)
        for j in range(cols + 1)
        if 0 < values[i][j] < SMALL_CELL_LIMIT
    }
    hidden = set(primary)
    for i, forced in enumerate(forced_row_totals or []):
        if forced:
            hidden.add((i, cols))
    for j, forced in enumerate(forced_col_totals or []):
        if forced:
            hidden.add((rows, j))
    lines = _lines(rows, cols)
    changed = True
    while changed:
        changed = False
        for members, choosable in lines:
            if sum(1 for position in members if position in hidden) != 1:
                continue
            candidates = [p for p in choosable if p not in hidden] or [
                p for p in members if p not in hidden
            ]
            if not candidates:
                continue
            # The smallest non-zero cell loses the least information; a zero only if needed.
            best = min(candidates, key=lambda p: (values[p[0]][p[1]] == 0, values[p[0]][p[1]]))
            hidden.add(best)
            changed = True
    grid = [
        [
            Cell(
                values[i][j],
                PRIMARY if (i, j) in primary else COMPLEMENTARY if (i, j) in hidden else "",
            )
            for j in range(cols + 1)
        ]
        for i in range(rows + 1)
    ]
    return ProtectedTable(grid)


def protect_counts(counts: Sequence[int]) -> tuple[list[Cell], Cell]:
    """A one-way frequency table whose categories add up to the total."""
    table = protect_table([[count] for count in counts])
    return [table.interior(i, 0) for i in range(table.rows)], table.total


def protect_mentions(counts: Sequence[int], respondents: int) -> tuple[list[Cell], Cell]:
    """Several answers per interview: the counts do not add up to anything, suppress small ones."""
    cells = [Cell(c, PRIMARY if 0 < c < SMALL_CELL_LIMIT else "") for c in counts]
    total = Cell(respondents, PRIMARY if 0 < respondents < SMALL_CELL_LIMIT else "")
    return cells, total


def lines_with_one_hidden_cell(table: ProtectedTable) -> list[list[Position]]:
    """For tests and checks: the lines a differencing attack could solve."""
    hidden = {
        (i, j) for i, row in enumerate(table.grid) for j, cell in enumerate(row) if cell.suppressed
    }
    return [
        members
        for members, _choosable in _lines(table.rows, table.cols)
        if sum(1 for position in members if position in hidden) == 1
    ]


# ---------------------------------------------------------------------------- k-anonymity


@dataclass
class KAnonymityResult:
    levels: list[int]
    suppressed_classes: set[tuple[str, ...]] = field(default_factory=set)
    suppressed_rows: int = 0
    total_rows: int = 0
    classes: int = 0
    smallest_class: int = 0
    acceptable: bool = True

    def key(self, qis: Sequence[QuasiIdentifier], raw: Sequence[Any]) -> tuple[str, ...]:
        return tuple(
            qi.generalise(value, level)
            for qi, value, level in zip(qis, raw, self.levels, strict=True)
        )


def _generalised(
    counts: Counter[tuple[Any, ...]], qis: Sequence[QuasiIdentifier], levels: Sequence[int]
) -> Counter[tuple[str, ...]]:
    result: Counter[tuple[str, ...]] = Counter()
    for raw, count in counts.items():
        key = tuple(
            qi.generalise(value, level) for qi, value, level in zip(qis, raw, levels, strict=True)
        )
        result[key] += count
    return result


def _small(classes: Counter[tuple[str, ...]], k: int) -> int:
    return sum(count for count in classes.values() if count < k)


def k_anonymise(
    counts: Counter[tuple[Any, ...]],
    qis: Sequence[QuasiIdentifier],
    *,
    k: int,
    max_suppressed_share: float,
) -> KAnonymityResult:
    """Climb the generalisation levels greedily (the step that saves most rows first) until
    suppressing the classes smaller than k loses at most the allowed share of rows.

    Works on counts of the raw quasi-identifier combinations, not on rows, so memory depends on
    the number of distinct combinations only.
    """
    total = sum(counts.values())
    levels = [0] * len(qis)
    while True:
        classes = _generalised(counts, qis, levels)
        small = _small(classes, k)
        if small <= max_suppressed_share * total:
            kept = [count for count in classes.values() if count >= k]
            return KAnonymityResult(
                levels=list(levels),
                suppressed_classes={key for key, count in classes.items() if count < k},
                suppressed_rows=small,
                total_rows=total,
                classes=len(kept),
                smallest_class=min(kept, default=0),
            )
        options = []
        for index, qi in enumerate(qis):
            if levels[index] < qi.top:
                trial = list(levels)
                trial[index] += 1
                options.append((_small(_generalised(counts, qis, trial), k), index))
        if not options:
            return KAnonymityResult(
                levels=list(levels),
                suppressed_rows=small,
                total_rows=total,
                acceptable=False,
            )
        levels[min(options)[1]] += 1
