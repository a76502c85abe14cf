"""Synthetic workloads for the demo, the tests and the benchmark: load shapes hour by hour, and estates that
hold resources shaped as the collectors build them with series stored as collection stores them."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any, Callable, Iterable

from wafr.estate import Coverage, Estate, Resource
from wafr.metrics.series import Window, compact, iso, metric_key
from wafr.resource_types import (APP_AUTOSCALING_SCALABLE_TARGET, EC2_INSTANCE, ECS_SERVICE, ECS_TASK_DEFINITION,
                                 ELASTICACHE_CACHE_CLUSTER, RDS_DB_INSTANCE)

HOURS_PER_DAY = 24
Shape = Callable[[int, random.Random], float]  # hour index -> value


def daily(low: float, high: float, noise: float = 0.0, peak_hour: int = 15) -> Shape:
    """A day-shaped load: ``low`` at night, ``high`` in the afternoon (UTC), with noise."""
    def shape(hour: int, rng: random.Random) -> float:
        phase = math.cos(2 * math.pi * (hour % HOURS_PER_DAY - peak_hour) / HOURS_PER_DAY)
        return low + (high - low) * (1 + phase) / 2 + (rng.gauss(0, noise) if noise else 0.0)
    return shape


def flat(level: float, noise: float = 0.0) -> Shape:
    return lambda hour, rng: level + (rng.gauss(0, noise) if noise else 0.0)


def sawtooth(low: float, per_hour: float, high: float, offset: float = 0, noise: float = 0.0) -> Shape:
    """Memory that leaks: climbs ``per_hour`` from ``low`` until ``high``, then the task restarts."""
    cycle = (high - low) / per_hour
    return lambda hour, rng: low + ((hour + offset) % cycle) * per_hour + (rng.gauss(0, noise) if noise else 0.0)


def plus(*shapes: Shape) -> Shape:
    """Shapes added together (a leak under a daily rhythm, a trend under noise)."""
    return lambda hour, rng: sum(shape(hour, rng) for shape in shapes)


def clamp(shape: Shape, low: float = 0.0, high: float = 100.0) -> Shape:
    return lambda hour, rng: min(high, max(low, shape(hour, rng)))


def values(shape: Shape, hours: int, seed: int = 1) -> list[float]:
    rng = random.Random(seed)
    return [shape(h, rng) for h in range(hours)]


def with_gaps(points: list[float | None], gaps: Iterable[tuple[int, int]]) -> list[float | None]:
    """The points with [start, end) hour ranges blanked out."""
    out = list(points)
    for start, end in gaps:
        for i in range(start, min(end, len(out))):
            out[i] = None
    return out


def every(points: list[float | None], step: int) -> list[float | None]:
    """Only every ``step``-th point kept: a sparse series."""
    return [v if i % step == 0 else None for i, v in enumerate(points)]


# -- resources as the collectors build them -------------------------------------------------------------------
ACCOUNT, REGION = "123456789012", "us-east-1"


def ecs_service(name: str, cpu: int, memory: int, *, cluster: str = "prod-cluster", desired: int = 2,
                environment: str = "prod", launch_type: str = "FARGATE", account: str = ACCOUNT,
                region: str = REGION) -> tuple[Resource, Resource]:
    """(service, task definition) of a Fargate service, as the ecs collector records them."""
    prefix = f"arn:aws:ecs:{region}:{account}"
    definition_arn = f"{prefix}:task-definition/{name}:1"
    service = Resource(
        type=ECS_SERVICE, id=f"{prefix}:service/{cluster}/{name}", account=account, region=region,
        arn=f"{prefix}:service/{cluster}/{name}", name=name, tags={"Environment": environment},
        config={"serviceName": name, "clusterArn": f"{prefix}:cluster/{cluster}", "desiredCount": desired,
                "launchType": launch_type, "taskDefinition": definition_arn, "schedulingStrategy": "REPLICA"},
        links={"cluster": [f"{prefix}:cluster/{cluster}"]})
    definition = Resource(
        type=ECS_TASK_DEFINITION, id=definition_arn, account=account, region=region, arn=definition_arn,
        name=f"{name}:1", config={"family": name, "revision": 1, "cpu": str(cpu), "memory": str(memory),
                                  "requiresCompatibilities": ["FARGATE"]})
    return service, definition


def rds_instance(identifier: str, instance_class: str, *, engine: str = "postgres", multi_az: bool = False,
                 environment: str = "prod", account: str = ACCOUNT, region: str = REGION) -> Resource:
    return Resource(type=RDS_DB_INSTANCE, id=identifier, account=account, region=region,
                    arn=f"arn:aws:rds:{region}:{account}:db:{identifier}", name=identifier,
                    tags={"Environment": environment},
                    config={"DBInstanceIdentifier": identifier, "DBInstanceClass": instance_class, "Engine": engine,
                            "MultiAZ": multi_az})


def ec2_instance(instance_id: str, *, environment: str = "prod", account: str = ACCOUNT,
                 region: str = REGION) -> Resource:
    return Resource(type=EC2_INSTANCE, id=instance_id, account=account, region=region,
                    tags={"Environment": environment}, config={"InstanceId": instance_id, "State": {"Name": "running"}})


def scalable_target(service: Resource, low: int, high: int) -> Resource:
    cluster = service.config["clusterArn"].rsplit("/", 1)[-1]
    resource_id = f"service/{cluster}/{service.name}"
    return Resource(type=APP_AUTOSCALING_SCALABLE_TARGET, id=resource_id, account=service.account,
                    region=service.region, config={"ServiceNamespace": "ecs", "ResourceId": resource_id,
                                                   "MinCapacity": low, "MaxCapacity": high})


HOLDERS = {ECS_SERVICE: "ecs", ECS_TASK_DEFINITION: "ecs", RDS_DB_INSTANCE: "rds",
           EC2_INSTANCE: "ec2", ELASTICACHE_CACHE_CLUSTER: "elasticache"}


def estate_with(resources: list[Resource], series: dict[str, dict[str, list[float | None]]], *,
                days: float = 14, period: int = 3600, end: dt.datetime | None = None,
                read: Iterable[str] = ("cloudwatch-metrics", "application-autoscaling")) -> Estate:
    """An estate as a scan with metrics leaves it. ``series`` maps a resource's name to its series (by metric
    key), each covering the whole window; ``read`` are the services recorded as assessed."""
    end = end or dt.datetime(2026, 11, 26, tzinfo=dt.timezone.utc)
    window = Window(end - dt.timedelta(days=days), end, period)
    by_name = {r.name or r.id: r for r in resources}
    stored: dict[str, Any] = {}
    for name, metrics in series.items():
        stored[metric_key(by_name[name])] = {
            key: {"start": iso(window.start), "period": period,
                  "values": [None if v is None else compact(v) for v in points]}
            for key, points in metrics.items()}
    regions = sorted({(r.account, r.region) for r in resources})
    # The services that hold such resources were read too, as in a scan: a service not read is a gap (wafr.gaps).
    holders = sorted(set(HOLDERS.values()) - set(read))
    coverage = [Coverage(account, region, service, "assessed") for account, region in regions
                for service in (*read, *holders)]
    return Estate(resources=list(resources), coverage=coverage,
                  metadata={"accounts": sorted({a for a, _ in regions}), "regions": sorted({r for _, r in regions})},
                  metrics={"window": {**window.to_dict(), "lookback_days": days}, "series": stored})
