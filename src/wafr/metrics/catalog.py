"""Which CloudWatch metrics wafr reads for which resources, and with which dimensions.

Statistics are chosen per analysis: hourly Maximum where a peak decides (sizing, idle), Average where a
sustained level does (saturation, daily swings), Minimum for free memory (the worst hour), Sum for what is
counted (bytes over the network, requests, consumed capacity units).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from wafr.estate import Estate, Resource
from wafr.metrics.accelerators import accelerator_of
from wafr.metrics.series import series_key
from wafr.resource_types import (
    APIGW_REST_API,
    APIGWV2_API,
    AUTOSCALING_GROUP,
    DYNAMODB_TABLE,
    EC2_INSTANCE,
    ECS_CLUSTER,
    ECS_SERVICE,
    ELASTICACHE_CACHE_CLUSTER,
    ELB_LOAD_BALANCER,
    RDS_DB_INSTANCE,
)

METRIC_TYPES = (ECS_SERVICE, RDS_DB_INSTANCE, EC2_INSTANCE, ELASTICACHE_CACHE_CLUSTER, AUTOSCALING_GROUP,
                ELB_LOAD_BALANCER, APIGW_REST_API, APIGWV2_API, DYNAMODB_TABLE)


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
# ReadIOPS and WriteIOPS: reads that reach storage (the buffer cache missed) against writes, for read-heavy databases.
RDS_METRICS = _specs("AWS/RDS", ("CPUUtilization", "Average"), ("CPUUtilization", "Maximum"),
                     ("FreeableMemory", "Minimum"), ("DatabaseConnections", "Maximum"), ("ReadIOPS", "Average"),
                     ("WriteIOPS", "Average"))
# The same queries serve an instance (dimension InstanceId) and an Auto Scaling group (AutoScalingGroupName, which
# EC2 publishes for the group's instances together). NetworkIn/Out as Sum: bytes an hour, for throughput.
EC2_METRICS = _specs("AWS/EC2", ("CPUUtilization", "Average"), ("CPUUtilization", "Maximum"),
                     ("NetworkIn", "Sum"), ("NetworkOut", "Sum"))
# Memory exists only where the CloudWatch agent publishes it under the same single dimension (its default
# append_dimensions add more, so an agent configured that way needs aggregation_dimensions [["InstanceId"]] or
# [["AutoScalingGroupName"]]); where it does not, sizing says memory was not measured.
AGENT_METRICS = _specs("CWAgent", ("mem_used_percent", "Maximum"))
# Only on instances with NVIDIA GPUs: the agent's nvidia_gpu section publishes each GPU's busy share of time under
# index, name and host; read by instance, it needs aggregation_dimensions [["InstanceId"]] as memory does. Maximum is
# the busiest GPU's busiest sample of the hour, Average the level across GPUs and samples.
GPU_METRICS = _specs("CWAgent", ("nvidia_smi_utilization_gpu", "Maximum"), ("nvidia_smi_utilization_gpu", "Average"))
# Requests an hour at a public entry point: the load a cache or CDN in front would take.
ALB_METRICS = _specs("AWS/ApplicationELB", ("RequestCount", "Sum"))
API_METRICS = _specs("AWS/ApiGateway", ("Count", "Sum"))
# Capacity units a table's reads and writes consumed an hour (its indexes' are published apart): what it pays
# for throughput on demand, set against what it pays to store.
DYNAMODB_METRICS = _specs("AWS/DynamoDB", ("ConsumedReadCapacityUnits", "Sum"), ("ConsumedWriteCapacityUnits", "Sum"))
ELASTICACHE_METRICS = _specs("AWS/ElastiCache", ("CPUUtilization", "Maximum"), ("EngineCPUUtilization", "Maximum"),
                             ("DatabaseMemoryUsagePercentage", "Maximum"), ("CurrConnections", "Maximum"))

# A metric's meaning for charts and evidence.
UNITS = {"CPUUtilization": "%", "MemoryUtilization": "%", "EngineCPUUtilization": "%",
         "DatabaseMemoryUsagePercentage": "%", "FreeableMemory": "bytes", "DatabaseConnections": "connections",
         "CurrConnections": "connections", "RunningTaskCount": "tasks", "NetworkIn": "bytes", "NetworkOut": "bytes",
         "mem_used_percent": "%", "ReadIOPS": "IOPS", "WriteIOPS": "IOPS", "RequestCount": "requests",
         "Count": "requests", "ConsumedReadCapacityUnits": "capacity units",
         "ConsumedWriteCapacityUnits": "capacity units", "nvidia_smi_utilization_gpu": "%"}


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


def alb_dimension(balancer: Resource) -> str:
    """CloudWatch's LoadBalancer dimension: the ARN's part after 'loadbalancer/' (app/name/id)."""
    return (balancer.arn or balancer.id).partition(":loadbalancer/")[2]


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
        accelerator = accelerator_of(config.get("InstanceType"))
        gpu = GPU_METRICS if accelerator and accelerator.measurable else ()
        return Target(resource, (("InstanceId", resource.id),), EC2_METRICS + AGENT_METRICS + gpu)
    if resource.type == AUTOSCALING_GROUP:
        if not config.get("Instances"):
            return None  # no instance ran in it when it was read: nothing to size
        return Target(resource, (("AutoScalingGroupName", resource.id),), EC2_METRICS + AGENT_METRICS)
    if resource.type == DYNAMODB_TABLE:
        return Target(resource, (("TableName", resource.id),), DYNAMODB_METRICS)
    if resource.type == ELB_LOAD_BALANCER:
        if config.get("Type") != "application" or config.get("Scheme") != "internet-facing":
            return None
        return Target(resource, (("LoadBalancer", alb_dimension(resource)),), ALB_METRICS)
    if resource.type == APIGW_REST_API:
        if "PRIVATE" in ((config.get("endpointConfiguration") or {}).get("types") or []):
            return None
        return Target(resource, (("ApiName", resource.name or config.get("name", "")),), API_METRICS)
    if resource.type == APIGWV2_API:
        if config.get("ProtocolType", "HTTP") != "HTTP":
            return None  # WebSocket APIs count messages, not requests a cache could serve
        return Target(resource, (("ApiId", resource.id),), API_METRICS)
    if resource.type == ELASTICACHE_CACHE_CLUSTER:
        return Target(resource, (("CacheClusterId", resource.id),), ELASTICACHE_METRICS)
    return None
