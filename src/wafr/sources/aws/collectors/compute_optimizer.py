"""Compute Optimizer: AWS's own right-sizing recommendations for EC2 instances, Auto Scaling groups, EBS volumes,
Lambda functions, ECS services on Fargate and RDS databases, as evidence for the checks that cite it.

An account that has not opted in is recorded as coverage ``not-enabled`` (never as a denial, never as a pass);
a denied enrollment read is ``denied``. One kind of recommendation that cannot be read is a note on coverage."""

from __future__ import annotations

from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import COMPUTE_OPTIMIZER_RECOMMENDATION
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import NotEnabled, error_code
from wafr.sources.aws.registry import collector

NOT_OPTED_IN = {"OptInRequiredException"}

# per kind: (call, response key, ARN field, what the review calls it, finding field, reasons field, options field)
KINDS = (
    ("get_ec2_instance_recommendations", "instanceRecommendations", "instanceArn", "EC2 instance",
     "finding", "findingReasonCodes", "recommendationOptions"),
    ("get_auto_scaling_group_recommendations", "autoScalingGroupRecommendations", "autoScalingGroupArn",
     "Auto Scaling group", "finding", "findingReasonCodes", "recommendationOptions"),
    ("get_ebs_volume_recommendations", "volumeRecommendations", "volumeArn", "EBS volume",
     "finding", "findingReasonCodes", "volumeRecommendationOptions"),
    ("get_lambda_function_recommendations", "lambdaFunctionRecommendations", "functionArn", "Lambda function",
     "finding", "findingReasonCodes", "memorySizeRecommendationOptions"),
    ("get_ecs_service_recommendations", "ecsServiceRecommendations", "serviceArn", "ECS service",
     "finding", "findingReasonCodes", "serviceRecommendationOptions"),
    ("get_rds_database_recommendations", "rdsDBRecommendations", "resourceArn", "RDS database",
     "instanceFinding", "instanceFindingReasonCodes", "instanceRecommendationOptions"),
)


def _size(entry: dict[str, Any]) -> str:
    """The size a recommendation (or the current configuration) names, whatever the resource kind calls it."""
    config = entry.get("configuration") or entry
    for key in ("instanceType", "currentInstanceType", "dbInstanceClass", "currentDBInstanceClass", "memorySize",
                "currentMemorySize"):
        if config.get(key) not in (None, ""):
            return str(config[key])
    if config.get("volumeType"):
        return f"{config['volumeType']} {config.get('volumeSize', '?')} GiB"
    if config.get("cpu") or config.get("memory"):
        return f"{config.get('cpu', '?')} CPU units / {config.get('memory', '?')} MiB"
    return ""


def direction(finding: str, reasons: list[str]) -> str:
    """over, under, optimized or not-optimized, from Compute Optimizer's finding and its reason codes."""
    words = [finding.lower(), *(r.lower() for r in reasons)]
    if any("underprovisioned" in w for w in words):
        return "under"
    if any("overprovisioned" in w for w in words):
        return "over"
    return "optimized" if finding.lower() == "optimized" else "not-optimized"


def normalized(item: dict[str, Any], arn_key: str, kind: str, finding_key: str, reasons_key: str,
               options_key: str) -> dict[str, Any]:
    finding, reasons = str(item.get(finding_key) or ""), list(item.get(reasons_key) or [])
    options = sorted(item.get(options_key) or [], key=lambda o: o.get("rank", 99))
    best = options[0] if options else {}
    savings = ((best.get("savingsOpportunity") or {}).get("estimatedMonthlySavings") or {})
    current = item.get("currentConfiguration") or item.get("currentServiceConfiguration") or item
    return {"source": "AWS Compute Optimizer", "resourceArn": item.get(arn_key, ""), "resourceKind": kind,
            "finding": finding, "reasons": reasons, "direction": direction(finding, reasons),
            "current": _size(current), "recommended": _size(best) if best else "",
            "estimatedMonthlySavings": savings.get("value"), "currency": savings.get("currency", "USD"),
            "lookBackPeriodInDays": item.get("lookBackPeriodInDays"),
            "utilization": item.get("utilizationMetrics") or []}


def _pages(client: Any, call: str, key: str) -> Iterator[dict[str, Any]]:
    token = None
    while True:
        response = getattr(client, call)(**({"nextToken": token} if token else {}))
        yield from response.get(key) or []
        token = response.get("nextToken")
        if not token:
            return


@collector(
    "compute-optimizer",
    resource_types=(COMPUTE_OPTIMIZER_RECOMMENDATION,),
    operations=("compute-optimizer:GetEnrollmentStatus", "compute-optimizer:GetEC2InstanceRecommendations",
                "compute-optimizer:GetAutoScalingGroupRecommendations",
                "compute-optimizer:GetEBSVolumeRecommendations",
                "compute-optimizer:GetLambdaFunctionRecommendations",
                "compute-optimizer:GetECSServiceRecommendations",
                "compute-optimizer:GetRDSDatabaseRecommendations"),
)
def collect_compute_optimizer(ctx: CollectContext) -> Iterator[Resource]:
    client = ctx.client("compute-optimizer")
    try:
        status = client.get_enrollment_status().get("status", "")
    except ClientError as error:
        if error_code(error) in NOT_OPTED_IN:
            raise NotEnabled("Compute Optimizer: the account has not opted in") from None
        raise
    if status != "Active":
        raise NotEnabled(f"Compute Optimizer: the account has not opted in (enrollment status {status or 'unknown'})")
    for call, key, arn_key, kind, finding_key, reasons_key, options_key in KINDS:
        try:
            items = list(_pages(client, call, key))
        except ClientError as error:  # one kind unread is a partial gap, not the whole source's
            ctx.note(f"{kind} recommendations not read ({error_code(error)})")
            continue
        for item in items:
            config = normalized(item, arn_key, kind, finding_key, reasons_key, options_key)
            arn = config["resourceArn"]
            # No arn of its own: the ARN index must keep naming the instance, function or volume itself.
            yield ctx.resource(COMPUTE_OPTIMIZER_RECOMMENDATION, arn, name=arn.rsplit("/", 1)[-1].rsplit(":", 1)[-1],
                               config=config)
