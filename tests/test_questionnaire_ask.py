"""`wafr questions ask` driven through its prompts: piped input, and a real pseudo-terminal for Ctrl-C.

Every answer is saved at once, so stopping at any point (q, end of input, Ctrl-C) loses nothing and the next run
resumes at the first practice still unanswered.
"""

from __future__ import annotations

import os
import re
import select
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wafr.questionnaire.answers import Answer, AnswerSheet
from wafr.questionnaire.cli import questions_app
from wafr.questionnaire.questions import load as load_questions
from wafr.questionnaire.reader import read
from wafr.questionnaire.writer import save

runner = CliRunner()
EVIDENCE = "no-budgets: FAIL - no AWS Budgets budget is defined for the account"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def answers(tmp_path) -> Path:
    """Four deployment practices and the budgets practice, which the scan suggests is not met."""
    sheet = AnswerSheet(edition=load_questions().edition, answers={
        **{f"OPS06-BP0{i}": Answer() for i in range(1, 5)},
        "COST01-BP03": Answer(suggested="not-met", evidence=[EVIDENCE]),
    })
    path = tmp_path / "answers.yaml"
    save(sheet, path)
    return path


def ask(path: Path, typed: list[str], *args: str):
    return runner.invoke(questions_app, ["ask", str(path), *args], input="".join(f"{t}\n" for t in typed),
                         catch_exceptions=False)


def flat(output: str) -> str:
    return " ".join(output.split())


def test_a_whole_sitting_pillar_by_pillar_with_notes_reasons_and_suggestions(answers):
    result = ask(answers, [
        "platform team",  # the owner recorded with every answer
        "n no rollback plan yet",  # OPS06-BP01, with a note
        "x", "met",  # OPS06-BP02: a wrong key is asked again; the whole word works too
        "a", "", "we deploy once a year",  # OPS06-BP03: not applicable needs a reason
        "s",  # OPS06-BP04: skipped for now
        "",  # COST01-BP03: Enter takes the scan's suggestion
    ])
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert out.index("Operational Excellence") < out.index("OPS06-BP01") < out.index("Cost Optimization")
    assert "[5/5] COST01-BP03 Establish cloud budgets and forecasts" in out
    assert f"scan: {EVIDENCE}" in out and "the scan suggests not-met" in out
    assert "Type one of:" in out and "A reason is required" in out
    assert "Saved 4 answer(s)" in out and "1 practice(s) still unanswered" in out

    sheet = read(answers)
    got = {bp: (a.status, a.note, a.reason, a.owner) for bp, a in sheet.answers.items()}
    assert got == {
        "OPS06-BP01": ("not-met", "no rollback plan yet", "", "platform team"),
        "OPS06-BP02": ("met", "", "", "platform team"),
        "OPS06-BP03": ("not-applicable", "", "we deploy once a year", "platform team"),
        "OPS06-BP04": ("unanswered", "", "", ""),
        "COST01-BP03": ("not-met", "", "", "platform team"),
    }
    assert sheet.get("COST01-BP03").evidence == [EVIDENCE]  # the evidence comments survive every save


def test_end_of_input_mid_way_loses_nothing_and_the_next_run_resumes(answers):
    first = ask(answers, ["", "m", "p"])  # then the input ends, like a closed terminal
    assert first.exit_code == 0 and "Stopped (end of input)" in flat(first.output)
    assert [read(answers).status(f"OPS06-BP0{i}") for i in range(1, 5)] == ["met", "partly", "unanswered",
                                                                           "unanswered"]

    second = ask(answers, ["", "n", "m", "n"])
    out = flat(second.output)
    assert second.exit_code == 0 and "3 practices to answer in 2 questions" in out
    assert "[1/3] OPS06-BP03" in out and "OPS06-BP01 Plan" not in out  # resumes, never asks again
    assert "Every practice in this file is answered" in flat(ask(answers, []).output)
    assert [a.status for a in read(answers).answers.values()] == ["met", "partly", "not-met", "met", "not-met"]


def test_q_stops_and_naming_a_pillar_asks_all_of_its_practices(answers):
    result = ask(answers, ["q"], "--pillar", "cost", "--owner", "finance")
    assert result.exit_code == 0 and "[1/50] COST01-BP01" in flat(result.output)  # the file had only COST01-BP03
    assert read(answers).answered == 0
    ask(answers, ["s", "m", "p spreadsheet only", "q"], "--pillar", "COST", "--owner", "finance")
    sheet = read(answers)
    budget = sheet.get("COST01-BP03")
    assert (budget.status, budget.note, budget.owner) == ("partly", "spreadsheet only", "finance")
    assert sheet.status("COST01-BP02") == "met" and "COST01-BP01" not in sheet.answers  # skipped: not written


def test_help_explains_the_keys_and_a_missing_file_is_an_error(answers, tmp_path):
    out = flat(ask(answers, ["?", "q"], "--owner", "x").output)
    assert "optionally followed by a note" in out
    missing = runner.invoke(questions_app, ["ask", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "wafr questions init" in missing.output


class Terminal:
    """The CLI on a pseudo-terminal, as a person runs it: prompts, echo, and Ctrl-C through the line discipline."""

    def __init__(self, *args: str) -> None:
        import pty

        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: becomes the CLI
            os.execv(sys.executable, [sys.executable, "-m", "wafr.questionnaire.cli", *args])
        self.seen = ""

    def expect(self, text: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while text not in ANSI.sub("", self.seen):
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {text!r} in {ANSI.sub('', self.seen)[-2000:]!r}")
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    self.seen += os.read(self.fd, 4096).decode(errors="replace")
                except OSError:  # the child exited and closed the terminal
                    break

    def type(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def exit_code(self, timeout: float = 20) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    self.seen += os.read(self.fd, 4096).decode(errors="replace")
                except OSError:
                    pass
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, 9)
        raise AssertionError("the CLI did not exit")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_ctrl_c_in_a_real_terminal_keeps_every_answer_given(answers):
    term = Terminal("ask", str(answers), "--owner", "ops")
    term.expect("[1/5] OPS06-BP01")
    term.expect("help (s):")
    term.type("n rollback is manual\r")
    term.expect("[2/5] OPS06-BP02")
    term.type("\x03")  # Ctrl-C at the next prompt
    assert term.exit_code() == 130
    screen = ANSI.sub("", term.seen)
    assert "Stopped (interrupted)" in screen and "Saved 1 answer(s)" in screen
    first = read(answers).get("OPS06-BP01")
    assert (first.status, first.note, first.owner) == ("not-met", "rollback is manual", "ops")

    resumed = ask(answers, ["m", "m", "m", "n"], "--owner", "ops")
    assert "[1/4] OPS06-BP02" in flat(resumed.output)
    assert read(answers).answered == 5
