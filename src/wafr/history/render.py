"""A diff and the milestone list, for the terminal (Rich), as Markdown and as JSON."""

from __future__ import annotations

import json

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from wafr.framework import PILLAR_NAMES
from wafr.history.diff import (
    KIND_LABELS,
    KINDS,
    NEW,
    NO_LONGER_ASSESSED,
    REGRESSED,
    RESOLVED,
    RISK_DOWN,
    RISK_UP,
    STILL_OPEN,
    Diff,
    FindingChange,
)
from wafr.history.views import Milestone
from wafr.terminal import safe
from wafr.vocabulary import REVIEW_PILLARS, RISKS

RISK_STYLE = {"HIGH": "bold red", "MEDIUM": "yellow", "LOW": "cyan"}
LISTED_KINDS = (NEW, REGRESSED, RISK_UP, RESOLVED, NO_LONGER_ASSESSED, RISK_DOWN, STILL_OPEN)
COUNT_COLUMNS = (NEW, REGRESSED, RESOLVED, NO_LONGER_ASSESSED, STILL_OPEN, RISK_UP, RISK_DOWN)


def _titles() -> dict[str, str]:
    from wafr.checks.registry import all_checks

    return {c.id: c.title for c in all_checks().values()}


def _describe(m: Milestone) -> str:
    accounts = ", ".join(m.accounts[:3]) + (f" +{len(m.accounts) - 3}" if len(m.accounts) > 3 else "")
    return f"{m.name} {m.recorded_at} ({m.kind or m.source}; {accounts}; {len(m.regions)} region(s))"


def _where(c: FindingChange) -> str:
    return f"{c.name or c.resource_id} ({c.account}, {c.region})"


def _risk_text(c: FindingChange) -> str:
    if c.kind in (RISK_UP, RISK_DOWN):
        return f"{c.previous_risk} → {c.risk}"
    return c.risk


# -- JSON -------------------------------------------------------------------------------------------------
def to_json(d: Diff) -> str:
    return json.dumps(d.to_dict(), indent=2, ensure_ascii=False) + "\n"


# -- terminal ---------------------------------------------------------------------------------------------
def _counts_table(title: str, rows: dict[str, dict[str, int]], names: dict[str, str]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("")
    for kind in COUNT_COLUMNS:
        table.add_column(KIND_LABELS[kind], justify="right")
    for key, counts in rows.items():
        table.add_row(safe(names.get(key, key)), *(str(counts.get(k, 0)) for k in COUNT_COLUMNS))
    return table


def to_terminal(d: Diff, limit: int = 20) -> RenderableType:
    titles = _titles()
    parts: list[RenderableType] = [safe(f"From {_describe(d.before)}"), safe(f"  to {_describe(d.after)}"),
                                   Text(" · ".join(f"{KIND_LABELS[k]}: {d.count(k)}" for k in KINDS), style="bold")]
    parts.append(_counts_table("Per pillar", d.by_pillar, PILLAR_NAMES))
    if len(d.by_account) > 1:
        parts.append(_counts_table("Per account", d.by_account, {}))
    for kind in LISTED_KINDS:
        changes = d.changes.get(kind, [])
        if not changes:
            continue
        table = Table(title=f"{KIND_LABELS[kind]} ({len(changes)})", title_justify="left")
        for column in ("Risk", "Pillar", "Check", "Resource", "First seen", "Why"):
            table.add_column(column)
        for c in changes[:limit]:
            table.add_row(Text(_risk_text(c), style=RISK_STYLE.get(c.risk, "")), PILLAR_NAMES.get(c.pillar, c.pillar),
                          safe(titles.get(c.check_id, c.check_id)), safe(_where(c)), c.first_seen[:10], safe(c.why))
        if len(changes) > limit:
            table.caption = f"and {len(changes) - limit} more (--limit, or --format json for all)"
        parts.append(table)
    if d.assessments:
        table = Table(title=f"Best-practice assessments that changed ({len(d.assessments)})", title_justify="left")
        for column in ("Best practice", "Before", "After"):
            table.add_column(column)
        for a in d.assessments[:limit]:
            table.add_row(a.best_practice, a.before or "—", a.after or "—")
        parts.append(table)
    if d.coverage:
        table = Table(title=f"Coverage that changed ({len(d.coverage)})", title_justify="left")
        for column in ("Account", "Region", "Service", "Before", "After", "Detail"):
            table.add_column(column)
        for c in d.coverage[:limit]:
            table.add_row(safe(c.account), safe(c.region), safe(c.service), c.before, c.after, safe(c.detail))
        parts.append(table)
    return Group(*parts)


# -- Markdown ---------------------------------------------------------------------------------------------
def to_markdown(d: Diff, limit: int = 50) -> str:
    from wafr.markdown_text import code, table, text

    titles = _titles()
    lines = ["# What changed", "", f"From {text(_describe(d.before))} to {text(_describe(d.after))}.", "",
             " · ".join(f"**{KIND_LABELS[k]}:** {d.count(k)}" for k in KINDS), ""]
    for heading, rows, names in (("Per pillar", d.by_pillar, PILLAR_NAMES), ("Per account", d.by_account, {})):
        if rows and (heading == "Per pillar" or len(rows) > 1):
            lines += [f"## {heading}", "", *table(["", *(KIND_LABELS[k] for k in COUNT_COLUMNS)],
                                                  [[text(names.get(key, key)), *(str(c.get(k, 0)) for k in COUNT_COLUMNS)]
                                                   for key, c in rows.items()])]
    for kind in LISTED_KINDS:
        changes = d.changes.get(kind, [])
        if not changes:
            continue
        lines += [f"## {KIND_LABELS[kind]} ({len(changes)})", ""]
        lines += table(["Risk", "Pillar", "Check", "Resource", "First seen", "Why"],
                       [[text(_risk_text(c)), text(PILLAR_NAMES.get(c.pillar, c.pillar)),
                         text(titles.get(c.check_id, c.check_id)), code(_where(c), cell=True), text(c.first_seen[:10]),
                         text(c.why)] for c in changes[:limit]])
        if len(changes) > limit:
            lines += [f"_and {len(changes) - limit} more (all are in the JSON diff)_", ""]
    if d.assessments:
        lines += ["## Best-practice assessments that changed", "",
                  *table(["Best practice", "Before", "After"],
                         [[text(a.best_practice), text(a.before or "—"), text(a.after or "—")] for a in d.assessments])]
    if d.coverage:
        lines += ["## Coverage that changed", "",
                  *table(["Account", "Region", "Service", "Before", "After", "Detail"],
                         [[code(c.account, True), text(c.region), text(c.service), text(c.before), text(c.after),
                           text(c.detail)] for c in d.coverage])]
    return "\n".join(lines) + "\n"


# -- the milestone list -----------------------------------------------------------------------------------
SHORT = {"security": "SEC", "reliability": "REL", "operational-excellence": "OPS",
         "performance-efficiency": "PERF", "cost-optimization": "COST"}


def _scanned(m: Milestone) -> str:
    accounts = ", ".join(m.accounts) if len(m.accounts) <= 2 else f"{len(m.accounts)} accounts"
    return f"{accounts} · {len(m.regions)} region{'s' if len(m.regions) != 1 else ''}"


def milestones_table(milestones: list[Milestone]) -> Table:
    """When, what was scanned, and failed findings per pillar as high/medium/low."""
    table = Table(title=f"{len(milestones)} milestone(s); failed findings per pillar as high/medium/low",
                  title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("When (UTC)", no_wrap=True)
    table.add_column("Run")
    table.add_column("Scanned")
    for pillar in REVIEW_PILLARS:
        table.add_column(SHORT[pillar], justify="right", no_wrap=True)
    for m in milestones:
        run = m.kind if m.kind == m.source or not m.source else f"{m.kind} ({m.source})"
        per_pillar = ["/".join(str(m.counts.get(p, {}).get(r, 0)) for r in RISKS) for p in REVIEW_PILLARS]
        table.add_row(str(m.id), m.recorded_at[:16].replace("T", " "), safe(run), safe(_scanned(m)), *per_pillar)
    return table


def milestones_json(milestones: list[Milestone]) -> str:
    from dataclasses import asdict

    return json.dumps([asdict(m) for m in milestones], indent=2, ensure_ascii=False) + "\n"
