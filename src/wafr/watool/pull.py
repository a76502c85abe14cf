"""`wafr wa-tool pull`: a workload's answers in the WA Tool as a questionnaire answers file, so a team that
answered in the console starts from its own answers.

Selected -> met; NOT_APPLICABLE -> not-applicable with the reason; unselected -> not-met, or partly when its
choice notes start "Partly met"; a question marked not applicable -> all its practices not-applicable. In a question
a push answered (its notes start "wafr review:"), an unselected choice counts only when the push judged it (its notes
say "Not met" or "Partly met"): the rest were not judged, and stay unanswered like unanswered questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wafr.questionnaire.answers import MET, NOT_APPLICABLE, NOT_MET, PARTLY, Answer, AnswerSheet
from wafr.questionnaire.questions import load as load_questions
from wafr.watool import workload as api
from wafr.watool.mapping import cross_check
from wafr.watool.plan import (CHOICE_NOT_APPLICABLE, NOT_MET_NOTE, NOTES_MARK, PARTLY_NOTE, SELECTED, ChoiceState,
                              current_state, one_line)
from wafr.watool.session import WaTool

REASONS = {"OUT_OF_SCOPE": "out of scope", "BUSINESS_PRIORITIES": "business priorities",
           "ARCHITECTURE_CONSTRAINTS": "architecture constraints", "OTHER": "other reason"}


@dataclass
class Pulled:
    sheet: AnswerSheet
    questions: int  # answered WA Tool questions read
    problems: list[str]  # the mapping's mismatches


def answered(summary: dict[str, Any]) -> bool:
    """A question someone answered: a choice selected or marked not applicable, or the question itself."""
    return (bool(summary.get("SelectedChoices")) or summary.get("IsApplicable") is False
            or any(c.get("Status") == CHOICE_NOT_APPLICABLE for c in summary.get("ChoiceAnswerSummaries", [])))


def _reason(code: str, notes: str) -> str:
    said = one_line(notes)
    return said or f"Not applicable in the WA Tool ({REASONS.get(code, 'no reason given')})."


def _after(notes: str, prefix: str) -> str:
    return notes[len(prefix):].lstrip(":").strip()


def answer_of(state: ChoiceState, pushed: bool) -> Answer | None:
    """The answer a choice gives; None for a choice a push left alone (not judged)."""
    notes = one_line(state.notes)
    if state.status == SELECTED:
        return Answer(status=MET, note=notes)
    if state.status == CHOICE_NOT_APPLICABLE:
        return Answer(status=NOT_APPLICABLE, reason=_reason(state.reason, notes))
    if notes.startswith(PARTLY_NOTE):
        return Answer(status=PARTLY, note=_after(notes, PARTLY_NOTE))
    if notes.startswith(NOT_MET_NOTE):
        return Answer(status=NOT_MET, note=_after(notes, NOT_MET_NOTE))
    return None if pushed else Answer(status=NOT_MET, note=notes)


def pull(wa: WaTool, workload: str) -> Pulled:
    """Read every answered question of the workload (ListAnswers, then GetAnswer for its notes)."""
    workload_id = api.require_workload(wa, workload)
    mapping = cross_check(api.list_answers(wa, workload_id))
    sheet = AnswerSheet(edition=load_questions().edition, workload=workload,
                        prefilled_from=f"WA Tool workload {workload} ({wa.region})")
    read = 0
    for m in mapping.questions:
        if not answered(m.wa.summary):
            continue
        answer = api.get_answer(wa, workload_id, m.wa.id)
        read += 1
        state = current_state(answer, m.wa)
        pushed = (answer.get("Notes") or "").startswith(NOTES_MARK)
        for bp, cid in m.choices.items():
            if answer.get("IsApplicable") is False:
                sheet.set(bp, Answer(status=NOT_APPLICABLE, reason=_reason(answer.get("Reason", ""), "")))
            elif (given := answer_of(state.choices[cid], pushed)) is not None:
                sheet.set(bp, given)
    return Pulled(sheet, read, mapping.problems)
