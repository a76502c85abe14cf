"""What the scan says about each best practice: a status and one line of evidence per check."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from wafr.findings import Finding
from wafr.phrases import first_few
from wafr.questionnaire.answers import MET, NOT_MET, PARTLY
from wafr.resource_types import ACCOUNT
from wafr.vocabulary import BP_NOT_ASSESSED as NOT_ASSESSED  # a practice no check could judge
from wafr.vocabulary import FAIL, PASS

NAMES_SHOWN = 4
EVIDENCE_CHARS = 160


@dataclass(frozen=True)
class ScanEvidence:
    """The scan's view of one best practice."""

    bp_id: str
    status: str  # met | partly | not-met | not assessed
    lines: tuple[str, ...]
    checks: tuple[str, ...]
    failing: tuple[str, ...]  # names of the resources that fail it
    finding_ids: tuple[str, ...]

    @property
    def judged(self) -> bool:
        return self.status != NOT_ASSESSED


def scan_status(statuses: Iterable[str]) -> str:
    """Met when every judged resource passes, partly when some fail, not-met when all fail."""
    seen = set(statuses)
    if FAIL in seen:
        return PARTLY if PASS in seen else NOT_MET
    return MET if PASS in seen else NOT_ASSESSED


def _plural(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("s", "x")) else "s")


def _kind(types: set[str], count: int) -> str:
    """``AWS::ECS::Service`` -> "ECS service(s)"; mixed types are "resources"."""
    parts = [p for p in next(iter(types)).split("::")[1:] if p] if len(types) == 1 else []
    if not parts:
        return "resource" if count == 1 else "resources"
    noun = parts[-1] if count == 1 else _plural(parts[-1])
    return " ".join(parts[:-1] + [noun])


def _short(text: str, limit: int = EVIDENCE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _names(findings: list[Finding]) -> str:
    names = list(dict.fromkeys(f.resource.get("name") or f.resource["id"] for f in findings))
    return first_few(names, NAMES_SHOWN)


def check_line(findings: list[Finding]) -> str:
    """One check's evidence for a practice, as a person would summarise it."""
    check_id = findings[0].check_id
    failed = [f for f in findings if f.status == FAIL]
    judged = [f for f in findings if f.status in (FAIL, PASS)]
    if not judged:
        return f"{check_id}: not assessed - {_short(findings[0].evidence)}"
    if len(judged) == 1 and judged[0].resource["type"] == ACCOUNT:
        verdict = FAIL if failed else PASS
        return f"{check_id}: {verdict} - {_short(judged[0].evidence)}"
    line = f"{check_id}: {len(failed)} of {len(judged)} {_kind({f.resource['type'] for f in judged}, len(judged))} fail"
    return f"{line} ({_names(failed)})" if failed else line


def scan_evidence(findings: Iterable[Finding]) -> dict[str, ScanEvidence]:
    """Per best practice: the scan's status and evidence lines, from every check that names the practice."""
    by_practice: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        for bp_id in f.best_practices:
            by_practice[bp_id][f.check_id].append(f)
    evidence = {}
    for bp_id, by_check in by_practice.items():
        every = [f for fs in by_check.values() for f in fs]
        failed = [f for f in every if f.status == FAIL]
        evidence[bp_id] = ScanEvidence(
            bp_id=bp_id, status=scan_status(f.status for f in every),
            lines=tuple(check_line(fs) for _, fs in sorted(by_check.items())),
            checks=tuple(sorted(by_check)),
            failing=tuple(dict.fromkeys(f.resource.get("name") or f.resource["id"] for f in failed)),
            finding_ids=tuple(f.id for f in every if f.status != PASS))
    return evidence
