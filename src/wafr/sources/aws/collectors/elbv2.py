"""Elastic Load Balancing v2: application, network and gateway load balancers with their attributes (access logs,
deletion protection, cross-zone, header handling) and listeners; target groups with their health checks and the
health of their registered targets."""

from __future__ import annotations

from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import ELB_LISTENER, ELB_LOAD_BALANCER, ELB_TARGET_GROUP
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.registry import collector

TAG_BATCH = 20  # DescribeTags takes at most 20 ARNs per call


@collector(
    "elbv2",
    resource_types=(ELB_LOAD_BALANCER, ELB_LISTENER, ELB_TARGET_GROUP),
    operations=("elbv2:DescribeLoadBalancers", "elbv2:DescribeListeners", "elbv2:DescribeLoadBalancerAttributes",
                "elbv2:DescribeTargetGroups", "elbv2:DescribeTargetHealth", "elbv2:DescribeTags"),
)
def collect_elbv2(ctx: CollectContext) -> Iterator[Resource]:
    elbv2 = ctx.client("elbv2")
    balancers = list(ctx.paginate(elbv2, "describe_load_balancers", "LoadBalancers"))
    groups, groups_error = _target_groups(ctx, elbv2)
    tags, tag_error = _tags(ctx, elbv2, [lb["LoadBalancerArn"] for lb in balancers]
                            + [g["TargetGroupArn"] for g in groups])
    for lb in balancers:
        arn = lb["LoadBalancerArn"]
        config: dict[str, Any] = dict(lb)
        errors = {"DescribeTags": tag_error} if tag_error else {}
        if groups_error:  # which targets it serves is unknown
            errors["DescribeTargetGroups"] = groups_error
        listeners: list[dict[str, Any]] = []
        try:
            listeners = list(ctx.paginate(elbv2, "describe_listeners", "Listeners", LoadBalancerArn=arn))
        except (ClientError, NotImplementedError) as error:
            errors["DescribeListeners"] = error_code(error)
            ctx.note(f"describe_listeners {lb['LoadBalancerName']}: {error_code(error)}")
        try:
            attributes = elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn).get("Attributes", [])
            config["Attributes"] = {a["Key"]: a.get("Value", "") for a in attributes}
        except (ClientError, NotImplementedError) as error:
            errors["DescribeLoadBalancerAttributes"] = error_code(error)
            ctx.note(f"describe_load_balancer_attributes {lb['LoadBalancerName']}: {error_code(error)}")
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
                config=_without_free_text(listener), links={"load_balancer": [arn]},
            )
    for group in groups:
        yield _target_group(ctx, elbv2, group, tags.get(group["TargetGroupArn"], {}), tag_error)


def _target_groups(ctx: CollectContext, elbv2: Any) -> tuple[list[dict[str, Any]], str | None]:
    try:
        return list(ctx.paginate(elbv2, "describe_target_groups", "TargetGroups")), None
    except (ClientError, NotImplementedError) as error:
        ctx.note(f"describe_target_groups: {error_code(error)}")
        return [], error_code(error)


def _target_group(ctx: CollectContext, elbv2: Any, group: dict[str, Any], tags: dict[str, str],
                  tag_error: str | None) -> Resource:
    """A target group with its registered targets (Targets: DescribeTargetHealth's descriptions)."""
    arn = group["TargetGroupArn"]
    config: dict[str, Any] = dict(group)
    errors = {"DescribeTags": tag_error} if tag_error else {}
    try:
        config["Targets"] = elbv2.describe_target_health(TargetGroupArn=arn).get("TargetHealthDescriptions", [])
    except (ClientError, NotImplementedError) as error:
        errors["DescribeTargetHealth"] = error_code(error)
        ctx.note(f"describe_target_health {group.get('TargetGroupName', arn)}: {error_code(error)}")
    if errors:
        config["_errors"] = errors
    instances = [t["Target"]["Id"] for t in config.get("Targets", [])
                 if group.get("TargetType") == "instance" and t.get("Target", {}).get("Id")]
    return ctx.resource(
        ELB_TARGET_GROUP, arn, arn=arn, name=group.get("TargetGroupName", ""), tags=tags, config=config,
        links={"load_balancers": list(dict.fromkeys(group.get("LoadBalancerArns") or [])),
               "vpc": [group.get("VpcId", "")], "instances": instances},
    )


def _tags(ctx: CollectContext, elbv2: Any, arns: list[str]) -> tuple[dict[str, dict[str, str]], str | None]:
    """Tags per load balancer or target group ARN; an error code instead when they cannot be read."""
    found: dict[str, dict[str, str]] = {}
    try:
        for start in range(0, len(arns), TAG_BATCH):
            for item in elbv2.describe_tags(ResourceArns=arns[start:start + TAG_BATCH]).get("TagDescriptions", []):
                found[item["ResourceArn"]] = tags_from_list(item.get("Tags"))
    except (ClientError, NotImplementedError) as error:
        ctx.note(f"describe_tags: {error_code(error)}")
        return found, error_code(error)
    return found, None


# Listener actions may carry an OIDC client secret and a fixed response's body (free text): the checks read an action's
# type, protocol and port, never these.
_FREE_TEXT = {"AuthenticateOidcConfig": ("ClientSecret", "AuthenticationRequestExtraParams"),
              "AuthenticateCognitoConfig": ("AuthenticationRequestExtraParams",),
              "FixedResponseConfig": ("MessageBody",)}


def _without_free_text(listener: dict[str, Any]) -> dict[str, Any]:
    actions = []
    for action in listener.get("DefaultActions") or []:
        action = dict(action)
        for key, dropped in _FREE_TEXT.items():
            if isinstance(action.get(key), dict):
                action[key] = {k: v for k, v in action[key].items() if k not in dropped}
        actions.append(action)
    return {**listener, "DefaultActions": actions} if "DefaultActions" in listener else listener
