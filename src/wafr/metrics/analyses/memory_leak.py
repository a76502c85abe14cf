"""Memory leak: memory that climbs steadily and then drops sharply, again and again (a sawtooth of restarts).

Told apart from the look-alikes: daily seasonality and noise fall gradually or randomly rather than giving
back a whole climb in an hour or two; growth that follows traffic has CPU climbing with it; one drop is a
deployment or a restart, not a pattern.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Iterator

from wafr.estate import Estate, Resource
from wafr.metrics.analyses.common import Context, need, pct
from wafr.metrics.results import MetricResult, clean, fired, unknown
from wafr.metrics.series import Series, correlation, iso, linear_fit, mad_sigma, median
from wafr.resource_types import ECS_SERVICE

ANALYSIS = "memory-leak"
MEMORY, CPU = "MemoryUtilization:Maximum", "CPUUtilization"

MIN_DROP = 10.0  # percentage points: anything smaller is within what a healthy service varies by
DROP_SIGMAS = 5.0  # a reset stands out this far from the service's hour-to-hour variation
MAX_GAP_HOURS = 2.0  # a drop across a longer gap is not known to be sharp
MIN_CYCLE_HOURS = 6.0
MIN_R2 = 0.5  # the climb must be steady: a straight line explains most of it
GIVE_BACK = 0.5  # a reset returns at least half of the climb before it
MIN_CYCLES = 2  # again and again: one drop is a restart
TRAFFIC_R = 0.5  # CPU climbing with memory this closely means load, not a leak


@dataclass(frozen=True)
class Cycle:
    start: int  # index into the memory series where the climb begins
    peak: int  # index of the last point before the drop
    bottom: int  # index where the drop ends
    slope: float  # percentage points per hour
    r2: float
    rise: float
    drop: float


@dataclass(frozen=True)
class Reading:
    cycles: list[Cycle]
    drops: int  # sharp drops, with or without a climb before them
    traffic_r: float | None  # how closely CPU climbs with memory inside the cycles


def read(memory: Series, cpu: Series | None) -> Reading:
    points = [(i, v) for i, v in enumerate(memory.values) if v is not None]
    hours = memory.hours_per_point
    steps = [(a, b) for a, b in pairwise(points) if (b[0] - a[0]) * hours <= MAX_GAP_HOURS]
    sigma = mad_sigma(b[1] - a[1] for a, b in steps)
    threshold = max(MIN_DROP, DROP_SIGMAS * sigma)

    drops: list[tuple[int, int]] = []  # (position of the peak, position of the bottom) in ``points``
    k = 0
    while k < len(points) - 1:
        (i, v), (j, w) = points[k], points[k + 1]
        if (j - i) * hours <= MAX_GAP_HOURS and v - w >= threshold:
            end = k + 1  # a reset may take two or three hours to finish falling
            while (end + 1 < len(points) and (points[end + 1][0] - points[end][0]) * hours <= MAX_GAP_HOURS
                   and points[end][1] - points[end + 1][1] >= threshold / 2):
                end += 1
            drops.append((k, end))
            k = end
        else:
            k += 1

    cycles, previous_end = [], 0
    for peak, bottom in drops:
        climb = points[previous_end:peak + 1]
        previous_end = bottom
        span = (climb[-1][0] - climb[0][0]) * hours if climb else 0
        if span < MIN_CYCLE_HOURS:
            continue
        slope, _, r2 = linear_fit([(i * hours, v) for i, v in climb])
        rise = slope * span
        drop = points[peak][1] - points[bottom][1]
        if slope > 0 and r2 >= MIN_R2 and rise >= MIN_DROP and drop >= GIVE_BACK * rise:
            cycles.append(Cycle(climb[0][0], points[peak][0], points[bottom][0], slope, r2, rise, drop))
    return Reading(cycles, len(drops), _traffic_r(cycles, cpu, memory))


def _traffic_r(cycles: list[Cycle], cpu: Series | None, memory: Series) -> float | None:
    """The mean correlation, inside each climb, between time since the reset and CPU."""
    if cpu is None or not cycles:
        return None
    aligned = cpu.aligned(memory.start, len(memory))
    weighted, total = 0.0, 0
    for cycle in cycles:
        pairs = [(i, aligned[i]) for i in range(cycle.start, cycle.peak + 1) if aligned[i] is not None]
        if len(pairs) >= 3:
            weighted += correlation([i for i, _ in pairs], [c for _, c in pairs]) * len(pairs)
            total += len(pairs)
    return weighted / total if total else None


def analyse(ctx: Context, service: Resource) -> MetricResult:
    series, why = need(ctx, service, MEMORY)
    if why:
        return unknown(ANALYSIS, service, why)
    memory, cpu = series[MEMORY], series.get(CPU)
    reading = read(memory, cpu)
    cycles = reading.cycles
    charts = (MEMORY, CPU) if cpu else (MEMORY,)
    low, high = min(memory.present), max(memory.present)
    if len(cycles) < MIN_CYCLES:
        if len(cycles) == 1:
            evidence = ("memory climbed and dropped sharply once (a restart or deployment), not again and again; "
                        f"it ranged {pct(low)}-{pct(high)}")
        elif reading.drops:
            evidence = (f"memory dropped sharply {reading.drops} time(s) but did not climb steadily before them; "
                        f"it ranged {pct(low)}-{pct(high)}")
        else:
            evidence = f"memory shows no climb-and-reset pattern; it ranged {pct(low)}-{pct(high)}"
        return clean(ANALYSIS, service, evidence, numbers={"cycles": len(cycles), "sharp_drops": reading.drops})
    if reading.traffic_r is not None and reading.traffic_r >= TRAFFIC_R:
        return clean(ANALYSIS, service,
                     f"memory climbed and reset {len(cycles)} times, but CPU climbed with it (r = "
                     f"{reading.traffic_r:.2f}): the growth follows load rather than leaking",
                     numbers={"cycles": len(cycles), "cpu_correlation": round(reading.traffic_r, 2)}, charts=charts)
    return _leak(service, memory, reading, charts)


def _leak(service: Resource, memory: Series, reading: Reading, charts: tuple[str, ...]) -> MetricResult:
    cycles = reading.cycles
    rate = median([c.slope for c in cycles])
    reset_level = median([memory.values[c.bottom] for c in cycles])
    peak_level = median([memory.values[c.peak] for c in cycles])
    to_exhaustion = max(0.0, 100 - reset_level) / rate
    cycle_hours = median([(c.bottom - c.start) * memory.hours_per_point for c in cycles])
    last_reset = memory.time_of(cycles[-1].bottom)
    days = len(memory) * memory.hours_per_point / 24
    reset_hours = {memory.time_of(c.bottom).hour for c in cycles}
    scheduled = len(reset_hours) == 1 and abs(cycle_hours - 24) <= 1
    evidence = (f"memory climbed steadily and dropped sharply {len(cycles)} times in {days:.0f} days: "
                f"+{rate:.2f} points an hour from about {pct(reset_level)} after a reset to {pct(peak_level)} "
                f"before the next, so memory would run out {to_exhaustion:.0f} hours after a reset; "
                f"last reset {last_reset:%Y-%m-%d %H:%M} UTC")
    if scheduled:
        evidence += f" (the resets come daily at {min(reset_hours):02d}:00 UTC, as if a scheduled restart hid it)"
    numbers = {"cycles": len(cycles), "climb_rate_points_per_hour": round(rate, 3),
               "level_after_reset_pct": round(reset_level, 1), "level_before_reset_pct": round(peak_level, 1),
               "hours_from_reset_to_exhaustion": round(to_exhaustion, 1), "median_cycle_hours": round(cycle_hours, 1),
               "last_reset": iso(last_reset), "daily_schedule": scheduled}
    if reading.traffic_r is not None:
        numbers["cpu_correlation"] = round(reading.traffic_r, 2)
    return fired(ANALYSIS, service, evidence, numbers=numbers, charts=charts,
                 recommendation=(f"Find and fix the leak in {service.label}: take heap or memory profiles early in "
                                 "a cycle and near its top and compare them; alarm on MemoryUtilization before it "
                                 "reaches the limit; right-size the task only after the fix, since the sawtooth "
                                 "skews its memory data."))


def run(ctx: Context, estate: Estate) -> Iterator[MetricResult]:
    for service in estate.of_type(ECS_SERVICE):
        if service.config.get("desiredCount", 1):
            yield analyse(ctx, service)
