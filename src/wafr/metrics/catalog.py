"""Which CloudWatch metrics wafr reads for which resources, and with which dimensions.

Statistics are chosen per analysis: hourly Maximum where a peak decides (sizing, idle), Average where a
sustained level does (saturation, daily swings), Minimum for free memory (the worst hour).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from wafr.estate import Estate, Resource
from wafr.metrics.series import series_key
from wafr.resource_types import EC2_INSTANCE, ECS_CLUSTER, ECS_SERVICE, ELASTICACHE_CACHE_CLUSTER, RDS_DB_INSTANCE

METRIC_TYPES = (ECS_SERVICE, RDS_DB_INSTANCE, EC2_INSTANCE, ELASTICACHE_CACHE_CLUSTER)


@dataclass(frozen=True)
class MetricSpec:
    namespace: str
    name: str
    stat: str

    @property
    def key(self) -> str:
        return series_key(self.name, self.stat)


def _specs(namespace: str, *pairs: tuple[str, str]) -> tuple[MetricSpec, ...]:
    return tuple(MetricSpec(namespace, name, stat) for name, stat in pairs)


ECS_METRICS = _specs("AWS/ECS", ("CPUUtilization", "Average"), ("CPUUtilization", "Maximum"),
                     ("MemoryUtilization", "Maximum"))
# Only where the cluster has Container Insights: how many tasks actually ran, hour by hour.
CONTAINER_INSIGHTS_METRICS = _specs("ECS/ContainerInsights", ("RunningTaskCount", "Average"))
RDS_METRICS = _specs("AWS/RDS", ("CPUUtilization", "Average"), ("CPUUtilization", "Maximum"),
                     ("FreeableMemory", "Minimum"), ("DatabaseConnections", "Maximum"))
EC2_METRICS = _specs("AWS/EC2", ("CPUUtilization", "Average"), ("CPUUtilization", "Maximum"))
ELASTICACHE_METRICS = _specs("AWS/ElastiCache", ("CPUUtilization", "Maximum"), ("EngineCPUUtilization", "Maximum"),
                             ("DatabaseMemoryUsagePercentage", "Maximum"), ("CurrConnections", "Maximum"))

# A metric's meaning for charts and evidence.
UNITS = {"CPUUtilization": "%", "MemoryUtilization": "%", "EngineCPUUtilization": "%",
         "DatabaseMemoryUsagePercentage": "%", "FreeableMemory": "bytes", "DatabaseConnections": "connections",
         "CurrConnections": "connections", "RunningTaskCount": "tasks"}


@dataclass(frozen=True)
class Target:
    """One resource and the queries that read its series."""

    resource: Resource
    dimensions: tuple[tuple[str, str], ...]  # in the order AWS publishes them
    metrics: tuple[MetricSpec, ...]


def cluster_name(service: Resource) -> str:
    return service.config.get("clusterArn", "").rsplit("/", 1)[-1]


def container_insights_on(cluster: Resource | None) -> bool:
    settings = (cluster.config.get("settings") if cluster else None) or []
    return any(s.get("name") == "containerInsights" and s.get("value") in ("enabled", "enhanced") for s in settings)


def targets(estate: Estate, account: str, region: str) -> Iterator[Target]:
    """What to read in one account and region."""
    for resource in estate.of_type(*METRIC_TYPES):
        if resource.account != account or resource.region != region:
            continue
        target = target_for(estate, resource)
        if target:
            yield target


def target_for(estate: Estate, resource: Resource) -> Target | None:
    config = resource.config
    if resource.type == ECS_SERVICE:
        cluster = estate.get(config.get("clusterArn", ""), type=ECS_CLUSTER)
        metrics = ECS_METRICS + (CONTAINER_INSIGHTS_METRICS if container_insights_on(cluster) else ())
        service_name = resource.name or config.get("serviceName", "")
        dims = (("ClusterName", cluster_name(resource)), ("ServiceName", service_name))
        return Target(resource, dims, metrics)
    if resource.type == RDS_DB_INSTANCE:
        return Target(resource, (("DBInstanceIdentifier", resource.id),), RDS_METRICS)
    if resource.type == EC2_INSTANCE:
        if (config.get("State") or {}).get("Name", "running") != "running":
            return None  # a stopped instance has no CPU to measure and costs no compute
        return Target(resource, (("InstanceId", resource.id),), EC2_METRICS)
    if resource.type == ELASTICACHE_CACHE_CLUSTER:
        return Target(resource, (("CacheClusterId", resource.id),), ELASTICACHE_METRICS)
    return None
