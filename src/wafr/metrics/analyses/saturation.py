"""Under-provisioned: CPU or memory near saturation for hours at a time, not for a moment."""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Estate, Resource
from wafr.metrics import pricing
from wafr.metrics.analyses import memory_leak
from wafr.metrics.analyses.common import Context, need, too_little
from wafr.metrics.results import MetricResult, clean, fired, unknown
from wafr.metrics.series import Series
from wafr.resource_types import EC2_INSTANCE, ECS_SERVICE, ELASTICACHE_CACHE_CLUSTER, RDS_DB_INSTANCE

ANALYSIS = "under-provisioned"
SATURATED = 90.0  # % of capacity
MIN_SHARE = 0.05  # of the hours with data (about 17 hours in 14 days)
MIN_RUN_HOURS = 3.0  # in a row: a burst of one hour is not a sustained load

# What "used" means per resource type: (series key, words).
MEASURES = {
    ECS_SERVICE: (("CPUUtilization", "CPU"), ("MemoryUtilization:Maximum", "memory")),
    RDS_DB_INSTANCE: (("CPUUtilization", "CPU"), ("FreeableMemory:Minimum", "memory")),
    EC2_INSTANCE: (("CPUUtilization", "CPU"),),
    ELASTICACHE_CACHE_CLUSTER: (("EngineCPUUtilization:Maximum", "engine CPU"),
                    ("DatabaseMemoryUsagePercentage:Maximum", "memory")),
}


def used_percent(resource: Resource, key: str, series: Series) -> list[float | None]:
    """The series as percent of capacity used (free memory becomes memory in use)."""
    if key != "FreeableMemory:Minimum":
        return list(series.values)
    spec = pricing.rds_class(resource.config.get("DBInstanceClass", ""))
    if spec is None:
        return []
    total = spec[1] * 2**30
    return [None if v is None else max(0.0, 100 * (1 - v / total)) for v in series.values]


def saturation(values: list[float | None], hours_per_point: float) -> tuple[int, int, float]:
    """(points at or above saturation, points with data, longest run at saturation in hours)."""
    hot = total = run = longest = 0
    for value in values:
        if value is None:
            run = 0
            continue
        total += 1
        if value >= SATURATED:
            hot += 1
            run += 1
            longest = max(longest, run)
        else:
            run = 0
    return hot, total, longest * hours_per_point


def analyse(ctx: Context, resource: Resource) -> MetricResult:
    _, gap = need(ctx, resource)
    if gap:
        return unknown(ANALYSIS, resource, gap)
    series = ctx.series(resource)
    judged, reasons, hot_parts, cool_parts, numbers, charts = [], [], [], [], {}, []
    leak = ctx.earlier_result(memory_leak.ANALYSIS, resource)
    for key, words in MEASURES[resource.type]:
        if words == "memory" and leak and leak.fired:
            reasons.append("memory is judged by the leak finding")
            continue
        why = too_little(key, series.get(key), ctx.window)
        values = [] if why else used_percent(resource, key, series[key])
        if why or not values:
            reasons.append(why or f"no memory size is recorded for {resource.config.get('DBInstanceClass')}")
            continue
        hot, total, longest = saturation(values, series[key].hours_per_point)
        judged.append(words)
        numbers[f"{words.replace(' ', '_')}_saturated_share"] = round(hot / total, 3)
        if hot / total >= MIN_SHARE and longest >= MIN_RUN_HOURS:
            hot_parts.append(f"{words} was at {SATURATED:.0f}% or more for {hot} of {total} hours ({hot / total:.0%}), "
                             f"up to {longest:.0f} hours in a row")
            charts.append(key)
        else:
            cool_parts.append(f"{words} reached {SATURATED:.0f}% in {hot} of {total} hours")
    if not judged:
        return unknown(ANALYSIS, resource, "; ".join(reasons))
    if hot_parts:
        return fired(ANALYSIS, resource, "; ".join(hot_parts), numbers=numbers, charts=tuple(charts),
                     recommendation=f"Give {resource.label} more capacity (a larger size, or more tasks or "
                                    "instances behind autoscaling) or cut the work it does, before users feel it.")
    return clean(ANALYSIS, resource, "; ".join(cool_parts), numbers=numbers)


def run(ctx: Context, estate: Estate) -> Iterator[MetricResult]:
    for resource in estate.of_type(*MEASURES):
        if resource.type == ECS_SERVICE and not resource.config.get("desiredCount", 1):
            continue
        if resource.type == EC2_INSTANCE and (resource.config.get("State") or {}).get("Name", "running") != "running":
            continue
        yield analyse(ctx, resource)
