"""`questions init`: an answers file with an entry per best practice, pre-filled with what the scan already knows."""

from __future__ import annotations

from typing import Iterable

from wafr.findings import Finding
from wafr.questionnaire.answers import Answer, AnswerSheet
from wafr.questionnaire.evidence import scan_evidence
from wafr.questionnaire.questions import CORE_PILLARS, QuestionSet
from wafr.questionnaire.questions import load as load_questions


def prefill(findings: Iterable[Finding] = (), *, pillars: Iterable[str] = CORE_PILLARS, workload: str = "",
            source: str = "", keep: AnswerSheet | None = None,
            questions: QuestionSet | None = None) -> AnswerSheet:
    """Every practice of the pillars, unanswered unless ``keep`` says otherwise, with the scan's evidence."""
    # The suggestion is never the answer: a scan sees resources, not whether the team has the practice, so the
    # team confirms it (in `questions ask` it is the default choice).
    questions = questions or load_questions()
    evidence = scan_evidence(findings)
    sheet = AnswerSheet(edition=questions.edition, workload=workload or (keep.workload if keep else ""),
                        prefilled_from=source)
    wanted = set(pillars) | ({questions.choice(bp).pillar for bp in keep.answers} if keep else set())
    for question in questions.in_pillars(wanted):
        for choice in question.choices:
            kept = keep.get(choice.id) if keep else Answer()
            seen = evidence.get(choice.id)
            sheet.answers[choice.id] = Answer(
                status=kept.status, reason=kept.reason, note=kept.note, owner=kept.owner,
                suggested=seen.status if seen and seen.judged else "",
                evidence=list(seen.lines) if seen else [])
    return sheet
