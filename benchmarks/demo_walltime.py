"""Wall time of the demo: provisioning in moto, collection, and evaluation, as `wafr demo` runs them.

Usage: python benchmarks/demo_walltime.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time


def measure() -> tuple[float, float, int, int]:
    """(seconds for run_demo, seconds for evaluate, resources, findings) of one run."""
    from wafr.demo.run import run_demo
    from wafr.findings import evaluate

    start = time.perf_counter()
    estate = run_demo()
    collected = time.perf_counter()
    findings = evaluate(estate)
    evaluated = time.perf_counter()
    return collected - start, evaluated - collected, len(estate), len(findings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs to time (the first includes imports)")
    args = parser.parse_args()
    start = time.perf_counter()
    import moto  # noqa: F401  (timed apart: importing moto is a fixed cost of every demo)

    import wafr.checks.registry  # noqa: F401
    print(f"imports: {time.perf_counter() - start:.2f} s")
    totals = []
    for run in range(1, args.repeat + 1):
        demo, judge, resources, findings = measure()
        totals.append(demo + judge)
        print(f"run {run}: run_demo {demo:.2f} s, evaluate {judge:.2f} s, total {demo + judge:.2f} s "
              f"({resources} resources, {findings} findings)")
    if len(totals) > 1:
        print(f"median total: {statistics.median(totals):.2f} s")


if __name__ == "__main__":
    main()
