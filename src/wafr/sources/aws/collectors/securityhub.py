"""Security Hub: the Region's hub, when Security Hub is enabled there."""

from __future__ import annotations

from typing import Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.registry import collector


def _not_enabled(error: ClientError) -> bool:
    """How AWS says Security Hub is off in this Region: a fact about the account, not a failed read."""
    err = error.response.get("Error", {})
    return err.get("Code") == "InvalidAccessException" and "not subscribed" in err.get("Message", "").lower()


@collector(
    "securityhub",
    resource_types=("AWS::SecurityHub::Hub",),
    operations=("securityhub:DescribeHub",),
)
def collect_securityhub(ctx: CollectContext) -> Iterator[Resource]:
    try:
        hub = ctx.client("securityhub").describe_hub()
    except ClientError as error:
        if _not_enabled(error):
            return
        raise
    arn = hub["HubArn"]
    yield ctx.resource("AWS::SecurityHub::Hub", arn, arn=arn, name=arn.rsplit("/", 1)[-1], config=hub)
