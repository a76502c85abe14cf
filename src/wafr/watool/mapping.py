"""Which WA Tool question and choice each best practice is, checked against the WA Tool's own answers at run time.

The taxonomy (wa-framework.yaml) records each question's ``wa_tool_question_id`` and each practice's ``choice_id``;
ListAnswers says what the workload's lens really offers. Where they disagree the practice is left out and the
mismatch reported, never guessed. A question whose id the taxonomy lacks (or the WA Tool does not know) is identified
only when exactly one WA Tool question of its pillar offers every one of its choice ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from wafr.framework import PILLAR_SLUGS

NONE_OF_THESE = "none of these"  # the WA Tool's title for a question's "no practice in place" choice


@dataclass(frozen=True)
class TaxonomyQuestion:
    id: str  # OPS01
    title: str
    pillar: str  # slug: operational-excellence
    wa_pillar_id: str  # operationalExcellence
    wa_question_id: str | None
    choices: tuple[tuple[str, str], ...]  # (best-practice id, WA Tool choice id)


@lru_cache(maxsize=1)
def taxonomy() -> tuple[TaxonomyQuestion, ...]:
    """The taxonomy's WA Tool ids, in the framework's order."""
    text = resources.files("wafr.framework").joinpath("wa-framework.yaml").read_text(encoding="utf-8")
    questions = []
    for pillar in yaml.safe_load(text)["pillars"]:
        for q in pillar["questions"]:
            questions.append(TaxonomyQuestion(
                id=q["id"], title=q["title"], pillar=PILLAR_SLUGS[pillar["id"]],
                wa_pillar_id=pillar["wa_tool_pillar_id"],
                wa_question_id=q.get("wa_tool_question_id") or None,
                choices=tuple((bp["id"], bp["choice_id"]) for bp in q["best_practices"])))
    return tuple(questions)


def wa_pillars() -> list[str]:
    return list(dict.fromkeys(q.wa_pillar_id for q in taxonomy()))


@dataclass(frozen=True)
class WaQuestion:
    """A question as ListAnswers shows it for the workload."""

    id: str
    pillar_id: str
    title: str
    choices: tuple[tuple[str, str], ...]  # (choice id, title)
    summary: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)  # the AnswerSummary itself

    @classmethod
    def of(cls, summary: dict[str, Any]) -> WaQuestion:
        return cls(id=summary["QuestionId"], pillar_id=summary.get("PillarId", ""),
                   title=summary.get("QuestionTitle", ""),
                   choices=tuple((c["ChoiceId"], c.get("Title", "")) for c in summary.get("Choices", [])),
                   summary=summary)

    @property
    def none_choice(self) -> str | None:
        return next((cid for cid, title in self.choices if title.strip().lower() == NONE_OF_THESE), None)


@dataclass(frozen=True)
class MappedQuestion:
    question: TaxonomyQuestion
    wa: WaQuestion
    choices: dict[str, str]  # best-practice id -> WA Tool choice id, only those the WA Tool offers

    @property
    def practice_of(self) -> dict[str, str]:
        return {cid: bp for bp, cid in self.choices.items()}


@dataclass
class Mapping:
    questions: list[MappedQuestion]
    problems: list[str]  # every question or choice that could not be matched, in words

    def of(self, question_id: str) -> MappedQuestion | None:
        return next((m for m in self.questions if m.question.id == question_id), None)


def _by_choices(q: TaxonomyQuestion, candidates: list[WaQuestion]) -> WaQuestion | None:
    wanted = {cid for _, cid in q.choices}
    matches = [w for w in candidates if wanted <= {cid for cid, _ in w.choices}]
    return matches[0] if len(matches) == 1 else None


def _choices(q: TaxonomyQuestion, wa: WaQuestion, problems: list[str]) -> dict[str, str]:
    """Best-practice id -> choice id for the choices both sides know; the others go to ``problems``."""
    offered = {cid for cid, _ in wa.choices}
    choices = {}
    for bp, cid in q.choices:
        if cid in offered:
            choices[bp] = cid
        else:
            problems.append(f"{bp}: choice {cid!r} is not offered by WA Tool question {wa.id!r}")
    accounted = set(choices.values()) | {wa.none_choice}
    problems += [f"WA Tool choice {cid!r} of question {wa.id!r} is in no best practice of {q.id}"
                 for cid, _ in wa.choices if cid not in accounted]
    return choices


def cross_check(wa_questions: list[WaQuestion]) -> Mapping:
    """Match the taxonomy with the WA Tool's questions; anything that does not match is a problem, not a guess."""
    by_id = {w.id: w for w in wa_questions}
    claimed: set[str] = set()
    mapped, problems = [], []
    for q in taxonomy():
        wa = by_id.get(q.wa_question_id) if q.wa_question_id else None
        if wa is None:
            in_pillar = [w for w in wa_questions if w.pillar_id == q.wa_pillar_id and w.id not in claimed]
            wa = _by_choices(q, in_pillar)
            known = (f"the WA Tool has no question {q.wa_question_id!r}" if q.wa_question_id
                     else "the taxonomy has no WA Tool question id")
            if wa is None:
                problems.append(f"{q.id}: {known} and no single question of {q.wa_pillar_id} offers all its choices")
                continue
            if q.wa_question_id:  # identified, but the taxonomy's id is wrong: say so
                problems.append(f"{q.id}: {known}; question {wa.id!r} offers all its choices and is used")
        claimed.add(wa.id)
        mapped.append(MappedQuestion(question=q, wa=wa, choices=_choices(q, wa, problems)))
    problems += [f"WA Tool question {w.id!r} ({w.pillar_id}) is in no question of the taxonomy"
                 for w in wa_questions if w.id not in claimed]
    return Mapping(questions=mapped, problems=problems)


def assumed() -> Mapping:
    """The taxonomy's own ids, for planning a workload that does not exist yet (nothing to check them against)."""
    mapped = []
    for q in taxonomy():
        if q.wa_question_id:
            wa = WaQuestion(id=q.wa_question_id, pillar_id=q.wa_pillar_id, title=q.title,
                            choices=tuple((cid, bp) for bp, cid in q.choices))
            mapped.append(MappedQuestion(question=q, wa=wa, choices=dict(q.choices)))
    return Mapping(questions=mapped, problems=["the workload does not exist yet: the choice ids are the taxonomy's, "
                                               "checked against ListAnswers once it is created"])
