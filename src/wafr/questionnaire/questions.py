"""The question set: every Well-Architected question with its best practices as choices, in our own words.

IDs, titles and risks come from the framework taxonomy; the guidance, the "met when" hints and the focus area
each answer lands in come from data/questions.yaml, which must match the taxonomy's edition and questions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

import yaml

from wafr.framework import PILLAR_NAMES, Framework
from wafr.framework import load as load_framework

DATA_FILE = "questions.yaml"
SCHEMA = "wafr.questions/1"
CORE_PILLARS = ("operational-excellence", "security", "reliability", "performance-efficiency", "cost-optimization")
OPTIONAL_PILLARS = ("sustainability",)


@dataclass(frozen=True)
class Choice:
    """One best practice as a choice of its question."""

    id: str
    title: str
    risk: str  # High | Medium | Low, the framework's risk when the practice is not established
    question_id: str
    pillar: str
    hint: str
    focus_pillar: str  # the pillar whose review tables show this practice's answers
    focus_area: str


@dataclass(frozen=True)
class Question:
    id: str
    title: str
    pillar: str
    guidance: str
    choices: tuple[Choice, ...]

    @property
    def pillar_name(self) -> str:
        return PILLAR_NAMES[self.pillar]


@dataclass(frozen=True)
class QuestionSet:
    edition: str
    questions: tuple[Question, ...]  # in the framework's order
    _choices: dict[str, Choice] = field(init=False, repr=False, compare=False)
    _by_id: dict[str, Question] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_choices", {c.id: c for q in self.questions for c in q.choices})
        object.__setattr__(self, "_by_id", {q.id: q for q in self.questions})

    def __contains__(self, bp_id: str) -> bool:
        return bp_id in self._choices

    def choice(self, bp_id: str) -> Choice:
        return self._choices[bp_id]

    def question(self, question_id: str) -> Question:
        return self._by_id[question_id]

    @property
    def practice_ids(self) -> list[str]:
        return list(self._choices)

    def in_pillars(self, pillars: Iterable[str]) -> list[Question]:
        wanted = set(pillars)
        return [q for q in self.questions if q.pillar in wanted]


def _focus(ref: str, pillar: str, where: str) -> tuple[str, str]:
    """"Name" stays in the question's pillar; "pillar/Name" puts the answers in another pillar's tables."""
    head, sep, tail = ref.partition("/")
    if sep and head in PILLAR_NAMES:
        return head, tail.strip()
    if sep and head.islower() and "-" in head:
        raise ValueError(f"{DATA_FILE}: {where} names unknown pillar {head!r}")
    return pillar, ref.strip()


def parse(data: dict[str, Any], framework: Framework) -> QuestionSet:
    """Build the question set; any mismatch with the taxonomy fails loudly, naming the question."""
    if data.get("schema") != SCHEMA:
        raise ValueError(f"{DATA_FILE}: schema must be {SCHEMA!r}")
    if str(data.get("framework_edition")) != framework.edition:
        raise ValueError(f"{DATA_FILE} is for framework edition {data.get('framework_edition')!r}; the taxonomy is "
                         f"{framework.edition!r}: update the questions to the new edition")
    by_question: dict[str, list[str]] = {}
    for bp in framework.best_practices.values():
        by_question.setdefault(bp.question_id, []).append(bp.id)
    raw_questions = data.get("questions") or {}
    missing, unknown = set(by_question) - set(raw_questions), set(raw_questions) - set(by_question)
    if missing or unknown:
        raise ValueError(f"{DATA_FILE}: questions missing {sorted(missing)}, unknown {sorted(unknown)}")
    questions = []
    for question_id, practice_ids in by_question.items():
        raw = raw_questions[question_id]
        practices = raw.get("practices") or {}
        if list(practices) != practice_ids:
            raise ValueError(f"{DATA_FILE}: {question_id} must list {practice_ids} in order, has {list(practices)}")
        first = framework[practice_ids[0]]
        default_focus = _focus(raw["focus_area"], first.pillar, question_id)
        choices = []
        for bp_id, entry in practices.items():
            entry = {"hint": entry} if isinstance(entry, str) else dict(entry)
            if not entry.get("hint") or set(entry) - {"hint", "focus_area"}:
                raise ValueError(f"{DATA_FILE}: {bp_id} needs a hint and may only add a focus_area")
            focus = _focus(entry["focus_area"], first.pillar, bp_id) if "focus_area" in entry else default_focus
            bp = framework[bp_id]
            choices.append(Choice(id=bp_id, title=bp.title, risk=bp.risk, question_id=question_id, pillar=bp.pillar,
                                  hint=entry["hint"], focus_pillar=focus[0], focus_area=focus[1]))
        if not raw.get("guidance"):
            raise ValueError(f"{DATA_FILE}: {question_id} has no guidance")
        questions.append(Question(id=question_id, title=first.question_title, pillar=first.pillar,
                                  guidance=raw["guidance"], choices=tuple(choices)))
    return QuestionSet(edition=framework.edition, questions=tuple(questions))


@lru_cache(maxsize=1)
def load() -> QuestionSet:
    """The bundled question set, checked against the bundled taxonomy."""
    text = resources.files("wafr").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    return parse(yaml.safe_load(text), load_framework())
