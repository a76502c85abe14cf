"""The consultant's review, derived from the evidence: assessments, focus areas, projects, roadmap, summary.

Findings and coverage go in; a typed Review (schema wafr.review/1) comes out. Wording comes from
data/focus_areas.yaml; nothing here is typed by hand per account.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from wafr import __version__
from wafr.allocation import collector_paused
from wafr.estate import Estate
from wafr.findings import Finding
from wafr.framework import load as load_framework
from wafr.review import catalog as review_catalog
from wafr.review import savings
from wafr.review.accounts import build_accounts
from wafr.review.advisors import build_advisors
from wafr.review.assessments import build_assessments
from wafr.review.focus_areas import build_pillars
from wafr.review.model import SCHEMA, CoverageEntry, Review
from wafr.review.projects import build_projects
from wafr.review.roadmap import build_roadmap
from wafr.review.summary import build_coverage, build_summary
from wafr.vocabulary import SAMPLE_SOURCES

if TYPE_CHECKING:
    from wafr.history.views import Baseline
    from wafr.questionnaire.answers import AnswerSheet

__all__ = ["SCHEMA", "Review", "build_review", "review_of_estate", "review_of_findings_document"]


def build_review(findings: list[Finding], coverage: list[CoverageEntry], scope: dict[str, Any],
                 generated_at: str | None = None, answers: AnswerSheet | None = None) -> Review:
    """Assemble the review from findings and the coverage record, and the team's answers when given."""
    with collector_paused():  # an entry per finding, focus area and resource: see wafr.allocation
        return _assemble(findings, coverage, scope, generated_at, answers)


def _assemble(findings: list[Finding], coverage: list[CoverageEntry], scope: dict[str, Any],
              generated_at: str | None, answers: AnswerSheet | None) -> Review:
    catalog = review_catalog.load()
    framework = load_framework()
    pillars = build_pillars(findings, catalog)
    answered = None
    if answers is not None:  # the process focus areas and assessments from both kinds of evidence
        from wafr.review.answers import add_answers

        answered = add_answers(pillars, findings, answers, catalog, framework)
    projects = build_projects(pillars, catalog)
    review = Review(
        generated_at=generated_at or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        tool={"name": "wafr", "version": __version__},
        scope=scope,
        framework_edition=framework.edition,
        summary=build_summary(pillars, findings),
        pillars=pillars,
        projects=projects,
        # An advisor the account has not turned on is no read to grant: the coverage table still names it.
        roadmap=build_roadmap(pillars, projects, findings,
                              [c for c in coverage if c.status not in ("assessed", "not-enabled")], catalog),
        assessments=answered.assessments if answered else build_assessments(findings, framework, catalog.pillars),
        coverage=build_coverage(coverage, pillars, findings),
        questionnaire=answered.questionnaire if answered else None,
        findings=list(findings),
        advisors=build_advisors(findings, coverage, scope),
    )
    if answered:
        from wafr.review.answers import add_gap_item

        add_gap_item(review.roadmap, answered.questionnaire)
    review.summary.accounts = build_accounts(list(scope.get("accounts", [])), findings, coverage, pillars)
    review.metric_evidence = savings.build(findings, review)  # from the findings' measurements: no estate needed
    return review


def review_of_estate(estate: Estate, findings: list[Finding], generated_at: str | None = None,
                     answers: AnswerSheet | None = None, baseline: Baseline | None = None) -> Review:
    coverage = [CoverageEntry(account=c.account, region=c.region, service=c.service, status=c.status, detail=c.detail)
                for c in estate.coverage]
    scope = {"accounts": estate.accounts, "regions": estate.regions, "source": estate.metadata.get("source", "aws")}
    if estate.metadata.get(SAMPLE_SOURCES):  # the demo answers the advisors moto lacks with sample responses
        scope[SAMPLE_SOURCES] = list(estate.metadata[SAMPLE_SOURCES])
    review = build_review(findings, coverage, scope, generated_at, answers)
    if baseline is not None:  # the previous milestone of the same accounts and regions (wafr.history)
        from wafr.review.roadmap import add_progress_item
        from wafr.review.since_last import build_since_last

        review.since_last = build_since_last(review, findings, baseline)
        add_progress_item(review.roadmap, review.since_last)
    return review


def review_of_findings_document(document: dict[str, Any]) -> Review:
    """The review of a saved findings.json (wafr.findings/1)."""
    findings = [Finding(**f) for f in document["findings"]]
    coverage = [CoverageEntry(**c) for c in document.get("coverage", [])]
    return build_review(findings, coverage, dict(document.get("scope", {})), document.get("generated_at"))
