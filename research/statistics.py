"""The statistics of a project: frequency tables, cross-tabulations and mean ratings.

Every number leaves through research.disclosure; nothing here is shown one interview at a time.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from casestudies.instrument import QUESTIONS, RATED_VOCABULARY
from casestudies.vocabularies import VOCABULARIES
from research.disclosure import (
    SMALL_CELL_LIMIT,
    Cell,
    ProtectedTable,
    protect_counts,
    protect_mentions,
    protect_table,
)
from research.fields import (
    choosable_fields,
    code_labels,
    field_label,
    vocabulary_labels,
)
from research.generalisation import COUNTRY, NOT_ANSWERED, quasi_identifier
from research.models import ResearchProject
from research.selectors import interviews_for_statistics

MIN_RATINGS = SMALL_CELL_LIMIT
_COUNTED_KINDS = {"single", "multi", "ordered", "bool", "month"}


@dataclass
class Variable:
    field: str
    label: str
    multi: bool
    categories: list[tuple[str, str]]  # (code, label)

    def codes(self, row: dict[str, Any]) -> list[str]:
        """The category codes of one interview (level 0 generalisation for quasi-identifiers)."""
        value = row.get(self.field)
        quasi = quasi_identifier(self.field)
        if self.multi:
            return [str(item) for item in (value or [])]
        if quasi is not None:
            return [quasi.generalise(value)]
        if value is None or value == "":
            return [NOT_ANSWERED]
        if isinstance(value, bool):
            return ["true" if value else "false"]
        return [str(value)]


def statistics_variables(project: ResearchProject) -> list[Variable]:
    """The variables the dashboard may count: allowed fields with categories."""
    labels = vocabulary_labels()
    language = (get_language() or "en")[:2]
    allowed = set(project.allowed_fields)
    variables = []
    for name in choosable_fields():
        if name not in allowed:
            continue
        question = QUESTIONS.get(name)
        kind = question.kind if question else ("single" if name == COUNTRY else "year")
        if kind not in _COUNTED_KINDS | {"year"}:
            continue
        vocabulary = question.vocabulary if question else ""
        quasi = quasi_identifier(name)
        categories: list[tuple[str, str]] = []
        if kind == "bool":
            categories = [("true", _("Yes")), ("false", _("No"))]
        elif name == "interview_month":
            categories = [
                (f"Q{q}", code_labels("", f"Q{q}", labels)[language]) for q in range(1, 5)
            ]
        elif vocabulary:
            seen: list[str] = []
            for term in VOCABULARIES.get(vocabulary, []):
                code = quasi.generalise(term[0]) if quasi else term[0]
                if code not in seen:
                    seen.append(code)
            categories = [(code, code_labels(vocabulary, code, labels)[language]) for code in seen]
        multi = kind in {"multi", "ordered"}
        if not multi:
            categories.append((NOT_ANSWERED, _("Not answered")))
        variables.append(Variable(name, field_label(name), multi, categories))
    return variables


def _rows(project: ResearchProject, fields: Iterable[str]) -> Iterable[dict[str, Any]]:
    names = sorted({"family__country" if name == COUNTRY else name for name in fields})
    for row in interviews_for_statistics(project).values(*names).iterator(chunk_size=2000):
        if "family__country" in row:
            row[COUNTRY] = row.pop("family__country")
        yield row


# Barnahus network countries research may see (ISO codes are what the data holds).
COUNTRY_NAMES = {
    "FI": _lazy("Finland"),
    "SE": _lazy("Sweden"),
    "IE": _lazy("Ireland"),
    "DK": _lazy("Denmark"),
    "NO": _lazy("Norway"),
    "IS": _lazy("Iceland"),
    "EE": _lazy("Estonia"),
    "LV": _lazy("Latvia"),
    "ES": _lazy("Spain"),
}


def _add_dynamic(variable: Variable, counts: Counter[str]) -> None:
    """Values outside the vocabulary (years, countries, retired codes) get their own rows."""
    known = {code for code, _label in variable.categories}
    extra = sorted(code for code in counts if code not in known)
    position = len(variable.categories) - (0 if variable.multi else 1)
    for code in extra:
        variable.categories.insert(position, (code, str(COUNTRY_NAMES.get(code, code))))
        position += 1


@dataclass
class FrequencyRow:
    code: str
    label: str
    cell: Cell
    share: str


@dataclass
class FrequencyTable:
    variable: Variable
    rows: list[FrequencyRow]
    total: Cell
    suppressed: list[bool]  # per category, for forcing the same pattern onto cross-tab margins


def frequency_tables(project: ResearchProject) -> tuple[int, list[FrequencyTable]]:
    variables = statistics_variables(project)
    counts: dict[str, Counter[str]] = {variable.field: Counter() for variable in variables}
    respondents = 0
    for row in _rows(project, [variable.field for variable in variables]):
        respondents += 1
        for variable in variables:
            counts[variable.field].update(variable.codes(row))
    tables = []
    for variable in variables:
        _add_dynamic(variable, counts[variable.field])
        values = [counts[variable.field][code] for code, _label in variable.categories]
        if variable.multi:
            cells, total = protect_mentions(values, respondents)
        else:
            cells, total = protect_counts(values)
        rows = [
            FrequencyRow(
                code,
                label,
                cell,
                _share(cell, total),
            )
            for (code, label), cell in zip(variable.categories, cells, strict=True)
        ]
        tables.append(FrequencyTable(variable, rows, total, [bool(c.suppressed) for c in cells]))
    return respondents, tables


def _share(cell: Cell, total: Cell) -> str:
    if cell.number is None or not total.number:
        return ""
    return f"{100 * cell.number / total.number:.0f} %"


@dataclass
class CrossTab:
    row_variable: Variable
    col_variable: Variable
    table: ProtectedTable

    @property
    def lines(self) -> list[tuple[str, list[Cell]]]:
        """(row label, cells with the row total last), the column totals as the last line."""
        labels = [label for _code, label in self.row_variable.categories] + [_("Total")]
        return list(zip(labels, self.table.grid, strict=True))


def cross_tab(project: ResearchProject, row_field: str, col_field: str) -> CrossTab | None:
    """Two allowed variables against each other; margins are the sums of the cells."""
    variables = {variable.field: variable for variable in statistics_variables(project)}
    if row_field not in variables or col_field not in variables or row_field == col_field:
        return None
    rows_v, cols_v = variables[row_field], variables[col_field]
    pairs: Counter[tuple[str, str]] = Counter()
    row_counts: Counter[str] = Counter()
    col_counts: Counter[str] = Counter()
    for row in _rows(project, [row_field, col_field]):
        row_codes, col_codes = rows_v.codes(row), cols_v.codes(row)
        row_counts.update(row_codes)
        col_counts.update(col_codes)
        for a in row_codes:
            for b in col_codes:
                pairs[(a, b)] += 1
    _add_dynamic(rows_v, row_counts)
    _add_dynamic(cols_v, col_counts)
    interior = [
        [pairs[(a, b)] for b, _label in cols_v.categories] for a, _label in rows_v.categories
    ]
    forced_rows = forced_cols = None
    if not rows_v.multi and not cols_v.multi:
        # Single answers: the margins equal the variables' own frequency tables, so they must
        # hide exactly what those tables hide (and may hide more).
        forced_rows = [
            bool(c.suppressed)
            for c in protect_counts([row_counts[a] for a, _ in rows_v.categories])[0]
        ]
        forced_cols = [
            bool(c.suppressed)
            for c in protect_counts([col_counts[b] for b, _ in cols_v.categories])[0]
        ]
    table = protect_table(interior, forced_row_totals=forced_rows, forced_col_totals=forced_cols)
    return CrossTab(rows_v, cols_v, table)


@dataclass
class RatingRow:
    agency: str
    dimension: str
    count: str
    mean: str


def mean_ratings(project: ResearchProject) -> list[RatingRow]:
    """Mean rating per agency and dimension, only where at least 10 families rated it."""
    if "service_ratings" not in project.allowed_fields:
        return []
    labels = vocabulary_labels()
    language = (get_language() or "en")[:2]
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in _rows(project, ["service_ratings"]):
        for agency, dimensions in (row.get("service_ratings") or {}).items():
            for dimension, score in (dimensions or {}).items():
                if isinstance(score, int) and 1 <= score <= 5:
                    entry = sums[(agency, dimension)]
                    entry[0] += score
                    entry[1] += 1
    dimension_vocabulary = QUESTIONS["service_ratings"].vocabulary
    result = []
    for agency, *_a in VOCABULARIES[RATED_VOCABULARY]:
        for dimension, *_d in VOCABULARIES[dimension_vocabulary]:
            total, count = sums.get((agency, dimension), [0, 0])
            if count == 0:
                continue
            enough = count >= MIN_RATINGS
            result.append(
                RatingRow(
                    code_labels(RATED_VOCABULARY, agency, labels)[language],
                    code_labels(dimension_vocabulary, dimension, labels)[language],
                    str(count) if enough else f"<{SMALL_CELL_LIMIT}",
                    f"{total / count:.1f}" if enough else "",
                )
            )
    return result
