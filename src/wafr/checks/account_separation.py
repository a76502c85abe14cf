"""Security / account separation: production and non-production workloads sharing an account, a VPC or a subnet."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator

from wafr.checks.network import component_key, kind_name
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate, Resource
from wafr.phrases import first_few
from wafr.resource_types import (ACCOUNT, DYNAMODB_TABLE, EC2_INSTANCE, EC2_SUBNET, EC2_VPC, ECS_CLUSTER, ECS_SERVICE,
                                 ELASTICACHE_CACHE_CLUSTER, ELASTICACHE_REPLICATION_GROUP, ELB_LOAD_BALANCER,
                                 LAMBDA_FUNCTION, RDS_DB_CLUSTER, RDS_DB_INSTANCE)
from wafr.vocabulary import ENVIRONMENTS

# Workloads. Plumbing (route tables, rules, ENIs) says nothing about which environments share the account.
WORKLOAD_TYPES = (
    EC2_VPC, EC2_INSTANCE, RDS_DB_INSTANCE, RDS_DB_CLUSTER, ELASTICACHE_REPLICATION_GROUP,
    ELASTICACHE_CACHE_CLUSTER, DYNAMODB_TABLE, ECS_CLUSTER, ECS_SERVICE,
    LAMBDA_FUNCTION, ELB_LOAD_BALANCER,
)
ENV_ORDER = ENVIRONMENTS[:-1]  # the known ones, without "unknown"
EXAMPLES = 4


def _by_environment(estate: Estate, resources: Iterable[Resource]) -> dict[str, list[Resource]]:
    """Workloads grouped by environment (unknown left out), one entry per component."""
    grouped: dict[str, dict[tuple[str, str], Resource]] = defaultdict(dict)
    for resource in resources:
        if estate.environment_of(resource) in ENV_ORDER:
            grouped[estate.environment_of(resource)].setdefault(component_key(resource), resource)
    return {env: list(grouped[env].values()) for env in ENV_ORDER if grouped.get(env)}


def _risk(environments: Iterable[str]) -> str:
    return "HIGH" if "prod" in environments else "MEDIUM"


def _summary(estate: Estate, grouped: dict[str, list[Resource]], with_basis: bool = False) -> str:
    parts = []
    for env, members in grouped.items():
        labels = [f"{kind_name(r.type)} {r.label}" + (f" ({estate.environment_basis_of(r)})" if with_basis else "")
                  for r in members]
        parts.append(f"{env}: {len(members)} ({first_few(labels, EXAMPLES)})")
    return "; ".join(parts)


@check(
    "environments-share-account",
    title="Production and non-production workloads share one account",
    pillar="security",
    focus_area="Account separation",
    risk=by_environment(prod="HIGH"),
    best_practices=["SEC01-BP01", "COST02-BP03", "OPS05-BP08"],
    remediation="Move development and staging into their own AWS accounts under AWS Organizations (e.g. a "
                "workloads OU with prod, staging and dev accounts), so deployments, human access and costs are "
                "bounded per environment.",
    resource_types=[ACCOUNT],
    needs=("vpc", "ec2", "rds", "elasticache", "dynamodb", "ecs", "lambda", "elbv2"),
    bullet="Move development and staging out of the production account {resources}",
)
def environments_share_account(estate: Estate) -> Iterator[Result]:
    by_account: dict[str, list[Resource]] = defaultdict(list)
    for resource in estate.of_type(*WORKLOAD_TYPES):
        by_account[resource.account].append(resource)
    for account, workloads in sorted(by_account.items()):
        target = estate.account_resource(account)
        grouped = _by_environment(estate, workloads)
        if len(grouped) > 1:
            yield fail(target, f"The account holds {' and '.join(grouped)} workloads - {_summary(estate, grouped)}.",
                       risk=_risk(grouped))
        elif grouped:
            (env, members), = grouped.items()
            yield passed(target, f"Every workload with a known environment is {env} ({len(members)}).")
        else:
            yield not_assessed(target, f"None of the account's {len(workloads)} workloads carries an environment tag, "
                                       "stack or name token, so separation cannot be judged.")


@check(
    "environments-share-network",
    title="Production and non-production workloads share a VPC or subnet",
    pillar="security",
    focus_area="Account separation",
    risk=by_environment(prod="HIGH"),
    best_practices=["SEC01-BP01", "OPS05-BP08"],
    remediation="Move the workloads of the other environment out into their own VPC (and, better, their own "
                "account), so a development host cannot reach production over the VPC's private network.",
    resource_types=[EC2_VPC, EC2_SUBNET],
    needs=("vpc", "ec2", "rds", "elasticache", "dynamodb", "ecs", "lambda", "elbv2"),
    bullet=("Isolate development from production: {resources} hosts both",
            "Isolate development from production: {resources} host both"),
)
def environments_share_network(estate: Estate) -> Iterator[Result]:
    for vpc in estate.of_type(EC2_VPC):
        members = list(estate.linked_to("vpc", vpc.id))
        for subnet in estate.linked_to("vpc", vpc.id, EC2_SUBNET):
            members += estate.linked_to("subnets", subnet.id)
        yield from _judge_network(estate, vpc, members)
    for subnet in estate.of_type(EC2_SUBNET):
        yield from _judge_network(estate, subnet, estate.linked_to("subnets", subnet.id))


def _judge_network(estate: Estate, container: Resource, members: list[Resource]) -> Iterator[Result]:
    # Only a resource's own signal is evidence: one that inherited its environment from this VPC or
    # subnet agrees with it by construction.
    workloads = {(r.type, r.id): r for r in members
                 if r.type in WORKLOAD_TYPES and r.account == container.account and _own_environment(estate, r)}
    if not workloads:
        return
    signals = list(workloads.values()) + ([container] if _own_environment(estate, container) else [])
    grouped = _by_environment(estate, signals)
    where = "VPC" if container.type == EC2_VPC else "subnet"
    if len(grouped) > 1:
        yield fail(container, f"The {where} holds {' and '.join(grouped)} workloads - {_summary(estate, grouped, True)}.",
                   risk=_risk(grouped))
    elif grouped:
        (env, items), = grouped.items()
        yield passed(container, f"Every workload in the {where} with an environment of its own is {env} "
                                f"({len(items)}).")


def _own_environment(estate: Estate, resource: Resource) -> bool:
    return estate.environment_of(resource) in ENV_ORDER and not estate.environment_basis_of(resource).startswith("inherited")
