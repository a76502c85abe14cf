"""DynamoDB tables: capacity that follows demand, alarms on the metrics that show it running short, encryption
and point-in-time recovery (deletion protection is judged with RDS's in deletion_protection.py)."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.data_stores import KeyDirectory
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed, unread
from wafr.estate import Estate, Resource
from wafr.phrases import days
from wafr.resource_types import (APP_AUTOSCALING_SCALABLE_TARGET, APP_AUTOSCALING_SCALING_POLICY, CLOUDWATCH_ALARM,
                                 DYNAMODB_TABLE)

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
    resource_types=[DYNAMODB_TABLE],
    needs=("dynamodb", "application-autoscaling"),
    bullet="Autoscale the provisioned capacity of {resources}, or switch them to on-demand",
)
def dynamodb_provisioned_without_autoscaling(estate: Estate) -> Iterator[Result]:
    targets: dict[tuple[str, str, str, str], Resource] = {}
    policies: set[tuple[str, str, str, str]] = set()
    for item in estate.of_type(APP_AUTOSCALING_SCALABLE_TARGET, APP_AUTOSCALING_SCALING_POLICY):
        key = (item.account, item.region, item.config.get("ResourceId", ""), item.config.get("ScalableDimension", ""))
        if item.type == APP_AUTOSCALING_SCALABLE_TARGET:
            targets[key] = item
        else:
            policies.add(key)
    for table in estate.of_type(DYNAMODB_TABLE):
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


# The table metrics that show it running short of capacity or slowing down.
PERFORMANCE_METRICS = frozenset({"ReadThrottleEvents", "WriteThrottleEvents", "ThrottledRequests",
                                 "ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits", "SuccessfulRequestLatency",
                                 "SystemErrors"})


def watched_metrics(alarm: Resource) -> list[tuple[str, list[dict[str, str]]]]:
    """(metric name, dimensions) of each metric an alarm watches, metric-math queries included."""
    found = [(alarm.config.get("MetricName", ""), list(alarm.config.get("Dimensions") or []))]
    for query in alarm.config.get("Metrics") or []:
        metric = (query.get("MetricStat") or {}).get("Metric") or {}
        found.append((metric.get("MetricName", ""), list(metric.get("Dimensions") or [])))
    return found


@check(
    "dynamodb-table-performance-unwatched",
    title="Production DynamoDB table: no alarm on throttling, capacity or latency",
    pillar="performance-efficiency",
    focus_area="Workload efficiency",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["PERF03-BP03"],
    remediation="Alarm on the table's ReadThrottleEvents, WriteThrottleEvents and SuccessfulRequestLatency (and on "
                "consumed against provisioned capacity for provisioned tables), with an action that reaches the team.",
    resource_types=[DYNAMODB_TABLE],
    needs=("dynamodb", "cloudwatch"),
    bullet="Alarm on the throttling and latency of {resources}",
)
def dynamodb_table_performance_unwatched(estate: Estate) -> Iterator[Result]:
    watching: dict[tuple[str, str, str], set[str]] = {}
    for alarm in estate.of_type(CLOUDWATCH_ALARM):
        for metric, dims in watched_metrics(alarm):
            tables = [d.get("Value", "") for d in dims if d.get("Name") == "TableName"]
            if metric in PERFORMANCE_METRICS and tables:
                watching.setdefault((alarm.account, alarm.region, tables[0]), set()).add(alarm.name)
    for table in estate.of_type(DYNAMODB_TABLE):
        if not estate.in_production(table):
            continue
        alarms = sorted(watching.get((table.account, table.region, table.config.get("TableName", table.id)), ()))
        if alarms:
            yield passed(table, f"Alarm(s) {', '.join(alarms[:3])} watch its throttling, capacity or latency.")
        else:
            yield fail(table, "No CloudWatch alarm watches its throttled requests, consumed capacity or latency: "
                              "throttling shows up first as errors in the application.")


@check(
    "dynamodb-table-encryption",
    title="DynamoDB table encryption at rest and its key",
    pillar="security",
    focus_area="Encryption at rest",
    risk="LOW",
    best_practices=["SEC08-BP02", "SEC08-BP01"],
    remediation="Nothing to switch on: DynamoDB always encrypts at rest. Where the data is sensitive, use a customer "
                "managed KMS key so its use is logged and access to it can be revoked.",
    resource_types=[DYNAMODB_TABLE],
    needs=("dynamodb",),
    bullet="Encrypt {resources} with a customer managed KMS key",
)
def dynamodb_table_encryption(estate: Estate) -> Iterator[Result]:
    keys = KeyDirectory.of(estate)
    for table in estate.of_type(DYNAMODB_TABLE):
        if "DescribeTable" in table.errors:
            yield not_assessed(table, f"DescribeTable failed ({table.errors['DescribeTable']})")
            continue
        sse = table.config.get("SSEDescription") or {}
        # No SSEDescription means DynamoDB's default: encrypted with a key AWS owns.
        key = keys.describe(table, sse.get("KMSMasterKeyArn")) if sse.get("SSEType") == "KMS" else "an AWS owned key"
        yield passed(table, f"Encrypted at rest, as every DynamoDB table is, with {key}.")


@check(
    "dynamodb-pitr-disabled",
    title="DynamoDB table without point-in-time recovery",
    pillar="reliability",
    focus_area="Disaster recovery",
    risk=by_environment(prod="HIGH"),
    best_practices=["REL09-BP03"],
    remediation="Enable point-in-time recovery on the table (continuous backups, restorable to any second of the "
                "last 35 days), and add it to an AWS Backup plan for copies kept longer or in another Region.",
    resource_types=[DYNAMODB_TABLE],
    needs=("dynamodb",),
    bullet="Turn on point-in-time recovery for {resources}",
)
def dynamodb_pitr_disabled(estate: Estate) -> Iterator[Result]:
    for table in estate.of_type(DYNAMODB_TABLE):
        description = table.config.get("ContinuousBackupsDescription")
        if description is None:
            yield not_assessed(table, "DescribeContinuousBackups failed "
                                      f"({table.errors.get('DescribeContinuousBackups', 'not read')})")
            continue
        pitr = description.get("PointInTimeRecoveryDescription") or {}
        if pitr.get("PointInTimeRecoveryStatus") == "ENABLED":
            yield passed(table, f"Point-in-time recovery is on ({days(pitr.get('RecoveryPeriodInDays', 35))}).")
        else:
            status = pitr.get("PointInTimeRecoveryStatus", "DISABLED")
            yield fail(table, f"PointInTimeRecoveryStatus is {status}: a bad write or delete cannot be rolled back.")
