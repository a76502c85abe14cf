"""The least-privilege read-only IAM policy a scan needs, built from the collectors' declarations."""

from __future__ import annotations

from typing import Any

from wafr.sources.aws.registry import all_collectors

# Calls the scan makes outside any collector: who am I, and which regions are enabled.
SESSION_PERMISSIONS = ("sts:GetCallerIdentity", "ec2:DescribeRegions")


def required_actions() -> list[str]:
    from wafr.metrics.collect import PERMISSIONS as METRIC_PERMISSIONS

    actions = set(SESSION_PERMISSIONS) | set(METRIC_PERMISSIONS)
    for c in all_collectors().values():
        actions.update(c.permissions)
    return sorted(actions)


def read_only_policy() -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "WafrReadOnlyReview",
            "Effect": "Allow",
            "Action": required_actions(),
            "Resource": "*",
        }],
    }


# Where the IAM action differs from the API operation's name (AWS's Service Authorization Reference).
# Everything else is "<signing name>:<OperationName>".
IAM_ACTION_FOR = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3", "GetBucketReplication"): "s3:GetReplicationConfiguration",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
    ("budgets", "DescribeBudgets"): "budgets:ViewBudget",
    ("budgets", "DescribeBudget"): "budgets:ViewBudget",
}
SIGNING_NAME_PREFIX = {"monitoring": "cloudwatch", "s3control": "s3"}


def iam_action(service_name: str, signing_name: str, operation: str) -> str:
    """The IAM action that authorises one API operation."""
    mapped = IAM_ACTION_FOR.get((service_name, operation))
    if mapped:
        return mapped
    return f"{SIGNING_NAME_PREFIX.get(signing_name, signing_name)}:{operation}"
