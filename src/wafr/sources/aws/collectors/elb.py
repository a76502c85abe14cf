"""Classic Load Balancers (Elastic Load Balancing's first generation): listeners, zones and registered instances,
with their attributes (cross-zone, access logs, connection draining) and tags."""

from __future__ import annotations

from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import ELB_CLASSIC_LOAD_BALANCER
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector

TAG_BATCH = 20  # DescribeTags takes at most 20 load balancer names per call


@collector(
    "elb",
    resource_types=(ELB_CLASSIC_LOAD_BALANCER,),
    operations=("elb:DescribeLoadBalancers", "elb:DescribeLoadBalancerAttributes", "elb:DescribeTags"),
)
def collect_elb(ctx: CollectContext) -> Iterator[Resource]:
    elb = ctx.client("elb")
    balancers = list(ctx.paginate(elb, "describe_load_balancers", "LoadBalancerDescriptions"))
    tags, tag_error = _tags(ctx, elb, [lb["LoadBalancerName"] for lb in balancers])
    for lb in balancers:
        name = lb["LoadBalancerName"]
        config: dict[str, Any] = dict(lb)
        errors = {"DescribeTags": tag_error} if tag_error else {}
        try:
            config["Attributes"] = elb.describe_load_balancer_attributes(
                LoadBalancerName=name).get("LoadBalancerAttributes", {})
        except (ClientError, NotImplementedError) as error:
            errors["DescribeLoadBalancerAttributes"] = error_code(error)
            ctx.note(f"describe_load_balancer_attributes {name}: {error_code(error)}")
        if errors:
            config["_errors"] = errors
        yield ctx.resource(
            ELB_CLASSIC_LOAD_BALANCER, name, name=name, tags=tags.get(name, {}), config=config,
            arn=f"arn:{ctx.partition}:elasticloadbalancing:{ctx.region}:{ctx.account}:loadbalancer/{name}",
            links={"vpc": [lb.get("VPCId", "")], "subnets": lb.get("Subnets", []),
                   "security_groups": lb.get("SecurityGroups", []),
                   "instances": [i.get("InstanceId", "") for i in lb.get("Instances", [])]},
        )


def _tags(ctx: CollectContext, elb: Any, names: list[str]) -> tuple[dict[str, dict[str, str]], str | None]:
    """Tags per load balancer name; an error code instead when they cannot be read."""
    found: dict[str, dict[str, str]] = {}
    try:
        for start in range(0, len(names), TAG_BATCH):
            for item in elb.describe_tags(LoadBalancerNames=names[start:start + TAG_BATCH]).get("TagDescriptions", []):
                found[item["LoadBalancerName"]] = tags_from_list(item.get("Tags"))
    except (ClientError, NotImplementedError) as error:
        ctx.note(f"describe_tags: {error_code(error)}")
        return found, error_code(error)
    return found, None
