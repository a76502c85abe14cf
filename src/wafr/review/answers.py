"""The answers in the review: process focus areas with their risks, assessments from both kinds of evidence,
conflicts shown, and unanswered questions as gaps.

The review is built from findings first; this module then adds what only the team could say, in the review's own
model, so projects, roadmap and summary treat an answer-backed focus area like any other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Iterable

from wafr.findings import Finding
from wafr.framework import PILLAR_NAMES, Framework
from wafr.phrases import first_few
from wafr.questionnaire.answers import NOT_APPLICABLE, NOT_MET, AnswerSheet
from wafr.questionnaire.evidence import NOT_ASSESSED
from wafr.questionnaire.merge import PracticeAssessment
from wafr.questionnaire.merge import QuestionAssessment as MergedQuestion
from wafr.questionnaire.merge import assess
from wafr.questionnaire.questions import CORE_PILLARS, QuestionSet
from wafr.questionnaire.questions import load as load_questions
from wafr.review import model
from wafr.review.assessments import build_assessments, question_risk
from wafr.review.catalog import Catalog
from wafr.review.model import (RISK_ORDER, RESOURCES, AnswerConflict, BestPracticeAssessment, Bullet, FocusArea,
                               PillarReview, QuestionAssessment, Questionnaire, RoadmapItem, RoadmapPhase,
                               UnansweredQuestion, worst)
from wafr.vocabulary import RISKS

ANSWER_CHECK = "answer:"  # prefix of an answer bullet's check_id, so readers can tell it from a check's
QUESTIONS_SHOWN = 8
# Our statuses (answers file) -> the review's (WA Tool wording).
REVIEW_STATUS = {"met": model.MET, "partly": model.PARTLY, NOT_MET: model.NOT_MET,
                 NOT_APPLICABLE: model.NOT_APPLICABLE, NOT_ASSESSED: model.NOT_ASSESSED}
LABEL = {"met": "met", "partly": "partly", NOT_MET: "not met", NOT_APPLICABLE: "not applicable"}


@dataclass
class AnswersInReview:
    """What the review gains from an answers file."""

    assessments: list[QuestionAssessment]
    questionnaire: Questionnaire


def _bullet_text(p: PracticeAssessment) -> str:
    said = LABEL[p.answer.status] + (f": {p.answer.note}" if p.answer.note else "")
    if p.conflict:
        said += f"; the scan shows {LABEL.get(p.conflict.scan, p.conflict.scan)}"
    return f"{p.choice.title} (answered {said})".replace(RESOURCES, "(resources)")


def answer_bullet(p: PracticeAssessment) -> Bullet:
    """One unmet practice as a remediation bullet: the practice, what the team said, and what good looks like."""
    return Bullet(check_id=ANSWER_CHECK + p.id, title=p.choice.title, risk=p.answer_risk or "LOW",
                  template=_bullet_text(p), resources=[], best_practices=[p.id], remediation=p.choice.hint)


def low_risk_bullet(practices: list[PracticeAssessment]) -> Bullet:
    """Low-risk gaps in one bullet, so they do not bury the practices that matter in a long table cell."""
    listed = "; ".join(f"{p.choice.title} ({LABEL[p.answer.status]})" for p in practices)
    return Bullet(check_id=ANSWER_CHECK + "low-risk", title="Lower-risk practices", risk="LOW",
                  template=f"Also improve: {listed}".replace(RESOURCES, "(resources)"), resources=[],
                  best_practices=[p.id for p in practices],
                  remediation="The team answered these lower-risk practices as not met or only partly in place.")


def _covered(area: FocusArea | None, bp_id: str) -> bool:
    """A check's bullet in the same focus area already names this practice; a second bullet would repeat it."""
    return area is not None and any(bp_id in b.best_practices for b in area.bullets)


def _area_risk(area: FocusArea, added: list[Bullet]) -> str:
    found = [area.risk] if area.risk in RISKS else []
    return worst(found + [b.risk for b in added])


def add_focus_areas(pillars: list[PillarReview], merged: Iterable[MergedQuestion], catalog: Catalog) -> None:
    """Put each unmet answer into its focus area (creating the area if no check has one), then re-rank the areas."""
    by_pillar = {p.pillar: p for p in pillars}
    areas = {a.key.lower(): a for p in pillars for a in p.focus_areas}
    unmet: dict[str, list[PracticeAssessment]] = defaultdict(list)
    specs = {}
    for practice in (p for q in merged for p in q.practices):
        if not practice.answer_risk:
            continue
        spec = catalog.focus_area(practice.choice.focus_pillar, practice.choice.focus_area)
        key = spec.key.lower()
        if _covered(areas.get(key), practice.id):
            continue
        specs[key] = spec
        unmet[key].append(practice)
    for key, practices in unmet.items():
        spec = specs[key]
        low = [p for p in practices if p.answer_risk == "LOW"]
        bullets = [answer_bullet(p) for p in practices if p.answer_risk != "LOW"]
        bullets += [low_risk_bullet(low)] if low else []
        area = areas.get(key)
        if area is None:
            area = areas[key] = FocusArea(key=spec.key, pillar=spec.pillar, name=spec.name, title=spec.title,
                                          risk="NONE")
            pillar = by_pillar.get(spec.pillar)
            if pillar is None:
                pillar = by_pillar[spec.pillar] = PillarReview(spec.pillar, PILLAR_NAMES[spec.pillar], [])
                pillars.append(pillar)
            pillar.focus_areas.append(area)
        area.risk = _area_risk(area, bullets)
        area.bullets = sorted(area.bullets + bullets,
                              key=lambda b: (RISK_ORDER.get(b.risk, 9), b.check_id.startswith(ANSWER_CHECK)))
        area.guidance = area.guidance or list(spec.guidance)
        area.best_practices = sorted(set(area.best_practices) | {bp for b in bullets for bp in b.best_practices})
    rank = {p: i for i, p in enumerate(catalog.pillars)}
    pillars.sort(key=lambda p: rank.get(p.pillar, len(rank)))
    for pillar in pillars:
        pillar.focus_areas.sort(key=lambda a: (RISK_ORDER.get(a.risk, 9), catalog.focus_area(a.pillar, a.name).order,
                                               a.name))


def _conflict_text(p: PracticeAssessment) -> str:
    if not p.conflict:
        return ""
    return f"answered {LABEL[p.conflict.answer]}, but the scan shows {LABEL[p.conflict.scan]}"


def _overlay(base: BestPracticeAssessment | None, p: PracticeAssessment) -> BestPracticeAssessment:
    answer = p.answer if p.answer.answered else None
    extra = {"answer": answer.status if answer else "",
             "note": (answer.reason or answer.note) if answer else "",
             "owner": answer.owner if answer else "",
             "conflict": _conflict_text(p)}
    status = REVIEW_STATUS[p.status]
    if base is not None:
        return replace(base, status=status, **extra)
    return BestPracticeAssessment(id=p.id, title=p.choice.title, risk=p.choice.risk, status=status, counts={},
                                  checks=[], failing=[], finding_ids=[], **extra)


def build_answer_assessments(merged: list[MergedQuestion], findings: list[Finding], framework: Framework,
                             pillar_order: tuple[str, ...]) -> list[QuestionAssessment]:
    """The review's assessment table from both kinds of evidence: every practice someone said something about."""
    from_scan = {bp.id: bp for q in build_assessments(findings, framework, pillar_order) for bp in q.best_practices}
    questions = []
    for q in merged:
        practices = [_overlay(from_scan.get(p.id), p) for p in q.practices if p.assessed]
        if practices:
            questions.append(QuestionAssessment(id=q.id, title=q.question.title, pillar=q.question.pillar,
                                                risk=question_risk(practices), best_practices=practices))
    rank = {p: i for i, p in enumerate(pillar_order)}
    order = {q.id: i for i, q in enumerate(merged)}
    return sorted(questions, key=lambda q: (rank.get(q.pillar, len(rank)), order[q.id]))


def _questionnaire(merged: list[MergedQuestion], sheet: AnswerSheet) -> Questionnaire:
    practices = [p for q in merged for p in q.practices]
    conflicts = [AnswerConflict(best_practice=p.id, title=p.choice.title, question=p.choice.question_id,
                                pillar=p.choice.pillar, answer=LABEL[p.conflict.answer], scan=LABEL[p.conflict.scan],
                                status=REVIEW_STATUS[p.status], evidence=list(p.conflict.evidence),
                                note=p.answer.note)
                 for p in practices if p.conflict]
    unanswered = [UnansweredQuestion(id=q.id, title=q.question.title, pillar=q.question.pillar,
                                     unknown=[p.id for p in q.unassessed], total=len(q.practices))
                  for q in merged if q.unassessed]
    return Questionnaire(workload=sheet.workload, answered=sum(1 for p in practices if p.answer.answered),
                         total=len(practices), conflicts=conflicts, unanswered=unanswered)


def add_answers(pillars: list[PillarReview], findings: list[Finding], sheet: AnswerSheet, catalog: Catalog,
                framework: Framework, questions: QuestionSet | None = None) -> AnswersInReview:
    """Merge the answers into the review's focus areas (in place) and return its assessments and questionnaire."""
    questions = questions or load_questions()
    wanted = set(CORE_PILLARS) | {questions.choice(bp).pillar for bp, a in sheet.answers.items() if a.answered}
    merged = assess(sheet, findings, questions, [p for p in questions_order(questions) if p in wanted])
    add_focus_areas(pillars, merged, catalog)
    return AnswersInReview(assessments=build_answer_assessments(merged, findings, framework, catalog.pillars),
                           questionnaire=_questionnaire(merged, sheet))


def questions_order(questions: QuestionSet) -> list[str]:
    return list(dict.fromkeys(q.pillar for q in questions.questions))


def add_gap_item(roadmap: list[RoadmapPhase], questionnaire: Questionnaire) -> None:
    """Unanswered questions join the re-evaluation phase, before the closing re-scan."""
    if not questionnaire.unanswered or not roadmap:
        return
    phase = roadmap[-1]
    ids = [q.id for q in questionnaire.unanswered]
    shown = first_few(ids, QUESTIONS_SHOWN)
    item = RoadmapItem(text=f"Answer the questions this review has no answer for (wafr questions ask): {shown}",
                       risk="", projects=[], focus_areas=[], finding_ids=[])
    phase.items.insert(max(len(phase.items) - 1, 0), item)
