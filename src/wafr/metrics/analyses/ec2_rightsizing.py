"""Over-provisioned EC2 capacity: an instance, or an Auto Scaling group's instances, too large for what they use.

Demand is the 99th percentile of hourly CPU maxima (for a group, the busiest instance's hour), memory in use where
the CloudWatch agent publishes it (the highest hourly maximum), and network throughput (the busiest hour's bytes in
and out). A smaller type of the same family is recommended when, scaled to its vCPUs and memory, those peaks still
leave the headroom free. Without memory data only a type with fewer vCPUs is considered, and the evidence says
memory was not measured. An instance in an Auto Scaling group is sized through its group, not on its own.
"""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Estate, Resource
from wafr.metrics import pricing
from wafr.metrics.analyses import idle
from wafr.metrics.analyses.common import Context, need, pct, risk_of_saving, too_little, usd
from wafr.metrics.results import MetricResult, Saving, clean, fired, unknown
from wafr.metrics.series import Series, percentile
from wafr.resource_types import AUTOSCALING_GROUP, EC2_INSTANCE

ANALYSIS = "ec2-over-provisioned"
CPU_MAX, MEMORY_MAX = "CPUUtilization:Maximum", "mem_used_percent:Maximum"
NETWORK_IN, NETWORK_OUT = "NetworkIn:Sum", "NetworkOut:Sum"
CPU_PERCENTILE = 99
# Sustained network a type carries per vCPU, kept low on purpose: the smallest current families' baseline
# bandwidth is about 0.1-0.4 Gbit/s per vCPU (burstable sizes burst above it for minutes only).
NETWORK_GBPS_PER_VCPU = 0.1
GROUP_TAG = "aws:autoscaling:groupName"


def in_group(instance: Resource) -> bool:
    return bool(instance.tags.get(GROUP_TAG))


def instance_type_of(resource: Resource) -> tuple[str | None, int, str]:
    """(instance type, how many instances, why none) of an instance or a group's in-service instances."""
    if resource.type == EC2_INSTANCE:
        return resource.config.get("InstanceType"), 1, ""
    types = {i.get("InstanceType") for i in resource.config.get("Instances") or []}
    if len(types) != 1 or None in types:
        return None, 0, (f"its instances run {len(types)} instance types, so one size cannot be recommended"
                         if types else "no instance type is recorded for its instances")
    return types.pop(), len(resource.config["Instances"]), ""


def network_gbps(series: dict[str, Series]) -> float | None:
    """The busiest hour's average throughput in and out, in Gbit/s (None when neither was read)."""
    totals: dict[int, float] = {}
    for key in (NETWORK_IN, NETWORK_OUT):
        found = series.get(key)
        if not found:
            continue
        for i, value in enumerate(found.values):
            if value is not None:
                totals[i] = totals.get(i, 0.0) + value * 8 / found.period / 1e9
    return max(totals.values()) if totals else None


def analyse(ctx: Context, resource: Resource) -> MetricResult:
    current, count, why = instance_type_of(resource)
    if why:
        return unknown(ANALYSIS, resource, why)
    spec = pricing.ec2_type(current or "")
    if spec is None:
        return unknown(ANALYSIS, resource, f"wafr has no vCPU and memory figures for instance type {current or '?'}")
    series, why = need(ctx, resource, CPU_MAX)
    if why:
        return unknown(ANALYSIS, resource, why)
    if (found := ctx.earlier_result(idle.ANALYSIS, resource)) and found.fired:
        return unknown(ANALYSIS, resource, "it is idle: removing it saves its whole cost (see the idle finding)",
                       numbers={"waits_for": idle.ANALYSIS})
    vcpus, memory_gib = spec
    cpu_peak = percentile(series[CPU_MAX].present, CPU_PERCENTILE)
    memory_read = too_little(MEMORY_MAX, series.get(MEMORY_MAX), ctx.window) is None
    memory_peak = max(series[MEMORY_MAX].present) if memory_read else None
    network = network_gbps(series)
    whose = f"{count} {current} instances" if resource.type == AUTOSCALING_GROUP else current
    usage = f"CPU peaks at {pct(cpu_peak)} (p{CPU_PERCENTILE} of hourly maxima) of {vcpus} vCPUs"
    usage += (f", memory at {pct(memory_peak)} of {memory_gib:.0f} GiB" if memory_peak is not None else
              " (memory was not measured: the CloudWatch agent publishes no mem_used_percent for it)")
    if network is not None:
        usage += f", network at {network:.2f} Gbit/s in its busiest hour"
    numbers = {"instance_type": current, "instances": count, "vcpus": vcpus, "memory_gib": memory_gib,
               "cpu_peak_pct": round(cpu_peak, 2), "headroom": ctx.headroom,
               "memory_peak_pct": None if memory_peak is None else round(memory_peak, 2),
               "network_peak_gbps": None if network is None else round(network, 3)}
    charts = tuple(k for k in (CPU_MAX, MEMORY_MAX, NETWORK_IN, NETWORK_OUT) if k in series)
    fitting = [t for t in pricing.ec2_family(current) if t != current
               and _fits(t, spec, cpu_peak, memory_peak, network, ctx.headroom)]
    if not fitting:
        family = current.split(".", 1)[0]
        if pricing.ec2_family(current)[:1] == [current]:
            return clean(ANALYSIS, resource, f"{whose}: {usage}; {current} is the smallest {family} size recorded",
                         numbers=numbers)
        if memory_peak is None:  # CPU allows no fewer vCPUs; a size with less memory cannot be judged
            return unknown(ANALYSIS, resource, f"{whose}: {usage}; CPU allows no fewer vCPUs, and without memory "
                                               "data a size with less memory cannot be judged", numbers=numbers)
        return clean(ANALYSIS, resource, f"{whose}: {usage}; no smaller {family} size keeps {ctx.headroom:.0%} "
                                         "headroom", numbers=numbers)

    def hourly(instance_type: str) -> float:
        price = pricing.ec2_instance(resource.region, instance_type)
        return price.hourly if price else 0.0

    target = min(fitting, key=lambda t: (hourly(t), pricing.ec2_type(t)))
    target_vcpus, target_memory = pricing.ec2_type(target)
    projected = cpu_peak * vcpus / target_vcpus
    numbers.update(recommended_type=target, projected_cpu_peak_pct=round(projected, 2))
    sizing = (f"{target} ({target_vcpus} vCPUs, {target_memory:.0f} GiB) would peak at {pct(projected)} CPU with "
              f"{ctx.headroom:.0%} headroom kept")
    advice = _advice(resource, target, memory_peak is None)
    now, then = pricing.ec2_instance(resource.region, current), pricing.ec2_instance(resource.region, target)
    if now is None or then is None:
        return fired(ANALYSIS, resource, f"{whose}: {usage}; {sizing} (no EC2 price is recorded for {current} in "
                                         f"{resource.region}, so the saving is not estimated)",
                     numbers=numbers, charts=charts, recommendation=advice)
    saving = Saving((now.monthly - then.monthly) * count, now.monthly * count, then.monthly * count,
                    f"{count} instance(s), {pricing.hours_per_month():.0f} hours a month, {now.basis}", now.basis)
    numbers["monthly_saving_usd"] = round(saving.monthly_usd, 2)
    return fired(ANALYSIS, resource, f"{whose}: {usage}; {sizing} and saves {usd(saving.monthly_usd)} a month "
                                     f"(from {usd(saving.current_monthly_usd)} to "
                                     f"{usd(saving.recommended_monthly_usd)})",
                 numbers=numbers, saving=saving, charts=charts, risk=risk_of_saving(saving), recommendation=advice)


def _fits(candidate: str, current: tuple[int, float], cpu_peak: float, memory_peak: float | None,
          network: float | None, headroom: float) -> bool:
    vcpus, memory_gib = pricing.ec2_type(candidate)
    if vcpus > current[0] or memory_gib > current[1] or (vcpus, memory_gib) == current:
        return False
    if memory_peak is None and vcpus >= current[0]:
        return False  # with memory unmeasured, only CPU can justify a smaller size
    limit = 1 - headroom
    memory_ok = memory_peak is None or memory_peak / 100 * current[1] <= memory_gib * limit
    network_ok = network is None or network <= vcpus * NETWORK_GBPS_PER_VCPU * limit
    return cpu_peak * current[0] / vcpus <= 100 * limit and memory_ok and network_ok


def _advice(resource: Resource, target: str, memory_unmeasured: bool) -> str:
    check_memory = (" Memory was not measured: install the CloudWatch agent (mem_used_percent) or check memory on "
                    "the host before resizing." if memory_unmeasured else "")
    if resource.type == AUTOSCALING_GROUP:
        return (f"Set {target} in the launch template of {resource.label}, roll the group with an instance refresh, "
                f"and watch CPU and latency for a week.{check_memory}")
    return f"Stop {resource.label}, change its type to {target}, start it and watch it for a week.{check_memory}"


def run(ctx: Context, estate: Estate) -> Iterator[MetricResult]:
    for resource in estate.of_type(EC2_INSTANCE, AUTOSCALING_GROUP):
        if resource.type == EC2_INSTANCE and (in_group(resource) or
                                              (resource.config.get("State") or {}).get("Name", "running") != "running"):
            continue
        if resource.type == AUTOSCALING_GROUP and not resource.config.get("Instances"):
            continue
        yield analyse(ctx, resource)
