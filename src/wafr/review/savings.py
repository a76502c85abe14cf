"""The review's metric evidence: the estimated monthly saving per finding, per project and in total (with the
assumptions stated), and for every metric finding the series that show it, for the report's charts.

Built from the findings' measurements (wafr.metrics.measurements: the analyses' numbers, savings and series travel
with each metric finding, in findings.json too), then carried in review.json so a report re-rendered from it draws
the same charts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wafr.metrics.analyses.common import HEADROOM
from wafr.metrics.pricing import hours_per_month
from wafr.vocabulary import FAIL, NOT_ASSESSED

if TYPE_CHECKING:
    from wafr.findings import Finding
    from wafr.review.model import Review

STAT_WORDS = {"Maximum": "hourly maximum", "Minimum": "hourly minimum", "Average": "hourly average"}


@dataclass
class SeriesChart:
    """One series of a metric finding, as drawn: hourly values from ``start`` (gaps as None)."""

    metric: str  # the series key: CPUUtilization, MemoryUtilization:Maximum, ...
    label: str  # "MemoryUtilization (hourly maximum)"
    unit: str  # "%", "bytes", "connections", "tasks"
    start: str
    period: int
    values: list[float | None]


@dataclass
class MetricFinding:
    """A failed metric check on one resource: its numbers, its saving (if priced) and its charts."""

    finding_id: str
    check_id: str
    title: str
    risk: str
    resource: str  # the resource's name
    environment: str
    focus_area: str  # FocusArea.key
    project: str  # letter, "" when its focus area is in no project
    evidence: str
    recommendation: str
    monthly_saving_usd: float | None = None
    current_monthly_usd: float | None = None
    recommended_monthly_usd: float | None = None
    saving_basis: str = ""  # task count, hours and prices behind the figure
    prices: str = ""
    charts: list[SeriesChart] = field(default_factory=list)


@dataclass
class Deferred:
    """A judgement that waits for another fix (right-sizing a leaking service), and why."""

    check_id: str
    resource: str
    reason: str


@dataclass
class MetricEvidence:
    total_monthly_usd: float
    by_project: dict[str, float]  # letter -> USD a month
    assumptions: list[str]
    findings: list[MetricFinding]
    deferred: list[Deferred] = field(default_factory=list)


def chart_label(metric: str) -> str:
    name, _, stat = metric.partition(":")
    return f"{name} ({STAT_WORDS.get(stat or 'Average', stat)})"


def build(findings: list["Finding"], review: "Review") -> MetricEvidence | None:
    """The metric evidence of a review, from its findings' measurements; None when no metric check failed or waited."""
    chosen, deferred = [], []
    for finding in findings:
        measured = finding.measurements
        if not measured:
            continue
        if finding.status == FAIL:
            chosen.append(_metric_finding(finding, measured, review))
        elif finding.status == NOT_ASSESSED and measured["numbers"].get("waits_for"):
            deferred.append(Deferred(finding.check_id, finding.resource["name"], finding.evidence))
    if not chosen and not deferred:
        return None
    by_project: dict[str, float] = defaultdict(float)
    for item in chosen:
        if item.monthly_saving_usd and item.project:
            by_project[item.project] += item.monthly_saving_usd
    total = sum(item.monthly_saving_usd or 0.0 for item in chosen)
    window = next((f.measurements["window"] for f in findings if f.measurements and f.measurements.get("window")), None)
    return MetricEvidence(total_monthly_usd=round(total, 2),
                          by_project={k: round(v, 2) for k, v in sorted(by_project.items())},
                          assumptions=_assumptions(window, chosen), findings=chosen, deferred=deferred)


def _metric_finding(finding: "Finding", measured: dict[str, Any], review: "Review") -> MetricFinding:
    key = f"{finding.pillar}/{finding.focus_area}"
    area = review.focus_area(key)
    saving = measured.get("saving") or {}
    charts = [SeriesChart(metric=s["metric"], label=chart_label(s["metric"]), unit=s["unit"], start=s["start"],
                          period=s["period"], values=list(s["values"])) for s in measured.get("series", [])]
    money = {k: round(saving[k], 2) if saving else None
             for k in ("monthly_usd", "current_monthly_usd", "recommended_monthly_usd")}
    return MetricFinding(
        finding_id=finding.id, check_id=finding.check_id, title=finding.title, risk=finding.risk,
        resource=finding.resource["name"], environment=finding.environment, focus_area=key,
        project=area.project if area else "", evidence=finding.evidence, recommendation=measured.get("recommendation", ""),
        monthly_saving_usd=money["monthly_usd"], current_monthly_usd=money["current_monthly_usd"],
        recommended_monthly_usd=money["recommended_monthly_usd"],
        saving_basis=saving.get("assumptions", ""), prices=saving.get("prices", ""), charts=charts)


def _assumptions(window: dict[str, Any] | None, chosen: list[MetricFinding]) -> list[str]:
    periods = {60: "1-minute", 300: "5-minute", 3600: "hourly", 86400: "daily"}
    span = (f"the {window['days']:.0f}-day look-back at "
            f"{periods.get(window['period'], str(window['period']) + '-second')} periods" if window else "the look-back")
    lines = [
        (f"Savings are monthly ({hours_per_month():.0f} hours) at on-demand list prices; Savings Plans, Reserved "
         "Instances and Spot lower both sides, so the saving billed is smaller by the same discount."),
        (f"Sizes keep {HEADROOM:.0%} headroom above the peaks seen over {span}: the 99th percentile of hourly CPU "
         "maxima and the highest hourly memory maximum."),
        "Right-sizing of a service that leaks memory waits for the leak fix, since the sawtooth skews its data.",
    ]
    return lines + [f"Prices: {prices}." for prices in sorted({item.prices for item in chosen if item.prices})]
