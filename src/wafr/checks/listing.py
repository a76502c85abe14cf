"""The check catalog as `wafr checks` prints it: every id whole at any terminal width, and the risk a check can emit."""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Console, RenderableType
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from wafr.checks.registry import Check
from wafr.framework import PILLAR_SLUGS
from wafr.vocabulary import ENVIRONMENTS

SHOWN_ENVIRONMENTS = ENVIRONMENTS[:-1]  # the known ones, without "unknown"
PILLAR_CODES = {slug: code for code, slug in PILLAR_SLUGS.items()}


def risk_text(check: Check) -> str:
    """"HIGH, MEDIUM, LOW" (prod, staging, dev), one word when all agree, and how high the evidence can raise it."""
    risks = [check.risk[e] for e in SHOWN_ENVIRONMENTS]
    text = risks[0] if len(set(risks)) == 1 else ", ".join(risks)
    if check.highest_risk not in risks:
        text += f" up to {check.highest_risk}"
    return text


def as_document(check: Check) -> dict:
    return {"id": check.id, "title": check.title, "pillar": check.pillar, "focus_area": check.focus_area,
            "risk": dict(check.risk), "risk_up_to": check.risk_up_to, "highest_risk": check.highest_risk,
            "best_practices": list(check.best_practices), "resource_types": list(check.resource_types),
            "needs": list(check.needs), "remediation": check.remediation}


def _id_column(table: Table, checks: list[Check]) -> None:
    # An id is what a user copies into an acceptance or a search: never cut, never folded.
    table.add_column("Check", no_wrap=True, min_width=max((len(c.id) for c in checks), default=5))


def _wide(checks: list[Check]) -> Table:
    table = Table(title=f"{len(checks)} checks", title_justify="left")
    _id_column(table, checks)
    for column in ("Pillar", "Focus area", "Risk (prod, staging, dev)", "Best practices"):
        table.add_column(column, overflow="fold")  # wrapped, and at worst folded: nothing is cut off
    for c in checks:
        table.add_row(c.id, PILLAR_CODES.get(c.pillar, c.pillar), c.focus_area, risk_text(c),
                      " ".join(c.best_practices))
    return table


def _narrow(checks: list[Check]) -> Table:
    """Two columns, for a terminal too narrow for five: the id, then everything else wrapped beside it."""
    table = Table(title=f"{len(checks)} checks", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                  show_lines=False)
    _id_column(table, checks)
    table.add_column("Pillar: focus area; risk (prod, staging, dev); best practices", overflow="fold")
    for c in checks:
        table.add_row(c.id, Text(f"{PILLAR_CODES.get(c.pillar, c.pillar)}: {c.focus_area}; {risk_text(c)}; "
                                 f"{', '.join(c.best_practices)}"))
    return table


def catalog_table(console: Console, checks: Iterable[Check]) -> RenderableType:
    """The five-column table where it fits the console whole, else the two-column one."""
    checks = list(checks)
    wide = _wide(checks)
    # Measured without the console's limit, which would clamp the answer to the width it is compared with.
    if Measurement.get(console, console.options.update_width(10_000), wide).minimum <= console.width:
        return wide
    return _narrow(checks)
