"""One assessment per best practice from both kinds of evidence: the team's answers and the scan's findings.

Where they disagree the assessment keeps both sides as a conflict and takes the worse status, so the review shows
the disagreement instead of silently trusting either. Question risk follows the Well-Architected Tool's rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from wafr.findings import Finding
from wafr.questionnaire.answers import MET, NOT_APPLICABLE, NOT_MET, PARTLY, UNMET, Answer, AnswerSheet
from wafr.questionnaire.evidence import NOT_ASSESSED, ScanEvidence, scan_evidence
from wafr.questionnaire.questions import CORE_PILLARS, Choice, Question, QuestionSet
from wafr.questionnaire.questions import load as load_questions

ANSWER, SCAN, BOTH = "answer", "scan", "answer+scan"
_WORSE = {MET: 0, NOT_APPLICABLE: 0, PARTLY: 1, NOT_MET: 2}
_RISK = {"High": "HIGH", "Medium": "MEDIUM", "Low": "LOW"}
_ONE_LESS = {"HIGH": "MEDIUM", "MEDIUM": "LOW", "LOW": "LOW"}


@dataclass(frozen=True)
class Conflict:
    answer: str  # the team's status
    scan: str  # the scan's status
    evidence: tuple[str, ...]  # the scan's evidence lines

    @property
    def text(self) -> str:
        return f"answered {self.answer}, but the scan shows {self.scan}"


@dataclass(frozen=True)
class PracticeAssessment:
    choice: Choice
    status: str  # met | partly | not-met | not-applicable | not assessed
    source: str  # answer | scan | answer+scan | "" (nothing known)
    answer: Answer
    scan: ScanEvidence | None
    conflict: Conflict | None = None

    @property
    def id(self) -> str:
        return self.choice.id

    @property
    def unmet(self) -> bool:
        return self.status in UNMET

    @property
    def assessed(self) -> bool:
        return self.status != NOT_ASSESSED

    @property
    def answer_risk(self) -> str | None:
        """The risk the team's answer puts in the review's focus-area tables: HIGH | MEDIUM | LOW, or None."""
        # Not met carries the practice's own risk; partly one level less, as a reviewer rates a practice half in
        # place below one that is absent. (The WA Tool has no "partly": question_risk counts it as not met.)
        # Only the answer counts here; the scan's failures reach the review through their own findings.
        if self.answer.status not in UNMET:
            return None
        risk = _RISK[self.choice.risk]
        return risk if self.answer.status == NOT_MET else _ONE_LESS[risk]


@dataclass(frozen=True)
class QuestionAssessment:
    question: Question
    practices: tuple[PracticeAssessment, ...]
    risk: str  # HIGH | MEDIUM | NONE as the WA Tool derives it; NOT_ASSESSED when nothing was learned

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def unassessed(self) -> list[PracticeAssessment]:
        return [p for p in self.practices if not p.assessed]

    @property
    def conflicts(self) -> list[PracticeAssessment]:
        return [p for p in self.practices if p.conflict]


def merge_practice(choice: Choice, answer: Answer, scan: ScanEvidence | None) -> PracticeAssessment:
    """Combine one practice's answer and scan evidence; a disagreement is a conflict, resolved to the worse."""
    scanned = scan.status if scan and scan.judged else NOT_ASSESSED
    if not answer.answered:
        return PracticeAssessment(choice, scanned, SCAN if scanned != NOT_ASSESSED else "", answer, scan)
    if scanned == NOT_ASSESSED:
        return PracticeAssessment(choice, answer.status, ANSWER, answer, scan)
    if answer.status == scanned or (answer.status == NOT_APPLICABLE and scanned == MET):
        return PracticeAssessment(choice, answer.status, BOTH, answer, scan)
    worse = max((answer.status, scanned), key=_WORSE.__getitem__)
    conflict = Conflict(answer=answer.status, scan=scanned, evidence=scan.lines if scan else ())
    return PracticeAssessment(choice, worse, BOTH, answer, scan, conflict)


def question_risk(practices: Iterable[PracticeAssessment]) -> str:
    """The WA Tool's rule: HIGH if a High-risk practice is unmet, else MEDIUM if a Medium-risk one is, else NONE."""
    # "Partly" is unmet, as the WA Tool reads a choice left unticked. A question about which nothing at all is
    # known is NOT_ASSESSED, not NONE; unknown practices are listed as gaps either way (unanswered_questions).
    practices = list(practices)
    unmet = {p.choice.risk for p in practices if p.unmet}
    if "High" in unmet:
        return "HIGH"
    if "Medium" in unmet:
        return "MEDIUM"
    if not any(p.assessed for p in practices):
        return "NOT_ASSESSED"
    return "NONE"


def assess(sheet: AnswerSheet | None, findings: Iterable[Finding], questions: QuestionSet | None = None,
           pillars: Iterable[str] = CORE_PILLARS) -> list[QuestionAssessment]:
    """Every question of the pillars, each practice judged from the answers and the findings together."""
    questions = questions or load_questions()
    evidence = scan_evidence(findings)
    results = []
    for question in questions.in_pillars(pillars):
        practices = tuple(merge_practice(c, sheet.get(c.id) if sheet else Answer(), evidence.get(c.id))
                          for c in question.choices)
        results.append(QuestionAssessment(question, practices, question_risk(practices)))
    return results


def conflicts(assessments: Iterable[QuestionAssessment]) -> list[PracticeAssessment]:
    return [p for q in assessments for p in q.conflicts]


def unanswered_questions(assessments: Iterable[QuestionAssessment]) -> list[QuestionAssessment]:
    """Questions with a practice neither the team nor the scan said anything about: the review's gaps."""
    return [q for q in assessments if q.unassessed]
