"""AWS Health: the account's open or upcoming scheduled changes (maintenance, retirements, planned lifecycle events
such as a runtime or engine version reaching its end of support).

The Health API answers only accounts with Business, Enterprise On-Ramp or Enterprise Support; on a Basic or
Developer plan it answers SubscriptionRequiredException, recorded as coverage ``not-enabled``."""

from __future__ import annotations

from typing import Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import HEALTH_EVENT
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import NotEnabled, error_code
from wafr.sources.aws.registry import collector

HEALTH_REGION = "us-east-1"  # the global endpoint's Region in the aws partition
NEEDS_PLAN = "not available: the AWS Health API needs a Business, Enterprise On-Ramp or Enterprise Support plan"
KEPT = ("arn", "service", "eventTypeCode", "eventTypeCategory", "region", "availabilityZone", "startTime",
        "endTime", "lastUpdatedTime", "statusCode", "eventScopeCode")


@collector(
    "health",
    resource_types=(HEALTH_EVENT,),
    operations=("health:DescribeEvents",),
    global_service=True,
)
def collect_health(ctx: CollectContext) -> Iterator[Resource]:
    health = ctx.client("health", HEALTH_REGION if ctx.partition == "aws" else None)
    wanted = {"eventStatusCodes": ["open", "upcoming"], "eventTypeCategories": ["scheduledChange"]}
    try:
        events = list(ctx.paginate(health, "describe_events", "events", filter=wanted))
    except ClientError as error:
        if error_code(error) == "SubscriptionRequiredException":
            raise NotEnabled(NEEDS_PLAN) from None
        raise
    for event in events:
        config = {"source": "AWS Health", **{k: event[k] for k in KEPT if k in event}}
        # The event names the Region it affects; account-wide events say "global".
        yield ctx.resource(HEALTH_EVENT, event["arn"], name=event.get("eventTypeCode", ""), config=config,
                           region=event.get("region") or "global")
