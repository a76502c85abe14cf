"""report.md's metric evidence: savings per finding, per project and in total, each series as a text sparkline
(GitHub strips inline SVG from Markdown)."""

from __future__ import annotations

from wafr.markdown_text import code, risk, table, text
from wafr.review.model import Review
from wafr.review.savings import SeriesChart

BLOCKS = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 56  # characters: 14 days of hourly points become 6-hour steps


def usd(amount: float) -> str:
    return f"${amount:,.0f}" if amount >= 100 else f"${amount:,.2f}"


def sparkline(chart: SeriesChart, width: int = SPARK_WIDTH) -> str:
    """The series in block characters, each the maximum of its slice (a gap is a space)."""
    values = chart.values
    if not values:
        return ""
    step = max(1, -(-len(values) // width))
    slices = [[v for v in values[i:i + step] if v is not None] for i in range(0, len(values), step)]
    top = 100.0 if chart.unit == "%" else max((max(s) for s in slices if s), default=1.0) or 1.0
    return "".join(BLOCKS[min(len(BLOCKS) - 1, int(max(s) / top * (len(BLOCKS) - 1) + 0.5))] if s else " "
                   for s in slices)


def section(review: Review) -> list[str]:
    evidence = review.metric_evidence
    if evidence is None:
        return []
    lines = ["## Metric evidence and savings", ""]
    per_project = ", ".join(f"project **{text(letter)}** {usd(amount)}"
                            for letter, amount in evidence.by_project.items())
    lines += [f"Right-sizing the findings below saves an estimated **{usd(evidence.total_monthly_usd)} a month**"
              + (f" ({per_project})" if per_project else "") + ".", ""]
    rows = [[code(f.resource, cell=True), text(f.title), risk(f.risk), text(f.project or "-"),
             usd(f.monthly_saving_usd) if f.monthly_saving_usd is not None else "-"] for f in evidence.findings]
    lines += table(["Resource", "Finding", "Risk", "Project", "Saving a month"], rows)
    for f in evidence.findings:
        lines += [f"### {text(f.resource)}: {text(f.title)}", "", f"{text(f.evidence)}.", ""]
        if f.recommendation:
            lines += [f"_{text(f.recommendation)}_", ""]
        if f.saving_basis:
            lines += [f"Saving assumes {text(f.saving_basis)}.", ""]
        for chart in f.charts:
            lines.append(f"- {text(chart.label)}: `{sparkline(chart)}`")
        lines.append("")
    if evidence.deferred:
        lines += ["### Waiting for another fix", ""]
        lines += [f"- {code(d.resource)}: {text(d.reason)}" for d in evidence.deferred] + [""]
    lines += ["### Assumptions", "", *(f"- {text(a)}" for a in evidence.assumptions), ""]
    return lines
