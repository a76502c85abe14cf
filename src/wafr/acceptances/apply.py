"""Matching acceptances to findings: accepted FAILs become SUPPRESSED; expired and stale acceptances are listed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from wafr.acceptances.file import Acceptance, AcceptancesFile, Selector
from wafr.checks.registry import FAIL, SUPPRESSED
from wafr.findings import Finding, worst_first
from wafr.review.model import AcceptedFinding, AcceptedRisks, RiskAcceptance


def matches(selector: Selector, finding: Finding) -> bool:
    """Whether every key the selector gives matches the finding (resource: its id or ARN, as a glob)."""
    r = finding.resource
    if selector.check is not None and finding.check_id != selector.check:
        return False
    if selector.best_practice is not None and selector.best_practice not in finding.best_practices:
        return False
    if selector.resource is not None and not any(
            value and fnmatchcase(value, selector.resource) for value in (r.get("id"), r.get("arn"))):
        return False
    if selector.account is not None and r.get("account") != selector.account:
        return False
    return selector.environment is None or finding.environment == selector.environment


@dataclass
class Outcome:
    """What the acceptances did in this run, for the review's accepted-risks section."""

    source: str
    accepted: list[tuple[Acceptance, list[Finding]]] = field(default_factory=list)
    expired: list[tuple[Acceptance, list[Finding]]] = field(default_factory=list)  # their findings stay FAIL
    stale: list[Acceptance] = field(default_factory=list)  # active, but nothing failing matches them


def apply_acceptances(findings: list[Finding], acceptances: AcceptancesFile, source: Path | str,
                      today: dt.date | None = None) -> tuple[list[Finding], Outcome]:
    """Suppress each FAIL finding the first active acceptance (in file order) selects; findings stay worst first."""
    today = today or dt.date.today()
    entries = acceptances.acceptances
    covered: dict[int, list[Finding]] = {i: [] for i in range(len(entries))}
    result = []
    for finding in findings:
        if finding.status == FAIL:
            selected = [i for i, a in enumerate(entries) if matches(a.match, finding)]
            active = next((i for i in selected if entries[i].active_on(today)), None)
            if active is not None:
                finding = dataclasses.replace(finding, status=SUPPRESSED, acceptance=entries[active].attached())
            for i in selected:  # an expired acceptance lists the findings that count again because of it
                if entries[i].active_on(today) or active is None:
                    covered[i].append(finding)
        result.append(finding)
    outcome = Outcome(source=str(source))
    for i, acceptance in enumerate(entries):
        if not acceptance.active_on(today):
            outcome.expired.append((acceptance, covered[i]))
        elif covered[i]:
            outcome.accepted.append((acceptance, covered[i]))
        else:
            outcome.stale.append(acceptance)
    return worst_first(result), outcome


def _entry(acceptance: Acceptance, findings: list[Finding]) -> RiskAcceptance:
    return RiskAcceptance(
        match=acceptance.match.given(), reason=acceptance.reason, owner=acceptance.owner,
        expires=acceptance.expires.isoformat(), ticket=acceptance.ticket or "",
        findings=[AcceptedFinding(id=f.id, check_id=f.check_id, title=f.title, risk=f.risk,
                                  resource=f.resource.get("name") or f.resource["id"],
                                  account=f.resource["account"], region=f.resource["region"]) for f in findings])


def section(outcome: Outcome) -> AcceptedRisks:
    """The review's accepted-risks section from what the acceptances did."""
    return AcceptedRisks(source=outcome.source,
                         accepted=[_entry(a, fs) for a, fs in outcome.accepted],
                         expired=[_entry(a, fs) for a, fs in outcome.expired],
                         stale=[_entry(a, []) for a in outcome.stale])


def summary_line(accepted: AcceptedRisks) -> str:
    """One line for the terminal: what the acceptances file did in this run."""
    suppressed = len({f.id for a in accepted.accepted for f in a.findings})
    parts = [f"{suppressed} finding(s) accepted in {accepted.source}"]
    if accepted.expired:
        parts.append(f"{len(accepted.expired)} acceptance(s) expired, their findings count again")
    if accepted.stale:
        parts.append(f"{len(accepted.stale)} stale acceptance(s) match nothing failing")
    return "Accepted risks: " + "; ".join(parts) + "."
