"""Workload checks: how ECS services and Lambda functions are placed, scaled, exposed and kept patched."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

from wafr.checks.identity import as_of
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.data import load as load_data
from wafr.estate import Estate, Resource
from wafr.resource_types import (APP_AUTOSCALING_SCALABLE_TARGET, APP_AUTOSCALING_SCALING_POLICY, EC2_SUBNET,
                                 ECS_SERVICE, ECS_TASK_DEFINITION, LAMBDA_FUNCTION)



def awsvpc(service: Resource) -> dict[str, Any]:
    """The service's awsvpc network settings ({} for bridge/host networking)."""
    return (service.config.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}


def cluster_name(service: Resource) -> str:
    return service.config.get("clusterArn", "").rsplit("/", 1)[-1]


def is_daemon(service: Resource) -> bool:
    """DAEMON services run one task per instance: neither zone rebalancing nor autoscaling applies."""
    return service.config.get("schedulingStrategy") == "DAEMON"


@check(
    "ecs-service-public-ip",
    title="ECS service tasks get public IP addresses",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="HIGH", staging="MEDIUM", dev="LOW"),
    best_practices=["SEC05-BP01", "SEC05-BP02"],
    remediation="Run the tasks in private subnets with assignPublicIp DISABLED; reach the internet through a NAT "
                "gateway or VPC endpoints and take inbound traffic only through a load balancer.",
    resource_types=[ECS_SERVICE],
    needs=("ecs",),
    bullet=("Move the ECS service {resources} to private subnets without public IP addresses",
            "Move the ECS services {resources} to private subnets without public IP addresses"),
)
def ecs_service_public_ip(estate: Estate) -> Iterator[Result]:
    for service in estate.of_type(ECS_SERVICE):
        network = awsvpc(service)
        if not network:
            continue  # bridge/host networking: the task has the instance's address, judged with the instance
        if network.get("assignPublicIp") == "ENABLED":
            yield fail(service, "assignPublicIp is ENABLED, so every task gets a public IP address")
        else:
            yield passed(service, f"assignPublicIp is {network.get('assignPublicIp', 'DISABLED')}")


@check(
    "ecs-service-single-az",
    title="ECS service is confined to one Availability Zone or does not rebalance across zones",
    pillar="reliability",
    focus_area="Service availability",
    risk=by_environment(prod="HIGH", staging="MEDIUM", dev="LOW"),
    best_practices=["REL10-BP01", "REL11-BP02"],
    remediation="Give the service subnets in at least two Availability Zones, run at least two tasks, and turn on "
                "availabilityZoneRebalancing so ECS spreads the tasks again after a zone recovers.",
    resource_types=[ECS_SERVICE],
    needs=("ecs", "vpc"),
    bullet="Spread {resources} across Availability Zones and turn on ECS AZ rebalancing",
)
def ecs_service_single_az(estate: Estate) -> Iterator[Result]:
    for service in estate.of_type(ECS_SERVICE):
        if is_daemon(service):
            continue
        problems, unknown, spread = _availability(estate, service)
        if problems:
            yield fail(service, "; ".join(problems + unknown))
        elif unknown:
            yield not_assessed(service, "availabilityZoneRebalancing is ENABLED, but " + "; ".join(unknown))
        else:
            yield passed(service, "; ".join(["availabilityZoneRebalancing is ENABLED"] + spread))


def _zones(estate: Estate, service: Resource) -> tuple[set[str], list[str]]:
    """The zones of the service's subnets, and the subnets the estate does not know."""
    zones, missing = set(), []
    for subnet_id in service.link("subnets"):
        subnet = estate.get(subnet_id, type=EC2_SUBNET, account=service.account)
        if subnet is None or not subnet.config.get("AvailabilityZone"):
            missing.append(subnet_id)
        else:
            zones.add(subnet.config["AvailabilityZone"])
    return zones, missing


def _availability(estate: Estate, service: Resource) -> tuple[list[str], list[str], list[str]]:
    """(what confines the service, what could not be judged, what spreads it)."""
    problems, unknown, spread = [], [], []
    rebalancing = service.config.get("availabilityZoneRebalancing")
    if rebalancing != "ENABLED":
        problems.append(f"availabilityZoneRebalancing is {rebalancing or 'not reported (treated as DISABLED)'}")
    if awsvpc(service):
        zones, missing = _zones(estate, service)
        if missing:
            unknown.append(f"subnets {', '.join(missing)} are not in the collected estate, so their zones are unknown")
        elif len(zones) == 1:
            problems.append(f"all its subnets are in one Availability Zone ({min(zones)})")
        else:
            spread.append(f"its subnets span {len(zones)} Availability Zones ({', '.join(sorted(zones))})")
    if service.config.get("desiredCount") == 1 and estate.in_production(service):
        problems.append("desiredCount is 1: a single task is a single point of failure")
    return problems, unknown, spread


@check(
    "ecs-service-without-autoscaling",
    title="ECS service does not scale automatically",
    pillar="performance-efficiency",
    focus_area="Workload scaling",
    # The sample review rates workload scaling a medium risk.
    risk=by_environment(prod="MEDIUM", staging="MEDIUM", dev="LOW"),
    best_practices=["PERF02-BP05", "REL07-BP01"],
    remediation="Register the service as an Application Auto Scaling target with a minimum and maximum task count "
                "and add a target-tracking policy on CPU, memory or requests per target.",
    resource_types=[ECS_SERVICE],
    needs=("ecs", "application-autoscaling"),
    bullet=("Autoscale the ECS service {resources} on performance metrics",
            "Autoscale the ECS services {resources} on performance metrics"),
)
def ecs_service_without_autoscaling(estate: Estate) -> Iterator[Result]:
    targets = _index_by_resource_id(estate, APP_AUTOSCALING_SCALABLE_TARGET)
    policies = _index_by_resource_id(estate, APP_AUTOSCALING_SCALING_POLICY)
    for service in estate.of_type(ECS_SERVICE):
        if is_daemon(service):
            continue
        gap = estate.gap(service.account, service.region, "application-autoscaling")
        if gap:
            yield not_assessed(service, gap)
            continue
        resource_id = f"service/{cluster_name(service)}/{service.name}"
        key = (service.account, service.region, resource_id)
        target = next((t for t in targets.get(key, []) if t.config.get("ServiceNamespace") == "ecs"), None)
        if target is None:
            yield fail(service, f"no Application Auto Scaling target is registered for {resource_id}; "
                                f"it always runs {service.config.get('desiredCount', '?')} task(s)")
            continue
        low, high = target.config.get("MinCapacity"), target.config.get("MaxCapacity")
        if low == high:
            yield fail(service, f"its scalable target has MinCapacity = MaxCapacity = {low}, so it cannot scale")
        elif not policies.get(key):
            yield fail(service, f"it is a scalable target ({low}-{high} tasks) but has no scaling policy, "
                                "so nothing scales it on metrics")
        else:
            names = ", ".join(sorted(p.name for p in policies[key]))
            yield passed(service, f"scales between {low} and {high} tasks with policy {names}")


def _index_by_resource_id(estate: Estate, type: str) -> dict[tuple[str, str, str], list[Resource]]:
    index: dict[tuple[str, str, str], list[Resource]] = {}
    for item in estate.of_type(type):
        index.setdefault((item.account, item.region, item.config.get("ResourceId", "")), []).append(item)
    return index


def environment_variables(resource: Resource) -> list[dict[str, Any]]:
    """The redacted environment entries of a task definition's containers or a Lambda function."""
    if resource.type == LAMBDA_FUNCTION:
        return list((resource.config.get("Environment") or {}).get("Variables") or [])
    return [entry for container in resource.config.get("containerDefinitions", [])
            for entry in container.get("environment", [])]


@check(
    "plaintext-secret-in-environment",
    title="Secrets in plaintext environment variables",
    pillar="security",
    focus_area="IAM",
    risk="HIGH",
    best_practices=["SEC02-BP03"],
    remediation="Move each credential into AWS Secrets Manager or SSM Parameter Store (SecureString), reference it "
                "from the task definition's secrets or read it at start-up in the function, and rotate the "
                "values that were exposed.",
    resource_types=[ECS_TASK_DEFINITION, LAMBDA_FUNCTION],
    needs=("ecs", "lambda"),
    bullet="Move the plaintext secrets of {resources} into Secrets Manager or Parameter Store and rotate them",
)
def plaintext_secret_in_environment(estate: Estate) -> Iterator[Result]:
    for resource in estate.of_type(ECS_TASK_DEFINITION, LAMBDA_FUNCTION):
        variables = environment_variables(resource)
        suspicious = sorted({v["name"] for v in variables if v.get("_looksSecret")})
        if suspicious:  # names only: the values were never collected
            yield fail(resource, f"plaintext environment variable(s) {', '.join(suspicious)} look like credentials")
        elif variables:
            yield passed(resource, f"none of its plaintext environment variables ({len(variables)}) looks like a "
                                   "credential")
        else:
            yield passed(resource, "it has no plaintext environment variables")


def lambda_runtime_deprecation() -> dict[str, str]:
    """Runtime -> the day AWS stops patching it (data/lambda_runtimes.yaml)."""
    return load_data("lambda_runtimes.yaml")["deprecation"]


DEPRECATION_WARNING_DAYS = 180


@check(
    "lambda-deprecated-runtime",
    title="Lambda function runs on a deprecated runtime",
    pillar="security",
    focus_area="Compute protection",
    risk="MEDIUM",
    best_practices=["SEC06-BP01"],
    remediation="Move the function to a supported runtime version (for example the newest Python or Node.js LTS "
                "runtime), test it, and track AWS's runtime deprecation dates so upgrades are planned.",
    resource_types=[LAMBDA_FUNCTION],
    needs=("lambda",),
    bullet="Move {resources} to a supported runtime",
)
def lambda_deprecated_runtime(estate: Estate) -> Iterator[Result]:
    today = as_of(estate).date()  # a saved snapshot is judged as of its collection, not as of today
    for function in estate.of_type(LAMBDA_FUNCTION):
        runtime = function.config.get("Runtime")
        if not runtime:
            continue  # container images bring their own runtime
        deprecated = lambda_runtime_deprecation().get(runtime)
        if deprecated is None:
            yield passed(function, f"runtime {runtime} has no announced deprecation date")
            continue
        days = (dt.date.fromisoformat(deprecated) - today).days
        if days <= 0:
            yield fail(function, f"runtime {runtime} was deprecated on {deprecated} and no longer gets security "
                                 "patches")
        elif days <= DEPRECATION_WARNING_DAYS:
            yield fail(function, f"runtime {runtime} is deprecated on {deprecated}, in {days} days", risk="LOW")
        else:
            yield passed(function, f"runtime {runtime} is supported until {deprecated}")
