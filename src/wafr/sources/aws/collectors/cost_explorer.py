"""Cost Explorer: Savings Plans coverage and utilization and Reserved Instance coverage over the last 30 days.

Each Cost Explorer request is billed ($0.01 at the time of writing), so this reads each figure once per account
(three requests, no pagination): $0.03 per account scanned. An account where Cost Explorer was never enabled, or
has no data yet, is recorded as coverage ``not-enabled``; a denied read as ``denied``."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import CE_COMMITMENT_SUMMARY
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import NotEnabled, error_code
from wafr.sources.aws.registry import collector

CE_REGION = "us-east-1"  # Cost Explorer's endpoint in the aws partition
WINDOW_DAYS = 30


def not_enabled(error: ClientError) -> str | None:
    err = error.response.get("Error", {})
    if err.get("Code") == "AccessDeniedException" and "not enabled for cost explorer" in err.get("Message", "").lower():
        return "Cost Explorer is not enabled for this account (or its payer account)"
    if err.get("Code") == "DataUnavailableException":
        return "Cost Explorer has no data for the period yet"
    return None


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def window(today: dt.date) -> dict[str, str]:
    return {"Start": (today - dt.timedelta(days=WINDOW_DAYS)).isoformat(), "End": today.isoformat()}


def savings_plans_coverage(coverages: list[dict[str, Any]]) -> dict[str, Any]:
    """Spend covered by Savings Plans, summed over the periods Cost Explorer returned."""
    covered = sum(_number((c.get("Coverage") or {}).get("SpendCoveredBySavingsPlans")) or 0 for c in coverages)
    on_demand = sum(_number((c.get("Coverage") or {}).get("OnDemandCost")) or 0 for c in coverages)
    total = covered + on_demand
    return {"spendCovered": round(covered, 2), "onDemandCost": round(on_demand, 2),
            "coveragePercentage": round(100 * covered / total, 1) if total else None}


@collector(
    "cost-explorer",
    client="ce",
    resource_types=(CE_COMMITMENT_SUMMARY,),
    operations=("ce:GetSavingsPlansCoverage", "ce:GetSavingsPlansUtilization", "ce:GetReservationCoverage"),
    global_service=True,
)
def collect_cost_explorer(ctx: CollectContext) -> Iterator[Resource]:
    ce = ctx.client("ce", CE_REGION if ctx.partition == "aws" else None)
    period = window(dt.datetime.now(dt.timezone.utc).date())
    try:
        coverage = ce.get_savings_plans_coverage(TimePeriod=period, Granularity="MONTHLY")
    except ClientError as error:
        if why := not_enabled(error):
            raise NotEnabled(why) from None
        raise
    covered = savings_plans_coverage(coverage.get("SavingsPlansCoverages") or [])
    config: dict[str, Any] = {"source": "AWS Cost Explorer", "period": period, "savingsPlansCoverage": covered}
    try:
        total = ce.get_savings_plans_utilization(TimePeriod=period).get("Total") or {}
        use = total.get("Utilization") or {}
        config["savingsPlansUtilization"] = {
            "totalCommitment": _number(use.get("TotalCommitment")),
            "unusedCommitment": _number(use.get("UnusedCommitment")),
            "utilizationPercentage": _number(use.get("UtilizationPercentage"))}
    except ClientError as error:  # no Savings Plan at all answers DataUnavailableException: nothing to use
        if error_code(error) != "DataUnavailableException":
            ctx.note(f"Savings Plans utilization not read ({error_code(error)})")
        config["savingsPlansUtilization"] = None
    try:
        hours = (ce.get_reservation_coverage(TimePeriod=period).get("Total") or {}).get("CoverageHours") or {}
        config["reservationCoverage"] = {
            "reservedHours": _number(hours.get("ReservedHours")), "onDemandHours": _number(hours.get("OnDemandHours")),
            "coveragePercentage": _number(hours.get("CoverageHoursPercentage"))}
    except ClientError as error:
        ctx.note(f"Reserved Instance coverage not read ({error_code(error)})")
        config["reservationCoverage"] = None
    yield ctx.resource(CE_COMMITMENT_SUMMARY, ctx.account, name="Savings Plans and reservations", config=config)
