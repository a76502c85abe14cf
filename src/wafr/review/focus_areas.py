"""Findings grouped into focus areas per pillar, with remediation bullets written the way a person writes them."""

from __future__ import annotations

from collections import Counter, defaultdict

from wafr.checks.registry import FAIL, NOT_ASSESSED, PASS, SUPPRESSED
from wafr.findings import Finding
from wafr.framework import PILLAR_NAMES
from wafr.review.catalog import Catalog, FocusAreaSpec
from wafr.review.model import RISK_ORDER, Bullet, FocusArea, PillarReview, ResourceEvidence, UnassessedCheck, worst
from wafr.vocabulary import REVIEW_PILLARS

ENVIRONMENT_ORDER = {"prod": 0, "unknown": 1, "staging": 2, "dev": 3}


def _evidence(findings: list[Finding]) -> list[ResourceEvidence]:
    """One entry per resource, worst first; a resource several findings name keeps all their evidence."""
    merged: dict[tuple[str, ...], ResourceEvidence] = {}
    for f in findings:
        r = f.resource
        key = (r["account"], r["region"], r["type"], r["id"])
        entry = merged.get(key)
        if entry is None:
            entry = merged[key] = ResourceEvidence(
                name=r.get("name") or r["id"], type=r["type"], id=r["id"], account=r["account"], region=r["region"],
                environment=f.environment, risk=f.risk)
        entry.risk = worst((entry.risk, f.risk))
        if f.evidence and f.evidence not in entry.evidence:
            entry.evidence.append(f.evidence)
        entry.finding_ids.append(f.id)
    return sorted(merged.values(), key=lambda e: (RISK_ORDER.get(e.risk, 9), ENVIRONMENT_ORDER.get(e.environment, 9),
                                                  e.name, e.account, e.region))


def _bullet(check_findings: list[Finding], catalog: Catalog) -> Bullet:
    first = check_findings[0]
    resources = _evidence(check_findings)
    names = {r.name for r in resources}
    return Bullet(check_id=first.check_id, title=first.title, risk=worst(f.risk for f in check_findings),
                  template=catalog.bullet(first.check_id, first.title).for_count(len(names)),
                  resources=resources, best_practices=sorted({bp for f in check_findings for bp in f.best_practices}),
                  remediation=first.remediation)


def _absorb(bullets: list[Bullet], catalog: Catalog) -> list[Bullet]:
    """Fold a bullet into another that already names all its resources and declares it absorbs that check."""
    by_check = {b.check_id: b for b in bullets}
    gone: set[str] = set()
    for bullet in bullets:
        if bullet.check_id in gone:
            continue
        for other_id in catalog.bullet(bullet.check_id, bullet.title).absorbs:
            other = by_check.get(other_id)
            if other is None or other_id in gone:
                continue
            mine = {(r.account, r.region, r.type, r.id): r for r in bullet.resources}
            if not all((r.account, r.region, r.type, r.id) in mine for r in other.resources):
                continue
            for r in other.resources:
                target = mine[(r.account, r.region, r.type, r.id)]
                target.evidence.extend(e for e in r.evidence if e not in target.evidence)
                target.finding_ids.extend(r.finding_ids)
                target.risk = worst((target.risk, r.risk))
            bullet.risk = worst((bullet.risk, other.risk))
            bullet.best_practices = sorted(set(bullet.best_practices) | set(other.best_practices))
            bullet.absorbed.append(other_id)
            gone.add(other_id)
    return [b for b in bullets if b.check_id not in gone]


def _unassessed(findings: list[Finding]) -> list[UnassessedCheck]:
    by_check: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_check[f.check_id].append(f)
    return [UnassessedCheck(check_id=check_id, title=fs[0].title, pillar=fs[0].pillar, focus_area=fs[0].focus_area,
                            resources=sorted({f.resource.get("name") or f.resource["id"] for f in fs}),
                            reasons=list(dict.fromkeys(f.evidence for f in fs))[:3],
                            finding_ids=[f.id for f in fs])
            for check_id, fs in sorted(by_check.items())]


def _focus_risk(by_status: dict[str, list[Finding]]) -> str:
    if by_status[FAIL]:
        return worst(f.risk for f in by_status[FAIL])
    if by_status[NOT_ASSESSED] and not by_status[PASS]:
        return NOT_ASSESSED
    return "NONE"


def build_focus_area(spec: FocusAreaSpec, findings: list[Finding], catalog: Catalog) -> FocusArea:
    by_status: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_status[f.status].append(f)
    by_check: dict[str, list[Finding]] = defaultdict(list)
    for f in by_status[FAIL]:
        by_check[f.check_id].append(f)
    bullets = _absorb(sorted((_bullet(fs, catalog) for fs in by_check.values()),
                             key=lambda b: (RISK_ORDER.get(b.risk, 9), -len(b.names), b.check_id)), catalog)
    judged = by_status[FAIL] or findings
    return FocusArea(
        key=spec.key, pillar=spec.pillar, name=spec.name, title=spec.title, risk=_focus_risk(by_status),
        bullets=bullets, guidance=list(spec.guidance) if bullets else [],
        best_practices=sorted({bp for f in judged for bp in f.best_practices}),
        counts=dict(Counter(f.status for f in findings)),
        unassessed=_unassessed(by_status[NOT_ASSESSED]),
        accepted=_evidence(by_status[SUPPRESSED]),
    )


def build_pillars(findings: list[Finding], catalog: Catalog) -> list[PillarReview]:
    """Every core pillar (a pillar without checks still shows, so silence is not read as a pass), worst areas first."""
    grouped: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    specs: dict[tuple[str, str], FocusAreaSpec] = {}
    for f in findings:
        spec = catalog.focus_area(f.pillar, f.focus_area)
        key = (spec.pillar, spec.key.lower())
        specs.setdefault(key, spec)
        grouped[key].append(f)
    areas: dict[str, list[FocusArea]] = defaultdict(list)
    for key, group in grouped.items():
        areas[key[0]].append(build_focus_area(specs[key], group, catalog))
    order = {spec.key: spec.order for spec in specs.values()}
    pillars = [p for p in catalog.pillars if p in REVIEW_PILLARS or areas.get(p)]
    return [PillarReview(pillar=p, name=PILLAR_NAMES[p],
                         focus_areas=sorted(areas.get(p, []), key=lambda fa: (RISK_ORDER.get(fa.risk, 9),
                                                                              order[fa.key], fa.name)))
            for p in pillars]
