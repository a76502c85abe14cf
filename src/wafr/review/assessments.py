"""Best-practice assessments and question-level risk, derived the way the Well-Architected Tool derives them."""

from __future__ import annotations

from collections import Counter, defaultdict

from wafr.findings import Finding
from wafr.framework import Framework
from wafr.review.model import MET, NOT_ASSESSED, NOT_MET, PARTLY, BestPracticeAssessment, QuestionAssessment
from wafr.vocabulary import FAIL, PASS

UNMET = (NOT_MET, PARTLY)


def practice_status(counts: Counter) -> str:
    """Met when every judged resource meets it, partly when some do, not assessed when none could be judged.

    Accepted risks (SUPPRESSED) neither meet nor miss a practice; they are counted and shown.
    """
    failed, passed = counts[FAIL], counts[PASS]
    if failed and passed:
        return PARTLY
    if failed:
        return NOT_MET
    if passed:
        return MET
    return NOT_ASSESSED


def question_risk(practices: list[BestPracticeAssessment]) -> str:
    """HIGH if a High-risk practice is unmet, else MEDIUM if a Medium-risk one is, else NONE (as the WA Tool).

    A question none of whose practices could be judged is NOT_ASSESSED, never NONE: a gap is not a pass.
    """
    unmet = {p.risk for p in practices if p.status in UNMET}
    if "High" in unmet:
        return "HIGH"
    if "Medium" in unmet:
        return "MEDIUM"
    if all(p.status == NOT_ASSESSED for p in practices):
        return "NOT_ASSESSED"
    return "NONE"


def _practice(bp_id: str, findings: list[Finding], framework: Framework) -> BestPracticeAssessment:
    bp = framework[bp_id]
    counts = Counter(f.status for f in findings)
    failing = [f for f in findings if f.status == FAIL]
    return BestPracticeAssessment(
        id=bp_id, title=bp.title, risk=bp.risk, status=practice_status(counts), counts=dict(counts),
        checks=sorted({f.check_id for f in findings}),
        failing=list(dict.fromkeys(f.resource.get("name") or f.resource["id"] for f in failing)),
        finding_ids=[f.id for f in findings if f.status != PASS],
    )


def build_assessments(findings: list[Finding], framework: Framework,
                      pillar_order: tuple[str, ...]) -> list[QuestionAssessment]:
    """One assessment per best practice with evidence, grouped under its question, in the framework's order."""
    by_practice: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        for bp_id in f.best_practices:
            if bp_id in framework:
                by_practice[bp_id].append(f)
    order = {bp_id: i for i, bp_id in enumerate(framework.best_practices)}
    by_question: dict[str, list[BestPracticeAssessment]] = defaultdict(list)
    for bp_id in sorted(by_practice, key=order.__getitem__):
        by_question[framework[bp_id].question_id].append(_practice(bp_id, by_practice[bp_id], framework))
    questions = []
    for question_id, practices in by_question.items():
        bp = framework[practices[0].id]
        questions.append(QuestionAssessment(id=question_id, title=bp.question_title, pillar=bp.pillar,
                                            risk=question_risk(practices), best_practices=practices))
    rank = {p: i for i, p in enumerate(pillar_order)}
    return sorted(questions, key=lambda q: (rank.get(q.pillar, len(rank)), order[q.best_practices[0].id]))
