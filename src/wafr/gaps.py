"""Coverage gaps as the checks see them: which reads a check needs are missing where, and why.

A gap is never a pass. Where a service a check needs was denied, failed, or not collected at all (a scan with
``--services``, ``--no-metrics``), the runner reports the check NOT_ASSESSED in that account x region and withholds
its passes there. ``skipped`` and ``unsupported`` are no gap: the region is not enabled, or the service or its API is
not offered there, so nothing of that kind exists to judge. An account without any coverage record (an estate built
in code rather than scanned) says nothing about what was read, and is judged as given.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from wafr.estate import GLOBAL, UNREAD_STATUSES, Coverage, Estate
from wafr.phrases import first_few

# The reads that should have happened and did not: the same statuses --strict counts as a partial scan.
_VERBS = {"denied": "was denied", "failed": "failed"}


@dataclass(frozen=True)
class Gap:
    """One missing read: ``region`` is ``global`` when it spans the account (a global service, or a service
    the scan did not collect in the account at all)."""

    account: str
    region: str
    service: str
    reason: str

    def affects(self, account: str, region: str) -> bool:
        """Whether a verdict on a resource in ``account``/``region`` rests on this read. An account-wide
        verdict (region ``global``) rests on every region of its account."""
        return self.account == account and (self.region == region or GLOBAL in (self.region, region))


def _reason(entry: Coverage) -> str:
    where = "account-wide" if entry.region == GLOBAL else f"in {entry.region}"
    detail = f": {entry.detail}" if entry.detail else ""
    return f"{entry.service} {_VERBS.get(entry.status, entry.status)} {where}{detail}"


def reasons(gaps: list[Gap], limit: int = 3) -> str:
    """The gaps' reasons, each once: "ecs was denied in ...; rds was not collected in ... and 2 more"."""
    return first_few(list(dict.fromkeys(g.reason for g in gaps)), limit, sep="; ")


class CoverageGaps:
    """The estate's coverage, indexed once, answering "which of these services are missing where"."""

    def __init__(self, estate: Estate) -> None:
        self.regions = [r for r in estate.regions if r != GLOBAL]
        self.recorded: dict[str, dict[str, list[Coverage]]] = defaultdict(lambda: defaultdict(list))
        for entry in estate.coverage:
            self.recorded[entry.account][entry.service].append(entry)
        # Only accounts the estate says were read, and that carry coverage: the others cannot be told apart.
        self.accounts = [a for a in estate.accounts if a in self.recorded]
        self._cache: dict[str, list[Gap]] = {}

    @classmethod
    def of_estate(cls, estate: Estate) -> "CoverageGaps":
        """The estate's one index: the runner and every check that asks "was this read here?" share it."""
        return estate.derived("coverage-gaps", lambda: cls(estate))

    def why_missing(self, services: Iterable[str], account: str, region: str = GLOBAL) -> str | None:
        """Why an absence here cannot be told from a gap: the reads of ``services`` missing for this account (in this
        Region, or in any Region for an account-wide verdict). None when all were read."""
        missing = [g for g in self.of(services) if g.affects(account, region)]
        return reasons(missing) if missing else None

    def of(self, services: Iterable[str]) -> list[Gap]:
        return [gap for service in services for gap in self._of_service(service)]

    def _of_service(self, service: str) -> list[Gap]:
        if service not in self._cache:
            self._cache[service] = [gap for account in self.accounts for gap in self._in_account(account, service)]
        return self._cache[service]

    def _in_account(self, account: str, service: str) -> list[Gap]:
        entries = self.recorded[account].get(service, [])
        if not entries:
            return [Gap(account, GLOBAL, service, f"{service} was not collected in this account")]
        if any(e.region == GLOBAL for e in entries):  # a global service: its one read covers the account
            return [Gap(account, GLOBAL, service, _reason(e)) for e in entries if e.status in UNREAD_STATUSES]
        by_region = {e.region: e for e in entries}
        gaps = []
        for region in dict.fromkeys([*self.regions, *by_region]):
            entry = by_region.get(region)
            if entry is None:
                gaps.append(Gap(account, region, service, f"{service} was not collected in {region}"))
            elif entry.status in UNREAD_STATUSES:
                gaps.append(Gap(account, region, service, _reason(entry)))
        return gaps


def costs(gaps: Iterable[Gap]) -> dict[tuple[str, str], list[Gap]]:
    """Gaps grouped by the account x region they cost."""
    grouped: dict[tuple[str, str], list[Gap]] = defaultdict(list)
    for gap in gaps:
        grouped[(gap.account, gap.region)].append(gap)
    return dict(grouped)


def unread_where(estate: Estate, services: Iterable[str], account: str, region: str = GLOBAL) -> str | None:
    """Why an absence (no dashboard, no plan) cannot be told from a gap here: the estate's missing reads of
    ``services``, or None when all were read."""
    return CoverageGaps.of_estate(estate).why_missing(services, account, region)
