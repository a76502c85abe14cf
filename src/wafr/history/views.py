"""A milestone as the diff reads it: its description, its findings by id, its best-practice statuses.

Plain data with no database in sight, so a diff works the same from the store and from two review.json files.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, NamedTuple

from wafr.checks.registry import FAIL, PASS
from wafr.vocabulary import RISKS

if TYPE_CHECKING:
    from wafr.findings import Finding
    from wafr.review.model import Review


class FindingRow(NamedTuple):
    """One finding of a milestone: the columns a diff compares (same order as schema.FINDING_COLUMNS)."""

    id: str
    status: str
    risk: str
    pillar: str
    check_id: str
    account: str
    region: str
    resource_type: str
    resource_id: str
    name: str
    environment: str
    best_practices: str  # space-separated
    project: str | None
    first_seen: str | None  # ISO time it first failed, while it has stayed open
    evidence: str | None


@dataclass(frozen=True)
class Milestone:
    """One recorded review: when, what was scanned, and its counts (without its findings)."""

    id: int
    recorded_at: str
    kind: str
    source: str
    scope: str
    accounts: list[str]
    regions: list[str]
    framework_edition: str
    wafr_version: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # pillar -> HIGH/MEDIUM/LOW/PASS/...
    coverage: list[list[str]] = field(default_factory=list)  # [account, region, service, status, detail]
    projects: list[dict[str, str]] = field(default_factory=list)  # [{letter, key, title, risk}]
    label: str = ""  # how to name it to the user: "#12" or a file name

    @property
    def name(self) -> str:
        return self.label or f"#{self.id}"

    def failed(self, pillar: str | None = None) -> int:
        chosen = [self.counts.get(pillar, {})] if pillar else list(self.counts.values())
        return sum(c.get(r, 0) for c in chosen for r in RISKS)


@dataclass
class MilestoneView:
    milestone: Milestone
    findings: dict[str, FindingRow]  # every finding that did not pass: failed, not assessed, accepted
    assessments: dict[str, str]  # best practice -> status
    passed: set[str] = field(default_factory=set)  # ids of the findings that passed (a diff needs no more of them)

    def failing_ids(self) -> set[str]:
        return {fid for fid, row in self.findings.items() if row.status == FAIL}


def scope_of(accounts: Iterable[str], regions: Iterable[str]) -> str:
    """The same accounts and regions are the same estate over time, whatever the source."""
    key = json.dumps([sorted(set(accounts)), sorted(set(regions))])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def project_letters(review: Review) -> dict[str, str]:
    """finding id -> the letter of the project that owns it."""
    return {fid: p.letter for p in review.projects for fid in p.finding_ids}


def rows_of(findings: Iterable[Finding], letters: dict[str, str]) -> dict[str, FindingRow]:
    rows = {}
    for f in findings:
        r = f.resource
        failed = f.status == FAIL
        rows[f.id] = FindingRow(f.id, f.status, f.risk, f.pillar, f.check_id, r.get("account", ""),
                                r.get("region", ""), r.get("type", ""), r.get("id", ""), r.get("name", ""),
                                f.environment, " ".join(f.best_practices), letters.get(f.id) if failed else None,
                                None, f.evidence if failed else None)
    return rows


def counts_of(review: Review) -> dict[str, dict[str, int]]:
    return {p.pillar: dict(p.findings) for p in review.summary.pillars}


def assessments_of(review: Review) -> dict[str, tuple[str, str, str]]:
    """best practice -> (status, risk, the team's answer)."""
    return {bp.id: (bp.status, bp.risk, bp.answer) for q in review.assessments for bp in q.best_practices}


def milestone_of(review: Review, *, id: int = 0, kind: str = "", label: str = "",
                 recorded_at: str | None = None) -> Milestone:
    """The milestone a review is (or would be) recorded as."""
    accounts = [str(a) for a in review.scope.get("accounts", [])]
    regions = [str(r) for r in review.scope.get("regions", [])]
    coverage = [[c.account, c.region, c.service, c.status, c.detail] for c in review.coverage.gaps]
    return Milestone(
        id=id, recorded_at=recorded_at or review.generated_at, kind=kind, source=str(review.scope.get("source", "")),
        scope=scope_of(accounts, regions), accounts=accounts, regions=regions,
        framework_edition=review.framework_edition, wafr_version=review.tool.get("version", ""),
        counts=counts_of(review), coverage=coverage,
        projects=[{"letter": p.letter, "key": p.key, "title": p.title, "risk": p.risk} for p in review.projects],
        label=label)


def view_of_review(review: Review, findings: list[Finding] | None = None, **milestone: Any) -> MilestoneView:
    """A review (just built, or read from review.json) as a milestone view."""
    chosen = review.findings if findings is None else findings
    rows = rows_of(chosen, project_letters(review))
    return MilestoneView(milestone_of(review, **milestone), {i: r for i, r in rows.items() if r.status != PASS},
                         {bp: status for bp, (status, _, _) in assessments_of(review).items()},
                         {i for i, r in rows.items() if r.status == PASS})


@dataclass
class Baseline:
    """What a new review is compared with: the previous milestone of its scope, and the milestones up to it."""

    view: MilestoneView
    trend: list[Milestone]  # oldest first, the previous milestone last
