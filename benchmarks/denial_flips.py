"""Checks that flip from FAIL to PASS when one collector's reads are denied (issue 9, item 3; goal 0).

The demo estate is scanned in moto once; then each collector (and metric collection) is read again with every
call answered by AWS's 403 error shape (tests/denial.py), and the findings are compared with the undenied scan's.
"Before" runs the checks with their needs cleared, which is the runner before checks declared what they need.

Usage: python benchmarks/denial_flips.py [--per-operation]   (also deny each operation a collector calls, alone)
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from denial import METRICS, collector_names, flips, scanned_demo, without_needs  # noqa: E402

from wafr.findings import evaluate  # noqa: E402


def main() -> int:
    per_operation = "--per-operation" in sys.argv[1:]
    total_before = total_after = denials = 0
    with scanned_demo() as scan:
        undenied = evaluate(copy.deepcopy(scan.full))
        print(f"{'denied':<50}{'before':>8}{'after':>8}  flipped before")
        for name in [*collector_names(), METRICS]:
            cases = [(name, None)]
            if per_operation and name != METRICS:  # also each operation alone: the rest of the collector still reads
                cases += [(f"{name} {op}", [op]) for op in scan.operations_of(name)]
            for label, operations in cases:
                denied, _ = scan.metrics_denied() if name == METRICS else scan.collector_denied(name, operations)
                before = flips(undenied, evaluate(copy.deepcopy(denied), without_needs()))
                after = flips(undenied, evaluate(denied))
                total_before, total_after, denials = total_before + len(before), total_after + len(after), denials + 1
                print(f"{label:<50}{len(before):>8}{len(after):>8}  {', '.join(before)[:100]}")
    print(f"{f'total ({denials} denials)':<50}{total_before:>8}{total_after:>8}")
    return 1 if total_after else 0


if __name__ == "__main__":
    sys.exit(main())
