"""The per-account summary of a multi-account review: where the risk sits, and which accounts were not fully read."""

from __future__ import annotations

from collections import Counter, defaultdict

from wafr.findings import Finding
from wafr.resource_types import ACCOUNT
from wafr.review.model import RISK_ORDER, AccountSummary, CoverageEntry, PillarReview
from wafr.vocabulary import FAIL, RISKS

WORST_AREAS = 3


def _gaps(entries: list[CoverageEntry]) -> list[str]:
    """Unread services grouped by reason, so an account whose role could not be assumed reads as one line."""
    unread = [e for e in entries if e.status != "assessed"]
    if unread and len(unread) == len(entries) and len({(e.status, e.detail) for e in unread}) == 1:
        detail = f": {unread[0].detail}" if unread[0].detail else ""
        return [f"nothing was read ({unread[0].status}){detail}"]
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for e in unread:
        grouped[(e.status, e.detail)].append(e.service if e.region == "global" else f"{e.service} ({e.region})")
    return [f"{', '.join(sorted(set(where)))} {status}" + (f": {detail}" if detail else "")
            for (status, detail), where in sorted(grouped.items())]


def _worst_areas(failed: list[Finding], titles: dict[str, str]) -> list[str]:
    """Focus areas by their worst failed risk, then by how many findings failed there."""
    worst: dict[str, str] = {}
    for f in failed:
        key = f"{f.pillar}/{f.focus_area}"
        if key not in worst or RISK_ORDER.get(f.risk, 9) < RISK_ORDER.get(worst[key], 9):
            worst[key] = f.risk
    counts = Counter(f"{f.pillar}/{f.focus_area}" for f in failed)
    ranked = sorted(worst, key=lambda k: (RISK_ORDER.get(worst[k], 9), -counts[k], k))
    return [titles.get(k, k.partition("/")[2]) for k in ranked[:WORST_AREAS]]


def build_accounts(accounts: list[str], findings: list[Finding], coverage: list[CoverageEntry],
                   pillars: list[PillarReview]) -> list[AccountSummary]:
    """One row per account; empty for a single-account review, which the rest of the summary already covers."""
    accounts = list(dict.fromkeys([*accounts, *(f.resource["account"] for f in findings),
                                   *(c.account for c in coverage)]))
    if len(accounts) < 2:
        return []
    titles = {fa.key: fa.title for p in pillars for fa in p.focus_areas}
    mine: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        mine[f.resource["account"]].append(f)
    reads: dict[str, list[CoverageEntry]] = defaultdict(list)
    for c in coverage:
        reads[c.account].append(c)
    rows = []
    for account in accounts:
        failed = [f for f in mine[account] if f.status == FAIL]
        by_risk = Counter(f.risk for f in failed)
        high = Counter(f.pillar for f in failed if f.risk == "HIGH")
        # The account itself has no environment; its workloads do.
        environments = sorted({f.environment for f in mine[account] if f.resource.get("type") != ACCOUNT})
        rows.append(AccountSummary(
            account=account, findings={r: by_risk[r] for r in RISKS},
            high_by_pillar={p.pillar: high[p.pillar] for p in pillars},
            worst_focus_areas=_worst_areas(failed, titles), gaps=_gaps(reads[account]),
            environments=environments))
    return rows
