"""VPC networking: VPCs, subnets, route tables, gateways, peering, VPN gateways and flow logs."""

from __future__ import annotations

from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import (EC2_INTERNET_GATEWAY, EC2_NAT_GATEWAY, EC2_ROUTE_TABLE, EC2_SUBNET, EC2_VPC,
                                 EC2_VPC_PEERING_CONNECTION, EC2_VPN_GATEWAY)
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector


DEFAULT_ROUTES = ("0.0.0.0/0", "::/0")
# Describe calls keep listing these for a while after the resource is gone; they are history, not estate.
GONE_NAT_STATES = frozenset({"deleted", "failed"})
GONE_PEERING_STATES = frozenset({"deleted", "rejected", "expired", "failed"})


@collector(
    "vpc",
    client="ec2",
    resource_types=(EC2_VPC, EC2_SUBNET, EC2_ROUTE_TABLE, EC2_INTERNET_GATEWAY, EC2_NAT_GATEWAY, EC2_VPC_PEERING_CONNECTION,
                    EC2_VPN_GATEWAY),
    operations=(
        "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeRouteTables", "ec2:DescribeInternetGateways",
        "ec2:DescribeNatGateways", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeVpnGateways",
        "ec2:DescribeFlowLogs",
    ),
)
def collect_vpc(ctx: CollectContext) -> Iterator[Resource]:
    ec2 = ctx.client("ec2")
    route_tables = list(ctx.paginate(ec2, "describe_route_tables", "RouteTables"))
    flow_logs, flow_log_error = _flow_logs_by_resource(ctx, ec2)

    for vpc in ctx.paginate(ec2, "describe_vpcs", "Vpcs"):
        config = dict(vpc)
        if flow_log_error:
            config["_errors"] = {"DescribeFlowLogs": flow_log_error}
        else:
            config["FlowLogs"] = flow_logs.get(vpc["VpcId"], [])
        yield ctx.resource(EC2_VPC, vpc["VpcId"], arn=_arn(ctx, "vpc", vpc["VpcId"]),
                           tags=tags_from_list(vpc.get("Tags")), config=config)

    public_by_subnet = _subnet_routing(route_tables)
    for subnet in ctx.paginate(ec2, "describe_subnets", "Subnets"):
        table_id, public = public_by_subnet(subnet["SubnetId"], subnet["VpcId"])
        config = {**subnet, "_route_table": table_id, "_public": public}
        yield ctx.resource(EC2_SUBNET, subnet["SubnetId"], arn=subnet.get("SubnetArn", ""),
                           tags=tags_from_list(subnet.get("Tags")), config=config,
                           links={"vpc": [subnet["VpcId"]]})

    for table in route_tables:
        yield ctx.resource(EC2_ROUTE_TABLE, table["RouteTableId"], arn=_arn(ctx, "route-table", table["RouteTableId"]),
                           tags=tags_from_list(table.get("Tags")), config=table,
                           links={"vpc": [table.get("VpcId", "")],
                                  "subnets": [a.get("SubnetId", "") for a in table.get("Associations", [])]})

    for igw in ctx.paginate(ec2, "describe_internet_gateways", "InternetGateways"):
        yield ctx.resource(EC2_INTERNET_GATEWAY, igw["InternetGatewayId"],
                           arn=_arn(ctx, "internet-gateway", igw["InternetGatewayId"]),
                           tags=tags_from_list(igw.get("Tags")), config=igw,
                           links={"vpc": [a.get("VpcId", "") for a in igw.get("Attachments", [])]})

    for nat in ctx.paginate(ec2, "describe_nat_gateways", "NatGateways"):
        if nat.get("State") in GONE_NAT_STATES:
            continue
        yield ctx.resource(EC2_NAT_GATEWAY, nat["NatGatewayId"], arn=_arn(ctx, "natgateway", nat["NatGatewayId"]),
                           tags=tags_from_list(nat.get("Tags")), config=nat,
                           links={"vpc": [nat.get("VpcId", "")], "subnets": [nat.get("SubnetId", "")],
                                  "network_interfaces": [a.get("NetworkInterfaceId", "")
                                                         for a in nat.get("NatGatewayAddresses", [])]})

    for peering in ctx.paginate(ec2, "describe_vpc_peering_connections", "VpcPeeringConnections"):
        if (peering.get("Status") or {}).get("Code") in GONE_PEERING_STATES:
            continue
        sides = (peering.get("RequesterVpcInfo") or {}, peering.get("AccepterVpcInfo") or {})
        yield ctx.resource(EC2_VPC_PEERING_CONNECTION, peering["VpcPeeringConnectionId"],
                           arn=_arn(ctx, "vpc-peering-connection", peering["VpcPeeringConnectionId"]),
                           tags=tags_from_list(peering.get("Tags")), config=peering,
                           links={"vpc": [s.get("VpcId", "") for s in sides if s.get("OwnerId") == ctx.account]})

    # VPN gateways are a private path into the VPCs for administrators, like Client VPN.
    for vgw in ec2.describe_vpn_gateways().get("VpnGateways", []):
        if vgw.get("State") in ("deleting", "deleted"):
            continue
        yield ctx.resource(EC2_VPN_GATEWAY, vgw["VpnGatewayId"], arn=_arn(ctx, "vpn-gateway", vgw["VpnGatewayId"]),
                           tags=tags_from_list(vgw.get("Tags")), config=vgw,
                           links={"vpc": [a.get("VpcId", "") for a in vgw.get("VpcAttachments", [])
                                          if a.get("State") == "attached"]})


def _subnet_routing(route_tables: list[dict[str, Any]]):
    """A lookup subnet -> (route table id, public?), derived from the route tables already fetched:
    a subnet uses its explicitly associated table, else its VPC's main table, and is public when that
    table sends a default route to an internet gateway."""
    explicit: dict[str, dict[str, Any]] = {}
    main: dict[str, dict[str, Any]] = {}
    for table in route_tables:
        for association in table.get("Associations", []):
            if association.get("SubnetId"):
                explicit[association["SubnetId"]] = table
            elif association.get("Main"):
                main[table.get("VpcId", "")] = table

    def lookup(subnet_id: str, vpc_id: str) -> tuple[str | None, bool]:
        table = explicit.get(subnet_id) or main.get(vpc_id)
        if table is None:
            return None, False
        return table["RouteTableId"], routes_to_internet_gateway(table)

    return lookup


def routes_to_internet_gateway(table: dict[str, Any]) -> bool:
    """Whether a route table sends IPv4 or IPv6 default traffic to an internet gateway."""
    for route in table.get("Routes", []):
        destination = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
        if (destination in DEFAULT_ROUTES and str(route.get("GatewayId", "")).startswith("igw-")
                and route.get("State") != "blackhole"):
            return True
    return False


def _flow_logs_by_resource(ctx: CollectContext, ec2: Any) -> tuple[dict[str, list[dict[str, Any]]], str | None]:
    """Flow logs keyed by the VPC (or subnet, ENI) they log; an error code instead when they cannot be read."""
    try:
        logs = list(ctx.paginate(ec2, "describe_flow_logs", "FlowLogs"))
    except (ClientError, NotImplementedError) as error:
        code = error_code(error)
        ctx.note(f"describe_flow_logs: {code}")
        return {}, code
    by_resource: dict[str, list[dict[str, Any]]] = {}
    for log in logs:
        by_resource.setdefault(log.get("ResourceId", ""), []).append(log)
    return by_resource, None


def _arn(ctx: CollectContext, kind: str, resource_id: str) -> str:
    return f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account}:{kind}/{resource_id}"
