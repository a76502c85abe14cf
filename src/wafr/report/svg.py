"""Inline SVG charts for the HTML report: drawn from numbers, so the report needs no script or CDN."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from wafr.review.model import PillarSummary

RISK_COLOURS = {"HIGH": "#b3261e", "MEDIUM": "#e08a00", "LOW": "#3b78b5"}
LABEL_WIDTH, BAR_WIDTH, NOTE_WIDTH, ROW, TOP = 190, 330, 130, 34, 8


def _text(x: float, y: float, text: str, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(text)}</text>'


def _bar(pillar: PillarSummary, y: float, scale: float) -> list[str]:
    parts, x = [], float(LABEL_WIDTH)
    for risk, colour in RISK_COLOURS.items():
        count = pillar.findings.get(risk, 0)
        if not count:
            continue
        width = max(count * scale, 3.0)
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{ROW - 12}" fill="{colour}">'
                     f'<title>{escape(f"{pillar.name}: {count} {risk.lower()}-risk findings")}</title></rect>')
        if width >= 22:
            parts.append(_text(x + width / 2, y + (ROW - 12) / 2 + 4, str(count), fill="#fff",
                               text_anchor="middle", font_size="11"))
        x += width
    return parts


def risk_per_pillar(pillars: list[PillarSummary]) -> Markup:
    """Failed findings per pillar stacked by risk, with the number of HIGH/MEDIUM focus areas beside each bar."""
    most = max((sum(p.findings.get(r, 0) for r in RISK_COLOURS) for p in pillars), default=0)
    scale = BAR_WIDTH / most if most else 0.0
    width = LABEL_WIDTH + BAR_WIDTH + NOTE_WIDTH
    height = TOP + ROW * len(pillars) + 30
    opening = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
               f'width="{width}" height="{height}" role="img" aria-labelledby="chart-title">')
    parts = [opening, '<title id="chart-title">Failed findings per pillar, by risk</title>']
    for i, pillar in enumerate(pillars):
        y = TOP + i * ROW
        parts.append(_text(LABEL_WIDTH - 10, y + ROW / 2 - 2, pillar.name, text_anchor="end", font_size="13"))
        parts.extend(_bar(pillar, y, scale))
        areas = pillar.focus_areas
        note = f"{areas.get('HIGH', 0)} HRI · {areas.get('MEDIUM', 0)} MRI"
        parts.append(_text(LABEL_WIDTH + BAR_WIDTH + 12, y + ROW / 2 - 2, note, font_size="12", fill="#444"))
    legend_y, x = TOP + ROW * len(pillars) + 14, float(LABEL_WIDTH)
    for risk, colour in RISK_COLOURS.items():
        parts.append(f'<rect x="{x:.1f}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(_text(x + 14, legend_y, f"{risk.title()} risk findings", font_size="11"))
        x += 150
    parts.append("</svg>")
    return Markup("".join(parts))
