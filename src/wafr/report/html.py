"""report.html: one self-contained, printable file rendered from a Review (Jinja2, autoescape on)."""

from __future__ import annotations

import re
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from wafr.control_chars import visible
from wafr.framework import PILLAR_NAMES
from wafr.report import series_svg, svg, trend_svg
from wafr.review import advisors
from wafr.review.model import RISK_LABELS, Review

TEMPLATE = "report.html.j2"
ENVIRONMENT_LABELS = {"prod": "prod", "staging": "staging", "dev": "dev", "unknown": "env unknown"}


def slug(text: str) -> str:
    """An anchor id from our own names (pillar slugs, focus-area keys)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("wafr.report", "templates"), autoescape=True, extensions=["jinja2.ext.do"],
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(slug=slug, risk_label=lambda r: RISK_LABELS.get(r, r.title()),
                       env_label=lambda e: ENVIRONMENT_LABELS.get(e, e),
                       pillar_name=lambda p: PILLAR_NAMES.get(p, p))
    env.filters.update(usd=lambda amount: f"${amount:,.0f}" if amount >= 100 else f"${amount:,.2f}")
    env.globals.update(risk_chart=svg.risk_per_pillar, metric_chart=series_svg.line_chart)
    env.globals.update(trend_chart=trend_svg.trend_per_pillar)
    env.filters.update(advisor_headline=advisors.headline, advisor_sample_note=advisors.sample_note,
                       advisor_where=advisors.where, advisor_status=advisors.status_words,
                       advisor_findings=advisors.findings_words)
    return env


def render(review: Review) -> str:
    """The whole report as one HTML document: inline CSS and SVG, no scripts, no external requests."""
    focus_titles = {fa.key: fa.title for fa in review.all_focus_areas()}
    html = environment().get_template(TEMPLATE).render(review=review, focus_titles=focus_titles)
    # Autoescape stops markup, not control characters: an account string's ESC or bidi override is shown as text.
    return visible(html)
