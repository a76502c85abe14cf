"""Every analysis over an estate's series, in the order their dependencies need (leak and idle before sizing).

Pure: the estate in, results out; nothing is read from AWS, so a snapshot gives the same results offline.
"""

from __future__ import annotations

import weakref
from typing import Any, Callable, Iterable

from wafr.estate import Estate
from wafr.metrics.analyses import (
    accelerator_use,
    always_on,
    busy_entry,
    db_rightsizing,
    ec2_rightsizing,
    ecs_rightsizing,
    idle,
    memory_leak,
    read_heavy,
    saturation,
    static_capacity,
    table_class,
)
from wafr.metrics.analyses.common import HEADROOM, Context
from wafr.metrics.results import MetricResult

# (name, run); a later analysis may read an earlier one's results through the context.
ANALYSES: tuple[tuple[str, Callable[[Context, Estate], Iterable[MetricResult]]], ...] = (
    (memory_leak.ANALYSIS, memory_leak.run),
    (idle.ANALYSIS, idle.run),
    (ecs_rightsizing.ANALYSIS, ecs_rightsizing.run),
    (db_rightsizing.ANALYSIS, db_rightsizing.run),
    (ec2_rightsizing.ANALYSIS, ec2_rightsizing.run),
    (saturation.ANALYSIS, saturation.run),
    (static_capacity.ANALYSIS, static_capacity.run),
    (always_on.ANALYSIS, always_on.run),
    (read_heavy.ANALYSIS, read_heavy.run),
    (busy_entry.ANALYSIS, busy_entry.run),
    (table_class.ANALYSIS, table_class.run),
    (accelerator_use.ANALYSIS, accelerator_use.run),
)

# Checks each ask for one analysis; the whole set is computed once per estate and state of its data.
_cache: dict[int, tuple[tuple[int, int, int], list[MetricResult]]] = {}
_latest_grouped: list[Any] = [None, {}]  # [the results list, its results by analysis]


def analyze(estate: Estate, *, headroom: float = HEADROOM) -> list[MetricResult]:
    """Every analysis's result for every resource it judges."""
    ctx = Context(estate, headroom=headroom)
    results: list[MetricResult] = []
    for name, run in ANALYSES:
        found = list(run(ctx, estate))
        ctx.earlier[name] = {r.key: r for r in found}
        results.extend(found)
    return results


def cached(estate: Estate) -> list[MetricResult]:
    """``analyze(estate)``, computed once while neither the resources nor the series change."""
    state = (id(estate.metrics), len(estate.metrics.get("series") or {}), len(estate.resources))
    key = id(estate)
    hit = _cache.get(key)
    if hit and hit[0] == state:
        return hit[1]
    results = analyze(estate)
    if key not in _cache:
        weakref.finalize(estate, _cache.pop, key, None)
    _cache[key] = (state, results)
    return results


def results_of(estate: Estate, analysis: str) -> list[MetricResult]:
    results = cached(estate)
    if _latest_grouped[0] is not results:  # grouped once per analysis run, not per call; only the latest is kept
        grouped: dict[str, list[MetricResult]] = {}
        for result in results:
            grouped.setdefault(result.analysis, []).append(result)
        _latest_grouped[:] = [results, grouped]
    return list(_latest_grouped[1].get(analysis, []))
