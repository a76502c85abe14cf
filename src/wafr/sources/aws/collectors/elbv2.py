"""Elastic Load Balancing v2: application, network and gateway load balancers and their listeners."""

from __future__ import annotations

from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import ELB_LISTENER, ELB_LOAD_BALANCER
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.registry import collector

TAG_BATCH = 20  # DescribeTags takes at most 20 ARNs per call


@collector(
    "elbv2",
    resource_types=(ELB_LOAD_BALANCER, ELB_LISTENER),
    operations=("elbv2:DescribeLoadBalancers", "elbv2:DescribeListeners",
                "elbv2:DescribeTags"),
)
def collect_elbv2(ctx: CollectContext) -> Iterator[Resource]:
    elbv2 = ctx.client("elbv2")
    balancers = list(ctx.paginate(elbv2, "describe_load_balancers", "LoadBalancers"))
    tags, tag_error = _tags(ctx, elbv2, [lb["LoadBalancerArn"] for lb in balancers])
    for lb in balancers:
        arn = lb["LoadBalancerArn"]
        config: dict[str, Any] = dict(lb)
        errors = {"DescribeTags": tag_error} if tag_error else {}
        listeners: list[dict[str, Any]] = []
        try:
            listeners = list(ctx.paginate(elbv2, "describe_listeners", "Listeners", LoadBalancerArn=arn))
        except (ClientError, NotImplementedError) as error:
            errors["DescribeListeners"] = error_code(error)
            ctx.note(f"describe_listeners {lb['LoadBalancerName']}: {error_code(error)}")
        if errors:
            config["_errors"] = errors
        yield ctx.resource(
            ELB_LOAD_BALANCER, arn, arn=arn, name=lb["LoadBalancerName"], tags=tags.get(arn, {}), config=config,
            links={"vpc": [lb.get("VpcId", "")],
                   "subnets": [z.get("SubnetId", "") for z in lb.get("AvailabilityZones", [])],
                   "security_groups": lb.get("SecurityGroups", [])},
        )
        for listener in listeners:
            yield ctx.resource(
                ELB_LISTENER, listener["ListenerArn"], arn=listener["ListenerArn"],
                name=f"{lb['LoadBalancerName']}:{listener.get('Protocol', '')}:{listener.get('Port', '')}",
                config=listener, links={"load_balancer": [arn]},
            )


def _tags(ctx: CollectContext, elbv2: Any, arns: list[str]) -> tuple[dict[str, dict[str, str]], str | None]:
    """Tags per load balancer ARN; an error code instead when they cannot be read."""
    found: dict[str, dict[str, str]] = {}
    try:
        for start in range(0, len(arns), TAG_BATCH):
            for item in elbv2.describe_tags(ResourceArns=arns[start:start + TAG_BATCH]).get("TagDescriptions", []):
                found[item["ResourceArn"]] = tags_from_list(item.get("Tags"))
    except (ClientError, NotImplementedError) as error:
        ctx.note(f"describe_tags: {error_code(error)}")
        return found, error_code(error)
    return found, None
