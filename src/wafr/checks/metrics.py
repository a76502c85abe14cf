"""Checks on metric evidence: each wraps one analysis of wafr.metrics, so its numbers flow into findings.

Where the series are missing or too sparse the result is NOT_ASSESSED with the reason, never a pass or a fail.
"""

from __future__ import annotations

from typing import Iterator

from wafr.checks.registry import FAIL, PASS, Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate
from wafr.metrics.analyses import (
    db_rightsizing,
    ecs_rightsizing,
    idle,
    memory_leak,
    saturation,
    static_capacity,
)
from wafr.metrics.analyze import results_of
from wafr.metrics.measurements import measurements_of
from wafr.resource_types import EC2_INSTANCE, ECS_SERVICE, ELASTICACHE_CACHE_CLUSTER, RDS_DB_INSTANCE

RIGHT_SIZING = "Right-sizing"
# Which analysis each check reports.
ANALYSIS_OF_CHECK = {
    "ecs-service-over-provisioned": ecs_rightsizing.ANALYSIS,
    "ecs-service-memory-leak": memory_leak.ANALYSIS,
    "rds-instance-over-provisioned": db_rightsizing.ANALYSIS,
    "resource-under-provisioned": saturation.ANALYSIS,
    "ecs-service-load-varies-capacity-fixed": static_capacity.ANALYSIS,
    "resource-idle": idle.ANALYSIS,
}


def _results(estate: Estate, analysis: str) -> Iterator[Result]:
    for result in results_of(estate, analysis):
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
)
def ecs_service_load_varies_capacity_fixed(estate: Estate) -> Iterator[Result]:
    yield from _results(estate, ANALYSIS_OF_CHECK["ecs-service-load-varies-capacity-fixed"])


@check(
    "resource-idle",
    title="Resource was idle for the whole look-back",
    pillar="cost-optimization",
    focus_area=RIGHT_SIZING,
    risk="MEDIUM",
    best_practices=["COST06-BP02"],
    remediation="Confirm with the owner that nothing uses it, then stop or delete it (after a final snapshot of any "
                "data); if it must exist, scale it to zero outside the hours it is needed.",
    resource_types=[ECS_SERVICE, RDS_DB_INSTANCE, EC2_INSTANCE, ELASTICACHE_CACHE_CLUSTER],
    needs=("ecs", "rds", "ec2", "elasticache", "cloudwatch-metrics"),
)
def resource_idle(estate: Estate) -> Iterator[Result]:
    yield from _results(estate, ANALYSIS_OF_CHECK["resource-idle"])
