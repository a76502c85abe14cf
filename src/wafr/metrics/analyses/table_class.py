"""DynamoDB table on the Standard class whose cost is mostly storage: data kept far more than it is read or written,
which the Standard-Infrequent Access class stores for about 60% less (its reads and writes cost about 25% more).

Storage is the table's and its global secondary indexes' size (DescribeTable, refreshed by DynamoDB about every
six hours). Throughput is the provisioned capacity for a provisioned table; for an on-demand table it is the
capacity units its reads and writes consumed over the look-back (CloudWatch publishes them only for hours with
activity, so an hour without a datapoint counts as none), scaled to a month; its indexes' own consumption is
published apart and not counted, which the evidence says.
"""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Estate, Resource
from wafr.metrics import pricing
from wafr.metrics.analyses.common import Context, pct, usd
from wafr.metrics.results import MetricResult, Saving, clean, fired, unknown
from wafr.resource_types import DYNAMODB_TABLE

ANALYSIS = "dynamodb-standard-for-storage"
READS, WRITES = "ConsumedReadCapacityUnits:Sum", "ConsumedWriteCapacityUnits:Sum"
MIN_SAVING_USD = 5.0  # a month: below this a class change is not worth a finding


def _throughput_monthly(ctx: Context, table: Resource, rates: dict[str, float]) -> tuple[float | None, str]:
    """What its reads and writes cost a month at Standard rates, and how that was reckoned (None: cannot tell)."""
    config, hours = table.config, pricing.hours_per_month()
    if (config.get("BillingModeSummary") or {}).get("BillingMode") != "PAY_PER_REQUEST":
        throughputs = [config.get("ProvisionedThroughput") or {}] + [
            index.get("ProvisionedThroughput") or {} for index in config.get("GlobalSecondaryIndexes") or []]
        reads = sum(t.get("ReadCapacityUnits", 0) for t in throughputs)
        writes = sum(t.get("WriteCapacityUnits", 0) for t in throughputs)
        return ((reads * rates["rcu_hour"] + writes * rates["wcu_hour"]) * hours,
                f"{reads} read and {writes} write capacity units provisioned, indexes included")
    gap = ctx.gap(table)
    if gap:
        return None, gap
    series = ctx.series(table)
    if not any(series.get(k) and series[k].present for k in (READS, WRITES)):
        return None, (f"CloudWatch returned no consumed capacity datapoints for the {ctx.window.days:.0f}-day window, "
                      "so its on-demand throughput is unknown")
    scale = hours / (ctx.window.days * 24)
    reads, writes = (sum(series[k].present) * scale if series.get(k) else 0.0 for k in (READS, WRITES))
    return (reads / 1e6 * rates["read_request_million"] + writes / 1e6 * rates["write_request_million"],
            f"on demand, {reads:,.0f} read and {writes:,.0f} write units a month as consumed over "
            f"{ctx.window.days:.0f} days, its indexes' units not counted")


def analyse(ctx: Context, table: Resource) -> MetricResult:
    if table.errors.get("DescribeTable"):
        return unknown(ANALYSIS, table, f"DescribeTable failed for this table ({table.errors['DescribeTable']}), so "
                                        "its size and capacity are unknown")
    found = pricing.dynamodb_rates(table.region)
    if found is None:
        return unknown(ANALYSIS, table, f"no DynamoDB price is recorded for {table.region}")
    rates, infrequent, basis = found
    throughput, how = _throughput_monthly(ctx, table, rates)
    if throughput is None:
        return unknown(ANALYSIS, table, how)
    size = table.config.get("TableSizeBytes", 0) + sum(
        index.get("IndexSizeBytes", 0) for index in table.config.get("GlobalSecondaryIndexes") or [])
    storage = size / 2**30 * rates["storage_gb_month"]
    current = storage + throughput
    infrequent_cost = storage * infrequent["storage_factor"] + throughput * infrequent["throughput_factor"]
    share = storage / current if current else 0.0
    numbers = {"size_gib": round(size / 2**30, 2), "storage_monthly_usd": round(storage, 2),
               "throughput_monthly_usd": round(throughput, 2), "storage_share": round(share, 3)}
    usage = (f"it stores {size / 2**30:,.1f} GiB ({usd(storage)} a month) and its reads and writes cost "
             f"{usd(throughput)} a month ({how}): storage is {pct(100 * share)} of what it costs")
    saving = current - infrequent_cost
    if saving < MIN_SAVING_USD:
        return clean(ANALYSIS, table, f"{usage}; Standard fits how it is used", numbers=numbers)
    numbers["monthly_saving_usd"] = round(saving, 2)
    return fired(ANALYSIS, table, f"{usage}; Standard-Infrequent Access would cost {usd(infrequent_cost)} and save "
                                  f"{usd(saving)} a month",
                 numbers=numbers, charts=tuple(k for k in (READS, WRITES) if k in ctx.series(table)),
                 saving=Saving(saving, current, infrequent_cost, f"{how}, {basis}", basis),
                 recommendation=f"Change the table class of {table.label} to STANDARD_INFREQUENT_ACCESS (an online "
                                "change, allowed twice in 30 days) and archive or expire what nobody reads.")


def run(ctx: Context, estate: Estate) -> Iterator[MetricResult]:
    for table in estate.of_type(DYNAMODB_TABLE):
        table_class = (table.config.get("TableClassSummary") or {}).get("TableClass", "STANDARD")
        if table_class == "STANDARD":
            yield analyse(ctx, table)
