"""Transit gateway attachments: which VPCs a transit gateway joins, in this account or (for a shared gateway)
across the organization's accounts, so overlapping address ranges are judged where traffic can flow."""

from __future__ import annotations

from collections.abc import Iterator

from wafr.estate import Resource
from wafr.resource_types import EC2_TRANSIT_GATEWAY_ATTACHMENT
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.registry import collector

GONE_STATES = frozenset({"deleted", "deleting", "failed", "rejected"})


@collector(
    "transit-gateway",
    client="ec2",
    resource_types=(EC2_TRANSIT_GATEWAY_ATTACHMENT,),
    operations=("ec2:DescribeTransitGatewayAttachments",),
)
def collect_transit_gateway(ctx: CollectContext) -> Iterator[Resource]:
    ec2 = ctx.client("ec2")
    for attachment in ctx.paginate(ec2, "describe_transit_gateway_attachments", "TransitGatewayAttachments"):
        if attachment.get("State") in GONE_STATES:
            continue
        attachment_id = attachment["TransitGatewayAttachmentId"]
        vpc = attachment.get("ResourceId", "") if attachment.get("ResourceType") == "vpc" else ""
        # The gateway owner sees every account's attachments; only our own VPCs link here.
        own = vpc if attachment.get("ResourceOwnerId", ctx.account) == ctx.account else ""
        yield ctx.resource(
            EC2_TRANSIT_GATEWAY_ATTACHMENT, attachment_id,
            arn=f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account}:transit-gateway-attachment/{attachment_id}",
            tags=tags_from_list(attachment.get("Tags")), config=attachment, links={"vpc": [own]},
        )
