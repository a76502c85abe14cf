"""Transit gateways: which VPCs each joins, in this account or (for a shared gateway) across the organization's
accounts, so overlapping address ranges are judged where traffic can flow; and each gateway route table's
associations (the attachments that route by it) and propagations (the attachments it learns routes to), so the
checks see which VPCs can reach which."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import EC2_TRANSIT_GATEWAY_ATTACHMENT, EC2_TRANSIT_GATEWAY_ROUTE_TABLE
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector

GONE_STATES = frozenset({"deleted", "deleting", "failed", "rejected"})
# Per route table: (call, response key, field of the configuration it becomes, its API operation).
ROUTE_TABLE_READS = (
    ("get_transit_gateway_route_table_associations", "Associations", "Associations",
     "GetTransitGatewayRouteTableAssociations"),
    ("get_transit_gateway_route_table_propagations", "TransitGatewayRouteTablePropagations", "Propagations",
     "GetTransitGatewayRouteTablePropagations"),
    ("search_transit_gateway_routes", "Routes", "StaticRoutes", "SearchTransitGatewayRoutes"),
)
# Static routes point at attachments as propagations do; a search needs a filter.
STATIC_ROUTES = [{"Name": "type", "Values": ["static"]}, {"Name": "state", "Values": ["active"]}]


@collector(
    "transit-gateway",
    client="ec2",
    resource_types=(EC2_TRANSIT_GATEWAY_ATTACHMENT, EC2_TRANSIT_GATEWAY_ROUTE_TABLE),
    operations=("ec2:DescribeTransitGatewayAttachments", "ec2:DescribeTransitGatewayRouteTables",
                "ec2:GetTransitGatewayRouteTableAssociations", "ec2:GetTransitGatewayRouteTablePropagations",
                "ec2:SearchTransitGatewayRoutes"),
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
    yield from _route_tables(ctx, ec2)


def _route_tables(ctx: CollectContext, ec2: Any) -> Iterator[Resource]:
    try:
        tables = list(ctx.paginate(ec2, "describe_transit_gateway_route_tables", "TransitGatewayRouteTables"))
    except ClientError as error:
        # The attachments above stand on their own; which VPCs reach which stays unknown (no route table read).
        ctx.note(f"describe_transit_gateway_route_tables: {error_code(error)}")
        return
    for table in tables:
        if table.get("State") in GONE_STATES:
            continue
        table_id = table["TransitGatewayRouteTableId"]
        config: dict[str, Any] = dict(table)
        errors: dict[str, str] = {}
        for call, key, field, operation in ROUTE_TABLE_READS:
            try:
                params: dict[str, Any] = {"Filters": STATIC_ROUTES} if field == "StaticRoutes" else {}
                config[field] = list(ctx.paginate(ec2, call, key, TransitGatewayRouteTableId=table_id, **params))
            except ClientError as error:
                errors[operation] = error_code(error)
                ctx.note(f"{call}: {error_code(error)} for {table_id}")
        if errors:
            config["_errors"] = errors
        yield ctx.resource(
            EC2_TRANSIT_GATEWAY_ROUTE_TABLE, table_id,
            arn=f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account}:transit-gateway-route-table/{table_id}",
            tags=tags_from_list(table.get("Tags")), config=config,
        )
