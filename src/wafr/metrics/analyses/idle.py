"""Idle: a resource that did nothing over the whole look-back; its whole cost is the saving."""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Estate, Resource
from wafr.metrics import pricing
from wafr.metrics.analyses.common import Context, need, pct, usd
from wafr.metrics.analyses.ecs_tasks import monthly_cost
from wafr.metrics.results import MetricResult, Saving, clean, fired, unknown
from wafr.metrics.series import percentile
from wafr.resource_types import EC2_INSTANCE, ECS_SERVICE, ELASTICACHE_CACHE_CLUSTER, RDS_DB_INSTANCE

ANALYSIS = "idle"
CPU_MAX = "CPUUtilization:Maximum"
IDLE_CPU = 2.0  # % at the 99th percentile of hourly maxima: below this nothing is being served
# Agents (Systems Manager, CloudWatch) and the odd health check move a few MiB an hour; a served instance moves more.
IDLE_NETWORK_BYTES = 10 * 2**20
NETWORK = ("NetworkIn:Sum", "NetworkOut:Sum")
CONNECTIONS = {RDS_DB_INSTANCE: "DatabaseConnections:Maximum", ELASTICACHE_CACHE_CLUSTER: "CurrConnections:Maximum"}


def analyse(ctx: Context, resource: Resource) -> MetricResult:
    if resource.type in CONNECTIONS:
        return _by_connections(ctx, resource, CONNECTIONS[resource.type])
    series, why = need(ctx, resource, CPU_MAX)
    if why:
        return unknown(ANALYSIS, resource, why)
    peak = percentile(series[CPU_MAX].present, 99)
    days = len(series[CPU_MAX]) * series[CPU_MAX].hours_per_point / 24
    if peak >= IDLE_CPU:
        return clean(ANALYSIS, resource, f"CPU reaches {pct(peak)} (p99 of hourly maxima): it is in use",
                     numbers={"cpu_peak_pct": round(peak, 2)})
    evidence = f"CPU stayed under {pct(peak)} (p99 of hourly maxima) for {days:.0f} days"
    numbers, charts, saving = {"cpu_peak_pct": round(peak, 2)}, (CPU_MAX,), None
    if resource.type == EC2_INSTANCE:
        traffic = _busiest_hour_bytes(series)
        if traffic is None:
            evidence += " (network traffic was not read, so confirm nothing reaches it before stopping it)"
        elif traffic >= IDLE_NETWORK_BYTES:
            return clean(ANALYSIS, resource, f"CPU stayed under {pct(peak)}, but {traffic / 2**20:,.0f} MiB crossed "
                                             "its network in its busiest hour: something uses it",
                         numbers={**numbers, "network_peak_bytes_per_hour": round(traffic)})
        else:
            evidence += f" and at most {traffic / 2**20:.1f} MiB an hour crossed its network"
            numbers["network_peak_bytes_per_hour"] = round(traffic)
            charts += tuple(k for k in NETWORK if k in series)
        saving = _ec2_saving(resource)
    elif resource.type == ECS_SERVICE:
        saving = monthly_cost(ctx, resource)
    return _idle(resource, evidence, numbers, saving, charts)


def _busiest_hour_bytes(series: dict) -> float | None:
    """Bytes in and out in the busiest hour (None when neither network series was read)."""
    totals: dict[int, float] = {}
    for key in NETWORK:
        found = series.get(key)
        for i, value in enumerate(found.values if found else ()):
            if value is not None:
                totals[i] = totals.get(i, 0.0) + value * 3600 / found.period
    return max(totals.values()) if totals else None


def _ec2_saving(instance: Resource) -> Saving | None:
    price = pricing.ec2_instance(instance.region, instance.config.get("InstanceType", ""))
    if price is None:
        return None
    return Saving(price.monthly, price.monthly, 0.0, f"{pricing.hours_per_month():.0f} hours a month, {price.basis}",
                  price.basis)


def _by_connections(ctx: Context, resource: Resource, metric: str) -> MetricResult:
    series, why = need(ctx, resource, metric)
    if why:
        return unknown(ANALYSIS, resource, why)
    most = max(series[metric].present)
    days = len(series[metric]) * series[metric].hours_per_point / 24
    if most > 0:
        return clean(ANALYSIS, resource, f"up to {most:.0f} connections an hour: it is in use",
                     numbers={"connections_max": most})
    saving = _rds_saving(resource) if resource.type == RDS_DB_INSTANCE else None
    return _idle(resource, f"no client connected in {days:.0f} days (hourly maximum of connections is 0)",
                 {"connections_max": 0}, saving, (metric,))


def _idle(resource: Resource, evidence: str, numbers: dict, saving: Saving | None,
          charts: tuple[str, ...]) -> MetricResult:
    if saving:
        evidence += f"; it costs {usd(saving.monthly_usd)} a month"
        numbers["monthly_saving_usd"] = round(saving.monthly_usd, 2)
    return fired(ANALYSIS, resource, evidence, numbers=numbers, saving=saving, charts=charts,
                 recommendation=f"Confirm with its owner that {resource.label} is unused, then stop or delete it "
                                "(take a final snapshot of data stores first).")


def _rds_saving(db: Resource) -> Saving | None:
    price = pricing.rds_instance(db.region, db.config.get("Engine", ""), db.config.get("DBInstanceClass", ""),
                                 bool(db.config.get("MultiAZ")))
    if price is None:
        return None
    return Saving(price.monthly, price.monthly, 0.0, f"{pricing.hours_per_month():.0f} hours a month, {price.basis}",
                  price.basis)


def run(ctx: Context, estate: Estate) -> Iterator[MetricResult]:
    for resource in estate.of_type(ECS_SERVICE, RDS_DB_INSTANCE, EC2_INSTANCE, ELASTICACHE_CACHE_CLUSTER):
        if resource.type == ECS_SERVICE and not resource.config.get("desiredCount", 1):
            continue
        if resource.type == EC2_INSTANCE and (resource.config.get("State") or {}).get("Name", "running") != "running":
            continue
        yield analyse(ctx, resource)
