"""The demo's answers in the review: the sample review's process focus areas, with their risks, in the same
tables, projects and roadmap as the scan's; unanswered questions as gaps."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from wafr.estate import Estate
from wafr.questionnaire import demo_answers
from wafr.review import build_review
from wafr.review.model import Review

# The sample review's process rows (reference/sample-review.txt): pillar, focus area, risk.
SAMPLE_PROCESS_ROWS = {
    ("operational-excellence", "Deployment processes"): "HIGH",
    ("operational-excellence", "Service runbooks, playbooks and policies"): "HIGH",
    ("operational-excellence", "Operational KPIs"): "MEDIUM",
    ("reliability", "Disaster recovery"): "HIGH",
    ("reliability", "Service quotas"): "MEDIUM",
    ("performance-efficiency", "Workload efficiency"): "MEDIUM",
    ("cost-optimization", "Cloud financial management"): "HIGH",
    ("cost-optimization", "Cost evaluation"): "MEDIUM",
    ("cost-optimization", "Resource management"): "MEDIUM",
}
SCOPE = {"accounts": ["123456789012"], "regions": ["us-east-1"], "source": "demo"}


@pytest.fixture(scope="module")
def review() -> Review:
    """The review of the demo's answers alone: every risk in it comes from what the team said."""
    return build_review([], [], SCOPE, answers=demo_answers())


def test_the_demo_answers_reproduce_the_sample_reviews_process_rows(review):
    rows = {(fa.pillar, fa.name): fa.risk for fa in review.all_focus_areas()}
    assert rows == SAMPLE_PROCESS_ROWS
    assert review.focus_area("reliability/Service quotas").title == "Manage service quotas and constraints"


def test_answer_bullets_name_the_practice_what_the_team_said_and_what_good_looks_like(review):
    area = review.focus_area("operational-excellence/Deployment processes")
    bullet = next(b for b in area.bullets if b.best_practices == ["OPS06-BP01"])
    assert bullet.risk == "HIGH" and bullet.check_id == "answer:OPS06-BP01"
    assert bullet.text == ("Plan for unsuccessful changes (answered not met: No rollback plan is decided before a "
                           "change; failed releases are fixed forward by hand.)")
    assert bullet.remediation.startswith("Met when every change has a way back")
    assert area.guidance and area.bullets[0].risk == "HIGH"
    low = next(b for b in area.bullets if b.check_id == "answer:low-risk")
    assert low.risk == "LOW" and "REL08-BP05" in low.best_practices


def test_process_areas_join_projects_and_the_roadmap(review):
    projects = {key: p for p in review.projects for key in p.focus_areas}
    assert set(projects) == {f"{pillar}/{name}" for pillar, name in SAMPLE_PROCESS_ROWS}
    assert projects["cost-optimization/Cost evaluation"].title == "Enable cost alerting and analysis"
    phases = {phase.key: [item.text for item in phase.items] for phase in review.roadmap}
    assert "Implement a disaster recovery plan and perform table-top exercises" in phases["months-1-3"]
    assert "Architect for service quotas with capacity for failover" in phases["months-3-6"]
    assert "Use KPIs, monitoring and load tests for performance efficiency" in phases["months-3-6"]
    gap = next(text for text in phases["months-6-9"] if text.startswith("Answer the questions"))
    assert "OPS01" in gap and "and 27 more" in gap  # 35 questions have no answer and no scan here


def test_question_risk_is_the_tools_and_unanswered_questions_are_gaps(review):
    questions = {q.id: q for q in review.assessments}
    assert questions["OPS11"].risk == "HIGH"  # partly on a high-risk practice: the WA Tool counts it unmet
    assert questions["REL01"].risk == "MEDIUM"
    statuses = {bp.id: bp.status for bp in questions["REL01"].best_practices}
    assert statuses["REL01-BP02"] == "not applicable" and statuses["REL01-BP01"] == "met"
    q = review.questionnaire
    assert (q.answered, q.total, q.workload) == (91, 278, "Defi.App production (demo)")
    assert len(q.unanswered) == 35 and q.unanswered[0].id == "OPS01" and q.unanswered[0].unknown[0] == "OPS01-BP01"


def test_the_review_with_answers_survives_review_json(review):
    again = Review.from_dict(json.loads(json.dumps(review.to_dict())))
    assert again.to_dict() == review.to_dict() and again.questionnaire.answered == 91


def test_without_answers_the_review_is_unchanged():
    plain = build_review([], [], SCOPE)
    assert plain.questionnaire is None and not list(plain.all_focus_areas()) and plain.assessments == []


@pytest.fixture
def quick_demo(monkeypatch):
    """`wafr demo` with its estate replaced by an empty one: this tests the wiring of the answers, not moto."""
    import wafr.demo.run

    monkeypatch.setattr(wafr.demo.run, "run_demo", lambda progress=None: Estate(metadata=dict(SCOPE)))


@pytest.mark.parametrize("args, answered", [([], 91), (["--no-answers"], None)])
def test_wafr_demo_uses_the_demos_answers_by_default(quick_demo, tmp_path, args, answered):
    from wafr.cli import app

    result = CliRunner().invoke(app, ["demo", "-o", str(tmp_path), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    review = json.loads((tmp_path / "review.json").read_text(encoding="utf-8"))
    assert (review["questionnaire"] or {}).get("answered") == answered


def test_what_the_team_typed_is_escaped_in_every_report():
    from wafr.questionnaire.answers import Answer
    from wafr.report import html, markdown

    sheet = demo_answers()
    sheet.set("OPS06-BP01", Answer("not-met", note="<script>alert(1)</script> | `x` [link](http://e)", owner="<b>me</b>"))
    review = build_review([], [], SCOPE, answers=sheet)
    page, text = html.render(review), markdown.render(review)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>me</b>" not in page
    assert "<script>" not in text and "[link](http://e)" not in text
