"""report.md: the review as GitHub Markdown, with account strings escaped for Markdown and tables intact."""

from __future__ import annotations

import json
import re

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from hostile import MARKUP, SCRIPT, hostile_review

from wafr.cli import app
from wafr.outputs import write_reports
from wafr.report import markdown
from wafr.report.markdown import code, gh_anchor, text



@pytest.fixture(scope="module")
def review():
    return hostile_review()


@pytest.fixture(scope="module")
def document(review) -> str:
    return markdown.render(review)


@pytest.fixture(scope="module")
def rendered(document) -> str:
    """The Markdown as a CommonMark renderer with GFM tables and raw HTML allowed shows it."""
    return MarkdownIt("commonmark").enable("table").render(document)


def test_escaping_helpers():
    assert text(SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert text("a|b *c* _d_ [e](f) `g` #h ~i~ \\") == r"a\|b \*c\* \_d\_ \[e\](f) \`g\` \#h \~i\~ \\"
    assert text("line\nbreak") == "line break"
    assert code("plain") == "`plain`"
    assert code("a`b") == "``a`b``"
    assert code("`edge`") == "`` `edge` ``"
    assert code("a|b", cell=True) == r"`a\|b`"
    assert gh_anchor("Coverage: what was not assessed") == "#coverage-what-was-not-assessed"


def test_account_strings_render_as_text_not_markup(review, rendered):
    names = {n for a in review.all_focus_areas() for b in a.bullets for n in b.names}
    assert {SCRIPT, MARKUP} <= names
    assert "<script" not in rendered and "<b>bold</b>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert 'href="http://e.invalid"' not in rendered and "<em>em</em>" not in rendered
    assert "<code>a|b `tick` [link](http://e.invalid) *em* &lt;b&gt;bold&lt;/b&gt;</code>" in rendered


def test_every_table_row_keeps_its_columns(rendered):
    for table in re.findall(r"<table>.*?</table>", rendered, flags=re.DOTALL):
        widths = {len(re.findall(r"<t[hd][ >]", row)) for row in re.findall(r"<tr>.*?</tr>", table, flags=re.DOTALL)}
        assert len(widths) == 1, f"a row broke its table: {widths}"


def test_the_document_has_every_section_and_working_agenda_links(review, document):
    headings = re.findall(r"^#{1,4} (.+)$", document, flags=re.MULTILINE)
    anchors = {gh_anchor(h) for h in headings}
    links = re.findall(r"\]\((#[^)]+)\)", document)
    assert links and set(links) <= anchors
    for pillar in review.pillars:
        assert f"{pillar.name} findings" in headings
    assert "Security – High Risk Issues (HRI)" in headings and "Security – Medium Risk Issues (MRI)" in headings
    for phase in review.roadmap:
        assert any(h.startswith(f"Months {phase.months}:") for h in headings)
    assert "- Remove the IAM user `lambda-deployer`; deploy through OIDC-federated roles" in document
    assert "  - `lambda-deployer` (IAM User, unknown): 1 active access key" in document


def test_report_command_renders_markdown_and_refuses_what_is_not_a_review(review, document, tmp_path):
    write_reports(review, tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["report", str(tmp_path / "review.json"), "--format", "md", "-o", str(tmp_path / "md")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "md" / "report.md").read_text(encoding="utf-8") == document
    findings_like = tmp_path / "findings.json"
    findings_like.write_text(json.dumps({"schema": "wafr.findings/1", "findings": []}))
    refused = runner.invoke(app, ["report", str(findings_like), "--format", "md"])
    assert refused.exit_code == 2 and "is not a review" in refused.output
    unknown = runner.invoke(app, ["report", str(tmp_path / "review.json"), "--format", "pdf"])
    assert unknown.exit_code == 2 and "Unknown format" in unknown.output
