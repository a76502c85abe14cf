"""IAM's name for an API operation: the action that authorises a botocore (service, operation).

Most IAM actions are "<signing name>:<OperationName>"; the exceptions are data below.
"""

from __future__ import annotations

from functools import cache
from typing import Iterable

from wafr.sources.aws.guard import Operation
from wafr.sources.aws.models import service_model

# Where the IAM action differs from the API operation's name (AWS's Service Authorization Reference).
IAM_ACTION_FOR = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3", "GetBucketReplication"): "s3:GetReplicationConfiguration",
    ("s3", "ListBucketIntelligentTieringConfigurations"): "s3:GetIntelligentTieringConfiguration",
    ("s3", "GetObjectLockConfiguration"): "s3:GetBucketObjectLockConfiguration",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
    ("budgets", "DescribeBudgets"): "budgets:ViewBudget",
    ("budgets", "DescribeBudget"): "budgets:ViewBudget",
    ("budgets", "DescribeNotificationsForBudget"): "budgets:ViewBudget",
}
# Signing names that are not IAM's service prefix.
SIGNING_NAME_PREFIX = {"monitoring": "cloudwatch", "s3control": "s3"}
# Services whose IAM actions are the HTTP method on the resource path: API Gateway (REST, HTTP and WebSocket APIs
# alike) authorises every read as "apigateway:GET".
HTTP_METHOD_ACTIONS = frozenset({"apigateway", "apigatewayv2"})


def iam_action(service_name: str, signing_name: str, operation: str) -> str:
    """The IAM action that authorises one API operation."""
    mapped = IAM_ACTION_FOR.get((service_name, operation))
    if mapped:
        return mapped
    return f"{SIGNING_NAME_PREFIX.get(signing_name, signing_name)}:{operation}"


@cache
def iam_action_of(service: str, operation: str) -> str:
    """The IAM action for a botocore (service, operation), its signing name read from botocore's model."""
    model = service_model(service)
    if service in HTTP_METHOD_ACTIONS:
        return f"{model.signing_name}:{model.operation_model(operation).http['method']}"
    return iam_action(service, model.signing_name, operation)


def iam_actions(operations: Iterable[Operation]) -> tuple[str, ...]:
    return tuple(sorted({iam_action_of(service, operation) for service, operation in operations}))
