"""The "Since the last review" trend: per pillar, failed findings by risk at each milestone, as inline SVG."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from wafr.framework import PILLAR_NAMES
from wafr.report.svg import RISK_COLOURS
from wafr.review.since_last import TrendPoint

PANEL_WIDTH, PANEL_HEIGHT, GAP, TOP, BOTTOM = 180, 90, 14, 22, 16


def _panel(pillar: str, trend: list[TrendPoint], x0: float, most: int) -> list[str]:
    """One pillar: a stacked bar per milestone, oldest left, this review right."""
    slot = PANEL_WIDTH / max(len(trend), 1)
    bar = max(min(slot * 0.7, 26.0), 2.0)
    scale = (PANEL_HEIGHT - TOP - BOTTOM) / most if most else 0.0
    name = PILLAR_NAMES.get(pillar, pillar)
    parts = [f'<text x="{x0:.1f}" y="13" font-size="12" font-weight="600">{escape(name)}</text>',
             f'<line x1="{x0:.1f}" y1="{PANEL_HEIGHT - BOTTOM}" x2="{x0 + PANEL_WIDTH:.1f}" '
             f'y2="{PANEL_HEIGHT - BOTTOM}" stroke="#bbb"/>']
    for i, point in enumerate(trend):
        counts = point.failed.get(pillar, {})
        x, y = x0 + i * slot + (slot - bar) / 2, float(PANEL_HEIGHT - BOTTOM)
        total = sum(counts.get(r, 0) for r in RISK_COLOURS)
        for risk, colour in RISK_COLOURS.items():
            height = counts.get(risk, 0) * scale
            if height:
                y -= height
                label = f"{name}, {point.milestone} ({point.at[:10]}): {counts.get(risk, 0)} {risk.lower()}-risk"
                parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" fill="{colour}">'
                             f'<title>{escape(label)}</title></rect>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle" '
                     f'fill="#444">{total}</text>')
    parts.append(f'<text x="{x0:.1f}" y="{PANEL_HEIGHT - 3}" font-size="10" fill="#666">{escape(trend[0].at[:10])}'
                 f'</text>' if trend else "")
    parts.append(f'<text x="{x0 + PANEL_WIDTH:.1f}" y="{PANEL_HEIGHT - 3}" font-size="10" fill="#666" '
                 f'text-anchor="end">now</text>')
    return parts


def trend_per_pillar(trend: list[TrendPoint]) -> Markup:
    """Small multiples, one panel per pillar on a shared scale, so pillars compare at a glance."""
    pillars = list(dict.fromkeys(p for point in trend for p in point.failed)) or list(PILLAR_NAMES)
    most = max((sum(point.failed.get(p, {}).get(r, 0) for r in RISK_COLOURS) for point in trend for p in pillars),
               default=0)
    width = len(pillars) * (PANEL_WIDTH + GAP)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart trend" viewBox="0 0 {width} {PANEL_HEIGHT}" '
             f'width="{width}" height="{PANEL_HEIGHT}" role="img" aria-labelledby="trend-title">',
             '<title id="trend-title">Failed findings per pillar at each milestone, by risk</title>']
    for i, pillar in enumerate(pillars):
        parts.extend(_panel(pillar, trend, i * (PANEL_WIDTH + GAP), most))
    parts.append("</svg>")
    return Markup("".join(parts))
