"""CloudWatch Logs: log groups kept for ever."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.registry import Result, check, fail, passed
from wafr.estate import Estate
from wafr.resource_types import LOGS_LOG_GROUP



@check(
    "log-group-retention-unlimited",
    title="CloudWatch log group keeps its logs for ever",
    pillar="sustainability",
    focus_area="Data lifecycle",
    risk="LOW",
    best_practices=["SUS04-BP03", "COST04-BP05"],
    remediation="Set a retention period on the log group that meets the audit and troubleshooting needs (for example "
                "30 days for application logs, longer for audit logs), exporting to S3 with a lifecycle what must be "
                "kept longer.",
    resource_types=[LOGS_LOG_GROUP],
    needs=("logs",),
    bullet="Set a retention period on the log groups {resources}",
)
def log_group_retention_unlimited(estate: Estate) -> Iterator[Result]:
    for group in estate.of_type(LOGS_LOG_GROUP):
        days = group.config.get("retentionInDays")
        stored = group.config.get("storedBytes")
        size = f" ({stored / 2**30:.1f} GiB stored)" if isinstance(stored, (int, float)) and stored else ""
        if days:
            yield passed(group, f"Logs are kept {days} days.")
        else:
            yield fail(group, f"No retention is set: logs are kept, and paid for, for ever{size}.")
