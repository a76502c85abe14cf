"""findings.asff.json: every check result in the AWS Security Finding Format, ready for Security Hub's
BatchImportFindings (at most 100 findings a call; README shows the command). Importing is the user's step: wafr
only writes the file, so the scan stays read-only."""

from __future__ import annotations

import json
from typing import Any

from wafr.checks.registry import FAIL, NOT_ASSESSED, PASS, SUPPRESSED
from wafr.findings import Finding
from wafr.framework import PILLAR_NAMES
from wafr.report.ocsf import partition
from wafr.report.results import results
from wafr.resource_types import (ACCOUNT, CLOUDTRAIL_TRAIL, DYNAMODB_TABLE, EC2_INSTANCE, EC2_NAT_GATEWAY,
                                 EC2_NETWORK_ACL, EC2_ROUTE_TABLE, EC2_SECURITY_GROUP, EC2_SUBNET, EC2_VOLUME, EC2_VPC,
                                 ECS_CLUSTER, ECS_SERVICE, ECS_TASK_DEFINITION, ELASTICACHE_CACHE_CLUSTER,
                                 ELB_LOAD_BALANCER, IAM_ACCESS_KEY, IAM_ROLE, IAM_USER, KMS_KEY, LAMBDA_FUNCTION,
                                 RDS_DB_CLUSTER, RDS_DB_INSTANCE, S3_BUCKET, SECRETSMANAGER_SECRET, SNS_TOPIC,
                                 SQS_QUEUE)
from wafr.review.model import Review

SCHEMA_VERSION = "2018-10-08"
COMPLIANCE = {PASS: "PASSED", FAIL: "FAILED", SUPPRESSED: "FAILED", NOT_ASSESSED: "NOT_AVAILABLE"}
# Security Hub's own resource types; any other type is "Other", as the format asks.
RESOURCE_TYPES = {
    ACCOUNT: "AwsAccount", EC2_VPC: "AwsEc2Vpc", EC2_SUBNET: "AwsEc2Subnet",
    EC2_SECURITY_GROUP: "AwsEc2SecurityGroup", EC2_INSTANCE: "AwsEc2Instance",
    EC2_VOLUME: "AwsEc2Volume", EC2_NAT_GATEWAY: "AwsEc2NatGateway",
    EC2_ROUTE_TABLE: "AwsEc2RouteTable", EC2_NETWORK_ACL: "AwsEc2NetworkAcl",
    RDS_DB_INSTANCE: "AwsRdsDbInstance", RDS_DB_CLUSTER: "AwsRdsDbCluster",
    IAM_USER: "AwsIamUser", IAM_ROLE: "AwsIamRole", IAM_ACCESS_KEY: "AwsIamAccessKey",
    S3_BUCKET: "AwsS3Bucket", ECS_SERVICE: "AwsEcsService", ECS_CLUSTER: "AwsEcsCluster",
    ECS_TASK_DEFINITION: "AwsEcsTaskDefinition", LAMBDA_FUNCTION: "AwsLambdaFunction",
    ELB_LOAD_BALANCER: "AwsElbv2LoadBalancer", KMS_KEY: "AwsKmsKey",
    DYNAMODB_TABLE: "AwsDynamoDbTable", CLOUDTRAIL_TRAIL: "AwsCloudTrailTrail",
    ELASTICACHE_CACHE_CLUSTER: "AwsElastiCacheCacheCluster", SECRETSMANAGER_SECRET:
        "AwsSecretsManagerSecret", SNS_TOPIC: "AwsSnsTopic", SQS_QUEUE: "AwsSqsQueue",
}
# The format's length limits (characters).
TITLE, DESCRIPTION, RECOMMENDATION, DETAIL = 256, 1024, 512, 1024
MAX_REQUIREMENTS = 32


def render(review: Review) -> str:
    findings = results(review, "ASFF")
    home = next((r for r in review.scope.get("regions", []) if r != "global"), "us-east-1")
    return json.dumps([_finding(f, review, home) for f in findings], indent=2, ensure_ascii=False) + "\n"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _finding(finding: Finding, review: Review, home: str) -> dict[str, Any]:
    r = finding.resource
    account = r.get("account", "")
    region = r.get("region") if r.get("region") not in (None, "", "global") else home
    part = partition(r.get("arn", ""))
    pillar = PILLAR_NAMES.get(finding.pillar, finding.pillar)
    resource = {"Type": RESOURCE_TYPES.get(r.get("type", ""), "Other"), "Id": r.get("arn") or r.get("id", ""),
                "Partition": part, "Region": region,
                "Details": {"Other": {k: _cut(str(r.get(k, "")), DETAIL) for k in ("type", "id", "name")}},
                "Tags": {"environment": finding.environment}}
    asff: dict[str, Any] = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": f"wafr/{account}/{finding.id}",
        # The account's own "default" product: findings a customer imports from their own tooling.
        "ProductArn": f"arn:{part}:securityhub:{region}:{account}:product/{account}/default",
        "ProductName": "wafr",
        "CompanyName": "wafr",
        "GeneratorId": f"wafr/{finding.check_id}",
        "AwsAccountId": account,
        "Region": region,
        "Types": [f"Software and Configuration Checks/AWS Well-Architected/{pillar}"],
        "CreatedAt": review.generated_at,
        "UpdatedAt": review.generated_at,
        # Passed controls are informational in Security Hub; everything else carries its risk.
        "Severity": {"Label": "INFORMATIONAL" if finding.status == PASS else finding.risk, "Original": finding.risk},
        "Title": _cut(finding.title, TITLE),
        "Description": _cut(finding.evidence or finding.title, DESCRIPTION),
        "Remediation": {"Recommendation": {"Text": _cut(finding.remediation, RECOMMENDATION)}},
        "ProductFields": {"wafr/pillar": finding.pillar, "wafr/focus_area": finding.focus_area,
                          "wafr/status": finding.status, "wafr/resource_name": _cut(r.get("name", ""), DETAIL)},
        "Resources": [resource],
        "Compliance": {"Status": COMPLIANCE.get(finding.status, "NOT_AVAILABLE"),
                       "RelatedRequirements": [f"AWS Well-Architected/{bp}"
                                               for bp in finding.best_practices[:MAX_REQUIREMENTS]]},
        "Workflow": {"Status": "SUPPRESSED" if finding.status == SUPPRESSED else "NEW"},
        "RecordState": "ACTIVE",
    }
    return asff
