"""DynamoDB tables beyond encryption, point-in-time recovery and deletion protection: capacity that follows demand."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.messaging import unread
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate, Resource

TABLE = "AWS::DynamoDB::Table"
SCALABLE_TARGET = "AWS::ApplicationAutoScaling::ScalableTarget"
SCALING_POLICY = "AWS::ApplicationAutoScaling::ScalingPolicy"
CAPACITY = {"Read": "ReadCapacityUnits", "Write": "WriteCapacityUnits"}


def billing_mode(table: Resource) -> str:
    # Tables created before on-demand existed report no BillingModeSummary: they are provisioned.
    return (table.config.get("BillingModeSummary") or {}).get("BillingMode") or "PROVISIONED"


def dimensions(table: Resource) -> list[tuple[str, str, str, int]]:
    """Every provisioned capacity of a table: (what, Application Auto Scaling resource id, dimension, units)."""
    found = []
    name = table.config.get("TableName", table.id)
    parts = [("the table", f"table/{name}", "table", table.config.get("ProvisionedThroughput") or {})]
    parts += [(f"index {index['IndexName']}", f"table/{name}/index/{index['IndexName']}", "index",
               index.get("ProvisionedThroughput") or {}) for index in table.config.get("GlobalSecondaryIndexes") or []]
    for what, resource_id, level, throughput in parts:
        for verb, field in CAPACITY.items():
            found.append((f"{verb.lower()}s of {what}", resource_id, f"dynamodb:{level}:{field}",
                          int(throughput.get(field) or 0)))
    return found


@check(
    "dynamodb-provisioned-without-autoscaling",
    title="Provisioned DynamoDB capacity does not follow demand",
    pillar="performance-efficiency",
    focus_area="Workload scaling",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL07-BP01", "COST06-BP03", "SUS02-BP01"],
    remediation="Switch the table to on-demand capacity, or register its read and write capacity (and each global "
                "secondary index's) as Application Auto Scaling targets with a minimum below the maximum and a "
                "target-tracking policy on consumed capacity.",
    resource_types=[TABLE],
    needs=("dynamodb", "application-autoscaling"),
)
def dynamodb_provisioned_without_autoscaling(estate: Estate) -> Iterator[Result]:
    targets: dict[tuple[str, str, str, str], Resource] = {}
    policies: set[tuple[str, str, str, str]] = set()
    for item in estate.of_type(SCALABLE_TARGET, SCALING_POLICY):
        key = (item.account, item.region, item.config.get("ResourceId", ""), item.config.get("ScalableDimension", ""))
        if item.type == SCALABLE_TARGET:
            targets[key] = item
        else:
            policies.add(key)
    for table in estate.of_type(TABLE):
        if why := unread(table, "DescribeTable"):
            yield not_assessed(table, why)
            continue
        if billing_mode(table) == "PAY_PER_REQUEST":
            yield passed(table, "On-demand capacity (PAY_PER_REQUEST): capacity follows requests.")
            continue
        if gap := estate.gap(table.account, table.region, "application-autoscaling"):
            yield not_assessed(table, gap)
            continue
        fixed, scaled = [], []
        for what, resource_id, dimension, units in dimensions(table):
            key = (table.account, table.region, resource_id, dimension)
            target = targets.get(key)
            low, high = (target.config.get("MinCapacity"), target.config.get("MaxCapacity")) if target else (0, 0)
            if target is None or low == high or key not in policies:
                fixed.append(f"{what} ({units})")
            else:
                scaled.append(f"{what} ({low}-{high})")
        if fixed:
            yield fail(table, f"Provisioned capacity that no Application Auto Scaling target and policy adjusts: "
                              f"{', '.join(fixed)}. Traffic above it is throttled; capacity below it is paid for idle.")
        else:
            yield passed(table, f"Provisioned capacity scales automatically: {', '.join(scaled)}.")
