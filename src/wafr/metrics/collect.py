"""Reading the series from CloudWatch: batched GetMetricData, one worker per region, coverage per region.

Limits (CloudWatch API reference, GetMetricData): at most 500 queries and 100,800 datapoints a call, more
pages through NextToken; hourly data is kept 455 days, 5-minute data 63 days, 1-minute data 15 days.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, Callable, Iterator

from wafr.errors import WafrError
from wafr.estate import Coverage, Estate
from wafr.metrics.catalog import MetricSpec, Target, targets
from wafr.metrics.series import Window, compact, iso, metric_key
from wafr.sources.aws.allowlist import METRIC_OPERATIONS as OPERATIONS
from wafr.sources.aws.errors import classify
from wafr.sources.aws.guard import ReadOnlyViolation
from wafr.sources.aws.iam_names import iam_actions

# The operations metric collection calls (declared with the scan's allowlist) and their IAM actions.
PERMISSIONS = iam_actions(OPERATIONS)
SERVICE = "cloudwatch-metrics"  # the coverage key

MAX_QUERIES_PER_CALL = 500
MAX_DATAPOINTS_PER_CALL = 100_800
MAX_WORKERS = 8
# Shortest period CloudWatch still holds for data this old: (age in days, period in seconds).
RETENTION = ((15, 60), (63, 300), (455, 3600))

ProgressFn = Callable[[str, int, int], None]


def plan_window(lookback_days: float, period_seconds: int, now: dt.datetime | None = None) -> Window:
    """The look-back ending on the last whole period, checked against what CloudWatch retains."""
    if period_seconds < 60 or period_seconds % 60:
        raise WafrError(f"--period must be a multiple of 60 seconds (got {period_seconds}).")
    if lookback_days <= 0:
        raise WafrError(f"--lookback must be a positive number of days (got {lookback_days}).")
    for age, shortest in RETENTION:
        if lookback_days <= age:
            if period_seconds < shortest:
                raise WafrError(f"CloudWatch keeps data older than {_previous_age(age)} days only at periods of "
                                f"{shortest} s or more; use --period {shortest} or a shorter --lookback.")
            break
    else:
        raise WafrError(f"CloudWatch keeps metrics for 455 days; --lookback {lookback_days} is longer.")
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    epoch = int(now.timestamp()) // period_seconds * period_seconds
    end = dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    return Window(end - dt.timedelta(days=lookback_days), end, period_seconds)


def _previous_age(age: int) -> int:
    ages = [a for a, _ in RETENTION]
    return ages[ages.index(age) - 1] if ages.index(age) else 0


def queries_per_call(window: Window) -> int:
    return max(1, min(MAX_QUERIES_PER_CALL, MAX_DATAPOINTS_PER_CALL // (window.points + 1)))


def _queries(pairs: list[tuple[Target, MetricSpec]], period: int) -> tuple[list[dict[str, Any]],
                                                                          dict[str, tuple[str, str]]]:
    """GetMetricData queries, and which (resource key, series key) each query id fills."""
    queries, meaning = [], {}
    for number, (target, spec) in enumerate(pairs):
        query_id = f"q{number}"
        meaning[query_id] = (metric_key(target.resource), spec.key)
        queries.append({"Id": query_id, "ReturnData": True, "MetricStat": {
            "Metric": {"Namespace": spec.namespace, "MetricName": spec.name,
                       "Dimensions": [{"Name": name, "Value": value} for name, value in target.dimensions]},
            "Period": period, "Stat": spec.stat}})
    return queries, meaning


def _batches(all_targets: list[Target], size: int) -> Iterator[list[tuple[Target, MetricSpec]]]:
    """Every (target, metric) pair, ``size`` to a call."""
    pairs = [(target, spec) for target in all_targets for spec in target.metrics]
    for first in range(0, len(pairs), size):
        yield pairs[first:first + size]


def read_region(client: Any, region_targets: list[Target], window: Window) -> dict[str, dict[str, Any]]:
    """Every series of the targets in one region, stored compactly; resources with no datapoints are left out."""
    found: dict[str, dict[str, list[float | None]]] = {}
    for batch in _batches(region_targets, queries_per_call(window)):
        queries, meaning = _queries(batch, window.period)
        for page in client.get_paginator("get_metric_data").paginate(
                MetricDataQueries=queries, StartTime=window.start, EndTime=window.end, ScanBy="TimestampAscending"):
            for result in page.get("MetricDataResults", []):
                resource_key, key = meaning[result["Id"]]
                values = found.setdefault(resource_key, {}).setdefault(key, [None] * window.points)
                for stamp, value in zip(result.get("Timestamps", []), result.get("Values", [])):
                    index = round((stamp - window.start).total_seconds() / window.period)
                    if 0 <= index < window.points:
                        values[index] = value
    return {resource_key: stored for resource_key, by_metric in found.items()
            if (stored := _stored(by_metric, window))}


def _stored(by_metric: dict[str, list[float | None]], window: Window) -> dict[str, Any]:
    """The JSON form: each series from its first to its last datapoint, gaps as null."""
    out = {}
    for key, values in by_metric.items():
        present = [i for i, v in enumerate(values) if v is not None]
        if not present:
            continue
        first, last = present[0], present[-1]
        start = window.start + dt.timedelta(seconds=first * window.period)
        out[key] = {"start": iso(start), "period": window.period,
                    "values": [None if v is None else compact(v) for v in values[first:last + 1]]}
    return out


def collect_metrics(aws: Any, estate: Estate, *, lookback_days: float = 14, period_seconds: int = 3600,
                    progress: ProgressFn | None = None, now: dt.datetime | None = None,
                    max_workers: int = MAX_WORKERS) -> None:
    """Read the series of the estate's resources in ``aws.account`` into ``estate.metrics``, region by region
    in parallel, and record a ``cloudwatch-metrics`` coverage entry for each region."""
    window = plan_window(lookback_days, period_seconds, now)
    regions = sorted(({r.region for r in estate.resources if r.account == aws.account} | set(estate.regions))
                     - {"global"})
    store = estate.metrics
    store["window"] = {**window.to_dict(), "lookback_days": lookback_days}
    series = store.setdefault("series", {})

    def one(region: str) -> tuple[str, dict[str, Any], Coverage]:
        region_targets = list(targets(estate, aws.account, region))
        if not region_targets:
            return region, {}, Coverage(aws.account, region, SERVICE, "assessed", "")
        try:
            read = read_region(aws.client("cloudwatch", region), region_targets, window)
        except ReadOnlyViolation:
            raise
        except Exception as error:  # noqa: BLE001 - a region that cannot be read becomes coverage, by design
            status, detail = classify(error)
            return region, {}, Coverage(aws.account, region, SERVICE, status, detail)
        silent = len(region_targets) - len(read)
        detail = f"no datapoints for {silent} of {len(region_targets)} resources" if silent else ""
        return region, read, Coverage(aws.account, region, SERVICE, "assessed", detail)

    done = 0
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(regions) or 1)),
                            thread_name_prefix="wafr-metrics") as pool:
        futures = [pool.submit(one, region) for region in regions]
        results = []
        for future in as_completed(futures):
            results.append(future.result())
            done += 1
            if progress:
                progress(f"{SERVICE} {results[-1][0]}", done, len(regions))
    for region, read, coverage in sorted(results, key=lambda item: item[0]):
        series.update(read)
        estate.record(coverage)


def collect_organization_metrics(base: Any, estate: Estate, *, role_name: str, external_id: str | None = None,
                                 progress: ProgressFn | None = None, **window: Any) -> None:
    """Metrics for every account of an organization estate, each read through its own role."""
    from wafr.sources.aws import organization

    accounts = sorted({r.account for r in estate.resources})
    for done, account in enumerate(accounts, start=1):
        try:
            member = organization.assume(base, account, role_name, external_id)
        except organization.AssumeRoleFailed:
            continue  # the account's coverage already says why it was not read
        collect_metrics(member, estate, **window)
        if progress:
            progress(account, done, len(accounts))
