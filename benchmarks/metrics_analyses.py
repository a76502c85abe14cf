"""Time and peak memory of the metric analyses over 2,000 ECS services with 14 days of hourly points.

The estate mixes the shapes the analyses tell apart (leaks, leaks under seasonality, traffic growth, daily
swings, over-provisioned, idle, saturated, steady), three series a service as collection stores them.
Building the estate is not timed; the analyses run on one thread.

Usage: python benchmarks/metrics_analyses.py [--services 2000] [--days 14] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import time
import tracemalloc
from collections import Counter

from wafr.metrics import analyze
from wafr.metrics.synthetic import clamp, daily, ecs_service, estate_with, flat, plus, sawtooth, values

PATTERNS = {  # name: (cpu shape, memory shape, task cpu, task memory)
    "leak": (daily(15, 60, 2), sawtooth(25, 1.2, 92, noise=0.6), 1024, 2048),
    "leak-under-seasonality": (daily(20, 70, 3), plus(sawtooth(30, 0.9, 85, noise=1), daily(-8, 8)), 1024, 2048),
    "traffic-growth": (sawtooth(10, 0.8, 70, noise=0.5), plus(flat(30), sawtooth(6, 0.48, 42)), 1024, 2048),
    "over-provisioned": (daily(2, 7, 0.3), flat(10, 0.4), 4096, 16384),
    "daily-swing": (daily(15, 60, 2), flat(55, 1), 1024, 2048),
    "idle": (flat(0.3, 0.05), flat(8, 0.2), 512, 1024),
    "saturated": (lambda h, r: 96.0 if 9 <= h % 24 < 18 else 60.0, flat(60, 1), 512, 1024),
    "steady": (daily(35, 50, 2), flat(60, 1.5), 512, 1024),
}


def build(services: int, days: int):
    hours = days * 24
    resources, series = [], {}
    names = list(PATTERNS)
    for i in range(services):
        pattern = names[i % len(names)]
        cpu_shape, memory_shape, cpu, memory = PATTERNS[pattern]
        name = f"{pattern}-{i:05d}"
        resources.extend(ecs_service(name, cpu, memory, cluster=f"cluster-{i % 20}"))
        cpu_values = values(clamp(cpu_shape), hours, seed=i)
        series[name] = {"CPUUtilization": cpu_values,
                        "CPUUtilization:Maximum": [min(100.0, v * 1.1) for v in cpu_values],
                        "MemoryUtilization:Maximum": values(clamp(memory_shape), hours, seed=i + 1)}
    return estate_with(resources, series, days=days)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    estate = build(args.services, args.days)
    points = sum(len(s["values"]) for r in estate.metrics["series"].values() for s in r.values())
    print(f"built {args.services} services, {points:,} points in {time.perf_counter() - start:.1f} s (not timed)")

    timings = []
    for _ in range(args.repeat):
        gc.collect()
        start = time.perf_counter()
        results = analyze(estate)
        timings.append(time.perf_counter() - start)
    print(f"analyze: median {statistics.median(timings):.2f} s, best {min(timings):.2f} s over {args.repeat} runs "
          f"({len(results):,} results)")

    gc.collect()
    tracemalloc.start()
    analyze(estate)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"analyze peak allocation (tracemalloc): {peak / 2**20:.1f} MiB; process max RSS: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (estate included)")
    fired = Counter(r.analysis for r in results if r.status == "FAIL")
    print("fired:", ", ".join(f"{name} {count}" for name, count in sorted(fired.items())))


if __name__ == "__main__":
    main()
