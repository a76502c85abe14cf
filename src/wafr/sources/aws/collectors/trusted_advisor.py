"""Trusted Advisor: each check's name, category and latest status, through the AWS Support API.

The API answers only accounts with Business, Enterprise On-Ramp or Enterprise Support; on a Basic or Developer
plan it answers SubscriptionRequiredException, recorded as coverage ``not-enabled`` (never as a denial)."""

from __future__ import annotations

from typing import Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import SUPPORT_TRUSTED_ADVISOR_CHECK
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import NotEnabled, error_code
from wafr.sources.aws.registry import collector

SUPPORT_REGION = "us-east-1"  # the Support API's endpoint in the aws partition
NEEDS_PLAN = "not available: the Trusted Advisor API needs a Business, Enterprise On-Ramp or Enterprise Support plan"
BATCH = 100  # check ids per summaries call


@collector(
    "trusted-advisor",
    client="support",
    resource_types=(SUPPORT_TRUSTED_ADVISOR_CHECK,),
    operations=("support:DescribeTrustedAdvisorChecks", "support:DescribeTrustedAdvisorCheckSummaries"),
    global_service=True,
)
def collect_trusted_advisor(ctx: CollectContext) -> Iterator[Resource]:
    support = ctx.client("support", SUPPORT_REGION if ctx.partition == "aws" else None)
    try:
        checks = support.describe_trusted_advisor_checks(language="en").get("checks") or []
    except ClientError as error:
        if error_code(error) == "SubscriptionRequiredException":
            raise NotEnabled(NEEDS_PLAN) from None
        raise
    by_id = {c["id"]: c for c in checks}
    ids = list(by_id)
    for start in range(0, len(ids), BATCH):
        summaries = support.describe_trusted_advisor_check_summaries(checkIds=ids[start:start + BATCH])
        for summary in summaries.get("summaries") or []:
            found = by_id.get(summary.get("checkId"), {})
            counts = summary.get("resourcesSummary") or {}
            savings = ((summary.get("categorySpecificSummary") or {}).get("costOptimizing") or {})
            # The description is HTML prose; the review needs the name, category, status and counts.
            config = {"source": "AWS Trusted Advisor", "name": found.get("name", ""),
                      "category": found.get("category", ""), "status": summary.get("status", ""),
                      "flagged": counts.get("resourcesFlagged", 0), "processed": counts.get("resourcesProcessed", 0),
                      "suppressed": counts.get("resourcesSuppressed", 0),
                      "estimatedMonthlySavings": savings.get("estimatedMonthlySavings"),
                      "timestamp": summary.get("timestamp", "")}
            yield ctx.resource(SUPPORT_TRUSTED_ADVISOR_CHECK, summary["checkId"], name=config["name"], config=config)
