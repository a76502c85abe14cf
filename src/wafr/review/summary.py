"""The executive summary: counts per pillar and risk, the top risks, and what was not assessed."""

from __future__ import annotations

import dataclasses
from collections import Counter

from wafr.checks.registry import NOT_ASSESSED, all_checks
from wafr.findings import Finding
from wafr.estate import UNREAD_STATUSES
from wafr.review.model import (
    RISK_ORDER,
    Coverage,
    CoverageEntry,
    PillarReview,
    PillarSummary,
    Summary,
    TopRisk,
    UnassessedCheck,
)

TOP_RISKS = 5


def _pillar_summary(pillar: PillarReview, mine: list[Finding]) -> PillarSummary:
    counts = Counter(f.risk if f.status == "FAIL" else f.status for f in mine)
    keys = ("HIGH", "MEDIUM", "LOW", "PASS", "NOT_ASSESSED", "SUPPRESSED")
    return PillarSummary(pillar=pillar.pillar, name=pillar.name,
                         focus_areas=dict(Counter(fa.risk for fa in pillar.focus_areas)),
                         findings={k: counts[k] for k in keys})


def top_risks(pillars: list[PillarReview], limit: int = TOP_RISKS) -> list[TopRisk]:
    """The worst bullet of each HIGH or MEDIUM focus area, worst areas first, so a few areas cannot fill the list."""
    candidates = []
    for pillar_rank, pillar in enumerate(pillars):
        for area_rank, area in enumerate(pillar.focus_areas):
            if area.risk not in ("HIGH", "MEDIUM") or not area.bullets:
                continue
            bullet = area.bullets[0]  # risk already accounts for the environment, so no production bonus here
            candidates.append(((RISK_ORDER[bullet.risk], pillar_rank, area_rank), area, bullet))
    candidates.sort(key=lambda c: c[0])
    return [TopRisk(risk=bullet.risk, pillar=area.pillar, focus_area=area.key, focus_title=area.title,
                    check_id=bullet.check_id, template=bullet.template, names=bullet.names,
                    finding_ids=bullet.finding_ids) for _, area, bullet in candidates[:limit]]


def build_summary(pillars: list[PillarReview], findings: list[Finding]) -> Summary:
    by_pillar: dict[str, list[Finding]] = {}
    for finding in findings:
        by_pillar.setdefault(finding.pillar, []).append(finding)
    return Summary(pillars=[_pillar_summary(p, by_pillar.get(p.pillar, [])) for p in pillars],
                   top_risks=top_risks(pillars))


def build_coverage(entries: list[CoverageEntry], pillars: list[PillarReview],
                   findings: list[Finding] | None = None) -> Coverage:
    """Every read that did not happen (with the checks it cost) and every check that could not judge, so nobody
    reads a gap as a pass."""
    gaps = sorted((_with_cost(e, findings or []) for e in entries if e.status != "assessed"),
                  key=lambda e: (e.status, e.service, e.account, e.region))
    unassessed: list[UnassessedCheck] = [u for p in pillars for fa in p.focus_areas for u in fa.unassessed]
    return Coverage(assessed=sum(1 for e in entries if e.status == "assessed"), total=len(entries), gaps=gaps,
                    unassessed_checks=unassessed)


def _with_cost(entry: CoverageEntry, findings: list[Finding]) -> CoverageEntry:
    """The gap with the checks it cost: those that need the service and were not assessed in its account."""
    if entry.status not in UNREAD_STATUSES:
        return entry
    unassessed = {f.check_id for f in findings if f.status == NOT_ASSESSED and f.resource["account"] == entry.account}
    cost = sorted(c.id for c in all_checks().values() if entry.service in c.needs and c.id in unassessed)
    return dataclasses.replace(entry, checks_not_assessed=cost)
