"""Non-production compute that never stops: a dev or staging instance (or Auto Scaling group) whose CPU series has
a datapoint in (nearly) every hour of the look-back, nights and weekends included.

EC2 publishes CPUUtilization only while an instance runs, so an hour without a datapoint is an hour it was stopped
(or a group had no instance). Judged from the series' first datapoint, over at least a week, so that every night
and a weekend are in it; the time zone does not matter, since no off-hours gap of any kind is found.
"""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Estate, Resource
from wafr.metrics.analyses.common import Context
from wafr.metrics.results import MetricResult, clean, fired, unknown
from wafr.resource_types import AUTOSCALING_GROUP, EC2_INSTANCE
from wafr.vocabulary import DEV, STAGING

ANALYSIS = "non-production-always-on"
CPU = "CPUUtilization"
HOURS_A_WEEK = 168
MIN_DAYS = 7  # a week holds every night and a weekend
# Running this share of the hours or more (160 of 168 hours a week) leaves no night or weekend off; a few
# missing datapoints are CloudWatch's, not a schedule's.
ALWAYS_ON_SHARE = 0.95


def analyse(ctx: Context, resource: Resource, environment: str) -> MetricResult:
    gap = ctx.gap(resource)
    if gap:
        return unknown(ANALYSIS, resource, gap)
    cpu = ctx.series(resource).get(CPU)  # sparse on purpose where it stops: no minimum share of hours
    if cpu is None or not cpu.present:
        return unknown(ANALYSIS, resource, f"CloudWatch returned no {CPU} datapoints for the "
                                           f"{ctx.window.days:.0f}-day window")
    first = next(i for i, v in enumerate(cpu.values) if v is not None)  # launched, or first read, then
    span_hours = (ctx.window.end - cpu.time_of(first)).total_seconds() / 3600
    if span_hours < MIN_DAYS * 24:
        return unknown(ANALYSIS, resource, f"its CPU series covers {span_hours / 24:.0f} days; a week is needed to "
                                           "see its nights and weekends")
    running_hours = len(cpu.present) * cpu.hours_per_point
    share = min(1.0, running_hours / span_hours)
    weekly = round(share * HOURS_A_WEEK)
    numbers = {"environment": environment, "running_share": round(share, 3), "hours_a_week": weekly,
               "days": round(span_hours / 24, 1)}
    evidence = f"a {environment} {_kind(resource)} running {weekly} of {HOURS_A_WEEK} hours a week over " \
               f"{span_hours / 24:.0f} days"
    if share < ALWAYS_ON_SHARE:
        return clean(ANALYSIS, resource, f"{evidence}: it stops outside working hours", numbers=numbers)
    return fired(ANALYSIS, resource, f"{evidence}, nights and weekends included", numbers=numbers, charts=(CPU,),
                 recommendation=f"Stop {resource.label} outside working hours: an EventBridge Scheduler or Instance "
                                "Scheduler schedule for an instance, scheduled actions to 0 for an Auto Scaling "
                                "group.")


def _kind(resource: Resource) -> str:
    return "Auto Scaling group" if resource.type == AUTOSCALING_GROUP else "instance"


def run(ctx: Context, estate: Estate) -> Iterator[MetricResult]:
    for resource in estate.of_type(EC2_INSTANCE, AUTOSCALING_GROUP):
        environment = estate.environment_of(resource)
        if environment not in (DEV, STAGING):
            continue  # production is expected to run around the clock
        if resource.type == EC2_INSTANCE and (resource.tags.get("aws:autoscaling:groupName") or
                                              (resource.config.get("State") or {}).get("Name", "running") != "running"):
            continue  # a group's instance is judged through its group; a stopped one is not running
        yield analyse(ctx, resource, environment)
