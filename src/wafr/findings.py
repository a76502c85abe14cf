"""Findings: the checks' results on an estate, and findings.json as the contract defines it."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, replace
from typing import Any

from wafr import __version__
from wafr.checks.registry import Check, Result, all_checks, not_assessed
from wafr.allocation import collector_paused
from wafr.environment import classify_estate
from wafr.estate import Estate, Resource
from wafr.gaps import CoverageGaps, Gap, costs, reasons
from wafr.resource_types import ACCOUNT
from wafr.vocabulary import FAIL, NOT_ASSESSED, PASS, RISK_ORDER, SAMPLE_SOURCES, SUPPRESSED

SCHEMA = "wafr.findings/1"
STATUS_ORDER = {FAIL: 0, NOT_ASSESSED: 1, SUPPRESSED: 2, PASS: 3}


@dataclass(frozen=True)
class Finding:
    id: str
    check_id: str
    title: str
    status: str
    risk: str
    pillar: str
    focus_area: str
    best_practices: list[str]
    resource: dict[str, str]
    environment: str
    evidence: str
    remediation: str
    # Set on a SUPPRESSED finding: the acceptances.yaml entry that accepted the risk (wafr.acceptances).
    acceptance: dict[str, Any] | None = None
    # Set on a metric finding: what it was measured from (wafr.metrics.measurements), so the review needs no estate.
    measurements: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        plain = asdict(self)
        for optional in ("acceptance", "measurements"):  # absent unless a risk was accepted, or metrics measured
            if plain[optional] is None:
                del plain[optional]
        return plain


def finding_id(check_id: str, account: str, region: str, resource_type: str, resource_id: str) -> str:
    """Same check on the same resource gives the same id in every run."""
    key = "|".join((check_id, account, region, resource_type, resource_id))
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def _finding(check: Check, result: Result, environment: str) -> Finding:
    r = result.resource
    return Finding(
        id=finding_id(check.id, r.account, r.region, r.type, r.id),
        check_id=check.id, title=check.title, status=result.status,
        risk=check.risk_of(result, environment),
        pillar=check.pillar, focus_area=check.focus_area, best_practices=list(check.best_practices),
        resource={"type": r.type, "id": r.id, "arn": r.arn, "account": r.account,
                  "region": r.region, "name": r.label},
        environment=environment, evidence=result.evidence, remediation=check.remediation,
        measurements=dict(result.measurements) if result.measurements else None,
    )


def _run_check(check: Check, estate: Estate) -> list[Finding]:
    try:
        results = list(check.run(estate))
    except Exception as error:  # noqa: BLE001 - one broken check must not hide the others
        results = []
        for account in estate.accounts:
            results.append(not_assessed(estate.account_resource(account),
                                        f"the check could not run: {type(error).__name__}: {error}"))
    return [_finding(check, result, estate.environment_of(result.resource)) for result in results]


def _within_coverage(check: Check, findings: list[Finding], coverage: CoverageGaps, estate: Estate) -> list[Finding]:
    """A gap is never a pass: where a read the check needs is missing, its passes are withheld and one
    NOT_ASSESSED finding per account x region says which read and why. A FAIL stays a FAIL (what was read
    already shows the problem) and says it was judged on partial data."""
    gaps = coverage.of(check.needs)
    if not gaps:
        return findings
    by_account: dict[str, list[Gap]] = defaultdict(list)
    for gap in gaps:
        by_account[gap.account].append(gap)
    kept: list[Finding] = []
    withheld: Counter[tuple[str, str]] = Counter()
    for finding in findings:
        account, region = finding.resource["account"], finding.resource["region"]
        missing = [g for g in by_account.get(account, ()) if g.affects(account, region)]
        if not missing:
            kept.append(finding)
        elif finding.status == PASS:
            withheld.update((g.account, g.region) for g in missing[:1])
        elif finding.status == FAIL:
            kept.append(replace(finding, evidence=f"{finding.evidence} Judged on partial data: {reasons(missing)}."))
        else:
            kept.append(finding)
    own = {f.id for f in kept}
    for (account, region), missing in costs(gaps).items():
        count = withheld[(account, region)]
        note = f"; {count} passing result(s) here withheld" if count else ""
        place = Resource(type=ACCOUNT, id=account, account=account, region=region, name=account)
        marker = _finding(check, not_assessed(place, f"Not assessed: {reasons(missing)}{note}."),
                          estate.environment_of(place))
        if marker.id not in own:  # the check's own account-wide verdict (a FAIL, or its own reason) stands
            kept.append(marker)
    return kept




def evaluate(estate: Estate, checks: dict[str, Check] | None = None) -> list[Finding]:
    """Classify the estate's environments, then run every check within what was read (see wafr.gaps);
    findings sorted worst first."""
    with collector_paused():  # a finding per check x resource: see wafr.allocation
        classify_estate(estate)
        coverage = CoverageGaps.of_estate(estate)
        findings = [f for check in (checks or all_checks()).values()
                    for f in _within_coverage(check, _run_check(check, estate), coverage, estate)]
        # One finding per check x resource even if a check yields a resource twice.
        unique = {f.id: f for f in findings}
        return worst_first(list(unique.values()))


def worst_first(findings: list[Finding]) -> list[Finding]:
    """Findings in the review's order: failed before not assessed before accepted before passed, then by risk."""
    return sorted(findings, key=lambda f: (STATUS_ORDER.get(f.status, 9), RISK_ORDER.get(f.risk, 9), f.pillar,
                                           f.check_id, f.resource["account"], f.resource["region"], f.resource["id"]))


def findings_document(estate: Estate, findings: list[Finding], generated_at: str | None = None) -> dict[str, Any]:
    """findings.json as `findings-contract.md` defines it (schema wafr.findings/1)."""
    return {
        "schema": SCHEMA,
        "generated_at": generated_at or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tool": {"name": "wafr", "version": __version__},
        "scope": {"accounts": estate.accounts, "regions": estate.regions,
                  "source": estate.metadata.get("source", "aws"),
                  # advisors answered with sample responses (the demo): the review says so
                  **({SAMPLE_SOURCES: list(estate.metadata[SAMPLE_SOURCES])}
                     if estate.metadata.get(SAMPLE_SOURCES) else {})},
        "coverage": [asdict(c) for c in sorted(estate.coverage, key=lambda c: (c.account, c.region, c.service))],
        "findings": [f.to_dict() for f in findings],
    }
