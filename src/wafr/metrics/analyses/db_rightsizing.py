"""Over-provisioned database: low CPU, plenty of freeable memory and few connections for its instance class.

A smaller class of the same family is recommended when, scaled to its vCPUs and memory, the observed peaks
still leave the headroom free: CPU (p99 of hourly maxima), memory in use (class memory less the lowest
FreeableMemory) and connections against the engine's default max_connections for that memory.
"""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Estate, Resource
from wafr.metrics import pricing
from wafr.metrics.analyses import idle
from wafr.metrics.analyses.common import Context, gib, need, pct, risk_of_saving, usd
from wafr.metrics.results import MetricResult, Saving, clean, fired, unknown
from wafr.metrics.series import percentile
from wafr.resource_types import RDS_DB_INSTANCE

ANALYSIS = "db-over-provisioned"
CPU_MAX, FREE_MIN, CONNECTIONS = "CPUUtilization:Maximum", "FreeableMemory:Minimum", "DatabaseConnections:Maximum"
# Bytes of instance memory per default connection (RDS parameter-group defaults: max_connections formulas).
BYTES_PER_CONNECTION = {"postgres": 9531392, "mysql": 12582880, "mariadb": 12582880}
MAX_DEFAULT_CONNECTIONS = {"postgres": 5000}


def default_max_connections(engine: str, memory_gib: float) -> int | None:
    per = BYTES_PER_CONNECTION.get(engine)
    if not per:
        return None
    found = int(memory_gib * 2**30 // per)
    return min(found, MAX_DEFAULT_CONNECTIONS.get(engine, found))


def analyse(ctx: Context, db: Resource) -> MetricResult:
    current = db.config.get("DBInstanceClass", "")
    spec = pricing.rds_class(current)
    if spec is None:
        return unknown(ANALYSIS, db, f"wafr has no vCPU and memory figures for instance class {current or '?'}")
    series, why = need(ctx, db, CPU_MAX, FREE_MIN, CONNECTIONS)
    if why:
        return unknown(ANALYSIS, db, why)
    if (found := ctx.earlier_result(idle.ANALYSIS, db)) and found.fired:
        return unknown(ANALYSIS, db, "it is idle: removing it saves its whole cost (see the idle finding)",
                       numbers={"waits_for": idle.ANALYSIS})
    vcpus, memory_gib = spec
    engine = db.config.get("Engine", "")
    cpu_peak = percentile(series[CPU_MAX].present, 99)
    in_use = max(0.0, memory_gib * 2**30 - min(series[FREE_MIN].present))
    connections = max(series[CONNECTIONS].present)
    usage = (f"CPU peaks at {pct(cpu_peak)} (p99 of hourly maxima) of {vcpus} vCPUs, at most {gib(in_use)} of "
             f"{memory_gib:.0f} GiB memory is in use and at most {connections:.0f} clients connect")
    numbers = {"instance_class": current, "vcpus": vcpus, "memory_gib": memory_gib, "cpu_peak_pct": round(cpu_peak, 2),
               "memory_in_use_gib": round(in_use / 2**30, 2), "connections_max": connections,
               "headroom": ctx.headroom}
    multi_az = bool(db.config.get("MultiAZ"))
    fitting = [c for c in pricing.rds_family(current) if c != current
               and _fits(c, spec, engine, cpu_peak, in_use, connections, ctx.headroom)]
    if not fitting:
        smallest = pricing.rds_family(current)[:1] == [current]
        why_not = (f"{current} is the smallest {current.rsplit('.', 1)[0]} size" if smallest else
                   f"no smaller {current.rsplit('.', 1)[0]} size keeps {ctx.headroom:.0%} headroom")
        return clean(ANALYSIS, db, f"{usage}; {why_not}", numbers=numbers)

    def hourly(instance_class: str) -> float:
        found = pricing.rds_instance(db.region, engine, instance_class, multi_az)
        return found.hourly if found else 0.0

    target = min(fitting, key=lambda c: (hourly(c), pricing.rds_class(c)))
    target_vcpus, target_memory = pricing.rds_class(target)
    projected = cpu_peak * vcpus / target_vcpus
    numbers.update(recommended_class=target, projected_cpu_peak_pct=round(projected, 2))
    sizing = (f"{target} ({target_vcpus} vCPUs, {target_memory:.0f} GiB) would peak at {pct(projected)} CPU with "
              f"{ctx.headroom:.0%} headroom kept")
    advice = (f"Move {db.label} to {target} in a maintenance window (Multi-AZ makes it a failover, not an outage) "
              "and watch CPU, FreeableMemory and connections for a week.")
    now, then = (pricing.rds_instance(db.region, engine, c, multi_az) for c in (current, target))
    if now is None or then is None:
        return fired(ANALYSIS, db, f"{usage}; {sizing} (no {engine} price is recorded for {current} in {db.region}, "
                                   "so the saving is not estimated)",
                     numbers=numbers, charts=(CPU_MAX, FREE_MIN), recommendation=advice)
    saving = Saving(now.monthly - then.monthly, now.monthly, then.monthly,
                    f"{pricing.hours_per_month():.0f} hours a month, {now.basis}", now.basis)
    numbers["monthly_saving_usd"] = round(saving.monthly_usd, 2)
    return fired(ANALYSIS, db, f"{usage}; {sizing} and saves {usd(saving.monthly_usd)} a month "
                               f"(from {usd(now.monthly)} to {usd(then.monthly)})",
                 numbers=numbers, saving=saving, charts=(CPU_MAX, FREE_MIN), risk=risk_of_saving(saving),
                 recommendation=advice)


def _fits(candidate: str, current: tuple[int, float], engine: str, cpu_peak: float, in_use: float,
          connections: float, headroom: float) -> bool:
    vcpus, memory_gib = pricing.rds_class(candidate)
    if vcpus > current[0] or memory_gib > current[1] or (vcpus, memory_gib) == current:
        return False
    limit = 1 - headroom
    connection_cap = default_max_connections(engine, memory_gib)
    return (cpu_peak * current[0] / vcpus <= 100 * limit and in_use <= memory_gib * 2**30 * limit
            and (connection_cap is None or connections <= connection_cap * limit))


def run(ctx: Context, estate: Estate) -> Iterator[MetricResult]:
    for db in estate.of_type(RDS_DB_INSTANCE):
        yield analyse(ctx, db)
