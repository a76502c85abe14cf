"""CloudWatch Logs: log groups, with their retention, KMS key, class, metric filter count and tags, and the
subscription filters that stream their events on for analysis (names and destinations only: a filter pattern is
free text that can quote a value)."""

from typing import Any, Mapping

from wafr.resource_types import LOGS_LOG_GROUP
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare

SUBSCRIPTION_KEPT = ("filterName", "destinationArn", "distribution")


def _subscriptions_named(config: Mapping[str, Any]) -> dict[str, Any]:
    """Each subscription filter without its pattern (None stays None: a failed read is not "none")."""
    found = config.get("subscriptionFilters")
    return {"subscriptionFilters": None if found is None else
            [{k: f[k] for k in SUBSCRIPTION_KEPT if k in f} for f in found]}


declare("logs", Kind(
    LOGS_LOG_GROUP, List("describe_log_groups", "logGroups"), id="logGroupName", arn="logGroupArn",
    # DescribeLogGroups already counts each group's metric filters (metricFilterCount): no call per group for them.
    details=[Detail("describe_subscription_filters", "subscriptionFilters", logGroupName=at("logGroupName"))],
    tags=Detail("list_tags_for_resource", "tags", resourceArn=at("logGroupArn")),
    derive=_subscriptions_named,
))
