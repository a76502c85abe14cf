"""Recording a 100,000-resource review into the history store (SQLite) and diffing two such milestones.

The review is the one benchmarks/evaluate_100k.py builds (the demo estate copied into ~100 accounts and two
regions). The second milestone is the same review with 5% of its failed findings fixed, 2% with a changed risk and
1% of its resources gone, so the diff has real work to do. Record and diff are timed without tracing; their peak
memory is measured in a second pass under tracemalloc (Python allocations of that step alone), beside the whole
process's peak RSS.

Usage: python benchmarks/history_100k.py [--resources 100000] [--snapshot PATH] [--store PATH]
Targets (issue 12): record < 10 s, diff < 5 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import evaluate_100k  # noqa: E402  (the synthetic snapshot generator)

RECORD_TARGET, DIFF_TARGET = 10.0, 5.0


def changed(findings: list, seed: int = 12) -> list:
    """The next week's findings: some fixed, some re-rated, some resources gone."""
    rng = random.Random(seed)
    out = []
    for f in findings:
        roll = rng.random()
        if f.status == "FAIL" and roll < 0.05:
            out.append(dataclasses.replace(f, status="PASS"))
        elif f.status == "FAIL" and roll < 0.07:
            out.append(dataclasses.replace(f, risk="HIGH" if f.risk != "HIGH" else "MEDIUM"))
        elif roll < 0.08:
            continue
        else:
            out.append(f)
    return out


def record_and_diff(store_path: Path, review, findings, later) -> dict[str, float]:
    from wafr.history.diff import diff
    from wafr.history.store import HistoryStore

    store = HistoryStore.open(str(store_path))
    clock = Clock()
    first = store.record(review, findings, "review")
    record = clock.lap()
    second = store.record(review, later, "review", previous=store.view(first))
    record_again = clock.lap()
    result = diff(store.view(first), store.view(second))
    diffed = clock.lap()
    store.close()
    return {"record": record, "record_with_previous": record_again, "diff": diffed,
            "resolved": result.count("resolved"),
            "still_open": result.count("still_open"), "risk_changes": result.count("risk_up") + result.count("risk_down"),
            "no_longer_there": sum(1 for c in result.changes.get("resolved", []) if c.status == "")}


class Clock:
    """Wall time, and this process's CPU time beside it: on a shared machine the two part ways."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        lap = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return lap


def _shown(name: str, lap: tuple[float, float], target: float | None = None) -> str:
    verdict = f"   (target < {target:.0f} s: {'met' if lap[0] < target else 'MISSED'})" if target else ""
    return f"{name:<48} {lap[0]:6.2f} s wall, {lap[1]:6.2f} s CPU{verdict}"


def peak_of(step) -> int:
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--snapshot", type=Path, help="reuse (or keep) the synthetic snapshot here")
    parser.add_argument("--store", type=Path, help="SQLite file to record into (default: a temporary one)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wafr-history-100k-"))
    path = args.snapshot or work / "estate.json.gz"
    if not path.exists():
        started = time.perf_counter()
        count = evaluate_100k.make(args.resources, path)
        print(f"synthetic snapshot: {count} resources ({time.perf_counter() - started:.1f} s to make)")

    from wafr.findings import evaluate
    from wafr.history.diff import diff
    from wafr.history.store import HistoryStore
    from wafr.review import review_of_estate
    from wafr.sources import snapshot

    estate = snapshot.read(path)
    findings = evaluate(estate)
    review = review_of_estate(estate, findings)
    later = changed(findings)
    failed = sum(1 for f in findings if f.status == "FAIL")
    print(f"resources {len(estate)}, accounts {len(estate.accounts)}, findings {len(findings)} ({failed} failed)")

    store_path = args.store or work / "history.sqlite"
    figures = record_and_diff(store_path, review, findings, later)
    size = store_path.stat().st_size
    print(_shown("record", figures["record"], RECORD_TARGET))
    print(_shown("record again (reads the 1st for first-seen)", figures["record_with_previous"]))
    print(_shown("diff (reads both milestones, compares)", figures["diff"], DIFF_TARGET))
    print(f"diff found: {figures['resolved']} resolved ({figures['no_longer_there']} resources gone), "
          f"{figures['still_open']} still open, {figures['risk_changes']} risk changes")
    print(f"store size       {size / 1e6:6.1f} MB for two milestones")

    traced = work / "traced.sqlite"
    store = HistoryStore.open(str(traced))
    record_peak = peak_of(lambda: store.record(review, findings, "review"))
    first = store.milestones()[-1]
    second = store.record(review, later, "review", previous=store.view(first))
    diff_peak = peak_of(lambda: diff(store.view(first), store.view(second)))
    store.close()
    print(f"peak memory      record {record_peak / 1e6:.0f} MB, diff {diff_peak / 1e6:.0f} MB (tracemalloc, "
          f"that step's allocations); whole process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
          " peak RSS (snapshot, evaluation and review included)")


if __name__ == "__main__":
    main()
