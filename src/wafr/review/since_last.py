"""The review remembers: what changed since the previous milestone of the same accounts and regions (resolved, new,
regressed, no longer assessed), a trend per pillar across milestones, and how far the previous review's projects got.

Built from the history's previous milestone; carried in review.json like the rest of the review.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wafr.vocabulary import RISKS

if TYPE_CHECKING:
    from wafr.findings import Finding
    from wafr.history.diff import Diff, FindingChange
    from wafr.history.views import Baseline
    from wafr.review.model import Review

LISTED = 25  # findings listed per kind of change; the counts are always complete


@dataclass
class ChangedFinding:
    id: str
    check_id: str
    title: str
    pillar: str
    risk: str
    account: str
    region: str
    resource: str  # the resource's name
    resource_type: str
    previous_risk: str = ""
    previous_status: str = ""
    first_seen: str = ""
    why: str = ""


@dataclass
class TrendPoint:
    """One milestone's failed findings per pillar and risk."""

    milestone: str  # "#12", or "this review"
    at: str
    failed: dict[str, dict[str, int]]  # pillar -> HIGH/MEDIUM/LOW -> count


@dataclass
class ProjectProgress:
    """One project of the previous review, and what became of its findings."""

    letter: str
    title: str
    findings: int
    resolved: int
    still_open: int
    no_longer_assessed: int
    accepted: int


@dataclass
class SinceLast:
    previous_milestone: str  # "#12"
    previous_at: str
    previous_version: str
    counts: dict[str, int]  # new, regressed, resolved, no_longer_assessed, accepted, still_open, risk_up, risk_down
    by_pillar: dict[str, dict[str, int]]
    resolved: list[ChangedFinding] = field(default_factory=list)
    new: list[ChangedFinding] = field(default_factory=list)
    regressed: list[ChangedFinding] = field(default_factory=list)  # passed before, or risk raised
    no_longer_assessed: list[ChangedFinding] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    projects: list[ProjectProgress] = field(default_factory=list)
    listed: int = LISTED


def _titles() -> dict[str, str]:
    from wafr.checks.registry import all_checks

    return {c.id: c.title for c in all_checks().values()}


def _changed(c: FindingChange, titles: dict[str, str]) -> ChangedFinding:
    return ChangedFinding(id=c.id, check_id=c.check_id, title=titles.get(c.check_id, c.check_id), pillar=c.pillar,
                          risk=c.risk, account=c.account, region=c.region, resource=c.name,
                          resource_type=c.resource_type, previous_risk=c.previous_risk,
                          previous_status=c.previous_status, first_seen=c.first_seen, why=c.why)


def _failed(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {p: {r: c.get(r, 0) for r in RISKS} for p, c in counts.items()}


def _progress(d: Diff) -> list[ProjectProgress]:
    from wafr.history.diff import ACCEPTED, NO_LONGER_ASSESSED, RESOLVED, STILL_OPEN

    tally: dict[str, Counter] = defaultdict(Counter)
    for kind in (RESOLVED, STILL_OPEN, NO_LONGER_ASSESSED, ACCEPTED):
        for c in d.changes.get(kind, ()):
            if c.project:
                tally[c.project][kind] += 1
    return [ProjectProgress(letter=p["letter"], title=p["title"], findings=sum(tally[p["letter"]].values()),
                            resolved=tally[p["letter"]][RESOLVED], still_open=tally[p["letter"]][STILL_OPEN],
                            no_longer_assessed=tally[p["letter"]][NO_LONGER_ASSESSED],
                            accepted=tally[p["letter"]][ACCEPTED]) for p in d.before.projects]


def build_since_last(review: Review, findings: list[Finding], baseline: Baseline) -> SinceLast:
    """Compare the review just built with the previous milestone of its scope."""
    from wafr.history.diff import KINDS, NEW, NO_LONGER_ASSESSED, REGRESSED, RESOLVED, RISK_UP, diff
    from wafr.history.views import view_of_review

    current = view_of_review(review, findings, label="this review")
    d = diff(baseline.view, current)
    titles = _titles()

    def listed(*kinds: str) -> list[ChangedFinding]:
        return [_changed(c, titles) for kind in kinds for c in d.changes.get(kind, ())[:LISTED]][:LISTED]

    before = baseline.view.milestone
    trend = [TrendPoint(m.name, m.recorded_at, _failed(m.counts)) for m in baseline.trend]
    trend.append(TrendPoint("this review", review.generated_at, _failed(current.milestone.counts)))
    return SinceLast(previous_milestone=before.name, previous_at=before.recorded_at,
                     previous_version=before.wafr_version, counts={k: d.count(k) for k in KINDS},
                     by_pillar=d.by_pillar, resolved=listed(RESOLVED), new=listed(NEW),
                     regressed=listed(REGRESSED, RISK_UP), no_longer_assessed=listed(NO_LONGER_ASSESSED),
                     trend=trend, projects=_progress(d))
