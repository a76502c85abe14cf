"""The terminal summary printed at the end of scan, review and demo."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from wafr.control_chars import visible
from wafr.estate import Estate
from wafr.findings import Finding
from wafr.framework import PILLAR_NAMES
from wafr.terminal import safe
from wafr.vocabulary import FAIL, NOT_ASSESSED, PASS, REVIEW_PILLARS, RISK_ORDER, RISKS

RISK_STYLE = {"HIGH": "bold red", "MEDIUM": "yellow", "LOW": "cyan"}


def _pillar_table(findings: list[Finding]) -> Table:
    table = Table(title="Findings per pillar", title_justify="left")
    table.add_column("Pillar")
    for risk in RISKS:
        table.add_column(risk, justify="right", style=RISK_STYLE[risk])
    table.add_column("Passed", justify="right", style="green")
    table.add_column("Not assessed", justify="right", style="dim")
    counts = Counter((f.pillar, f.risk if f.status == FAIL else f.status) for f in findings)
    for pillar in REVIEW_PILLARS:
        table.add_row(PILLAR_NAMES[pillar], *(str(counts[(pillar, key)]) for key in
                                              ("HIGH", "MEDIUM", "LOW", PASS, NOT_ASSESSED)))
    return table


def _top_risks(findings: list[Finding], limit: int = 5) -> Table:
    """The worst check results, one line per check so one noisy check cannot fill the list."""
    table = Table(title=f"Top {limit} risks", title_justify="left", show_lines=False)
    table.add_column("Risk")
    table.add_column("Pillar")
    table.add_column("Finding")
    table.add_column("Resources at that risk", justify="right")
    failed = [f for f in findings if f.status == FAIL]
    by_check: dict[str, list[Finding]] = {}
    for f in failed:
        by_check.setdefault(f.check_id, []).append(f)
    def rank(group: list[Finding]) -> tuple:
        worst = min(RISK_ORDER[f.risk] for f in group)
        return (worst, -sum(1 for f in group if RISK_ORDER[f.risk] == worst), group[0].check_id)

    ranked = sorted(by_check.values(), key=rank)
    for group in ranked[:limit]:
        worst = min(group, key=lambda f: RISK_ORDER[f.risk])
        # Name the resources at the worst risk: a dev service must not headline a HIGH production risk.
        at_worst = sorted({f.resource["name"] for f in group if f.risk == worst.risk})
        names = ", ".join(at_worst[:3]) + (f" (+{len(at_worst) - 3})" if len(at_worst) > 3 else "")
        # Account-supplied names go in as Text, never as markup, with their control characters made visible.
        table.add_row(Text(worst.risk, style=RISK_STYLE[worst.risk]), PILLAR_NAMES[worst.pillar],
                      safe(f"{worst.title}: {names}"), f"{len(at_worst)} of {len(group)}")
    return table


def print_summary(console: Console, estate: Estate, findings: list[Finding], files: list[Path]) -> None:
    console.print()
    console.print(_pillar_table(findings))
    console.print(_top_risks(findings))
    gaps = [c for c in estate.coverage if c.status != "assessed"]
    assessed = len(estate.coverage) - len(gaps)
    line = Text(f"Coverage: {assessed} of {len(estate.coverage)} account x region x service reads assessed")
    if gaps:
        kinds = Counter(c.status for c in gaps)
        line.append(" (" + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + ")", style="yellow")
    console.print(line)
    for gap in gaps[:5]:
        shown = visible(f"  not assessed: {gap.service} in {gap.account}/{gap.region}: {gap.status} {gap.detail}")
        console.print(Text(shown[:160], style="dim"))
    if len(gaps) > 5:
        console.print(Text(f"  … and {len(gaps) - 5} more, listed in findings.json under coverage", style="dim"))
    for note in estate.metadata.get("notes") or []:
        console.print(safe(f"Note: {note}", style="yellow"))
    for path in files:
        console.print(safe(f"Wrote {path}"))
