"""What changed between two milestones: new, resolved, still-open and no-longer-assessed findings, changed risk,
best-practice assessments and coverage, per pillar and per account.

A failed finding that is missing later is "resolved" only if the later milestone could still see it: when its
check could not judge that account, or the service behind its resource was not read there, it is "no longer
assessed" instead, because a gap is never a pass.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from wafr.checks.registry import FAIL, NOT_ASSESSED, PASS, SUPPRESSED
from wafr.history.views import FindingRow, Milestone, MilestoneView
from wafr.resource_types import services_of

RISK_RANK = {"HIGH": 0, "MEDIUM": 1, "LOW": 2}
# The kinds of change, in the order a reader wants them.
NEW, REGRESSED, RESOLVED, NO_LONGER_ASSESSED, ACCEPTED, STILL_OPEN, RISK_UP, RISK_DOWN = (
    "new", "regressed", "resolved", "no_longer_assessed", "accepted", "still_open", "risk_up", "risk_down")
KINDS = (NEW, REGRESSED, RESOLVED, NO_LONGER_ASSESSED, ACCEPTED, STILL_OPEN, RISK_UP, RISK_DOWN)
KIND_LABELS = {NEW: "New", REGRESSED: "Regressed (passed before)", RESOLVED: "Resolved",
               NO_LONGER_ASSESSED: "No longer assessed", ACCEPTED: "Accepted since", STILL_OPEN: "Still open",
               RISK_UP: "Risk raised", RISK_DOWN: "Risk lowered"}


@dataclass
class FindingChange:
    """One finding that changed (or stayed open) between the milestones."""

    kind: str
    id: str
    check_id: str
    pillar: str
    account: str
    region: str
    resource_type: str
    resource_id: str
    name: str
    risk: str  # the later risk, or the earlier one when it no longer fails
    previous_risk: str = ""
    previous_status: str = ""
    status: str = ""  # the later status ("" when the finding is gone)
    first_seen: str = ""  # when it first failed, as far as the history knows
    project: str = ""  # the earlier review's project letter
    why: str = ""  # for resolved / no longer assessed: what the later milestone showed


@dataclass
class AssessmentChange:
    best_practice: str
    before: str
    after: str


@dataclass
class CoverageChange:
    account: str
    region: str
    service: str
    before: str  # status, "assessed" when it was not a gap
    after: str
    detail: str = ""


@dataclass
class Diff:
    before: Milestone
    after: Milestone
    changes: dict[str, list[FindingChange]]  # kind -> changes, worst risk first
    assessments: list[AssessmentChange]
    coverage: list[CoverageChange]
    by_pillar: dict[str, dict[str, int]] = field(default_factory=dict)
    by_account: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, kind: str) -> int:
        return len(self.changes.get(kind, ()))

    def to_dict(self) -> dict[str, Any]:
        return {"schema": "wafr.diff/1", "before": asdict(self.before), "after": asdict(self.after),
                "counts": {k: self.count(k) for k in KINDS}, "by_pillar": self.by_pillar,
                "by_account": self.by_account,
                "findings": {k: [asdict(c) for c in v] for k, v in self.changes.items()},
                "assessments": [asdict(a) for a in self.assessments], "coverage": [asdict(c) for c in self.coverage]}


@lru_cache(maxsize=1)
def _known_checks() -> frozenset[str]:
    from wafr.checks.registry import all_checks

    return frozenset(all_checks())


class _Blindness:
    """Where the later milestone could not see: accounts it did not cover, checks it could not judge per
    account, services it could not read per account and region."""

    def __init__(self, after: MilestoneView) -> None:
        self.accounts = set(after.milestone.accounts)
        self.unjudged = {(r.check_id, r.account) for r in after.findings.values() if r.status == NOT_ASSESSED}
        self.unread = {(a, r, s): status for a, r, s, status, *_ in after.milestone.coverage}

    def why(self, row: FindingRow) -> str:
        if self.accounts and row.account not in self.accounts:
            return f"account {row.account} was not in the later review"
        if row.check_id not in _known_checks():  # a wafr upgrade retired or renamed it
            return f"this wafr has no check {row.check_id} any more"
        for service in services_of(row.resource_type):
            for region in (row.region, "global"):
                status = self.unread.get((row.account, region, service))
                if status:
                    return f"{service} in {region} was {status}"
        if (row.check_id, row.account) in self.unjudged:
            return "the check could not judge this account"
        return ""


def _change(kind: str, row: FindingRow, before: FindingRow | None, after: FindingRow | None,
            since: str, why: str = "", status: str = "") -> FindingChange:
    first_seen = (after.first_seen if after and after.first_seen else None) or (before.first_seen if before else None)
    return FindingChange(
        kind=kind, id=row.id, check_id=row.check_id, pillar=row.pillar, account=row.account, region=row.region,
        resource_type=row.resource_type, resource_id=row.resource_id, name=row.name, risk=row.risk,
        previous_risk=before.risk if before else "", previous_status=before.status if before else "",
        status=after.status if after else status, first_seen=first_seen or (since if before else ""),
        project=(before.project or "") if before else "", why=why)


def _classify(b: FindingRow | None, a: FindingRow | None, passed_before: bool, passed_after: bool,
              blind: _Blindness, before_at: str, after_at: str) -> list[FindingChange]:
    """One finding's change; rows are None for a finding that passed (see the flags) or was not there."""
    if a is not None and a.status == FAIL:
        if b is None or b.status != FAIL:
            return [_change(REGRESSED if passed_before else NEW, a, b, a, after_at)]
        found = [_change(STILL_OPEN, a, b, a, before_at)]
        if a.risk != b.risk:
            up = RISK_RANK.get(a.risk, 9) < RISK_RANK.get(b.risk, 9)
            found.append(_change(RISK_UP if up else RISK_DOWN, a, b, a, before_at))
        return found
    if b is None or b.status != FAIL:
        return []
    if passed_after:
        return [_change(RESOLVED, b, b, None, before_at, "the check passes", status=PASS)]
    if a is None:
        why = blind.why(b)
        return [_change(NO_LONGER_ASSESSED if why else RESOLVED, b, b, None, before_at,
                        why or "the resource is no longer there")]
    if a.status == SUPPRESSED:
        return [_change(ACCEPTED, b, b, a, before_at, "accepted as a risk")]
    return [_change(NO_LONGER_ASSESSED, b, b, a, before_at, "the check could not judge it")]


def diff(before: MilestoneView, after: MilestoneView) -> Diff:
    """Compare two milestones (earlier first)."""
    blind = _Blindness(after)
    changes: dict[str, list[FindingChange]] = defaultdict(list)
    b_rows, a_rows = before.findings, after.findings
    at_b, at_a = before.milestone.recorded_at, after.milestone.recorded_at
    for fid in b_rows.keys() | a_rows.keys():
        for change in _classify(b_rows.get(fid), a_rows.get(fid), fid in before.passed, fid in after.passed,
                                blind, at_b, at_a):
            changes[change.kind].append(change)
    by_pillar: dict[str, Counter] = defaultdict(Counter)
    by_account: dict[str, Counter] = defaultdict(Counter)
    for kind, found in changes.items():
        found.sort(key=lambda c: (RISK_RANK.get(c.risk, 9), c.pillar, c.check_id, c.account, c.name))
        for c in found:
            by_pillar[c.pillar][kind] += 1
            by_account[c.account][kind] += 1
    return Diff(before=before.milestone, after=after.milestone, changes=dict(changes),
                assessments=_assessment_changes(before.assessments, after.assessments),
                coverage=_coverage_changes(before.milestone, after.milestone),
                by_pillar={p: dict(c) for p, c in sorted(by_pillar.items())},
                by_account={a: dict(c) for a, c in sorted(by_account.items())})


def _assessment_changes(before: dict[str, str], after: dict[str, str]) -> list[AssessmentChange]:
    return [AssessmentChange(bp, before.get(bp, ""), after.get(bp, ""))
            for bp in sorted(before.keys() | after.keys()) if before.get(bp, "") != after.get(bp, "")]


def _coverage_changes(before: Milestone, after: Milestone) -> list[CoverageChange]:
    """Reads that became gaps, and gaps that were read again (coverage keeps gaps only)."""
    old = {(a, r, s): (status, detail) for a, r, s, status, detail in before.coverage}
    new = {(a, r, s): (status, detail) for a, r, s, status, detail in after.coverage}
    found = []
    for key in sorted(old.keys() | new.keys()):
        was, now = old.get(key, ("assessed", "")), new.get(key, ("assessed", ""))
        if was[0] != now[0]:
            found.append(CoverageChange(*key, before=was[0], after=now[0], detail=now[1] or was[1]))
    return found
