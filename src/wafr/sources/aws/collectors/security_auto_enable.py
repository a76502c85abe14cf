"""Whether the organization turns GuardDuty and Security Hub on in its accounts by itself: their organization
configuration, which only the account that administers each service for the organization can read.

Any other account is answered "not the administrator" (GuardDuty's BadRequestException, Security Hub's
InvalidAccessException or an AccessDeniedException that is no IAM denial): nothing to record there. An IAM denial
is a denial."""

from __future__ import annotations

from typing import Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import GUARDDUTY_ORGANIZATION_CONFIGURATION, SECURITYHUB_ORGANIZATION_CONFIGURATION
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector

_NOT_ADMINISTRATOR = ("BadRequestException", "InvalidAccessException", "AccessDeniedException")


def _not_administrator(error: ClientError) -> bool:
    message = str(error.response.get("Error", {}).get("Message", ""))
    return error_code(error) in _NOT_ADMINISTRATOR and "not authorized to perform" not in message


@collector(
    "security-auto-enable",
    client="guardduty",
    resource_types=(GUARDDUTY_ORGANIZATION_CONFIGURATION, SECURITYHUB_ORGANIZATION_CONFIGURATION),
    operations=("guardduty:ListDetectors", "guardduty:DescribeOrganizationConfiguration",
                "securityhub:DescribeOrganizationConfiguration"),
)
def collect_security_auto_enable(ctx: CollectContext) -> Iterator[Resource]:
    guardduty = ctx.client("guardduty")
    for detector_id in ctx.paginate(guardduty, "list_detectors", "DetectorIds"):
        try:
            config = guardduty.describe_organization_configuration(DetectorId=detector_id)
        except ClientError as error:
            if not _not_administrator(error):
                raise
            continue
        yield ctx.resource(GUARDDUTY_ORGANIZATION_CONFIGURATION, detector_id, name=f"GuardDuty in {ctx.region}",
                           config={k: v for k, v in config.items() if k != "NextToken"})
    try:
        hub = ctx.client("securityhub").describe_organization_configuration()
    except ClientError as error:
        if not _not_administrator(error):
            raise
        return
    yield ctx.resource(SECURITYHUB_ORGANIZATION_CONFIGURATION, f"securityhub-{ctx.region}",
                       name=f"Security Hub in {ctx.region}", config=hub)
