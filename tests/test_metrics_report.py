"""Savings and charts in the review: per finding, per project and in total, carried by review.json, drawn as
inline SVG in report.html and as sparklines in report.md."""

from __future__ import annotations

import json

import pytest

from wafr.findings import evaluate
from wafr.metrics.synthetic import daily, ecs_service, estate_with, flat, sawtooth, values
from wafr.report import html, markdown, review_json
from wafr.report.markdown_metrics import sparkline
from wafr.report.series_svg import line_chart
from wafr.review import review_of_estate
from wafr.review.model import Review
from wafr.review.savings import SeriesChart

HOURS = 14 * 24


def ecs(cpu, memory):
    cpu_values = values(cpu, HOURS)
    return {"CPUUtilization": cpu_values, "CPUUtilization:Maximum": [v * 1.1 for v in cpu_values],
            "MemoryUtilization:Maximum": values(memory, HOURS, 2)}


@pytest.fixture(scope="module")
def review():
    resources = [*ecs_service("backend-service", 1024, 2048), *ecs_service("paymaster-service", 4096, 16384),
                 *ecs_service("dev-<script>alert(1)</script>", 4096, 8192, environment="dev")]
    estate = estate_with(resources, {
        "backend-service": ecs(daily(15, 60, 2), sawtooth(25, 1.2, 92, noise=0.5)),
        "paymaster-service": ecs(daily(2, 7, 0.3), flat(10, 0.3)),
        "dev-<script>alert(1)</script>": ecs(daily(1, 4), flat(12)),
    })
    return review_of_estate(estate, evaluate(estate))


def test_savings_add_up_per_finding_project_and_total(review):
    evidence = review.metric_evidence
    priced = [f for f in evidence.findings if f.monthly_saving_usd]
    assert {f.resource for f in priced} == {"paymaster-service", "dev-<script>alert(1)</script>"}
    assert evidence.total_monthly_usd == pytest.approx(sum(f.monthly_saving_usd for f in priced), abs=0.01)
    assert sum(evidence.by_project.values()) == pytest.approx(evidence.total_monthly_usd, abs=0.01)
    project = review.project(priced[0].project)
    assert project and {f.finding_id for f in priced} <= set(project.finding_ids)
    assert any("730 hours" in a for a in evidence.assumptions)
    assert any("fargate/pricing" in a and "as of" in a for a in evidence.assumptions)


def test_every_metric_finding_carries_its_series_and_right_sizing_waits_for_the_leak(review):
    evidence = review.metric_evidence
    leak = next(f for f in evidence.findings if f.check_id == "ecs-service-memory-leak")
    assert leak.charts[0].metric == "MemoryUtilization:Maximum" and len(leak.charts[0].values) == HOURS
    assert all(f.charts for f in evidence.findings)
    assert [(d.check_id, d.resource) for d in evidence.deferred] == [("ecs-service-over-provisioned",
                                                                      "backend-service")]


def test_review_json_carries_the_evidence_so_a_re_rendered_report_draws_the_same_charts(review):
    again = Review.from_dict(json.loads(review_json.render(review)))
    assert again == review
    assert html.render(again) == html.render(review)


def test_report_html_draws_a_chart_per_series_and_escapes_names(review):
    page = html.render(review)
    charts = sum(len(f.charts) for f in review.metric_evidence.findings)
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="series"') == charts
    assert 'id="metric-evidence"' in page and "<polyline" in page
    assert f"${review.metric_evidence.total_monthly_usd:,.0f} a month" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_report_md_lists_savings_and_sparklines(review):
    text = markdown.render(review)
    section = text[text.index("## Metric evidence and savings"):text.index("## Proposed roadmap")]
    assert "▁" in section and "a month" in section
    assert "### dev-&lt;script&gt;alert(1)&lt;/script&gt;:" in section  # headings escape; code spans show it as written


def test_a_gap_breaks_the_line_and_the_scale_fits_the_unit():
    chart = SeriesChart("FreeableMemory:Minimum", "FreeableMemory (hourly minimum)", "bytes",
                        "2026-11-12T00:00:00Z", 3600, [2**30, 2**30, None, None, 2 * 2**30, 2 * 2**30])
    svg = str(line_chart(chart))
    assert svg.count("<polyline") == 2 and "GiB" in svg
    assert sparkline(chart, width=3) == "▅ █"
