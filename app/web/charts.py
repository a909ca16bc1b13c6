"""Charts as server-rendered SVG: no JavaScript, sharp when zoomed, testable as text.

Each chart is a `<svg role="img">` with a `<title>` and `<desc>`, horizontal stacked bars
with the total written at the end of every bar and the series named in a legend that the
page shows as a list; the page puts a table of the same figures right after it. Colours
come from GOV.UK's palette, in an order where neighbours differ in lightness too.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = (
    "#1d70b8",
    "#d4351c",
    "#85994b",
    "#912b88",
    "#f47738",
    "#28a197",
    "#6f72af",
    "#b58840",
    "#505a5f",
    "#f499be",
    "#003078",
    "#5694ca",
)

ROW_HEIGHT = 30
BAR_HEIGHT = 20
LABEL_WIDTH = 190
BAR_WIDTH = 380
TOTAL_WIDTH = 60
TOP = 10
FONT = "Inter, system-ui, sans-serif"


@dataclass(frozen=True, slots=True)
class Series:
    code: str
    label: str

    def colour(self, index: int) -> str:
        return PALETTE[index % len(PALETTE)]


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    values: tuple[int, ...]  # one per series, in the chart's series order

    @property
    def total(self) -> int:
        return sum(self.values)


def stacked_bars(
    chart_id: str, title: str, description: str, series: list[Series], bars: list[Bar]
) -> Markup:
    """One horizontal stacked bar per category; each segment carries its own tooltip."""
    height = TOP * 2 + ROW_HEIGHT * max(len(bars), 1)
    width = LABEL_WIDTH + BAR_WIDTH + TOTAL_WIDTH
    largest = max((b.total for b in bars), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for row, bar in enumerate(bars):
        y = TOP + row * ROW_HEIGHT
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 5}" text-anchor="end" '
            f'font-size="14" font-family="{FONT}" fill="#0b0c0c">{escape(bar.label)}</text>'
        )
        x = float(LABEL_WIDTH)
        for index, (value, s) in enumerate(zip(bar.values, series, strict=True)):
            if value <= 0:
                continue
            w = BAR_WIDTH * value / largest
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR_HEIGHT}" '
                f'fill="{s.colour(index)}" stroke="#ffffff" stroke-width="1">'
                f"<title>{escape(bar.label)}: {escape(s.label)} {value}</title></rect>"
            )
            x += w
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + BAR_HEIGHT - 5}" font-size="14" '
            f'font-weight="700" font-family="{FONT}" fill="#0b0c0c">{bar.total}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
