"""CloudTrail: the trails that record API activity in a Region, with whether each is logging."""

from __future__ import annotations

from typing import Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import CLOUDTRAIL_TRAIL
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector


@collector(
    "cloudtrail",
    resource_types=(CLOUDTRAIL_TRAIL,),
    operations=("cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"),
)
def collect_cloudtrail(ctx: CollectContext) -> Iterator[Resource]:
    """Every trail that records this Region, shadows included: a multi-Region or organization trail homed
    elsewhere (or in another account) appears in each Region it covers, marked ``_shadow``. So one Region
    read is enough to know whether a multi-Region trail exists, even when its home Region is not scanned."""
    cloudtrail = ctx.client("cloudtrail")
    for trail in cloudtrail.describe_trails(includeShadowTrails=True).get("trailList", []):
        arn, config = trail["TrailARN"], dict(trail)
        config["_shadow"] = trail.get("HomeRegion") != ctx.region
        try:
            # The ARN, not the name: only the ARN finds a shadow trail's status.
            status = cloudtrail.get_trail_status(Name=arn)
            config["TrailStatus"] = {k: v for k, v in status.items() if k != "ResponseMetadata"}
        except ClientError as error:
            config["_errors"] = {"GetTrailStatus": error_code(error)}
        yield ctx.resource(CLOUDTRAIL_TRAIL, arn, arn=arn, name=trail.get("Name", ""), config=config)
