"""Writing an answers file: readable YAML with the questions and the scan's evidence as comments, saved atomically."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import yaml

from wafr.files import write_text_atomic
from wafr.framework import PILLAR_NAMES
from wafr.questionnaire.answers import SCHEMA, Answer, AnswersError, AnswerSheet
from wafr.questionnaire.comments import UserComments
from wafr.questionnaire.comments import find as find_comments
from wafr.questionnaire.questions import QuestionSet
from wafr.questionnaire.questions import load as load_questions
from wafr.questionnaire.reader import EVIDENCE

HEADER = """\
# wafr answers: the Well-Architected questions a scan cannot answer, one entry per best practice.
# Answer them in the terminal with `wafr questions ask {name}`, or edit by hand:
#   status:    met | partly | not-met | not-applicable | unanswered
#   reason:    why a practice does not apply (required with not-applicable, and only then)
#   owner, note: optional free text
#   suggested: what the scan's evidence suggests; only a hint, the review judges the scan itself
# "# scan:" lines are the scan's evidence for the entry right below them; wafr reads them back, so keep them there.
"""
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.,;()/'+&-]*")


def scalar(value: str) -> str:
    """A YAML scalar that reads back as exactly this string."""
    if _PLAIN.fullmatch(value) and not value.endswith(" ") and yaml.safe_load(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def _comment(text: str) -> str:
    """One printable line, whatever the evidence held (YAML refuses control characters even in comments)."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


class _Lines:
    """The file's lines, with the team's own comments put back above and beside the keys they belong to."""

    def __init__(self, comments: UserComments | None) -> None:
        self.out: list[str] = []
        self.comments = comments or UserComments()

    def comment(self, text: str) -> None:
        self.out.append(text)

    def key(self, indent: int, path: tuple[str, ...], text: str) -> None:
        pad = " " * indent
        self.out += [pad + c for c in self.comments.take_above(path)]
        inline = self.comments.take_inline(path)
        self.out.append(f"{pad}{text}" + (f"  {inline}" if inline else ""))

    def leftovers(self, indent: int, prefix: tuple[str, ...]) -> None:
        """Comments of keys the new file no longer has, kept at the end of the part they were in."""
        self.out += [" " * indent + c for c in self.comments.take_under(prefix)]


def _entry(lines: _Lines, bp_id: str, answer: Answer) -> None:
    path = ("answers", bp_id)
    pad = "  "
    lines.out += [pad + c for c in lines.comments.take_above(path)]  # above the scan's lines, which sit on the key
    lines.out += [f"{pad}# scan: {_comment(line)}" for line in answer.evidence]
    lines.key(2, path, f"{bp_id}:")
    lines.key(4, (*path, "status"), f"status: {answer.status}")
    for key in ("reason", "suggested", "owner", "note"):
        value = getattr(answer, key)
        if value:
            lines.key(4, (*path, key), f"{key}: {scalar(value)}")
    lines.leftovers(4, path)


def render(sheet: AnswerSheet, name: str = "answers.yaml", questions: QuestionSet | None = None,
           comments: UserComments | None = None) -> str:
    """The whole file: header, metadata, then the entries in the framework's order under question comments;
    ``comments`` (the team's own, from the file being rewritten) go back beside their keys."""
    questions = questions or load_questions()
    lines = _Lines(comments)
    lines.comment(HEADER.format(name=name).rstrip("\n"))
    lines.key(0, ("schema",), f"schema: {SCHEMA}")
    lines.key(0, ("framework_edition",), f"framework_edition: {scalar(sheet.edition)}")
    if sheet.workload:
        lines.key(0, ("workload",), f"workload: {scalar(sheet.workload)}")
    if sheet.prefilled_from:
        lines.key(0, ("prefilled_from",), f"prefilled_from: {scalar(sheet.prefilled_from)}")
    if not sheet.answers:
        lines.key(0, ("answers",), "answers: {}")
    else:
        lines.key(0, ("answers",), "answers:")
    pillar = None
    for question in questions.questions:
        present = [c for c in question.choices if c.id in sheet.answers]
        if not present:
            continue
        if question.pillar != pillar:
            pillar = question.pillar
            lines.out += ["", f"  # ===== {PILLAR_NAMES[pillar]} ====="]
        lines.out += ["", f"  # {question.id} {_comment(question.title)}"]
        for choice in present:
            lines.comment(f"  # {choice.id} {_comment(choice.title)} (risk if not met: {choice.risk})")
            _entry(lines, choice.id, sheet.answers[choice.id])
    rest = lines.comments.take_under(())
    if rest:
        lines.out += ["", *rest]
    return "\n".join(lines.out) + "\n"


def _generated(questions: QuestionSet) -> Callable[[str], bool]:
    """Whether a comment line is one wafr writes itself (and so lays out afresh), not one of the team's."""
    own = {f"# ===== {title} =====" for title in PILLAR_NAMES.values()}
    for question in questions.questions:
        own.add(f"# {question.id} {_comment(question.title)}")
        own.update(f"# {c.id} {_comment(c.title)} (risk if not met: {c.risk})" for c in question.choices)
    header = [re.compile(re.escape(line).replace(re.escape("{name}"), ".*") + "$") for line in HEADER.splitlines()]
    return lambda line: line in own or bool(EVIDENCE.match(line)) or any(h.match(line) for h in header)


def kept_comments(path: Path, questions: QuestionSet | None = None) -> UserComments | None:
    """The team's comments in the file at ``path`` (None when there is no file yet)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise AnswersError(f"Answers file {path} could not be read: {error}") from None
    return find_comments(text, str(path), _generated(questions or load_questions()))


def save(sheet: AnswerSheet, path: Path, questions: QuestionSet | None = None, *, keep_comments: bool = True) -> None:
    """Write the file atomically: a crash or Ctrl-C mid-write leaves the previous version, never half a file.

    The comments the team wrote in the file being replaced are kept, unless ``keep_comments`` is False."""
    comments = kept_comments(path, questions) if keep_comments else None
    text = render(sheet, path.name, questions, comments)
    write_text_atomic(path, text)
