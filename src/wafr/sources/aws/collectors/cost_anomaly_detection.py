"""Cost Anomaly Detection: the account's cost monitors and the alert subscriptions that tell someone when one finds an
anomaly. Both reads are free. An account where Cost Explorer was never enabled is coverage ``not-enabled``."""

from __future__ import annotations

from typing import Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import CE_ANOMALY_MONITOR, CE_ANOMALY_SUBSCRIPTION
from wafr.sources.aws.collectors.cost_explorer import CE_REGION, not_enabled
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import NotEnabled
from wafr.sources.aws.registry import collector


@collector(
    "cost-anomaly-detection",
    client="ce",
    resource_types=(CE_ANOMALY_MONITOR, CE_ANOMALY_SUBSCRIPTION),
    operations=("ce:GetAnomalyMonitors", "ce:GetAnomalySubscriptions"),
    global_service=True,
)
def collect_cost_anomaly_detection(ctx: CollectContext) -> Iterator[Resource]:
    ce = ctx.client("ce", CE_REGION if ctx.partition == "aws" else None)
    try:
        monitors = list(ctx.paginate(ce, "get_anomaly_monitors", "AnomalyMonitors"))
    except ClientError as error:
        if why := not_enabled(error):
            raise NotEnabled(why) from None
        raise
    subscriptions = list(ctx.paginate(ce, "get_anomaly_subscriptions", "AnomalySubscriptions"))
    for monitor in monitors:
        arn = monitor.get("MonitorArn", "")
        yield ctx.resource(CE_ANOMALY_MONITOR, arn, arn=arn, name=monitor.get("MonitorName", ""),
                           config={"source": "AWS Cost Anomaly Detection", **monitor})
    for subscription in subscriptions:
        arn = subscription.get("SubscriptionArn", "")
        # A subscriber's address is a person's e-mail: what a check needs is that someone is told, and how.
        subscription = {**subscription, "Subscribers": [{k: s.get(k) for k in ("Type", "Status")}
                                                        for s in subscription.get("Subscribers") or []]}
        yield ctx.resource(CE_ANOMALY_SUBSCRIPTION, arn, arn=arn, name=subscription.get("SubscriptionName", ""),
                           config={"source": "AWS Cost Anomaly Detection", **subscription})
