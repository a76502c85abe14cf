"""The questionnaire: the Well-Architected questions no API can answer, asked in the terminal and merged into the
review with the scan's evidence (``wafr questions``, ``--answers``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from wafr.questionnaire.answers import AnswerSheet


def read_answers(path: Path) -> AnswerSheet:
    """An answers file, validated strictly (an AnswersError names the line and key of any problem)."""
    from wafr.questionnaire.reader import read

    return read(path)


def demo_answers() -> AnswerSheet:
    """The answers shipped with the demo: what the sample review's team said in its interviews."""
    from wafr.questionnaire.reader import parse

    text = resources.files("wafr.demo").joinpath("answers.yaml").read_text(encoding="utf-8")
    return parse(text, origin="the demo's answers.yaml")
