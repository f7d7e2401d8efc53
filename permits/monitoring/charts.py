"""Charts as inline SVG drawn on the server (pure: numbers in, markup out; no JavaScript).

Each chart is an image with a title and a text alternative; the page shows the same numbers in a
table next to it, so nothing is only in the picture. The SVG scales to its container (viewBox)
and keeps its text readable on a 360 px phone.
"""

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


def bar_chart(
    bars: list[Bar], *, title: str, max_value: float | None = None, marker: float | None = None
) -> SafeString:
    """Horizontal bars, one per row, labelled on the left and valued on the right.
    `marker` draws a dashed line at that value (e.g. the bound, or a 100% target)."""
    if not bars:
        return mark_safe("")
    width, label_w, value_w, bar_h, gap, top = 360, 150, 72, 16, 8, 6
    plot_w = width - label_w - value_w
    top_value = max([max_value or 0, marker or 0] + [b.value for b in bars]) or 1
    height = top + len(bars) * (bar_h + gap)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, bar in enumerate(bars):
        y = top + i * (bar_h + gap)
        w = max(0.0, plot_w * bar.value / top_value)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 4}" text-anchor="end" font-size="10" fill="#1a1a1a">'
            f"<title>{escape(bar.label)}</title>{escape(_short(bar.label, 22))}</text>"
        )
        parts.append(f'<rect x="{label_w}" y="{y}" width="{plot_w}" height="{bar_h}" fill="#eaecf0" rx="3"/>')
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
            f'fill="{COLORS.get(bar.tone, COLORS[""])}" rx="3"/>'
        )
        parts.append(
            f'<text x="{label_w + plot_w + 4}" y="{y + bar_h - 4}" font-size="10" fill="#1a1a1a">'
            f"{escape(bar.text)}</text>"
        )
    if marker is not None:
        x = label_w + plot_w * marker / top_value
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
