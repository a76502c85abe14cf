"""What a push would set: for each WA Tool question, its choices and notes from the review's assessments, compared
with the workload's current answer so that only what differs is written (a second push writes nothing).

met -> the choice is selected; partly -> unselected, its choice notes say "Partly met"; not met -> unselected,
its notes say "Not met"; not applicable -> NOT_APPLICABLE with a reason; nothing met at all -> the question's
"None of these". Practices the review could not judge keep whatever the workload has (a team's console answer is
not overwritten by a gap).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from wafr.control_chars import visible
from wafr.review.model import MET, NOT_APPLICABLE, NOT_MET, PARTLY, BestPracticeAssessment, Review
from wafr.watool.mapping import Mapping, MappedQuestion, WaQuestion

SELECTED, UNSELECTED, CHOICE_NOT_APPLICABLE = "SELECTED", "UNSELECTED", "NOT_APPLICABLE"
NA_REASON = "OUT_OF_SCOPE"
NOTES_MAX = 2084  # UpdateAnswer Notes
CHOICE_NOTES_MAX = 250  # ChoiceUpdate Notes
# How a push marks what it judged, so a pull tells "not met" from "not judged" (both are unselected choices):
NOTES_MARK = "wafr review:"  # the question's notes start with it
PARTLY_NOTE = "Partly met"  # an unselected choice wafr judged partly met
NOT_MET_NOTE = "Not met"  # an unselected choice wafr judged not met
JUDGED = (MET, PARTLY, NOT_MET, NOT_APPLICABLE)
NAMES_SHOWN = 5


def one_line(text: str) -> str:
    """Account strings (resource names, notes) as one plain line: no control characters, no line breaks."""
    return " ".join(visible(text).split())


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class ChoiceState:
    status: str  # SELECTED | UNSELECTED | NOT_APPLICABLE
    reason: str = ""  # why NOT_APPLICABLE (a ChoiceReason); empty otherwise
    notes: str = ""


@dataclass
class AnswerState:
    choices: dict[str, ChoiceState]  # choice id -> state, in the question's order
    notes: str = ""

    @property
    def selected(self) -> list[str]:
        return [cid for cid, state in self.choices.items() if state.status == SELECTED]


def current_state(answer: dict[str, Any], wa: WaQuestion) -> AnswerState:
    """A GetAnswer Answer as states of every choice the question offers."""
    selected = set(answer.get("SelectedChoices", []))
    listed = {c["ChoiceId"]: c for c in answer.get("ChoiceAnswers", [])}
    choices = {}
    for cid, _ in wa.choices:
        given = listed.get(cid, {})
        status = given.get("Status") or (SELECTED if cid in selected else UNSELECTED)
        reason = given.get("Reason", "") if status == CHOICE_NOT_APPLICABLE else ""
        choices[cid] = ChoiceState(status, "" if reason == "NONE" else reason, given.get("Notes") or "")
    return AnswerState(choices, answer.get("Notes") or "")


def _names(p: BestPracticeAssessment) -> str:
    shown = ", ".join(one_line(n) for n in p.failing[:NAMES_SHOWN])
    more = len(p.failing) - NAMES_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def choice_for(p: BestPracticeAssessment) -> ChoiceState:
    note = one_line(p.note)
    if p.status == MET:
        return ChoiceState(SELECTED, notes=clip(note, CHOICE_NOTES_MAX))
    if p.status == NOT_APPLICABLE:
        return ChoiceState(CHOICE_NOT_APPLICABLE, NA_REASON, clip(note or "Not applicable to this workload.",
                                                                   CHOICE_NOTES_MAX))
    if p.status == PARTLY:
        detail = note or (f"not for {_names(p)}" if p.failing else "")
        return ChoiceState(UNSELECTED, notes=clip(PARTLY_NOTE + (f": {detail}" if detail else ""), CHOICE_NOTES_MAX))
    return ChoiceState(UNSELECTED, notes=clip(NOT_MET_NOTE + (f": {note}" if note else ""), CHOICE_NOTES_MAX))


def question_notes(practices: list[BestPracticeAssessment], report: str) -> str:
    """The evidence in a few lines, within the API's limit, pointing to the report for the rest."""
    footer = f"Evidence and remediation: {one_line(report)}"
    counts = {s: sum(1 for p in practices if p.status == s) for s in JUDGED}
    head = f"{NOTES_MARK} " + ", ".join(f"{n} {s}" for s, n in counts.items() if n) + "."
    lines = [head]
    for i, p in enumerate(practices):
        line = f"- {p.id} {p.status}" + (f": {_names(p)}" if p.failing and p.status != MET else "")
        line += f" ({one_line(p.note)})" if p.note and p.status != NOT_APPLICABLE else ""
        rest = f"- … and {len(practices) - i} more in the report"
        if len("\n".join([*lines, line, rest, footer])) > NOTES_MAX:
            lines.append(rest)
            break
        lines.append(line)
    return clip("\n".join([*lines, footer]), NOTES_MAX)


def desired_state(m: MappedQuestion, practices: list[BestPracticeAssessment], current: AnswerState,
                  report: str) -> AnswerState:
    choices = dict(current.choices)
    for p in practices:
        choices[m.choices[p.id]] = choice_for(p)
    none = m.wa.none_choice
    if none:
        others = any(s.status == SELECTED for cid, s in choices.items() if cid != none)
        unmet = any(p.status in (NOT_MET, PARTLY) for p in practices)
        was = choices.get(none, ChoiceState(UNSELECTED))
        if others:
            choices[none] = replace(was, status=UNSELECTED, reason="")
        elif unmet:
            choices[none] = replace(was, status=SELECTED, reason="")
    return AnswerState(choices, question_notes(practices, report))


@dataclass
class QuestionPlan:
    mapped: MappedQuestion
    practices: list[BestPracticeAssessment]  # the judged ones, in the review's order
    current: AnswerState
    desired: AnswerState

    @property
    def changed_choices(self) -> dict[str, ChoiceState]:
        return {cid: s for cid, s in self.desired.choices.items() if self.current.choices.get(cid) != s}

    @property
    def changed(self) -> bool:
        return bool(self.changed_choices) or self.current.notes != self.desired.notes

    def update(self) -> dict[str, Any]:
        """UpdateAnswer's parameters (besides workload, lens and question)."""
        updates = {cid: {"Status": s.status, **({"Reason": s.reason} if s.reason else {}), "Notes": s.notes}
                   for cid, s in self.changed_choices.items()}
        return {"SelectedChoices": self.desired.selected, **({"ChoiceUpdates": updates} if updates else {}),
                "Notes": self.desired.notes}


@dataclass
class Plan:
    questions: list[QuestionPlan]
    problems: list[str]  # the mapping's mismatches
    unmapped: list[str] = field(default_factory=list)  # judged practices the WA Tool could not take

    @property
    def changed(self) -> list[QuestionPlan]:
        return [q for q in self.questions if q.changed]


def judged_practices(review: Review) -> dict[str, list[BestPracticeAssessment]]:
    """Question id -> the practices the review judged (not the ones it could not assess)."""
    return {q.id: [p for p in q.best_practices if p.status in JUDGED] for q in review.assessments
            if any(p.status in JUDGED for p in q.best_practices)}


def targets(review: Review, mapping: Mapping) -> list[MappedQuestion]:
    """The WA Tool questions a push sets, in the framework's order: those with a judged practice it offers."""
    judged = judged_practices(review)
    return [m for m in mapping.questions if any(p.id in m.choices for p in judged.get(m.question.id, []))]


def build_plan(review: Review, mapping: Mapping, answers: dict[str, dict[str, Any]], report: str) -> Plan:
    """``answers``: GetAnswer's Answer per WA Tool question id (empty for a workload not created yet)."""
    judged = judged_practices(review)
    plans = []
    for m in targets(review, mapping):
        practices = [p for p in judged[m.question.id] if p.id in m.choices]
        current = current_state(answers.get(m.wa.id, {}), m.wa)
        plans.append(QuestionPlan(m, practices, current, desired_state(m, practices, current, report)))
    mapped = {bp for m in mapping.questions for bp in m.choices}
    unmapped = [p.id for ps in judged.values() for p in ps if p.id not in mapped]
    return Plan(plans, list(mapping.problems), unmapped)
