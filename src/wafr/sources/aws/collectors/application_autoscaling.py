"""Application Auto Scaling: what scales (ECS services, DynamoDB tables, Aurora replicas, ElastiCache) and how."""

from __future__ import annotations

from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import APP_AUTOSCALING_SCALABLE_TARGET, APP_AUTOSCALING_SCALING_POLICY
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector

# The API has no "all namespaces" call; these are the ones the review's workloads run on.
NAMESPACES = ("ecs", "dynamodb", "rds", "elasticache")


def target_id(target: dict[str, Any]) -> str:
    """One resource can have several targets (a table's reads and writes), so the dimension is part of the id."""
    return f"{target['ResourceId']}|{target['ScalableDimension']}"


@collector(
    "application-autoscaling",
    resource_types=(APP_AUTOSCALING_SCALABLE_TARGET, APP_AUTOSCALING_SCALING_POLICY),
    operations=("application-autoscaling:DescribeScalableTargets",
                "application-autoscaling:DescribeScalingPolicies"),
)
def collect_application_autoscaling(ctx: CollectContext) -> Iterator[Resource]:
    client = ctx.client("application-autoscaling")
    for namespace in NAMESPACES:
        try:
            yield from _namespace(ctx, client, namespace)
        except ClientError as error:
            if error_code(error) != "ValidationException":
                raise  # denied or failing: a coverage gap, never an empty answer
            # A namespace this endpoint does not know; the others still count.
            ctx.note(f"application-autoscaling {namespace}: not available here")


def _namespace(ctx: CollectContext, client: Any, namespace: str) -> list[Resource]:
    found = []
    for target in ctx.paginate(client, "describe_scalable_targets", "ScalableTargets", ServiceNamespace=namespace):
        found.append(ctx.resource(APP_AUTOSCALING_SCALABLE_TARGET, target_id(target),
                                  arn=target.get("ScalableTargetARN", ""), name=target["ResourceId"], config=target))
    for policy in ctx.paginate(client, "describe_scaling_policies", "ScalingPolicies", ServiceNamespace=namespace):
        found.append(ctx.resource(APP_AUTOSCALING_SCALING_POLICY, policy["PolicyARN"], arn=policy["PolicyARN"],
                                  name=policy["PolicyName"], config=policy))
    return found
