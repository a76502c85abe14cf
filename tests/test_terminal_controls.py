"""Strings from the account cannot drive the terminal: names, tags, coverage details and error messages reach the
screen (and report.html / report.md) with every control character made visible, never as raw bytes."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from rich.progress import Progress
from typer.testing import CliRunner

from hostile import BIDI, OSC_TITLE, RAW_CONTROLS, TERMINAL, terminal_hostile_estate

from wafr import cli
from wafr.cli import app
from wafr.control_chars import visible
from wafr.estate import Coverage
from wafr.questionnaire.answers import Answer, AnswerSheet
from wafr.questionnaire.cli import questions_app
from wafr.questionnaire.questions import load as load_questions
from wafr.questionnaire.writer import save
from wafr.report import html, markdown
from wafr.report.terminal import print_summary
from wafr.review import review_of_estate
from wafr.sources import snapshot
from wafr.terminal import SafeConsole

# What Rich itself writes to a terminal (colours, cursor moves, erase line): every other ESC came from the data.
RICH_OWN = re.compile(r"\x1b\[[0-9;?]*[mAKGhlDCB]|\r(?=\x1b\[2K)")
# C0 controls a file may hold besides line feed and tab (and carriage return, which HTML/Markdown never need).
C0 = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def raw_controls(output: str) -> list[str]:
    """The data's control characters left in ``output`` once Rich's own sequences are removed."""
    rest = RICH_OWN.sub("", output)
    return [c for c in RAW_CONTROLS if c in rest]


@pytest.fixture(scope="module")
def hostile():
    estate, findings = terminal_hostile_estate()
    # A snapshot from elsewhere can carry anything in a coverage detail (collection itself quotes errors cleanly).
    estate.record(Coverage(estate.accounts[0], "us-east-1", "kms", "denied", f"AccessDenied: {TERMINAL}"))
    return estate, findings


def test_the_hostile_names_do_reach_the_findings(hostile):
    _, findings = hostile
    names = {f.resource["name"] for f in findings if f.status == "FAIL"}
    assert TERMINAL in names and f"prod{BIDI}" in names


def test_summary_shows_hostile_names_visibly_and_writes_none_of_their_controls(hostile):
    estate, findings = hostile
    out = io.StringIO()
    print_summary(Console(file=out, force_terminal=True, width=250), estate, findings, [])
    text = out.getvalue()
    assert raw_controls(text) == []
    assert visible(OSC_TITLE) in text, "the name is shown with its escapes, not dropped"
    assert "\\u202egnp.exe" in text
    assert "AccessDenied: prod\\x1b]0;pwned" in text, "the coverage detail is shown too"


class EagerProgress(Progress):
    """Draws on every update, so the label a progress callback set is on screen before the bar finishes."""

    def update(self, *args, **kwargs) -> None:
        super().update(*args, **kwargs)
        self.refresh()


def test_progress_labels_cannot_drive_the_terminal(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(file=out, force_terminal=True, width=200))
    monkeypatch.setattr(cli, "Progress", EagerProgress)
    cli._with_progress(lambda progress: progress(TERMINAL, 1, 2), label="Accounts")
    assert raw_controls(out.getvalue()) == []
    assert "\\x1b]0;pwned" in out.getvalue()


def test_the_console_itself_makes_any_control_visible_that_a_printer_missed():
    out = io.StringIO()
    console = SafeConsole(file=out, force_terminal=True, width=200, highlight=False)
    console.print(TERMINAL, markup=False)
    from rich.table import Table

    table = Table()
    table.add_column("name")
    table.add_row(TERMINAL)
    console.print(table)
    assert raw_controls(out.getvalue()) == []
    assert out.getvalue().count("\\x1b]0;pwned") == 2


def test_review_of_a_hostile_snapshot_keeps_terminal_and_report_files_clean(hostile, tmp_path):
    estate, _ = hostile
    path = tmp_path / "hostile.json.gz"
    snapshot.write(estate, path)
    result = CliRunner().invoke(app, ["review", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert raw_controls(result.output) == []
    assert "\\x1b]0;pwned" in result.output
    for name in ("report.html", "report.md"):
        written = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert [c for c in RAW_CONTROLS if c in written] == [], name
        assert not C0.search(written.replace("\n", "").replace("\t", "")), name


def test_renderers_make_controls_visible(hostile):
    estate, findings = hostile
    review = review_of_estate(estate, findings)
    for page in (html.render(review), markdown.render(review)):
        assert not C0.search(page.replace("\n", "").replace("\t", ""))
        assert "\u202e" not in page and "\u200b" not in page
        assert "pwned" in page


def test_an_error_quoting_a_hostile_string_is_printed_plainly(tmp_path):
    name = tmp_path / f"snap{OSC_TITLE}[/bold]{BIDI}.json.gz"
    result = CliRunner().invoke(app, ["review", str(name), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert raw_controls(result.output) == []
    assert "\\x1b]0;pwned\\x07[/bold]" in result.output and "Traceback" not in result.output


def test_questions_ask_shows_hand_edited_evidence_visibly(tmp_path):
    sheet = AnswerSheet(edition=load_questions().edition, answers={"OPS06-BP01": Answer(evidence=["plain"])})
    path = tmp_path / "answers.yaml"
    save(sheet, path)
    # YAML allows bidi and zero-width characters in a comment; a hand edit (or a shared file) can plant them.
    path.write_text(path.read_text().replace("# scan: plain", f"# scan: vpc {BIDI}\u200b [bold]x[/]"))
    result = CliRunner().invoke(questions_app, ["ask", str(path)], input="me\nq\n")
    assert result.exit_code == 0, result.output
    assert raw_controls(result.output) == []
    assert "vpc \\u202egnp.exe\\u200b [bold]x[/]" in result.output
