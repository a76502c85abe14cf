"""Checks on metric evidence: each wraps one analysis of wafr.metrics, so its numbers flow into findings.

Where the series are missing or too sparse the result is NOT_ASSESSED with the reason, never a pass or a fail.
"""

from __future__ import annotations

from typing import Iterator

from wafr.checks.registry import FAIL, PASS, Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate
from wafr.metrics.analyses import (
    always_on,
    busy_entry,
    db_rightsizing,
    ec2_rightsizing,
    ecs_rightsizing,
    idle,
    memory_leak,
    read_heavy,
    saturation,
    static_capacity,
    table_class,
)
from wafr.metrics.analyze import results_of
from wafr.metrics.measurements import measurements_of
from wafr.resource_types import (
    APIGW_REST_API,
    APIGWV2_API,
    AUTOSCALING_GROUP,
    DYNAMODB_TABLE,
    EC2_INSTANCE,
    ECS_SERVICE,
    ELASTICACHE_CACHE_CLUSTER,
    ELB_LOAD_BALANCER,
    RDS_DB_INSTANCE,
)

RIGHT_SIZING = "Right-sizing"
# Which analysis each check reports.
ANALYSIS_OF_CHECK = {
    "ecs-service-over-provisioned": ecs_rightsizing.ANALYSIS,
    "ecs-service-memory-leak": memory_leak.ANALYSIS,
    "rds-instance-over-provisioned": db_rightsizing.ANALYSIS,
    "resource-under-provisioned": saturation.ANALYSIS,
    "ecs-service-load-varies-capacity-fixed": static_capacity.ANALYSIS,
    "resource-idle": idle.ANALYSIS,
    "ec2-over-provisioned": ec2_rightsizing.ANALYSIS,
    "non-production-always-on": always_on.ANALYSIS,
    "rds-read-heavy-without-replica": read_heavy.ANALYSIS,
    "alb-busy-without-cdn": busy_entry.ANALYSIS,
    "api-busy-without-cdn-or-cache": busy_entry.ANALYSIS,
    "dynamodb-table-class-mostly-storage": table_class.ANALYSIS,
}


def _results(estate: Estate, analysis: str, *types: str) -> Iterator[Result]:
    """The analysis' results as check results; only those on ``types`` where one analysis serves several checks."""
    for result in results_of(estate, analysis):
        if types and result.resource.type not in types:
            continue
        if result.status == FAIL:
            yield fail(result.resource, result.evidence, risk=result.risk,
                       measurements=measurements_of(estate, result))
        elif result.status == PASS:
            yield passed(result.resource, result.evidence)
        else:  # what it waits for, if anything (right-sizing waits for a leak fix), is measured too
            yield not_assessed(result.resource, result.evidence,
                               measurements=measurements_of(estate, result) if result.numbers else None)


@check(
    "ecs-service-over-provisioned",
    title="ECS service is over-provisioned for the CPU and memory it uses",
    pillar="cost-optimization",
    focus_area=RIGHT_SIZING,
    risk="MEDIUM",
    risk_up_to="HIGH",  # where more than half of what the service costs is unused capacity
    best_practices=["COST06-BP02", "PERF02-BP04"],
    remediation="Register a task definition revision with the recommended cpu and memory (sized for the observed "
                "peak plus 20% headroom), deploy it, and re-check utilisation after a week; review task sizes on "
                "metrics every quarter.",
    resource_types=[ECS_SERVICE],
    needs=("ecs", "cloudwatch-metrics"),
    bullet=("Right-size the over-provisioned ECS service {resources}",
            "Right-size the over-provisioned ECS services {resources}"),
)
def ecs_service_over_provisioned(estate: Estate) -> Iterator[Result]:
    yield from _results(estate, ANALYSIS_OF_CHECK["ecs-service-over-provisioned"])


@check(
    "ecs-service-memory-leak",
    title="ECS service memory climbs steadily and resets (a likely memory leak)",
    pillar="cost-optimization",  # the sample review lists it under right-sizing: it skews the sizing data
    focus_area=RIGHT_SIZING,
    risk=by_environment(prod="HIGH", staging="MEDIUM", dev="LOW"),
    best_practices=["OPS08-BP01", "OPS05-BP07"],
    remediation="Profile the service's memory early in a cycle and near its top to find what accumulates, fix it "
                "in code, alarm on MemoryUtilization well before the task limit, and right-size only once the "
                "sawtooth is gone.",
    resource_types=[ECS_SERVICE],
    needs=("ecs", "cloudwatch-metrics"),
    bullet="Fix the likely memory leak in {resources} (memory climbs steadily, then resets)",
)
def ecs_service_memory_leak(estate: Estate) -> Iterator[Result]:
    yield from _results(estate, ANALYSIS_OF_CHECK["ecs-service-memory-leak"])


@check(
    "rds-instance-over-provisioned",
    title="RDS instance is over-provisioned for its CPU, memory and connections",
    pillar="cost-optimization",
    focus_area=RIGHT_SIZING,
    risk="MEDIUM",
    risk_up_to="HIGH",  # where more than half of what the instance costs is unused capacity
    best_practices=["COST06-BP02"],
    remediation="Move the instance to the recommended smaller class of its family in a maintenance window (a "
                "Multi-AZ instance fails over instead of going down) and watch CPU, FreeableMemory and "
                "connections for a week afterwards.",
    resource_types=[RDS_DB_INSTANCE],
    needs=("rds", "cloudwatch-metrics"),
    bullet=("Move the over-provisioned database {resources} to a smaller instance class",
            "Move the over-provisioned databases {resources} to smaller instance classes"),
)
def rds_instance_over_provisioned(estate: Estate) -> Iterator[Result]:
    yield from _results(estate, ANALYSIS_OF_CHECK["rds-instance-over-provisioned"])


@check(
    "resource-under-provisioned",
    title="CPU or memory is near saturation for hours at a time",
    pillar="performance-efficiency",
    focus_area="Workload scaling",
    risk=by_environment(prod="HIGH", staging="MEDIUM", dev="LOW"),
    best_practices=["PERF02-BP04"],
    remediation="Add capacity where the saturation is: a larger task, instance or node size, or more of them "
                "behind autoscaling; then find what drives the load so the next peak is planned for.",
    resource_types=[ECS_SERVICE, RDS_DB_INSTANCE, EC2_INSTANCE, ELASTICACHE_CACHE_CLUSTER],
    needs=("ecs", "rds", "ec2", "elasticache", "cloudwatch-metrics"),
    bullet="Add capacity to {resources}, near CPU or memory saturation for hours at a time",
)
def resource_under_provisioned(estate: Estate) -> Iterator[Result]:
    yield from _results(estate, ANALYSIS_OF_CHECK["resource-under-provisioned"])


@check(
    "ecs-service-load-varies-capacity-fixed",
    title="ECS service load swings every day but its capacity does not",
    pillar="cost-optimization",  # the sample review lists missing autoscaling under right-sizing
    focus_area=RIGHT_SIZING,
    risk=by_environment(prod="MEDIUM", staging="LOW", dev="LOW"),
    best_practices=["PERF02-BP05", "COST09-BP03"],
    remediation="Register the service with Application Auto Scaling and add a target-tracking policy on CPU (60-70%) "
                "with a minimum that keeps it available and a maximum above the busiest hour, so the quiet hours "
                "run fewer tasks.",
    resource_types=[ECS_SERVICE],
    needs=("ecs", "cloudwatch-metrics"),
    bullet="Autoscale {resources}, whose load swings every day on a fixed task count",
)
def ecs_service_load_varies_capacity_fixed(estate: Estate) -> Iterator[Result]:
    yield from _results(estate, ANALYSIS_OF_CHECK["ecs-service-load-varies-capacity-fixed"])


@check(
    "resource-idle",
    title="Resource was idle for the whole look-back",
    pillar="cost-optimization",
    focus_area=RIGHT_SIZING,
    risk="MEDIUM",
    best_practices=["COST06-BP02", "SUS03-BP02"],
    remediation="Confirm with the owner that nothing uses it, then stop or delete it (after a final snapshot of any "
                "data); if it must exist, scale it to zero outside the hours it is needed.",
    resource_types=[ECS_SERVICE, RDS_DB_INSTANCE, EC2_INSTANCE, ELASTICACHE_CACHE_CLUSTER],
    needs=("ecs", "rds", "ec2", "elasticache", "cloudwatch-metrics"),
    bullet="Stop or remove the idle {resources}",
)
def resource_idle(estate: Estate) -> Iterator[Result]:
    yield from _results(estate, ANALYSIS_OF_CHECK["resource-idle"])


@check(
    "ec2-over-provisioned",
    title="EC2 instance or Auto Scaling group is over-provisioned for the CPU, memory and network it uses",
    pillar="cost-optimization",
    focus_area=RIGHT_SIZING,
    risk="MEDIUM",
    risk_up_to="HIGH",  # where more than half of what the instances cost is unused capacity
    best_practices=["COST06-BP02", "PERF02-BP04", "SUS05-BP01"],
    remediation="Move to the recommended smaller size of the same family (an instance: stop, change type, start; a "
                "group: set it in the launch template and run an instance refresh) and watch CPU, memory and latency "
                "for a week; publish memory with the CloudWatch agent where it is not measured.",
    resource_types=[EC2_INSTANCE, AUTOSCALING_GROUP],
    needs=("ec2", "autoscaling", "cloudwatch-metrics"),
    bullet=("Right-size {resources} to the smaller size its CPU and memory allow",
            "Right-size {resources} to the smaller sizes their CPU and memory allow"),
)
def ec2_over_provisioned(estate: Estate) -> Iterator[Result]:
    yield from _results(estate, ANALYSIS_OF_CHECK["ec2-over-provisioned"])


@check(
    "non-production-always-on",
    title="Non-production compute runs around the clock",
    pillar="cost-optimization",
    focus_area="Resource management",
    risk="MEDIUM",
    best_practices=["COST09-BP03", "SUS02-BP01"],
    remediation="Stop dev and staging instances outside working hours (EventBridge Scheduler or Instance Scheduler "
                "on AWS), and give their Auto Scaling groups scheduled actions that scale to zero at night and at "
                "weekends: about two thirds of the hours of a week are off-hours.",
    resource_types=[EC2_INSTANCE, AUTOSCALING_GROUP],
    needs=("ec2", "autoscaling", "cloudwatch-metrics"),
    bullet=("Stop {resources} at night and at weekends", "Stop {resources} at nights and weekends"),
)
def non_production_always_on(estate: Estate) -> Iterator[Result]:
    yield from _results(estate, ANALYSIS_OF_CHECK["non-production-always-on"])


@check(
    "rds-read-heavy-without-replica",
    title="Read-heavy production database has no read replica",
    pillar="performance-efficiency",
    focus_area="Data store performance",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["PERF03-BP02"],
    remediation="Add a read replica and send read-only queries (reports, searches, listings) to its endpoint, or "
                "cache the hottest reads in front of the database; watch ReadIOPS on the primary fall.",
    resource_types=[RDS_DB_INSTANCE],
    needs=("rds", "cloudwatch-metrics"),
    bullet="Offload the reads of {resources} to a read replica",
)
def rds_read_heavy_without_replica(estate: Estate) -> Iterator[Result]:
    yield from _results(estate, ANALYSIS_OF_CHECK["rds-read-heavy-without-replica"])


@check(
    "alb-busy-without-cdn",
    title="Busy public load balancer is served without CloudFront in front",
    pillar="performance-efficiency",
    focus_area="Content delivery",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["PERF04-BP02", "PERF04-BP06"],
    remediation="Put a CloudFront distribution in front of the load balancer: cache responses that repeat with a TTL "
                "the data tolerates, and let the edge hold connections to the origin for the rest.",
    resource_types=[ELB_LOAD_BALANCER],
    needs=("elbv2", "cloudfront", "cloudwatch-metrics"),
    bullet="Serve {resources} through CloudFront",
)
def alb_busy_without_cdn(estate: Estate) -> Iterator[Result]:
    yield from _results(estate, ANALYSIS_OF_CHECK["alb-busy-without-cdn"], ELB_LOAD_BALANCER)


@check(
    "api-busy-without-cdn-or-cache",
    title="Busy public API is served without CloudFront or a cache in front",
    pillar="performance-efficiency",
    focus_area="Content delivery",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["PERF04-BP02", "PERF04-BP06"],
    remediation="Put a CloudFront distribution in front of the API (or make a REST API edge-optimized), and cache "
                "responses that repeat with a TTL the data tolerates; a REST API's stage cache also serves repeated "
                "reads.",
    resource_types=[APIGW_REST_API, APIGWV2_API],
    needs=("cloudwatch-metrics", "apigateway", "apigatewayv2", "cloudfront"),
    bullet="Serve {resources} through CloudFront or a cache",
)
def api_busy_without_cdn_or_cache(estate: Estate) -> Iterator[Result]:
    yield from _results(estate, ANALYSIS_OF_CHECK["api-busy-without-cdn-or-cache"], APIGW_REST_API, APIGWV2_API)


@check(
    "dynamodb-table-class-mostly-storage",
    title="DynamoDB table pays Standard rates for data it mostly keeps rather than reads or writes",
    pillar="cost-optimization",
    focus_area=RIGHT_SIZING,
    risk="LOW",
    best_practices=["SUS04-BP02", "COST06-BP02"],
    remediation="Change the table class to Standard-Infrequent Access, which stores for about 60% less and charges "
                "about 25% more per read and write, and expire items nobody reads (a TTL attribute).",
    resource_types=[DYNAMODB_TABLE],
    needs=("dynamodb", "cloudwatch-metrics"),
    bullet="Move {resources} to the Standard-Infrequent Access table class",
)
def dynamodb_table_class_mostly_storage(estate: Estate) -> Iterator[Result]:
    yield from _results(estate, ANALYSIS_OF_CHECK["dynamodb-table-class-mostly-storage"])
