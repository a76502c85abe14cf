"""Synthetic CloudWatch series for the demo estate: 14 days, hourly, seeded into moto with put_metric_data.

They tell the sample review's metric story: backend-service leaks memory in a sawtooth and its load swings
every day on a fixed two tasks; paymaster-service and the dev services use a sliver of their task size;
prod-postgres is far bigger than its load; ledger-service, staging, dev-postgres and analytics-db are sized
right and must stay clean. Each hour is one StatisticValues datum (average, minimum, maximum together), which
keeps moto's GetMetricData, whose cost grows with every stored datapoint, fast enough for the demo.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

import boto3

from wafr.metrics.synthetic import HOURS_PER_DAY, Shape, daily, flat, sawtooth

GIB = 2**30


@dataclass(frozen=True)
class Metric:
    namespace: str
    name: str
    shape: Shape
    spread: float  # how far the hour's maximum sits above its average (a share of it), minimum below
    unit: str
    floor: float = 0.0
    ceiling: float | None = 100.0


def ecs(cpu: Shape, memory: Shape, cpu_spread: float = 0.15) -> tuple[Metric, ...]:
    return (Metric("AWS/ECS", "CPUUtilization", cpu, cpu_spread, "Percent"),
            Metric("AWS/ECS", "MemoryUtilization", memory, 0.01, "Percent"))


def rds(cpu: Shape, free_gib: Shape, connections: Shape) -> tuple[Metric, ...]:
    return (Metric("AWS/RDS", "CPUUtilization", cpu, 0.3, "Percent"),
            Metric("AWS/RDS", "FreeableMemory", lambda h, r: free_gib(h, r) * GIB, 0.02, "Bytes", ceiling=None),
            Metric("AWS/RDS", "DatabaseConnections", connections, 0.2, "Count", ceiling=None))


# Per resource name: what it does all fortnight.
ECS_PROFILES = {
    "backend-service": ecs(daily(15, 60, 2), sawtooth(25, 1.2, 92, offset=20, noise=0.6)),
    "paymaster-service": ecs(daily(2.5, 7, 0.4), flat(10, 0.4), cpu_spread=0.2),
    "ledger-service": ecs(daily(32, 52, 2), flat(60, 1.5), cpu_spread=0.1),
    "staging-backend-service": ecs(daily(36, 48, 1.5), flat(60, 1.2), cpu_spread=0.1),
    "dev-backend-service": ecs(daily(1.5, 5, 0.3), flat(12, 0.6), cpu_spread=0.2),
    "dev-paymaster-service": ecs(daily(1, 3.5, 0.2), flat(9.5, 0.5), cpu_spread=0.2),
}
RDS_PROFILES = {
    "prod-postgres": rds(daily(5, 12, 0.8), flat(24, 0.2), daily(20, 45, 2)),
    "dev-postgres": rds(daily(2, 6, 0.4), flat(1.95, 0.05), daily(1, 6, 0.5)),
    "analytics-db": rds(daily(25, 50, 2), flat(6, 0.2), daily(30, 80, 3)),
}
EC2_PROFILES = {
    "dev-migration-runner": (Metric("AWS/EC2", "CPUUtilization", daily(5, 20, 1.5), 0.3, "Percent"),),
    # The CloudWatch agent's GPU metric (aggregated by InstanceId): the GPU is busy a few percent of the time.
    "fraud-scoring-gpu": (Metric("AWS/EC2", "CPUUtilization", daily(6, 14, 1), 0.3, "Percent"),
                          Metric("CWAgent", "nvidia_smi_utilization_gpu", daily(2, 7, 0.5), 0.8, "Percent")),
}


def _datum(metric: Metric, dimensions: list[dict[str, str]], when: dt.datetime, average: float) -> dict[str, Any]:
    average = max(metric.floor, average if metric.ceiling is None else min(metric.ceiling, average))
    top = average * (1 + metric.spread)
    top = top if metric.ceiling is None else min(metric.ceiling, top)
    bottom = max(metric.floor, average * (1 - metric.spread))
    return {"MetricName": metric.name, "Dimensions": dimensions, "Timestamp": when, "Unit": metric.unit,
            "StatisticValues": {"SampleCount": 60, "Sum": average * 60, "Minimum": bottom, "Maximum": top}}


def seed_metrics(session: boto3.Session, region: str, provisioned: dict[str, Any], *, days: int = 14,
                 now: dt.datetime | None = None, seed: int = 4) -> dict[str, int]:
    """Put the demo's series into (mocked) CloudWatch; returns how many series and datapoints it wrote."""
    from wafr.demo.estate import load_spec

    rng = random.Random(seed)
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    start = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=days)
    hours = days * HOURS_PER_DAY
    cloudwatch = session.client("cloudwatch", region_name=region)
    written = {"series": 0, "datapoints": 0}

    def put(metrics: tuple[Metric, ...], dimensions: list[dict[str, str]]) -> None:
        for metric in metrics:
            data = [_datum(metric, dimensions, start + dt.timedelta(hours=h), metric.shape(h, rng))
                    for h in range(hours)]
            for first in range(0, len(data), 1000):  # PutMetricData takes up to 1,000 datums a call
                cloudwatch.put_metric_data(Namespace=metric.namespace, MetricData=data[first:first + 1000])
            written["series"] += 1
            written["datapoints"] += len(data)

    spec = load_spec()
    # Dimensions in the order AWS publishes them and wafr queries them (moto matches them in order).
    for cluster in spec.get("clusters", []):
        for service in cluster["services"]:
            if service["name"] in ECS_PROFILES:
                put(ECS_PROFILES[service["name"]], [{"Name": "ClusterName", "Value": cluster["name"]},
                                                    {"Name": "ServiceName", "Value": service["name"]}])
    for db in spec.get("databases", []):
        if db["id"] in RDS_PROFILES:
            put(RDS_PROFILES[db["id"]], [{"Name": "DBInstanceIdentifier", "Value": db["id"]}])
    instances = provisioned.get("ids", {}).get("instances", {})
    for name, metrics in EC2_PROFILES.items():
        if name in instances:
            put(metrics, [{"Name": "InstanceId", "Value": instances[name]}])
    return written
