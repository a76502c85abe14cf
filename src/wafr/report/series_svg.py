"""Small inline SVG line charts of a metric finding's series, so the reader sees the sawtooth or the idle line."""

from __future__ import annotations

import datetime as dt
from html import escape

from markupsafe import Markup

from wafr.review.savings import SeriesChart

WIDTH, HEIGHT = 360, 110
LEFT, RIGHT, TOP, BOTTOM = 46, 8, 8, 20
LINE = "#232f3e"


def _scale_top(chart: SeriesChart, present: list[float]) -> float:
    if chart.unit == "%":
        return 100.0
    top = max(present, default=0.0) * 1.1
    return top or 1.0


def _value_label(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value:.0f}%"
    if unit == "bytes":
        return f"{value / 2**30:.1f} GiB"
    return f"{value:,.0f}"


def _segments(values: list[float | None]) -> list[list[tuple[int, float]]]:
    """Runs of consecutive datapoints: a gap breaks the line instead of bridging it."""
    runs, run = [], []
    for i, value in enumerate(values):
        if value is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append((i, value))
    if run:
        runs.append(run)
    return runs


def line_chart(chart: SeriesChart) -> Markup:
    """One series as a polyline over its time span, with its scale and first and last day marked."""
    present = [v for v in chart.values if v is not None]
    top = _scale_top(chart, present)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(len(chart.values) - 1, 1)

    def x(i: int) -> float:
        return LEFT + inner_w * i / count

    def y(v: float) -> float:
        return TOP + inner_h * (1 - min(max(v, 0.0), top) / top)

    start = dt.datetime.fromisoformat(chart.start)
    end = start + dt.timedelta(seconds=chart.period * (len(chart.values) - 1))
    title = escape(f"{chart.label}, {start:%Y-%m-%d} to {end:%Y-%m-%d}")
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="series" viewBox="0 0 {WIDTH} {HEIGHT}" '
              f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{title}"><title>{title}</title>'),
             f'<rect x="{LEFT}" y="{TOP}" width="{inner_w}" height="{inner_h}" fill="#f4f6f9"/>']
    for value in (0.0, top / 2, top):
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                     'stroke="#d9dde3" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="10" fill="#5b6472">'
                     f'{escape(_value_label(value, chart.unit))}</text>')
    for run in _segments(chart.values):
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in run)
        if len(run) == 1:
            parts.append(f'<circle cx="{x(run[0][0]):.1f}" cy="{y(run[0][1]):.1f}" r="1.5" fill="{LINE}"/>')
        else:
            parts.append(f'<polyline points="{points}" fill="none" stroke="{LINE}" stroke-width="1.3"/>')
    baseline = HEIGHT - 6
    parts.append(f'<text x="{LEFT}" y="{baseline}" font-size="10" fill="#5b6472">{start:%b %d}</text>')
    parts.append(f'<text x="{WIDTH - RIGHT}" y="{baseline}" text-anchor="end" font-size="10" fill="#5b6472">'
                 f'{end:%b %d}</text>')
    if not present:
        parts.append(f'<text x="{LEFT + inner_w / 2}" y="{TOP + inner_h / 2}" text-anchor="middle" font-size="11">'
                     'no data</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
