"""Charts as inline SVG drawn on the server (pure: numbers in, markup out; no JavaScript).

Each chart is an image with a title and a text alternative; the page shows the same numbers in a
table next to it, so nothing is only in the picture. The SVG scales to its container (viewBox)
and keeps its text readable on a 360 px phone.
"""

import textwrap
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

COLORS = {"ok": "#1e7b34", "warn": "#8a5a00", "bad": "#b42318", "": "#0b5394", "muted": "#98a2b3"}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # in the chart's unit
    text: str  # what is written at the end of the bar
    tone: str = ""  # ok / warn / bad / "" (brand colour)


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def label_lines(label: str, per_line: int, max_lines: int = 2) -> list[str]:
    """`label` wrapped at word breaks into at most `max_lines` lines of `per_line` characters; what
    does not fit ends the last line with an ellipsis (the whole label stays in the bar's <title>)."""
    lines = textwrap.wrap(label, per_line) or [""]
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [_short(" ".join(lines[max_lines - 1 :]), per_line)]
    return lines


def bar_chart(
    bars: list[Bar], *, title: str, max_value: float | None = None, marker: float | None = None
) -> SafeString:
    """Horizontal bars, one per row: the label above its bar on the chart's whole width (two lines at
    most, so a phone reads "SLF · Penilaian kelaikan fungsi" whole), the value at the bar's end.
    `marker` draws a dashed line at that value (e.g. the bound, or a 100% target).

    The drawing is 300 units wide with 12-unit text: shown 300-330 px wide on a phone, the text
    stays about 12 px."""
    if not bars:
        return mark_safe("")
    width, value_w, bar_h, line_h, gap, top, per_line = 300, 92, 12, 14, 10, 4, 44  # value: "12 hari 7 jam"
    plot_w = width - value_w
    top_value = max([max_value or 0, marker or 0] + [b.value for b in bars]) or 1
    rows, y = [], top
    for bar in bars:
        lines = label_lines(bar.label, per_line)
        rows.append((bar, lines, y))
        y += len(lines) * line_h + 2 + bar_h + gap
    height = y - gap + top
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for bar, lines, y in rows:
        spans = "".join(
            f'<tspan x="0" y="{y + (n + 1) * line_h - 3}">{escape(line)}</tspan>' for n, line in enumerate(lines)
        )
        parts.append(f'<text font-size="12" fill="#1a1a1a"><title>{escape(bar.label)}</title>{spans}</text>')
        by = y + len(lines) * line_h + 2
        w = max(0.0, plot_w * bar.value / top_value)
        parts.append(f'<rect x="0" y="{by}" width="{plot_w}" height="{bar_h}" fill="#eaecf0" rx="3"/>')
        parts.append(
            f'<rect x="0" y="{by}" width="{w:.1f}" height="{bar_h}" fill="{COLORS.get(bar.tone, COLORS[""])}" rx="3"/>'
        )
        parts.append(
            f'<text x="{plot_w + 4}" y="{by + bar_h - 1}" font-size="12" fill="#1a1a1a">{escape(bar.text)}</text>'
        )
    if marker is not None:
        x = plot_w * marker / top_value
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="#1a1a1a" '
            'stroke-dasharray="3 3" stroke-width="1"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]  # None: no data that week (the line breaks)
    tone: str = ""


def line_chart(
    x_labels: list[str], series: list[Series], *, title: str, y_max: float = 100, unit: str = "%"
) -> SafeString:
    """Lines over a shared x axis (weeks), y from 0 to `y_max`, with a legend and grid at 0/50/100%."""
    if not x_labels:
        return mark_safe("")
    width, height, left, right, top, bottom = 360, 170, 34, 10, 22, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(x_labels) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step, top + plot_h * (1 - min(v, y_max) / y_max)

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#d0d5dd" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10" fill="#555">'
            f"{y_max * frac:.0f}{escape(unit)}</text>"
        )
    last = len(x_labels) - 1
    for i in sorted({0, last // 2, last}):
        x = left + i * step
        anchor = "start" if i == 0 else ("end" if i == last else "middle")
        parts.append(
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="{anchor}" font-size="10" fill="#555">'
            f"{escape(x_labels[i])}</text>"
        )
    for n, s in enumerate(series):
        color = COLORS.get(s.tone, COLORS[""])
        lx = left + n * 150
        parts.append(f'<rect x="{lx}" y="4" width="12" height="4" fill="{color}"/>')
        parts.append(f'<text x="{lx + 16}" y="11" font-size="10" fill="#1a1a1a">{escape(s.label)}</text>')
        run: list[str] = []
        segments: list[list[str]] = []
        for i, v in enumerate(s.values):
            if v is None:
                if run:
                    segments.append(run)
                run = []
                continue
            x, y = xy(i, v)
            run.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{color}"/>')
        if run:
            segments.append(run)
        for seg in segments:
            if len(seg) > 1:
                parts.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{color}" stroke-width="2"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
