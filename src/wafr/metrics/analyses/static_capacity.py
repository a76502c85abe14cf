"""Load that varies but capacity that doesn't: large daily swings on a service whose task count never moves."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from wafr.estate import Estate, Resource
from wafr.metrics.analyses.common import Context, need, pct
from wafr.metrics.catalog import cluster_name
from wafr.metrics.results import MetricResult, clean, fired, unknown
from wafr.metrics.series import Series, median, percentile
from wafr.resource_types import APP_AUTOSCALING_SCALABLE_TARGET, ECS_SERVICE

ANALYSIS = "static-capacity"
CPU, TASKS = "CPUUtilization", "RunningTaskCount"
MIN_SWING = 25.0  # percentage points between a day's quiet and busy hours
MIN_RATIO = 2.0  # and the busy hours at least twice the quiet ones
MIN_DAY_SHARE = 0.75  # a day counts when three quarters of its hours have data
MIN_DAYS = 3


def daily_swing(series: Series) -> tuple[float, float, int] | None:
    """(median daily low, median daily high, days judged): the 5th and 95th percentile of each UTC day."""
    days: dict[object, list[float]] = defaultdict(list)
    for i, value in enumerate(series.values):
        if value is not None:
            days[series.time_of(i).date()].append(value)
    per_day = 86400 / series.period
    full = [sorted(values) for values in days.values() if len(values) >= MIN_DAY_SHARE * per_day]
    if len(full) < MIN_DAYS:
        return None
    lows = [percentile(values, 5, is_sorted=True) for values in full]
    highs = [percentile(values, 95, is_sorted=True) for values in full]
    return median(lows), median(highs), len(full)


def analyse(ctx: Context, service: Resource, targets: dict[tuple[str, str, str], Resource]) -> MetricResult:
    series, why = need(ctx, service, CPU)
    if why:
        return unknown(ANALYSIS, service, why)
    swing = daily_swing(series[CPU])
    if swing is None:
        return unknown(ANALYSIS, service,
                       f"fewer than {MIN_DAYS} whole days of CPU data, so daily swings cannot be told")
    low, high, days = swing
    numbers = {"daily_low_pct": round(low, 2), "daily_high_pct": round(high, 2), "days": days}
    shape = f"CPU swings every day from about {pct(low)} to {pct(high)} (median over {days} days)"
    if high - low < MIN_SWING or high < MIN_RATIO * max(low, 1.0):
        return clean(ANALYSIS, service, f"CPU varies little within a day: about {pct(low)} to {pct(high)} "
                                        f"(median over {days} days)", numbers=numbers)
    counts = series.get(TASKS)
    if counts and counts.present and max(counts.present) - min(counts.present) >= 1:
        return clean(ANALYSIS, service, f"{shape}, and the task count follows it ({min(counts.present):.0f} to "
                                        f"{max(counts.present):.0f} running tasks)", numbers=numbers)
    target = targets.get((service.account, service.region, f"service/{cluster_name(service)}/{service.name}"))
    if target is not None and target.config.get("MinCapacity") != target.config.get("MaxCapacity"):
        return clean(ANALYSIS, service, f"{shape}; Application Auto Scaling can move it between "
                                        f"{target.config.get('MinCapacity')} and {target.config.get('MaxCapacity')} "
                                        "tasks", numbers=numbers)
    if target is None and (gap := ctx.estate.gap(service.account, service.region, "application-autoscaling")):
        return unknown(ANALYSIS, service, f"{shape}, but whether it scales is unknown: {gap}", numbers=numbers)
    fixed = service.config.get("desiredCount", "?")
    reason = ("its scalable target has MinCapacity = MaxCapacity" if target is not None
              else "no Application Auto Scaling target scales it")
    numbers["tasks"] = fixed
    tasks = f"{fixed} task" + ("" if fixed == 1 else "s")
    return fired(ANALYSIS, service, f"{shape}, yet it always runs {tasks}: {reason}", numbers=numbers,
                 charts=(CPU,),
                 recommendation=(f"Register {service.label} with Application Auto Scaling and add a target-tracking "
                                 "policy (CPU around 60-70%), with a minimum that keeps it available and a maximum "
                                 "above the busiest hour; it then runs fewer tasks in the quiet hours."))


def run(ctx: Context, estate: Estate) -> Iterator[MetricResult]:
    targets = {(t.account, t.region, t.config.get("ResourceId", "")): t
               for t in estate.of_type(APP_AUTOSCALING_SCALABLE_TARGET) if t.config.get("ServiceNamespace") == "ecs"}
    for service in estate.of_type(ECS_SERVICE):
        if service.config.get("desiredCount", 1) and service.config.get("schedulingStrategy") != "DAEMON":
            yield analyse(ctx, service, targets)
