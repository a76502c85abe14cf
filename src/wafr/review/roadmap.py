"""The roadmap: HIGH-risk work in months 1-3, MEDIUM in months 3-6, then a re-evaluation in months 6-9."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from wafr.findings import Finding
from wafr.review.catalog import Catalog
from wafr.review.model import CoverageEntry, FocusArea, PillarReview, Project, RoadmapItem, RoadmapPhase
from wafr.vocabulary import SUPPRESSED

if TYPE_CHECKING:
    from wafr.review.since_last import SinceLast


def _area_items(areas: list[FocusArea], risk: str, catalog: Catalog) -> list[RoadmapItem]:
    chosen = sorted((a for a in areas if a.risk == risk), key=lambda a: (len(a.project), a.project))
    return [RoadmapItem(text=catalog.focus_area(a.pillar, a.name).roadmap, risk=risk, projects=[a.project],
                        focus_areas=[a.key], finding_ids=a.finding_ids) for a in chosen]


def _titles(areas: list[FocusArea]) -> str:
    return "; ".join(a.title for a in areas)


def _reevaluation(areas: list[FocusArea], projects: list[Project], findings: list[Finding],
                  gaps: list[CoverageEntry], catalog: Catalog) -> list[RoadmapItem]:
    """What to revisit: what the review could not judge, accepted risks, low-risk areas, and a new scan."""
    phrases = catalog.reevaluation
    items = []
    unjudged = [a for a in areas if a.unassessed]
    if unjudged:
        items.append(RoadmapItem(
            text=phrases["not_assessed"].replace("{areas}", _titles(unjudged)), risk="",
            projects=sorted({a.project for a in unjudged if a.project}), focus_areas=[a.key for a in unjudged],
            finding_ids=[fid for a in unjudged for u in a.unassessed for fid in u.finding_ids]))
    if gaps:
        statuses: dict[str, set[str]] = defaultdict(set)
        for gap in gaps:
            statuses[gap.service].add(gap.status)
        services = ", ".join(f"{service} ({'/'.join(sorted(kinds))})" for service, kinds in sorted(statuses.items()))
        items.append(RoadmapItem(text=phrases["coverage"].replace("{services}", services), risk="", projects=[],
                                 focus_areas=[], finding_ids=[]))
    accepted = [f for f in findings if f.status == SUPPRESSED]
    if accepted:
        checks = "; ".join(dict.fromkeys(f.title for f in accepted))
        items.append(RoadmapItem(
            text=phrases["accepted"].replace("{checks}", checks), risk="", projects=[],
            focus_areas=sorted({a.key for a in areas if a.accepted}), finding_ids=[f.id for f in accepted]))
    low = [a for a in areas if a.risk == "LOW"]
    if low:
        items.append(RoadmapItem(text=phrases["low"].replace("{areas}", _titles(low)), risk="", projects=[],
                                 focus_areas=[a.key for a in low], finding_ids=[fid for a in low for fid in a.finding_ids]))
    items.append(RoadmapItem(text=phrases["rescan"], risk="", projects=[p.letter for p in projects],
                             focus_areas=[k for p in projects for k in p.focus_areas], finding_ids=[]))
    return items


def build_roadmap(pillars: list[PillarReview], projects: list[Project], findings: list[Finding],
                  gaps: list[CoverageEntry], catalog: Catalog) -> list[RoadmapPhase]:
    areas = [a for p in pillars for a in p.focus_areas]
    phases = []
    for spec in catalog.phases:
        if spec.risk:
            items = _area_items(areas, spec.risk, catalog)
        else:
            items = _reevaluation(areas, projects, findings, gaps, catalog)
        phases.append(RoadmapPhase(key=spec.key, months=spec.months, label=spec.label, title=spec.title, items=items))
    return phases


def add_progress_item(roadmap: list[RoadmapPhase], since: SinceLast) -> None:
    """The re-evaluation says how far the previous review's projects got, before the closing re-scan."""
    if not roadmap or not any(p.findings for p in since.projects):
        return
    parts = []
    for p in since.projects:
        if not p.findings:
            continue
        unseen = f", {p.no_longer_assessed} no longer assessed" if p.no_longer_assessed else ""
        parts.append(f"{p.letter} {p.title}: {p.resolved} of {p.findings} findings resolved{unseen}")
    text = (f"Progress on the previous review's projects (milestone {since.previous_milestone}, "
            f"{since.previous_at[:10]}): " + "; ".join(parts))
    phase = roadmap[-1]
    phase.items.insert(max(len(phase.items) - 1, 0), RoadmapItem(text=text, risk="", projects=[], focus_areas=[],
                                                                 finding_ids=[]))
