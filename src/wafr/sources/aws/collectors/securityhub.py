"""Security Hub: the Region's hub, when Security Hub is enabled there."""

from __future__ import annotations

from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import SECURITYHUB_HUB
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector


def _not_enabled(error: ClientError) -> bool:
    """How AWS says Security Hub is off in this Region: a fact about the account, not a failed read."""
    err = error.response.get("Error", {})
    return err.get("Code") == "InvalidAccessException" and "not subscribed" in err.get("Message", "").lower()


@collector(
    "securityhub",
    resource_types=(SECURITYHUB_HUB,),
    operations=("securityhub:DescribeHub", "securityhub:GetEnabledStandards"),
)
def collect_securityhub(ctx: CollectContext) -> Iterator[Resource]:
    try:
        hub = ctx.client("securityhub").describe_hub()
    except ClientError as error:
        if _not_enabled(error):
            return
        raise
    arn = hub["HubArn"]
    yield ctx.resource(SECURITYHUB_HUB, arn, arn=arn, name=arn.rsplit("/", 1)[-1],
                       config={**hub, **_standards(ctx)})


def _standards(ctx: CollectContext) -> dict[str, Any]:
    """The hub's enabled standards (FSBP, CIS, PCI DSS...) under ``_standards``, or ``_errors`` saying why not."""
    try:
        found = list(ctx.paginate(ctx.client("securityhub"), "get_enabled_standards", "StandardsSubscriptions"))
    except ClientError as error:
        return {"_errors": {"GetEnabledStandards": error_code(error)}}
    return {"_standards": found}
