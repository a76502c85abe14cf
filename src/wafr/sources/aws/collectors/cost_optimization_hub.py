"""Cost Optimization Hub: AWS's savings recommendations for the account's resources (rightsizing, idle resources to
stop or delete, Savings Plans and reservations to buy, upgrades), each with its estimated monthly saving.

An account that is not enrolled is recorded as coverage ``not-enabled`` (never as a denial, never as a pass)."""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Resource
from wafr.resource_types import COST_OPTIMIZATION_HUB_RECOMMENDATION
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import NotEnabled
from wafr.sources.aws.registry import collector

HUB_REGION = "us-east-1"  # the service's only endpoint
SOURCE = "AWS Cost Optimization Hub"


@collector(
    "cost-optimization-hub",
    resource_types=(COST_OPTIMIZATION_HUB_RECOMMENDATION,),
    operations=("cost-optimization-hub:ListEnrollmentStatuses", "cost-optimization-hub:ListRecommendations"),
    global_service=True,
)
def collect_cost_optimization_hub(ctx: CollectContext) -> Iterator[Resource]:
    hub = ctx.client("cost-optimization-hub", HUB_REGION if ctx.partition == "aws" else None)
    statuses = list(ctx.paginate(hub, "list_enrollment_statuses", "items", accountId=ctx.account))
    status = next((s.get("status") for s in statuses if s.get("accountId") in (ctx.account, None)), None)
    if status != "Active":
        raise NotEnabled(f"Cost Optimization Hub: the account is not enrolled (status {status or 'none'})")
    # In a management account the hub answers for every member too: keep to the account scanned.
    found = ctx.paginate(hub, "list_recommendations", "items", filter={"accountIds": [ctx.account]})
    for item in found:
        config = {"source": SOURCE, **item}
        rid = item.get("recommendationId") or item.get("resourceArn") or item.get("resourceId", "")
        # No arn of its own: the ARN index must keep naming the resource the recommendation is about.
        yield ctx.resource(COST_OPTIMIZATION_HUB_RECOMMENDATION, rid, name=item.get("resourceId") or rid,
                           config=config)
