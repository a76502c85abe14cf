"""Live collection: every collector over every region, concurrently, with coverage for each.

A failure in one collector is recorded in coverage and never stops the scan.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Callable, Iterable

from wafr import __version__
from wafr.estate import GLOBAL, Coverage, Estate, Resource
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import classify
from wafr.sources.aws.guard import ReadOnlyViolation
from wafr.sources.aws.registry import Collector, all_collectors
from wafr.sources.aws.session import AwsSession

MAX_WORKERS = 16

ProgressFn = Callable[[str, int, int], None]  # (task label, done, total)


@dataclass(frozen=True)
class Task:
    collector: Collector
    region: str  # "global" for a global service

    @property
    def label(self) -> str:
        return f"{self.collector.name} {self.region}"


def plan(regions: list[str], collectors: Iterable[Collector]) -> list[Task]:
    tasks = []
    for c in collectors:
        if c.global_service:
            tasks.append(Task(c, GLOBAL))
        else:
            tasks.extend(Task(c, region) for region in regions)
    return tasks


def _run(aws: AwsSession, task: Task) -> tuple[list[Resource], Coverage]:
    region = aws.home_region if task.region == GLOBAL else task.region
    ctx = CollectContext(account=aws.account, region=task.region, partition=aws.partition,
                         client_factory=lambda service, r: aws.client(service, region if r == GLOBAL else r),
                         home_region=aws.home_region)
    name = task.collector.name
    if task.region != GLOBAL and region not in aws.known_regions(task.collector.client):
        return [], Coverage(aws.account, task.region, name, "unsupported",
                            f"{task.collector.client} is not offered in {region}")
    try:
        resources = list(task.collector.collect(ctx))
    except ReadOnlyViolation:
        raise  # a defect in wafr, never a property of the account
    except Exception as error:  # noqa: BLE001 - every failure becomes coverage, by design
        status, detail = classify(error)
        return [], Coverage(aws.account, task.region, name, status, detail)
    return resources, Coverage(aws.account, task.region, name, "assessed", "; ".join(ctx.notes))


def collect_account(
    aws: AwsSession,
    regions: list[str],
    *,
    services: list[str] | None = None,
    progress: ProgressFn | None = None,
    max_workers: int = MAX_WORKERS,
) -> Estate:
    """Collect one account across ``regions`` into an Estate."""
    registry = all_collectors()
    chosen = [registry[s] for s in services] if services else list(registry.values())
    tasks = plan(regions, chosen)
    estate = Estate(metadata={
        "source": "aws",
        "accounts": [aws.account],
        "regions": list(regions),
        "partition": aws.partition,
        "collected_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tool": {"name": "wafr", "version": __version__},
    })
    done = 0
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="wafr-collect") as pool:
        futures = {pool.submit(_run, aws, task): task for task in tasks}
        results = []
        for future in as_completed(futures):
            task = futures[future]
            results.append((task, future.result()))
            done += 1
            if progress:
                progress(task.label, done, len(tasks))
    # Stable order, so a snapshot of the same account is byte-for-byte comparable between runs.
    for task, (resources, coverage) in sorted(results, key=lambda item: (item[0].collector.name, item[0].region)):
        estate.extend(resources)
        estate.record(coverage)
    return estate
