"""report.md's accepted-risks section: accepted, expired and stale acceptances, every account string escaped."""

from __future__ import annotations

from wafr.markdown_text import code, risk, table, text
from wafr.review.model import RiskAcceptance, Review

HEADING = "Accepted risks: owners and expiry"  # unique: each pillar has its own "Accepted risks"
FINDINGS_PER_ROW = 8


def _covers(a: RiskAcceptance, code) -> str:
    return " · ".join(f"{key.replace('_', ' ')} {code(value, cell=True)}" for key, value in a.match.items())


def _why(a: RiskAcceptance, text) -> str:
    ticket = a.ticket if a.ticket.startswith(("https://", "http://")) else ""
    # The link target goes in <>, where only < > and spaces would end it; pydantic allowed no space at load.
    link = f" ([ticket](<{ticket.replace('<', '%3C').replace('>', '%3E')}>))" if ticket else ""
    return text(a.reason) + link


def _rows(entries: list[RiskAcceptance], with_findings: bool) -> list[list[str]]:
    rows = []
    for a in entries:
        found = "<br>".join(f"{risk(f.risk)} {text(f.title)}: {code(f.resource, cell=True)}"
                            for f in a.findings[:FINDINGS_PER_ROW])
        if len(a.findings) > FINDINGS_PER_ROW:
            found += f" _and {len(a.findings) - FINDINGS_PER_ROW} more_"
        rows.append([_covers(a, code), *([found or "-"] if with_findings else []), _why(a, text), text(a.owner),
                     text(a.expires)])
    return rows


def section(review: Review) -> list[str]:
    """Nothing when no acceptances file was applied; otherwise the whole section, never silently empty."""
    accepted = review.accepted_risks
    if accepted is None:
        return []
    header = ["Covers", "Findings", "Why", "Owner", "Until"]
    lines = [f"## {HEADING}", "",
             f"From {code(accepted.source)}: failed findings the team accepted, who owns each and until when. "
             "They do not count in a focus area's risk; when an acceptance expires its findings count again.", ""]
    lines += table(header, _rows(accepted.accepted, True)) if accepted.accepted else [
        "No finding is accepted in this review.", ""]
    if accepted.expired:
        lines += ["### Expired acceptances: their findings count again", "",
                  *table(header, _rows(accepted.expired, True))]
    if accepted.stale:
        lines += ["### Stale acceptances: nothing failing matches them", "",
                  "The risk may be fixed, or the selector no longer names a resource; remove or correct these "
                  "entries.", "", *table([h for h in header if h != "Findings"], _rows(accepted.stale, False))]
    return lines
