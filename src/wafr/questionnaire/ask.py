"""`questions ask`: walk the unanswered questions pillar by pillar in the terminal, saving after every answer.

Each practice is answered with one letter, optionally followed by a note ("n no rollback plan yet"). The file is
rewritten atomically after each answer, so Ctrl-C, a closed terminal or `q` loses nothing, and the next run
starts at the first practice still unanswered.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from rich.console import Console
from rich.markup import escape as _escape_markup
from rich.panel import Panel
from rich.prompt import InvalidResponse, Prompt
from rich.table import Table

from wafr.control_chars import visible
from wafr.framework import PILLAR_NAMES
from wafr.questionnaire.answers import (MET, NOT_APPLICABLE, NOT_MET, PARTLY, UNANSWERED, Answer, AnswersError,
                                        AnswerSheet)
from wafr.questionnaire.merge import assess
from wafr.questionnaire.questions import Choice, Question, QuestionSet
from wafr.questionnaire.questions import load as load_questions
from wafr.questionnaire.reader import read
from wafr.questionnaire.writer import save

SKIP, QUIT, HELP = "skip", "quit", "help"
KEYS = {"m": MET, "p": PARTLY, "n": NOT_MET, "a": NOT_APPLICABLE, "s": SKIP, "q": QUIT, "?": HELP}
KEY_OF = {status: key for key, status in KEYS.items()}
LEGEND = "[m]et  [p]artly  [n]ot met  not [a]pplicable  [s]kip  [q]uit  [?] help"
HELP_TEXT = ("Type one letter, optionally followed by a note: [bold]n no rollback plan yet[/]. Enter alone takes the "
             "suggestion shown in brackets. [bold]a[/] asks why the practice does not apply. [bold]s[/] leaves it for "
             "later, [bold]q[/] stops; every answer is already saved and the next run resumes here.")
RISK_STYLE = {"High": "bold red", "Medium": "yellow", "Low": "green"}


def escape(text: str) -> str:
    """Text from the file or the scan, shown as written: no Rich markup, control characters made visible."""
    return _escape_markup(visible(text))


class AnswerPrompt(Prompt):
    """A Rich prompt reading a status letter and an optional note."""

    validate_error_message = f"[prompt.invalid]Type one of: {escape(LEGEND)}"

    def process_response(self, value: str) -> tuple[str, str]:
        return parse_response(value)


def parse_response(value: str) -> tuple[str, str]:
    """"n no rollback plan" -> ("not-met", "no rollback plan"); the full status word works too."""
    head, _, note = value.strip().partition(" ")
    head = head.lower().rstrip(":,")
    status = KEYS.get(head) or next((s for s in KEYS.values() if s == head), None)
    if status is None:
        raise InvalidResponse(AnswerPrompt.validate_error_message)
    return status, note.strip()


@dataclass
class WalkResult:
    answered: int  # answers given in this session
    remaining: int  # practices still unanswered in the file
    stopped: str = ""  # "", "quit", "interrupted" or "end of input"


class Walk:
    def __init__(self, path: Path, console: Console, questions: QuestionSet, owner: str | None) -> None:
        self.path, self.console, self.questions, self.owner = path, console, questions, owner
        self.sheet: AnswerSheet = read(path, questions)
        self.answered = 0

    def todo(self, pillars: Iterable[str] | None) -> list[tuple[Question, list[Choice]]]:
        """Questions with unanswered practices, in the framework's order (pillar by pillar)."""
        # Without ``pillars`` only the file's own entries are asked; naming a pillar asks all of its practices,
        # adding the ones the file lacks.
        chosen = set(pillars) if pillars else {self.questions.choice(bp).pillar for bp in self.sheet.answers}
        found = []
        for question in self.questions.in_pillars(chosen):
            open_choices = [c for c in question.choices if self.sheet.status(c.id) == UNANSWERED
                            and (pillars or c.id in self.sheet.answers)]
            if open_choices:
                found.append((question, open_choices))
        return found

    def show_question(self, question: Question, open_choices: list[Choice]) -> None:
        done = len(question.choices) - len(open_choices)
        title = f"[bold]{question.id}[/] {escape(question.title)}"
        body = f"{escape(question.guidance)}\n[dim]{done} of {len(question.choices)} practices answered[/]"
        self.console.print(Panel(body, title=title, title_align="left"))

    def show_choice(self, choice: Choice, answer: Answer, position: str) -> None:
        style = RISK_STYLE.get(choice.risk, "")
        self.console.print(f"\n[dim]{position}[/] [bold]{choice.id}[/] {escape(choice.title)} "
                           f"[{style}](risk if not met: {choice.risk})[/]")
        self.console.print(f"  [dim]{escape(choice.hint)}[/]")
        for line in answer.evidence:
            self.console.print(f"  [cyan]scan:[/] {escape(line)}")
        if answer.suggested:
            self.console.print(f"  [cyan]the scan suggests[/] [bold]{escape(answer.suggested)}[/]")

    def ask_status(self, answer: Answer) -> tuple[str, str]:
        default = KEY_OF.get(answer.suggested, "s")
        while True:
            response = AnswerPrompt.ask(f"  {escape(LEGEND)}", console=self.console, default=default)
            status, note = parse_response(response) if isinstance(response, str) else response
            if status != HELP:
                return status, note
            self.console.print(f"  {HELP_TEXT}")

    def ask_reason(self) -> str:
        while True:
            reason = Prompt.ask("  Why does it not apply?", console=self.console).strip()
            if reason:
                return reason
            self.console.print("  [prompt.invalid]A reason is required for not applicable.")

    def record(self, choice: Choice, status: str, note: str, reason: str) -> None:
        before = self.sheet.get(choice.id)
        self.sheet.set(choice.id, Answer(status=status, reason=reason, note=note or before.note,
                                         owner=self.owner or before.owner, suggested=before.suggested,
                                         evidence=before.evidence))
        save(self.sheet, self.path, self.questions)
        self.answered += 1

    def run(self, pillars: Iterable[str] | None) -> str:
        todo = self.todo(pillars)
        total = sum(len(choices) for _, choices in todo)
        if not total:
            self.console.print("Every practice in this file is answered.")
            return ""
        self.console.print(f"{total} practices to answer in {len(todo)} questions. Every answer is saved at once; "
                           "stop any time with q or Ctrl-C and run the same command to resume.")
        if self.owner is None:
            self.owner = Prompt.ask("Owner to record with your answers (name or team; Enter for none)",
                                    console=self.console, default="", show_default=False).strip()
        count, pillar = 0, None
        for question, open_choices in todo:
            if question.pillar != pillar:
                pillar = question.pillar
                self.console.rule(f"[bold]{PILLAR_NAMES[pillar]}")
            self.show_question(question, open_choices)
            for choice in open_choices:
                count += 1
                answer = self.sheet.get(choice.id)
                self.show_choice(choice, answer, f"[{count}/{total}]")
                status, note = self.ask_status(answer)
                if status == QUIT:
                    return "quit"
                if status == SKIP:
                    continue
                reason = self.ask_reason() if status == NOT_APPLICABLE else ""
                self.record(choice, status, note, reason)
        return ""

    def summary(self, stopped: str) -> WalkResult:
        remaining = sum(1 for a in self.sheet.answers.values() if not a.answered)
        if stopped in ("interrupted", "end of input"):
            self.console.print(f"\n[bold]Stopped ({stopped}).[/]")
        self.console.print(f"Saved {self.answered} answer(s) to {escape(str(self.path))}; {remaining} practice(s) "
                           f"still unanswered." + (" Run the same command to resume." if remaining else ""))
        self._risk_table()
        return WalkResult(self.answered, remaining, stopped)

    def _risk_table(self) -> None:
        pillars = {self.questions.choice(bp).pillar for bp in self.sheet.answers}
        results = [q for q in assess(self.sheet, [], self.questions, pillars)
                   if any(p.answer.answered for p in q.practices)]
        if not results:
            return
        table = Table(title="Question risk from your answers (the scan is added by wafr scan/review --answers)")
        for column in ("Question", "Risk", "Answered"):
            table.add_column(column)
        for q in results:
            answered = sum(1 for p in q.practices if p.answer.answered)
            table.add_row(f"{q.id} {escape(q.question.title)}", q.risk, f"{answered}/{len(q.practices)}")
        self.console.print(table)


def walk(path: Path, console: Console, *, pillars: Iterable[str] | None = None, owner: str | None = None,
         questions: QuestionSet | None = None) -> WalkResult:
    """Ask every unanswered practice of the file (or of ``pillars``); returns what was done and why it stopped."""
    questions = questions or load_questions()
    if not path.exists():
        raise AnswersError(f"Answers file {path} does not exist; create it with `wafr questions init -o {path}`.")
    session = Walk(path, console, questions, owner)
    try:
        stopped = session.run(pillars)
    except KeyboardInterrupt:
        stopped = "interrupted"
    except EOFError:
        stopped = "end of input"
    return session.summary(stopped)
