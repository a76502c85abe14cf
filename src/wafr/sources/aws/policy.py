"""The least-privilege read-only IAM policy a scan needs: the guard's allowlist in IAM's names.

Both come from the same declarations (allowlist.scan_allowlist), so the policy grants exactly what the guard lets
a scan call; IAM's name for each operation comes from iam_names.
"""

from __future__ import annotations

from typing import Any

from wafr.sources.aws.allowlist import scan_allowlist
from wafr.sources.aws.iam_names import IAM_ACTION_FOR, iam_action, iam_action_of, iam_actions  # noqa: F401 (re-exported)


def required_actions() -> list[str]:
    return list(iam_actions(scan_allowlist()))


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
