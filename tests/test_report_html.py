"""report.html: self-contained, escaped, with the sample review's sections, re-renderable from review.json."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from hostile import SCRIPT, hostile_review

from wafr.cli import app
from wafr.outputs import write_reports
from wafr.report import html

VOID = {"meta", "br", "col", "img", "input", "link", "hr", "rect", "path", "line", "circle"}


@pytest.fixture(scope="module")
def review():
    return hostile_review()


@pytest.fixture(scope="module")
def page(review) -> str:
    return html.render(review)


class Structure(HTMLParser):
    """Collects element ids and checks that every opened element is closed in order."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.ids.update(v for k, v in attrs if k == "id")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.ids.update(v for k, v in attrs if k == "id")

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()


def test_account_strings_are_shown_as_text_never_as_markup(review, page):
    names = {n for a in review.all_focus_areas() for b in a.bullets for n in b.names}
    assert SCRIPT in names, "the hostile Name tag reaches a remediation bullet"
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page


def test_the_file_is_self_contained_and_printable(page):
    assert re.findall(r'(?:src|href)="([^"#][^"]*)"', page) == []  # only in-page anchors
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert "<svg" in page and "@media print" in page and "break-before: page" in page


def test_the_document_is_well_formed_with_every_section(review, page):
    parser = Structure()
    parser.feed(page)
    assert parser.errors == [] and parser.stack == []
    expected = {"summary", "projects", "roadmap", "assessments", "coverage"} | {f"pillar-{p.pillar}" for p in review.pillars}
    assert expected <= parser.ids
    assert {"pillar-security", "pillar-reliability", "pillar-operational-excellence", "pillar-performance-efficiency",
            "pillar-cost-optimization"} <= parser.ids
    assert {f"project-{p.letter}" for p in review.projects} <= parser.ids


def _section(page: str, ident: str) -> str:
    start = page.index(f'<section id="{ident}"')
    return page[start:page.index("</section>", start)]


def test_high_and_medium_risk_issues_are_separate_tables(review, page):
    security = _section(page, "pillar-security")
    high_part, medium_part = security.split("Security – Medium Risk Issues (MRI)")
    assert "Security – High Risk Issues (HRI)" in high_part
    for focus in review.pillars[0].focus_areas:
        if focus.risk == "HIGH":
            assert focus.title in high_part and focus.title not in medium_part
        if focus.risk == "MEDIUM":
            assert focus.title in medium_part and focus.title not in high_part
    assert "Remove the IAM user <code>lambda-deployer</code>; deploy through OIDC-federated roles" in high_part


def test_projects_roadmap_assessments_and_coverage_are_rendered(review, page):
    roadmap = _section(page, "roadmap")
    for phase in review.roadmap:
        assert f"Months {phase.months}" in roadmap
        for item in phase.items:
            assert html.environment().filters["escape"](item.text) in roadmap
    assessments = _section(page, "assessments")
    assert all(q.id in assessments for q in review.assessments)
    coverage = _section(page, "coverage")
    assert "client-vpn" in coverage and "unsupported" in coverage
    assert all(html.environment().filters["escape"](u.title) in coverage for u in review.coverage.unassessed_checks)


def test_report_command_re_renders_a_saved_review(review, page, tmp_path):
    write_reports(review, tmp_path)
    result = CliRunner().invoke(app, ["report", str(tmp_path / "review.json"), "--format", "html",
                                      "-o", str(tmp_path / "again")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "again" / "report.html").read_text(encoding="utf-8") == page
