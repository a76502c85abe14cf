"""The review's advisor section: which of AWS's own advisors (Compute Optimizer, Trusted Advisor, Health...) the
review's evidence rests on, where each answered, where it could not (not enabled, denied, failed, unsupported,
with why), and the findings of the checks that need it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from wafr.checks.registry import all_checks
from wafr.findings import Finding
from wafr.review.model import AdvisorEvidence, AdvisorRead, AdvisorSource, CoverageEntry
from wafr.vocabulary import ADVISOR_SOURCES, FAIL, NOT_ASSESSED, PASS, SAMPLE_SOURCES

ANSWERED = "assessed"


def _resting_on(service: str, by_check: dict[str, list[Finding]], needs: dict[str, tuple[str, ...]]) -> list[Finding]:
    return [f for check_id, services in needs.items() if service in services for f in by_check.get(check_id, ())]


def build_advisors(findings: list[Finding], coverage: list[CoverageEntry], scope: dict[str, Any]) -> AdvisorEvidence:
    """One entry per advisor the scan tried to read, in the vocabulary's order; none tried, no entry."""
    needs = {c.id: tuple(c.needs) for c in all_checks().values()}
    samples = set(scope.get(SAMPLE_SOURCES) or [])
    by_check: dict[str, list[Finding]] = {}
    for finding in findings:
        by_check.setdefault(finding.check_id, []).append(finding)
    sources = []
    for service, name in ADVISOR_SOURCES.items():
        reads = sorted((AdvisorRead(account=c.account, region=c.region, status=c.status, detail=c.detail)
                        for c in coverage if c.service == service), key=lambda r: (r.account, r.region))
        if not reads:
            continue  # not part of this scan (an older findings.json, or --services left it out)
        mine = _resting_on(service, by_check, needs)
        counts = Counter(f.status for f in mine)
        read = [r for r in reads if r.status == ANSWERED]
        sources.append(AdvisorSource(
            service=service, name=name, read=read, unread=[r for r in reads if r.status != ANSWERED],
            checks=sorted({f.check_id for f in mine}), failed=counts[FAIL], passed=counts[PASS],
            not_assessed=counts[NOT_ASSESSED], sample=service in samples and bool(read)))
    return AdvisorEvidence(sources=sources)


STATUS_WORDS = {"not-enabled": "not enabled", "denied": "denied", "failed": "failed", "unsupported": "unsupported",
                "skipped": "skipped"}


def where(read: AdvisorRead) -> str:
    """``123456789012`` for a global read, ``123456789012 us-east-1`` for a regional one."""
    return read.account if read.region == "global" else f"{read.account} {read.region}"


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status, status)


def headline(evidence: AdvisorEvidence) -> str:
    """The section's first sentence: which advisors the review rests on, or plainly that none was available."""
    used = [s.name for s in evidence.used]
    if used:
        return (f"AWS's own advisors that answered, and are part of the review's evidence: {', '.join(used)}. "
                "Each finding drawn from one names it in its evidence.")
    if evidence.sources:
        return ("No AWS advisor was available: none of those the scan asked answered (see why below), so no finding "
                "rests on an advisor's evidence.")
    return "No AWS advisor was read in this scan, so no finding rests on an advisor's evidence."


def sample_note(evidence: AdvisorEvidence) -> str:
    """Said wherever sample answers stand in for an account's (the demo): they are not an account's advisors."""
    names = [s.name for s in evidence.samples]
    if not names:
        return ""
    return (f"The answers of {', '.join(names)} here are sample responses, shaped as each API reference documents "
            "and naming the demo's resources; the demo's estate is itself simulated.")


def findings_words(source: AdvisorSource) -> str:
    counts = ((source.failed, "failed"), (source.passed, "passed"), (source.not_assessed, "not assessed"))
    return ", ".join(f"{n} {label}" for n, label in counts if n) or "none"
