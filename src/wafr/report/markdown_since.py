"""report.md's "Since the last review": what changed since the previous milestone, the trend as a table."""

from __future__ import annotations

from wafr.framework import PILLAR_NAMES
from wafr.markdown_text import code, risk, table, text
from wafr.review.model import Review
from wafr.review.since_last import ChangedFinding, SinceLast
from wafr.vocabulary import RISKS

HEADING = "Since the last review"


def _rows(changed: list[ChangedFinding], previous: bool) -> list[list[str]]:
    rows = []
    for c in changed:
        shown_risk = f"{risk(c.previous_risk)} → {risk(c.risk)}" if previous and c.previous_risk != c.risk else risk(c.risk)
        rows.append([shown_risk, text(PILLAR_NAMES.get(c.pillar, c.pillar)), text(c.title),
                     code(c.resource or c.id, cell=True), text(c.account), text(c.first_seen[:10]), text(c.why)])
    return rows


def _list(title: str, changed: list[ChangedFinding], total: int, previous: bool = False) -> list[str]:
    if not total:
        return []
    lines = [f"### {title} ({total})", ""]
    lines += table(["Risk", "Pillar", "Check", "Resource", "Account", "First seen", "Why"], _rows(changed, previous))
    if total > len(changed):
        lines += [f"_and {total - len(changed)} more: `wafr diff` lists them all._", ""]
    return lines


def _trend(since: SinceLast) -> list[str]:
    pillars = list(dict.fromkeys(p for point in since.trend for p in point.failed))
    rows = [[text(f"{point.milestone} ({point.at[:10]})"),
             *("/".join(str(point.failed.get(p, {}).get(r, 0)) for r in RISKS) for p in pillars)]
            for point in since.trend]
    return ["### Trend: failed findings per pillar (high/medium/low)", "",
            *table(["Milestone", *(text(PILLAR_NAMES.get(p, p)) for p in pillars)], rows)]


def section(review: Review) -> list[str]:
    since = review.since_last
    if since is None:
        return []
    c = since.counts
    lines = [f"## {HEADING}", "",
             f"Compared with milestone {text(since.previous_milestone)} ({text(since.previous_at)}, wafr "
             f"{text(since.previous_version)}): **{c.get('resolved', 0)} resolved**, **{c.get('new', 0)} new**, "
             f"**{c.get('regressed', 0) + c.get('risk_up', 0)} regressed**, {c.get('no_longer_assessed', 0)} no "
             f"longer assessed (not counted as resolved), {c.get('still_open', 0)} still open.", ""]
    lines += _list("Resolved", since.resolved, c.get("resolved", 0))
    lines += _list("New", since.new, c.get("new", 0))
    lines += _list("Regressed", since.regressed, c.get("regressed", 0) + c.get("risk_up", 0), previous=True)
    lines += _list("No longer assessed", since.no_longer_assessed, c.get("no_longer_assessed", 0))
    if since.projects:
        lines += ["### The previous review's projects", "",
                  *table(["", "Project", "Findings", "Resolved", "Still open", "No longer assessed"],
                         [[text(p.letter), text(p.title), str(p.findings), str(p.resolved), str(p.still_open),
                           str(p.no_longer_assessed)] for p in since.projects if p.findings])]
    return lines + _trend(since)
