"""Bar charts as server-side SVG (no script, no inline style: the strict CSP allows them).

Each chart sits beside a table with the same numbers, which is the accessible version; the chart
is labelled as such. Suppressed cells get no bar and the text "<10".
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from research.disclosure import Cell

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 260
BAR_WIDTH = 300
VALUE_WIDTH = 60


def bar_chart(title: str, bars: Sequence[tuple[str, Cell]]) -> SafeString:
    """Horizontal bars, one per category; the scale is the largest shown value."""
    largest = max((cell.number or 0 for _label, cell in bars), default=0) or 1
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" '
            'width="{}" height="{}" role="img" aria-label="{}">',
            width,
            height,
            width,
            height,
            title,
        ),
        format_html("<title>{}</title>", title),
    ]
    for index, (label, cell) in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        text_y = y + BAR_HEIGHT - 4
        short = label if len(label) <= 38 else label[:37] + "…"
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#222">{}</text>',
                LABEL_WIDTH - 8,
                text_y,
                short,
            )
        )
        if cell.number:
            bar = max(1, round(BAR_WIDTH * cell.number / largest))
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="#1f5f8b"></rect>',
                    LABEL_WIDTH,
                    y,
                    bar,
                    BAR_HEIGHT,
                )
            )
            value_x = LABEL_WIDTH + bar + 6
        else:
            value_x = LABEL_WIDTH + 6
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" fill="#222">{}</text>',
                value_x,
                text_y,
                cell.shown,
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(escape(p)) if not isinstance(p, SafeString) else p for p in parts))
