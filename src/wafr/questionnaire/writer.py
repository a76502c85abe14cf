"""Writing an answers file: readable YAML with the questions and the scan's evidence as comments, saved atomically."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import yaml

from wafr.framework import PILLAR_NAMES
from wafr.questionnaire.answers import SCHEMA, Answer, AnswerSheet
from wafr.questionnaire.questions import QuestionSet
from wafr.questionnaire.questions import load as load_questions

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


def _entry(bp_id: str, answer: Answer) -> list[str]:
    lines = [f"  # scan: {_comment(line)}" for line in answer.evidence]
    lines.append(f"  {bp_id}:")
    lines.append(f"    status: {answer.status}")
    for key in ("reason", "suggested", "owner", "note"):
        value = getattr(answer, key)
        if value:
            lines.append(f"    {key}: {scalar(value)}")
    return lines


def render(sheet: AnswerSheet, name: str = "answers.yaml", questions: QuestionSet | None = None) -> str:
    """The whole file: header, metadata, then the entries in the framework's order under question comments."""
    questions = questions or load_questions()
    out = [HEADER.format(name=name).rstrip("\n"), f"schema: {SCHEMA}", f"framework_edition: {scalar(sheet.edition)}"]
    if sheet.workload:
        out.append(f"workload: {scalar(sheet.workload)}")
    if sheet.prefilled_from:
        out.append(f"prefilled_from: {scalar(sheet.prefilled_from)}")
    if not sheet.answers:
        out.append("answers: {}")
        return "\n".join(out) + "\n"
    out.append("answers:")
    pillar = None
    for question in questions.questions:
        present = [c for c in question.choices if c.id in sheet.answers]
        if not present:
            continue
        if question.pillar != pillar:
            pillar = question.pillar
            out += ["", f"  # ===== {PILLAR_NAMES[pillar]} ====="]
        out += ["", f"  # {question.id} {_comment(question.title)}"]
        for choice in present:
            out.append(f"  # {choice.id} {_comment(choice.title)} (risk if not met: {choice.risk})")
            out += _entry(choice.id, sheet.answers[choice.id])
    return "\n".join(out) + "\n"


def save(sheet: AnswerSheet, path: Path, questions: QuestionSet | None = None) -> None:
    """Write the file atomically: a crash or Ctrl-C mid-write leaves the previous version, never half a file."""
    text = render(sheet, path.name, questions)
    directory = path.parent if str(path.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
