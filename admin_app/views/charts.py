"""Charts drawn on the server as inline SVG: no script, no CDN, nothing the CSP has to allow, and they print.

Horizontal bars (categories with long Indonesian labels read best so, also on a phone), stacked bars (parts of a
whole, e.g. on time and late) and a line (month by month). Only presentation attributes, no `style`, so the
content security policy stays strict. Every chart sits beside its table of the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

PALETTE = ("#2166ac", "#e08214", "#7b3294", "#1a9850", "#b2182b", "#666666")  # distinguishable, also in grey print
WIDTH = 420  # drawn small so its text stays legible when a phone shrinks it; shown at most 480 px wide
LABEL_WIDTH = 150
ROW = 24
LABEL_CHARS = 22
TICKS = 4  # grid lines of a line chart above zero


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _svg(height: int, title: str, body: list[str], width: int = WIDTH) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _legend(series: Sequence[str], y: int) -> list[str]:
    parts, x = [], LABEL_WIDTH
    for index, name in enumerate(series):
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{PALETTE[index % len(PALETTE)]}"/>'
                     f'<text x="{x + 16}" y="{y + 10}">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return parts


def bar_chart(items: Sequence[tuple[str, int]], title: str) -> Markup:
    """One horizontal bar per category, its number at the end of the bar."""
    return stacked_chart([(label, (value,)) for label, value in items], (), title)


def stacked_chart(items: Sequence[tuple[str, Sequence[int]]], series: Sequence[str], title: str) -> Markup:
    """One horizontal bar per category, split into the series (legend above when there are several)."""
    top = 22 if series else 4
    plot = WIDTH - LABEL_WIDTH - 56  # room for the number after the longest bar, in any font
    largest = max((sum(values) for _, values in items), default=0) or 1
    body = _legend(series, 4) if series else []
    for row, (label, values) in enumerate(items):
        y = top + row * ROW
        body.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end"><title>{escape(label)}</title>'
                    f"{escape(_short(label))}</text>")
        x = float(LABEL_WIDTH)
        for index, value in enumerate(values):
            width = plot * value / largest
            if width:
                body.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="{ROW - 8}" '
                            f'fill="{PALETTE[index % len(PALETTE)]}"><title>{escape(label)}: {value}</title></rect>')
            x += width
        body.append(f'<text x="{x + 4:.1f}" y="{y + 15}">{sum(values)}</text>')
    return _svg(top + len(items) * ROW + 4, title, body)


def line_chart(points: Sequence[tuple[str, Sequence[float | None]]], series: Sequence[str], title: str,
               *, percent: bool = False) -> Markup:
    """One line per series over the months; a missing value (None) breaks the line."""
    height, left, bottom, top = 220, 44, 40, 26
    plot_w, plot_h = WIDTH - left - 16, height - top - bottom
    values = [v for _, vs in points for v in vs if v is not None]
    largest = 100.0 if percent else float(max(values, default=0) or 1)
    step = plot_w / max(len(points) - 1, 1)
    body = _legend(series, 4)
    for tick in range(TICKS + 1):
        value = largest * tick / TICKS
        y = top + plot_h - plot_h * tick / TICKS
        whole = largest >= TICKS or tick == 0 or tick == TICKS  # no repeated "0 1 1 2" on a small scale
        text = f"{value:.0f}%" if percent else (f"{value:.0f}" if whole else "")
        body.append(f'<line x1="{left}" x2="{WIDTH - 16}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dddddd"/>'
                    f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{text}</text>')
    every = max(1, len(points) // 12 + (len(points) % 12 > 0))
    for index, (label, _) in enumerate(points):
        if index % every == 0:
            x = left + index * step
            body.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">'
                        f"{escape(label.split()[0][:3])}</text>")
    for number in range(len(series)):
        color = PALETTE[number % len(PALETTE)]
        segment: list[str] = []
        for index, (label, vs) in enumerate(points):
            value = vs[number]
            if value is None:
                if len(segment) > 1:
                    body.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(segment)}"/>')
                segment = []
                continue
            x, y = left + index * step, top + plot_h - plot_h * value / largest
            segment.append(f"{x:.1f},{y:.1f}")
            shown = f"{value:.0f}%" if percent else f"{value:g}"
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"><title>{escape(label)}: {shown}'
                        "</title></circle>")
        if len(segment) > 1:
            body.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(segment)}"/>')
    return _svg(height, title, body)
