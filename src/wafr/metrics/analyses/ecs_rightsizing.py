"""Over-provisioned ECS service: the task size against what its tasks use at their peaks.

Demand is the 99th percentile of hourly CPU maxima (a rare spike may be throttled for a moment) and the
highest hourly memory maximum (a task over its memory is killed). The recommendation is the cheapest valid
Fargate size that holds that demand with the headroom kept free.
"""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Estate, Resource
from wafr.metrics import fargate, pricing
from wafr.metrics.analyses import idle, memory_leak
from wafr.metrics.analyses.common import Context, need, pct, risk_of_saving, usd
from wafr.metrics.analyses.ecs_tasks import on_fargate, task_size, tasks_running
from wafr.metrics.results import MetricResult, Saving, clean, fired, unknown
from wafr.metrics.series import percentile
from wafr.resource_types import ECS_SERVICE

ANALYSIS = "ecs-over-provisioned"
CPU_MAX, MEMORY_MAX = "CPUUtilization:Maximum", "MemoryUtilization:Maximum"
CPU_PERCENTILE = 99
MIN_SAVING_SHARE = 0.10  # smaller differences are within what a resize is worth
EC2_SHRINK = 0.5  # on EC2 capacity, with no price to weigh, only a reservation that could halve is reported


def analyse(ctx: Context, service: Resource) -> MetricResult:
    definition, cpu, memory = task_size(ctx.estate, service)
    if definition is None:
        return unknown(ANALYSIS, service, f"task definition {service.config.get('taskDefinition', '?')} is not in the "
                                          "collected estate, so the task size is unknown")
    if not cpu or not memory:
        return unknown(ANALYSIS, service, f"{definition.label} sets no task-level cpu and memory, so utilisation has "
                                          "no size to be measured against")
    series, why = need(ctx, service, CPU_MAX, MEMORY_MAX)
    if why:
        return unknown(ANALYSIS, service, why)
    leak = ctx.earlier_result(memory_leak.ANALYSIS, service)
    if leak and leak.fired:
        return unknown(ANALYSIS, service, "memory leaks in a sawtooth, which skews its memory data: right-size it "
                                          "after the leak is fixed", numbers={"waits_for": memory_leak.ANALYSIS})
    if (found := ctx.earlier_result(idle.ANALYSIS, service)) and found.fired:
        return unknown(ANALYSIS, service, "it is idle: removing it saves its whole cost (see the idle finding)",
                       numbers={"waits_for": idle.ANALYSIS})

    cpu_peak = percentile(series[CPU_MAX].present, CPU_PERCENTILE)
    memory_peak = max(series[MEMORY_MAX].present)
    need_cpu = cpu_peak / 100 * cpu / (1 - ctx.headroom)
    need_memory = memory_peak / 100 * memory / (1 - ctx.headroom)
    usage = (f"CPU peaks at {pct(cpu_peak)} (p{CPU_PERCENTILE} of hourly maxima) of {cpu} CPU units and memory at "
             f"{pct(memory_peak)} of {memory} MiB")
    numbers = {"cpu_units": cpu, "memory_mib": memory, "cpu_peak_pct": round(cpu_peak, 2),
               "cpu_max_pct": round(max(series[CPU_MAX].present), 2),
               "memory_peak_pct": round(memory_peak, 2),
               "memory_p95_pct": round(percentile(series[MEMORY_MAX].present, 95), 2), "needed_cpu_units": round(need_cpu),
               "needed_memory_mib": round(need_memory), "headroom": ctx.headroom}
    charts = (CPU_MAX, MEMORY_MAX)
    if not on_fargate(service, definition):
        return _on_ec2(service, usage, numbers, charts, cpu, memory, need_cpu, need_memory)

    architecture = pricing.fargate_architecture(definition.config)

    def hourly(cpu_units: int, memory_mib: int) -> float:
        found = pricing.fargate_task(service.region, architecture, cpu_units, memory_mib)
        return found.hourly if found else 0.0  # no price: the smallest size wins

    size = fargate.smallest_fit(need_cpu, need_memory, hourly)
    if size is None:
        return clean(ANALYSIS, service, f"{usage}; no Fargate size is smaller than the demand", numbers=numbers)
    numbers.update(recommended_cpu_units=size[0], recommended_memory_mib=size[1])
    current_price = pricing.fargate_task(service.region, architecture, cpu, memory)
    new_price = pricing.fargate_task(service.region, architecture, *size)
    if current_price is None or new_price is None:
        if size[0] < cpu or size[1] < memory:
            return fired(ANALYSIS, service, f"{usage}; {size[0]} CPU / {size[1]} MiB keeps "
                                            f"{ctx.headroom:.0%} headroom (no Fargate price is recorded for "
                                            f"{service.region}, so the saving is not estimated)",
                         numbers=numbers, charts=charts, recommendation=_advice(service, size))
        return clean(ANALYSIS, service, f"{usage}; its size fits the demand", numbers=numbers)
    tasks, tasks_basis = tasks_running(ctx, service)
    current, recommended = current_price.monthly * tasks, new_price.monthly * tasks
    if current <= 0 or (current - recommended) / current < MIN_SAVING_SHARE:
        return clean(ANALYSIS, service, f"{usage}; {cpu} CPU / {memory} MiB is the right Fargate size for that with "
                                        f"{ctx.headroom:.0%} headroom", numbers=numbers)
    saving = Saving(current - recommended, current, recommended,
                    f"{tasks_basis}, {pricing.hours_per_month():.0f} hours a month, {current_price.basis}",
                    current_price.basis)
    numbers["monthly_saving_usd"] = round(saving.monthly_usd, 2)
    return fired(ANALYSIS, service,
                 f"{usage}; {size[0]} CPU / {size[1]} MiB keeps {ctx.headroom:.0%} headroom and saves "
                 f"{usd(saving.monthly_usd)} a month (from {usd(current)} to {usd(recommended)})",
                 numbers=numbers, saving=saving, charts=charts, risk=risk_of_saving(saving),
                 recommendation=_advice(service, size))


def _advice(service: Resource, size: tuple[int, int]) -> str:
    return (f"Register a task definition revision for {service.label} with cpu {size[0]} and memory {size[1]}, "
            "deploy it, and watch CPU and memory for a week before resizing further.")


def _on_ec2(service: Resource, usage: str, numbers: dict, charts: tuple[str, ...], cpu: int, memory: int,
            need_cpu: float, need_memory: float) -> MetricResult:
    """EC2 capacity: the reservation can shrink, but what it saves depends on how the instances are packed."""
    new_cpu = max(128, -(-int(need_cpu) // 128) * 128)
    new_memory = max(128, -(-int(need_memory) // 128) * 128)
    numbers.update(recommended_cpu_units=new_cpu, recommended_memory_mib=new_memory)
    if new_cpu <= cpu * EC2_SHRINK or new_memory <= memory * EC2_SHRINK:
        return fired(ANALYSIS, service, f"{usage}; reserving {new_cpu} CPU / {new_memory} MiB keeps headroom (it runs "
                                        "on EC2 capacity, so the saving depends on how the cluster packs its tasks)",
                     numbers=numbers, charts=charts, recommendation=_advice(service, (new_cpu, new_memory)))
    return clean(ANALYSIS, service, f"{usage}; the reservation fits the demand", numbers=numbers)


def run(ctx: Context, estate: Estate) -> Iterator[MetricResult]:
    for service in estate.of_type(ECS_SERVICE):
        if service.config.get("desiredCount", 1):
            yield analyse(ctx, service)
