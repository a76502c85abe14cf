"""Merging an answer with the scan's evidence, and the risk that follows: the WA Tool's question rule and the
review's focus-area risk."""

from __future__ import annotations

import pytest

from wafr.questionnaire.answers import Answer, AnswerSheet
from wafr.questionnaire.evidence import ScanEvidence, scan_status
from wafr.questionnaire.merge import assess, merge_practice, question_risk, unanswered_questions
from wafr.questionnaire.questions import load as load_questions

QUESTIONS = load_questions()
OPS06 = QUESTIONS.question("OPS06")  # BP01 High, BP02 High, BP03 Medium, BP04 Medium
COST11 = QUESTIONS.question("COST11")  # one Low-risk practice


def scanned(bp_id: str, status: str) -> ScanEvidence:
    """The scan's view as wafr.questionnaire.evidence builds it from findings (no AWS involved)."""
    return ScanEvidence(bp_id=bp_id, status=status, lines=(f"a-check: {status}",), checks=("a-check",),
                        failing=(), finding_ids=())


def merged(bp_id: str, answer: str, scan: str | None, **extra):
    return merge_practice(QUESTIONS.choice(bp_id), Answer(answer, **extra), scanned(bp_id, scan) if scan else None)


def test_scan_status_from_finding_statuses():
    assert scan_status(["FAIL", "FAIL"]) == "not-met"
    assert scan_status(["FAIL", "PASS"]) == "partly"
    assert scan_status(["PASS", "NOT_ASSESSED"]) == "met"
    assert scan_status(["NOT_ASSESSED"]) == scan_status([]) == "not assessed"


@pytest.mark.parametrize("answer, scan, status, source, conflict", [
    ("unanswered", None, "not assessed", "", None),
    ("unanswered", "not-met", "not-met", "scan", None),
    ("met", None, "met", "answer", None),
    ("met", "not assessed", "met", "answer", None),  # a check that could not judge is no evidence
    ("not-met", "not-met", "not-met", "answer+scan", None),
    ("met", "not-met", "not-met", "answer+scan", ("met", "not-met")),  # the case: met, but no budgets
    ("met", "partly", "partly", "answer+scan", ("met", "partly")),
    ("not-met", "met", "not-met", "answer+scan", ("not-met", "met")),  # the team knows better than a green scan
    ("not-applicable", "met", "not-applicable", "answer+scan", None),
    ("not-applicable", "not-met", "not-met", "answer+scan", ("not-applicable", "not-met")),
])
def test_one_assessment_per_practice_from_both_kinds_of_evidence(answer, scan, status, source, conflict):
    extra = {"reason": "no such thing here"} if answer == "not-applicable" else {}
    p = merged("COST01-BP03", answer, scan, **extra)
    assert (p.status, p.source) == (status, source)
    assert (p.conflict.answer, p.conflict.scan) == conflict if conflict else p.conflict is None
    if conflict:
        assert p.conflict.text == f"answered {conflict[0]}, but the scan shows {conflict[1]}"
        assert p.conflict.evidence == (f"a-check: {scan}",)


def practices(statuses: dict[str, str], question=OPS06):
    return [merge_practice(c, Answer(statuses.get(c.id, "unanswered"),
                                     reason="n/a" if statuses.get(c.id) == "not-applicable" else ""), None)
            for c in question.choices]


@pytest.mark.parametrize("statuses, risk", [
    ({"OPS06-BP01": "not-met", "OPS06-BP03": "not-met"}, "HIGH"),
    ({"OPS06-BP01": "partly"}, "HIGH"),  # the WA Tool has no "partly": an unticked choice is unmet
    ({"OPS06-BP01": "met", "OPS06-BP02": "met", "OPS06-BP04": "not-met"}, "MEDIUM"),
    ({"OPS06-BP01": "met", "OPS06-BP02": "not-applicable", "OPS06-BP03": "met", "OPS06-BP04": "met"}, "NONE"),
    ({"OPS06-BP01": "met"}, "NONE"),  # nothing unmet remains; the unknown three are gaps, listed separately
    ({}, "NOT_ASSESSED"),
])
def test_question_risk_follows_the_well_architected_tool(statuses, risk):
    assert question_risk(practices(statuses)) == risk


def test_an_unmet_low_risk_practice_leaves_the_question_without_risk():
    assert question_risk(practices({"COST11-BP01": "not-met"}, COST11)) == "NONE"


@pytest.mark.parametrize("bp_id, answer, risk", [
    ("OPS06-BP01", "not-met", "HIGH"),
    ("OPS06-BP01", "partly", "MEDIUM"),  # half in place weighs one level less in the focus-area tables
    ("OPS06-BP04", "not-met", "MEDIUM"),
    ("OPS06-BP04", "partly", "LOW"),
    ("COST11-BP01", "partly", "LOW"),
    ("OPS06-BP01", "met", None),
    ("OPS06-BP01", "unanswered", None),
])
def test_the_risk_an_answer_puts_in_the_review(bp_id, answer, risk):
    assert merged(bp_id, answer, None).answer_risk == risk


def test_a_question_with_unknown_practices_is_a_gap_even_when_partly_answered():
    sheet = AnswerSheet(edition=QUESTIONS.edition, answers={"OPS06-BP01": Answer("met"), "OPS06-BP02": Answer("met"),
                                                             "OPS06-BP03": Answer("met"), "OPS06-BP04": Answer("met")})
    result = {q.id: q for q in assess(sheet, [], QUESTIONS, ["operational-excellence"])}
    gaps = {q.id for q in unanswered_questions(result.values())}
    assert "OPS06" not in gaps and {"OPS01", "OPS11"} <= gaps
    assert result["OPS06"].risk == "NONE" and result["OPS01"].risk == "NOT_ASSESSED"
