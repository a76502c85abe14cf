"""Findings: the checks' results on an estate, and findings.json as the contract defines it."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass
from typing import Any

from wafr import __version__
from wafr.checks.registry import FAIL, NOT_ASSESSED, Check, all_checks, not_assessed
from wafr.environment import classify_estate
from wafr.estate import Estate

SCHEMA = "wafr.findings/1"
RISK_ORDER = {"HIGH": 0, "MEDIUM": 1, "LOW": 2}
STATUS_ORDER = {FAIL: 0, NOT_ASSESSED: 1, "SUPPRESSED": 2, "PASS": 3}


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def finding_id(check_id: str, account: str, region: str, resource_type: str, resource_id: str) -> str:
    """Same check on the same resource gives the same id in every run."""
    key = "|".join((check_id, account, region, resource_type, resource_id))
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def _run_check(check: Check, estate: Estate) -> list[Finding]:
    findings = []
    try:
        results = list(check.run(estate))
    except Exception as error:  # noqa: BLE001 - one broken check must not hide the others
        results = []
        for account in estate.accounts:
            results.append(not_assessed(estate.account_resource(account),
                                        f"the check could not run: {type(error).__name__}: {error}"))
    for result in results:
        r = result.resource
        findings.append(Finding(
            id=finding_id(check.id, r.account, r.region, r.type, r.id),
            check_id=check.id, title=check.title, status=result.status,
            risk=result.risk or check.risk_for(r.environment),
            pillar=check.pillar, focus_area=check.focus_area, best_practices=list(check.best_practices),
            resource={"type": r.type, "id": r.id, "arn": r.arn, "account": r.account,
                      "region": r.region, "name": r.label},
            environment=r.environment, evidence=result.evidence, remediation=check.remediation,
        ))
    return findings


def evaluate(estate: Estate, checks: dict[str, Check] | None = None) -> list[Finding]:
    """Classify the estate's environments, then run every check; findings sorted worst first."""
    classify_estate(estate)
    findings = [f for check in (checks or all_checks()).values() for f in _run_check(check, estate)]
    # One finding per check x resource even if a check yields a resource twice.
    unique = {f.id: f for f in findings}
    return sorted(unique.values(), key=lambda f: (STATUS_ORDER.get(f.status, 9), RISK_ORDER.get(f.risk, 9),
                                                  f.pillar, f.check_id, f.resource["account"],
                                                  f.resource["region"], f.resource["id"]))


def findings_document(estate: Estate, findings: list[Finding], generated_at: str | None = None) -> dict[str, Any]:
    """findings.json as `findings-contract.md` defines it (schema wafr.findings/1)."""
    return {
        "schema": SCHEMA,
        "generated_at": generated_at or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tool": {"name": "wafr", "version": __version__},
        "scope": {"accounts": estate.accounts, "regions": estate.regions,
                  "source": estate.metadata.get("source", "aws")},
        "coverage": [asdict(c) for c in sorted(estate.coverage, key=lambda c: (c.account, c.region, c.service))],
        "findings": [f.to_dict() for f in findings],
    }
