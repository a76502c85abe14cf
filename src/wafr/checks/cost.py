"""Cost optimization / Cloud financial management: budgets, cost-allocation tagging, the account structure."""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterator

from wafr.checks.org_evidence import organizations_by_account
from wafr.checks.registry import Result, check, fail, not_assessed, passed
from wafr.estate import GLOBAL, Estate, Resource, by_account
from wafr.resource_types import (ACCOUNT, BUDGET, DYNAMODB_TABLE, EC2_CLIENT_VPN_ENDPOINT, EC2_INSTANCE,
                                 EC2_NAT_GATEWAY, EC2_VOLUME, ECS_SERVICE, ELASTICACHE_CACHE_CLUSTER,
                                 ELASTICACHE_REPLICATION_GROUP, ELB_LOAD_BALANCER, LAMBDA_FUNCTION, ORG_ACCOUNT,
                                 RDS_DB_CLUSTER, RDS_DB_INSTANCE, S3_BUCKET)


# Tag keys that attribute cost to an owner, team or product, compared without case or separators
# ("cost-center" = "CostCenter"). Environment alone is not one: it says which stage, not whose money.
COST_ALLOCATION_TAG_KEYS = ("CostCenter", "CostCentre", "Project", "Team", "Owner", "Application", "App",
                            "Service", "BusinessUnit", "Department", "Product", "Customer", "Workload")
# Resources that cost money and that a team tags; settings, rules, listeners, route tables and the like
# carry no cost of their own and are left out.
COST_BEARING_TYPES = (
    EC2_INSTANCE, EC2_VOLUME, EC2_NAT_GATEWAY, EC2_CLIENT_VPN_ENDPOINT,
    ELB_LOAD_BALANCER, RDS_DB_INSTANCE, RDS_DB_CLUSTER,
    ELASTICACHE_REPLICATION_GROUP, ELASTICACHE_CACHE_CLUSTER, DYNAMODB_TABLE,
    S3_BUCKET, ECS_SERVICE, LAMBDA_FUNCTION,
)
TAGGED_SHARE_MIN = 0.5

_SEPARATORS = re.compile(r"[^a-z0-9]")
_ALLOCATION_KEYS = {_SEPARATORS.sub("", k.lower()) for k in COST_ALLOCATION_TAG_KEYS}


def has_cost_allocation_tag(resource: Resource) -> bool:
    return any(_SEPARATORS.sub("", key.lower()) in _ALLOCATION_KEYS for key in resource.tags)


def _judged_for_tags(resource: Resource) -> bool:
    """Whether a resource counts towards the tagged share."""
    if any("tag" in operation.lower() for operation in resource.errors):
        return False  # its tags could not be read: unknown, not untagged
    if resource.type == ELASTICACHE_CACHE_CLUSTER and resource.config.get("ReplicationGroupId"):
        return False  # a node of a replication group, which is counted itself
    return True


def _linked_accounts(budget: Resource) -> list[str] | None:
    """The linked accounts a budget is filtered to; None when it has no linked-account filter."""
    filters = budget.config.get("CostFilters") or {}
    if "LinkedAccount" in filters:
        return list(filters["LinkedAccount"])
    dimension = (budget.config.get("FilterExpression") or {}).get("Dimensions") or {}
    if dimension.get("Key") == "LINKED_ACCOUNT":
        return list(dimension.get("Values", []))
    return None


def _consolidated_budget(estate: Estate, account: str, budgets: dict[str, list[Resource]],
                         organizations: dict[str, Resource]) -> str | None:
    """Evidence that a budget of the account's management account covers it, else None.

    The rule: a management-account budget without a linked-account filter tracks the organization's consolidated
    spend, so it covers every member; one filtered to linked accounts covers the accounts it names."""
    organization = organizations.get(account)
    if organization is None or organization.account == account:
        return None
    management = organization.account
    if estate.gap(management, GLOBAL, "budgets"):
        return None
    for budget in sorted(budgets.get(management, []), key=lambda b: b.label):
        linked = _linked_accounts(budget)
        if linked is None:
            return (f"budget {budget.label} in management account {management} has no linked-account filter, so it "
                    "tracks the organization's consolidated spend, this account's included")
        if account in linked:
            return f"budget {budget.label} in management account {management} is filtered to this linked account"
    return None


@check(
    "no-budgets",
    title="No AWS budget tracks the account's spend",
    pillar="cost-optimization",
    focus_area="Cloud financial management",
    risk="HIGH",
    best_practices=["COST01-BP03"],
    remediation="Create a monthly cost budget for the account (and per environment or team once cost-allocation "
                "tags are in place) that alerts the owners at 80% of actual and 100% of forecasted spend, and "
                "review the forecast each month.",
    resource_types=[ACCOUNT],
    needs=("budgets",),
    bullet="Establish cloud budgets and forecasts for {resources}",
)
def no_budgets(estate: Estate) -> Iterator[Result]:
    budgets = by_account(estate.of_type(BUDGET))
    organizations = organizations_by_account(estate)
    for account in estate.accounts:
        target = estate.account_resource(account)
        gap = estate.gap(account, GLOBAL, "budgets")
        central = None if budgets.get(account) else _consolidated_budget(estate, account, budgets, organizations)
        if central:
            yield passed(target, central)
        elif gap:
            yield not_assessed(target, gap)
        elif budgets.get(account):
            names = sorted(b.label for b in budgets[account])
            yield passed(target, f"{len(names)} budget(s): {', '.join(names[:5])}")
        else:
            yield fail(target, "no AWS Budgets budget is defined for the account")


@check(
    "cost-allocation-tags-missing",
    title="Workload resources carry no cost-allocation tags",
    pillar="cost-optimization",
    focus_area="Cloud financial management",
    risk="MEDIUM",
    best_practices=["COST03-BP02", "COST03-BP03"],
    remediation="Agree a small tagging schema (e.g. CostCenter, Team, Application alongside Environment), apply it "
                "through the IaC stacks (CDK Tags.of(app).add), activate the keys as cost allocation tags in the "
                "Billing console, and enforce them with tag policies.",
    resource_types=[ACCOUNT],
    needs=("ec2", "vpc", "client-vpn", "elbv2", "rds", "elasticache", "dynamodb", "s3", "ecs", "lambda"),
    bullet="Tag workload resources for cost allocation in {resources}",
)
def cost_allocation_tags_missing(estate: Estate) -> Iterator[Result]:
    workloads = by_account(r for r in estate.of_type(*COST_BEARING_TYPES) if _judged_for_tags(r))
    for account in estate.accounts:
        target = estate.account_resource(account)
        judged = workloads.get(account, [])
        if not judged:
            yield not_assessed(target, "no cost-bearing workload resources were collected in the account")
            continue
        untagged = [r for r in judged if not has_cost_allocation_tag(r)]
        tagged = len(judged) - len(untagged)
        share = f"{tagged} of {len(judged)} workload resources ({tagged / len(judged):.0%}) carry a cost-allocation tag"
        if tagged / len(judged) >= TAGGED_SHARE_MIN:
            yield passed(target, share)
            continue
        kinds = Counter(r.type.removeprefix("AWS::") for r in untagged).most_common(4)
        yield fail(target, f"only {share} (such as CostCenter, Project, Team or Owner); untagged: "
                           + ", ".join(f"{count} {kind}" for kind, count in kinds))


@check(
    "account-not-in-organization",
    title="Account is not part of an AWS Organization",
    pillar="cost-optimization",
    focus_area="Cloud financial management",
    risk="MEDIUM",
    best_practices=["COST02-BP03", "SEC01-BP01"],
    remediation="Create an AWS Organization (or join the company's) with a management account that runs no "
                "workloads, and move production, staging and development into their own member accounts, so "
                "spend is visible per account and guardrails (SCPs) apply centrally.",
    resource_types=[ACCOUNT],
    needs=("organizations",),
    bullet="Put {resources} into an AWS Organization with a member account per environment",
)
def account_not_in_organization(estate: Estate) -> Iterator[Result]:
    records = {(r.account, r.id): r for r in estate.of_type(ORG_ACCOUNT)}
    for account in estate.accounts:
        target = estate.account_resource(account)
        gap = estate.gap(account, GLOBAL, "organizations")
        record = records.get((account, account))
        if gap or record is None:
            yield not_assessed(target, gap or "the account's organization membership was not recorded")
        elif record.config.get("_member"):
            role = " as its management account" if record.config.get("_management") else ""
            yield passed(target, f"the account belongs to organization {record.config.get('_organization_id')}{role}")
        else:
            yield fail(target, "the account is standalone: it belongs to no AWS Organization, so its workloads "
                               "cannot be split into accounts under central billing and guardrails")
