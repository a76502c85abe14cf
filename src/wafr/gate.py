"""The CI gate (--fail-on, --new-only): which failed findings should fail the pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from wafr.errors import WafrError
from wafr.findings import Finding
from wafr.vocabulary import FAIL, RISK_ORDER, RISKS

if TYPE_CHECKING:
    from wafr.acceptances import AcceptancesFile
    from wafr.review.model import AcceptedRisks

THRESHOLDS = tuple(risk.lower() for risk in RISKS)  # what --fail-on accepts: high, medium, low
Threshold = Enum("Threshold", {name: name for name in THRESHOLDS}, type=str)  # the --fail-on choice


def gate(findings: list[Finding], threshold: str, known_ids: set[str] | None = None) -> list[Finding]:
    """The unaccepted FAIL findings at or above ``threshold``; with ``known_ids`` (the ids that already failed at
    the previous milestone) only the new ones. Accepted risks are SUPPRESSED, so they never fail the gate."""
    limit = RISK_ORDER[threshold.upper()]
    return [f for f in findings
            if f.status == FAIL and RISK_ORDER.get(f.risk, len(RISK_ORDER)) <= limit
            and (known_ids is None or f.id not in known_ids)]


def describe(failing: list[Finding], threshold: str, new_only: bool, limit: int = 5) -> list[str]:
    """What the gate tells the pipeline log: how many, and the first few findings."""
    scope = " new since the last milestone" if new_only else ""
    lines = [f"--fail-on {threshold}: {len(failing)} unaccepted finding(s) at or above {threshold.upper()}{scope}."]
    for f in failing[:limit]:
        lines.append(f"  {f.risk} {f.title}: {f.resource.get('name') or f.resource['id']} "
                     f"({f.resource['account']}, {f.resource['region']}) [{f.id}]")
    if len(failing) > limit:
        lines.append(f"  ... and {len(failing) - limit} more (see findings.json)")
    return lines


@dataclass(frozen=True)
class Policy:
    """What a run accepts and what fails it: the acceptances file, --fail-on and --new-only. Read before the scan,
    so a broken acceptances file costs no scan."""

    acceptances: AcceptancesFile | None = None
    acceptances_path: Path | None = None
    fail_on: str | None = None
    new_only: bool = False

    @classmethod
    def read(cls, acceptances: Path | None, fail_on: str | None, new_only: bool) -> Policy:
        from wafr.acceptances import DEFAULT_FILE, read_acceptances

        fail_on = getattr(fail_on, "value", fail_on)  # the --fail-on choice, or a plain string
        if new_only and not fail_on:
            raise WafrError("--new-only needs --fail-on (high, medium or low): it narrows what fails the run.")
        if fail_on is not None and fail_on.lower() not in THRESHOLDS:
            raise WafrError(f"--fail-on {fail_on!r}: choose one of {', '.join(THRESHOLDS)}.")
        path = acceptances if acceptances is not None else (DEFAULT_FILE if DEFAULT_FILE.is_file() else None)
        return cls(read_acceptances(path) if path else None, path, fail_on.lower() if fail_on else None, new_only)

    def accept(self, findings: list[Finding]) -> tuple[list[Finding], AcceptedRisks | None]:
        """Findings with accepted risks SUPPRESSED, and the review's accepted-risks section (None without a file)."""
        if self.acceptances is None:
            return findings, None
        from wafr.acceptances import apply_acceptances, section

        findings, outcome = apply_acceptances(findings, self.acceptances, self.acceptances_path or "")
        return findings, section(outcome)

    def failing(self, findings: list[Finding], known_ids: set[str] | None) -> list[Finding]:
        """What fails the run (nothing without --fail-on)."""
        if not self.fail_on:
            return []
        return gate(findings, self.fail_on, known_ids if self.new_only else None)
