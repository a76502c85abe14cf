"""The least-privilege read-only IAM policy a scan needs, built from the collectors' declarations."""

from __future__ import annotations

from typing import Any

from wafr.sources.aws.registry import all_collectors

# Calls the scan makes outside any collector: who am I, and which regions are enabled.
SESSION_PERMISSIONS = ("sts:GetCallerIdentity", "ec2:DescribeRegions")


def required_actions() -> list[str]:
    actions = set(SESSION_PERMISSIONS)
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
