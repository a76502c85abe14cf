"""Accelerators kept busy: a running instance that pays for GPUs it hardly uses.

Utilisation is the CloudWatch agent's nvidia_smi_utilization_gpu, the share of time a GPU ran a kernel. The verdict
rests on the 95th percentile of its hourly maxima (the busiest GPU's busiest sample of each hour): below
``UNDERUSED_PCT`` the GPUs stay nearly unused in all but one hour in twenty. It is a conservative test: a job that
fills the GPUs for a couple of hours each day passes, though the instance waits the rest of the day. Instances whose
accelerators publish no utilisation under a fixed name (Inferentia, Trainium, FPGAs...) are not assessed, never
passed; so are GPU instances where the agent publishes none.
"""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Estate, Resource
from wafr.metrics import pricing
from wafr.metrics.accelerators import Accelerator, accelerator_of
from wafr.metrics.analyses.common import Context, pct, too_little, usd
from wafr.metrics.results import MetricResult, clean, fired, unknown
from wafr.metrics.series import percentile
from wafr.resource_types import EC2_INSTANCE

ANALYSIS = "accelerator-underused"
GPU_MAX, GPU_AVERAGE = "nvidia_smi_utilization_gpu:Maximum", "nvidia_smi_utilization_gpu"
CPU_MAX = "CPUUtilization:Maximum"
PERCENTILE = 95
# Below a fifth of the time running kernels even in the busy hours, the GPUs are mostly paid-for idle capacity (and
# idle GPUs still draw power): the work fits a smaller accelerated size, a shared or batched GPU, or a CPU instance.
UNDERUSED_PCT = 20.0
AGENT_SETUP = ('configure the agent\'s nvidia_gpu section with utilization_gpu and aggregation_dimensions '
               '[["InstanceId"]]')


def analyse(ctx: Context, instance: Resource, accelerator: Accelerator) -> MetricResult:
    gap = ctx.gap(instance)
    if gap:
        return unknown(ANALYSIS, instance, gap)
    instance_type = instance.config.get("InstanceType", "")
    numbers = {"instance_type": instance_type, "accelerator": accelerator.carries}
    if not accelerator.measurable:
        return unknown(ANALYSIS, instance, f"{instance_type} carries {accelerator.carries}, whose utilisation wafr "
                                           "cannot read: no CloudWatch metric with a fixed namespace and name "
                                           "publishes it (the CloudWatch agent reports NVIDIA GPUs only)",
                       numbers=numbers)
    series = ctx.series(instance)
    if not (series.get(GPU_MAX) and series[GPU_MAX].present):
        return unknown(ANALYSIS, instance, f"the CloudWatch agent publishes no GPU utilisation for it "
                                           f"(nvidia_smi_utilization_gpu by InstanceId); {AGENT_SETUP}",
                       numbers=numbers)
    why = too_little(GPU_MAX, series[GPU_MAX], ctx.window)
    if why:
        return unknown(ANALYSIS, instance, why, numbers=numbers)
    peak = percentile(series[GPU_MAX].present, PERCENTILE)
    numbers["gpu_peak_pct"] = round(peak, 2)
    usage = f"its {accelerator.carries} reach {pct(peak)} utilisation (p{PERCENTILE} of hourly maxima)"
    if series.get(GPU_AVERAGE) and series[GPU_AVERAGE].present:
        mean = sum(series[GPU_AVERAGE].present) / len(series[GPU_AVERAGE].present)
        numbers["gpu_mean_pct"] = round(mean, 2)
        usage += f", {pct(mean)} on average"
    context = ""
    if series.get(CPU_MAX) and series[CPU_MAX].present:
        cpu = percentile(series[CPU_MAX].present, PERCENTILE)
        numbers["cpu_peak_pct"] = round(cpu, 2)
        context = f" (CPU reaches {pct(cpu)})"
    charts = tuple(k for k in (GPU_MAX, GPU_AVERAGE, CPU_MAX) if k in series)
    if peak >= UNDERUSED_PCT:
        return clean(ANALYSIS, instance, f"{instance_type}: {usage}: the accelerators are kept busy{context}",
                     numbers=numbers)
    price = pricing.ec2_instance(instance.region, instance_type)
    cost = (f"; it costs {usd(price.monthly)} a month On-Demand" if price else
            f"; no EC2 price is recorded for {instance_type} in {instance.region}")
    if price:
        numbers.update(monthly_cost_usd=round(price.monthly, 2), price_basis=price.basis)
    return fired(ANALYSIS, instance, f"{instance_type}: {usage}: under the {pct(UNDERUSED_PCT)} below which "
                                     f"the accelerators sit mostly idle{context}{cost}",
                 numbers=numbers, charts=charts,
                 recommendation=f"Find what {instance.label} runs: move it to a smaller accelerated size, batch or "
                                "share more work on its GPUs, run it only while jobs are queued, or move it to a CPU "
                                "instance if the accelerator is not needed.")


def run(ctx: Context, estate: Estate) -> Iterator[MetricResult]:
    for instance in estate.of_type(EC2_INSTANCE):
        if (instance.config.get("State") or {}).get("Name", "running") != "running":
            continue  # a stopped instance pays for no accelerator
        accelerator = accelerator_of(instance.config.get("InstanceType"))
        if accelerator:
            yield analyse(ctx, instance, accelerator)
