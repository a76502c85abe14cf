"""What a scan may call: every collector's declared reads, and the calls made outside the collectors.

The guard installs this set on every scan session and ``wafr iam-policy`` grants it, so the two cannot drift
apart. The calls outside the collectors are declared here rather than beside the code that makes them, because
the sessions that code runs in are guarded with this very set.
"""

from __future__ import annotations

from wafr.sources.aws import guard
from wafr.sources.aws.registry import all_collectors

# Every scan: who am I, and which regions are enabled (wafr.sources.aws.session).
SESSION_OPERATIONS = guard.reads("sts:GetCallerIdentity", "ec2:DescribeRegions")
# Discovery and role assumption (wafr.sources.aws.organization); ListAccounts is the organizations collector's too.
ORGANIZATION_OPERATIONS = guard.reads("organizations:ListAccounts", "sts:AssumeRole")
# Metric collection (wafr.metrics.collect).
METRIC_OPERATIONS = guard.reads("cloudwatch:GetMetricData")


def scan_allowlist() -> frozenset[guard.Operation]:
    """Every operation a scan may call: collectors, metric collection, session set-up and organization discovery."""
    allowed = set(SESSION_OPERATIONS) | set(ORGANIZATION_OPERATIONS) | set(METRIC_OPERATIONS)
    for collector in all_collectors().values():
        allowed |= collector.operations
    return frozenset(allowed)
