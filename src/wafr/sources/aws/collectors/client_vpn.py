"""Client VPN endpoints: the private path for people into the VPCs. A collector of its own, so coverage
shows when they could not be read (moto does not implement the API)."""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Resource
from wafr.resource_types import EC2_CLIENT_VPN_ENDPOINT
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.registry import collector



@collector(
    "client-vpn",
    client="ec2",
    resource_types=(EC2_CLIENT_VPN_ENDPOINT,),
    operations=("ec2:DescribeClientVpnEndpoints",),
)
def collect_client_vpn(ctx: CollectContext) -> Iterator[Resource]:
    ec2 = ctx.client("ec2")
    for endpoint in ctx.paginate(ec2, "describe_client_vpn_endpoints", "ClientVpnEndpoints"):
        if (endpoint.get("Status") or {}).get("Code") == "deleted":
            continue
        endpoint_id = endpoint["ClientVpnEndpointId"]
        yield ctx.resource(
            EC2_CLIENT_VPN_ENDPOINT, endpoint_id,
            arn=f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account}:client-vpn-endpoint/{endpoint_id}",
            tags=tags_from_list(endpoint.get("Tags")), config=endpoint,
            links={"vpc": [endpoint.get("VpcId", "")], "security_groups": endpoint.get("SecurityGroupIds", [])},
        )
