"""Live collection: every collector over every region, concurrently, with coverage for each.

A failure in one collector is recorded in coverage and never stops the scan. Concurrency is bounded per
account-region (so one region's throttling budget is not spent by every collector at once) and, through a
shared limiter, across all the accounts of an organization scan.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from wafr import __version__
from wafr.errors import WafrError
from wafr.estate import GLOBAL, UNREAD_STATUSES, Coverage, Estate, Resource
from wafr.phrases import first_few
from wafr.sources import snapshot
from wafr.sources.aws.account_id import is_account_id, shown
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import classify
from wafr.sources.aws.guard import ReadOnlyViolation
from wafr.sources.aws.registry import Collector, all_collectors
from wafr.sources.aws.session import AwsSession, open_session

MAX_WORKERS = 16
PER_REGION = 6  # collectors in flight at once in one account-region

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


def chosen_collectors(services: list[str] | None) -> list[Collector]:
    registry = all_collectors()
    return [registry[s] for s in services] if services else list(registry.values())


def _run(aws: AwsSession, task: Task) -> tuple[list[Resource], Coverage]:
    region = aws.home_region if task.region == GLOBAL else task.region
    ctx = CollectContext(account=aws.account, region=task.region, partition=aws.partition,
                         client_factory=lambda service, r: aws.client(service, region if r == GLOBAL else r),
                         home_region=aws.home_region, read_once=aws.read_once)
    name = task.collector.name
    # botocore lists no Region at all for some newer services (FIS): that says nothing about where they are offered.
    known = aws.known_regions(task.collector.client) if task.region != GLOBAL else set()
    if known and region not in known:
        return [], Coverage(aws.account, task.region, name, "skipped",
                            f"AWS does not offer {task.collector.client} in {region} (botocore's endpoint data)")
    try:
        resources = list(task.collector.collect(ctx))
    except ReadOnlyViolation:
        raise  # a defect in wafr, never a property of the account
    except Exception as error:  # noqa: BLE001 - every failure becomes coverage, by design
        status, detail = classify(error)
        return [], Coverage(aws.account, task.region, name, status, detail)
    return resources, Coverage(aws.account, task.region, name, "assessed", "; ".join(ctx.notes))


def _disabled_regions(aws: AwsSession, regions: list[str]) -> tuple[set[str], str]:
    """Requested regions the account has not enabled (opt-in regions), and a note if that was unknowable."""
    try:
        enabled = set(aws.enabled_regions())
    except (ClientError, BotoCoreError, KeyError, TypeError) as error:
        return set(), f"enabled regions unknown ({classify(error)[1]})"
    return {r for r in regions if r not in enabled}, ""


def new_estate(account: str, regions: list[str], partition: str) -> Estate:
    return Estate(metadata={
        "source": "aws",
        "accounts": [account],
        "regions": list(regions),
        "partition": partition,
        "collected_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tool": {"name": "wafr", "version": __version__},
    })


def collect_account(
    aws: AwsSession,
    regions: list[str],
    *,
    services: list[str] | None = None,
    progress: ProgressFn | None = None,
    max_workers: int = MAX_WORKERS,
    per_region: int = PER_REGION,
    limiter: threading.Semaphore | None = None,
    check_regions: bool = False,
) -> Estate:
    """Collect one account across ``regions`` into an Estate.

    ``limiter`` bounds calls in flight across several accounts; ``check_regions`` asks the account which
    regions it has enabled and records the others as skipped rather than reading them.
    """
    tasks = plan(regions, chosen_collectors(services))
    estate = new_estate(aws.account, regions, aws.partition)
    disabled, region_note = _disabled_regions(aws, regions) if check_regions else (set(), "")
    if region_note:
        estate.metadata["notes"] = [region_note]
    runnable = [t for t in tasks if t.region not in disabled]
    skipped = [(t, ([], Coverage(aws.account, t.region, t.collector.name, "skipped",
                                 f"region {t.region} is not enabled for account {aws.account}")))
               for t in tasks if t.region in disabled]
    region_slots = {r: threading.Semaphore(per_region) for r in {t.region for t in runnable}}
    shared = limiter or threading.Semaphore(max_workers)

    def bounded(task: Task) -> tuple[list[Resource], Coverage]:
        with region_slots[task.region], shared:
            return _run(aws, task)

    done = 0
    results = list(skipped)
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="wafr-collect") as pool:
        futures = {pool.submit(bounded, task): task for task in runnable}
        for future in as_completed(futures):
            task = futures[future]
            results.append((task, future.result()))
            done += 1
            if progress:
                progress(task.label, done, len(runnable))
    # Stable order, so a snapshot of the same account is byte-for-byte comparable between runs.
    for task, (resources, coverage) in sorted(results, key=lambda item: (item[0].collector.name, item[0].region)):
        estate.extend(resources)
        estate.record(coverage)
    estate.metadata["api_calls"] = aws.calls.summary()
    return estate


def unread_account(account: str, regions: list[str], partition: str, services: list[str] | None,
                   status: str, reason: str) -> Estate:
    """An account that could not be read at all: every service's coverage says why."""
    estate = new_estate(account, regions, partition)
    for task in plan(regions, chosen_collectors(services)):
        estate.record(Coverage(account, task.region, task.collector.name, status, reason))
    return estate


# -- organizations ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AccountJob:
    """One member account's collection, plain enough to ship to another machine."""

    account: str
    regions: tuple[str, ...]
    role_name: str
    external_id: str | None = None
    services: tuple[str, ...] | None = None
    profile: str | None = None  # the base credentials a remote worker opens (its own chain when None)
    home_region: str | None = None
    per_region: int = PER_REGION
    max_workers: int = MAX_WORKERS


# A Dask worker keeps one base session per (profile, region), shared by its jobs.
_sessions: dict[tuple[str | None, str | None], Any] = {}
_sessions_lock = threading.Lock()


def collect_remote(job: AccountJob) -> dict[str, Any]:
    """What a Dask worker runs: one account, returned as a snapshot document."""
    key = (job.profile, job.home_region)
    with _sessions_lock:  # one base session per worker process, shared by its jobs
        if key not in _sessions:
            _sessions[key] = open_session(job.profile, job.home_region)
        base = _sessions[key]
    return snapshot.to_document(collect_member(base, job))


def collect_member(base: AwsSession, job: AccountJob, limiter: threading.Semaphore | None = None) -> Estate:
    """One member account read through its role; a role that cannot be assumed becomes coverage, not an error."""
    from wafr.sources.aws import organization

    regions, services = list(job.regions), list(job.services) if job.services else None
    try:
        member = organization.assume(base, job.account, job.role_name, job.external_id)
    except organization.AssumeRoleFailed as failure:
        return unread_account(job.account, regions, base.partition, services, failure.status, failure.reason)
    return collect_account(member, regions, services=services, per_region=job.per_region,
                           max_workers=job.max_workers, limiter=limiter, check_regions=True)


MAX_ACCOUNTS = 8  # accounts read at once
MEMBER_IDS = "organization-members"  # coverage of the member list itself: ids that could not be used
MAX_CALLS = 32  # collectors in flight at once across all accounts (one client connection pool's worth)


def collect_organization(
    base: AwsSession,
    regions: list[str],
    *,
    accounts: list[str] | None = None,
    role_name: str = "OrganizationAccountAccessRole",
    external_id: str | None = None,
    work_dir: Path | str | None = None,
    dask_scheduler: Any = None,
    progress: ProgressFn | None = None,
    services: list[str] | None = None,
    discover: bool = True,
    profile: str | None = None,
    max_accounts: int = MAX_ACCOUNTS,
    max_calls: int = MAX_CALLS,
) -> Estate:
    """Every member account (or those in ``accounts``) across ``regions``, merged into one estate.

    With ``work_dir``, each finished account is saved there, and a re-run with the same directory reads it
    back instead of collecting it again. ``progress`` is called with (account, accounts done, accounts).
    """
    from wafr.sources.aws import distributed, organization

    found = organization.discover(base) if discover else None
    discovered = found.members if found else None
    members = organization.choose_members(discovered, accounts)
    if not members:
        members = [organization.Member(base.account)]
    notes: list[str] = []  # what the user should know about this run that coverage does not say
    store = Path(work_dir) if work_dir else None
    if store:
        store.mkdir(parents=True, exist_ok=True)
    parts: dict[str, Estate] = {}
    for member in members:
        part, problem = _resumed(store, member.id, regions) if store else (None, "")
        if part is not None:
            parts[member.id] = part
        if problem:
            notes.append(problem)
    resumed = list(parts)
    jobs = [AccountJob(m.id, tuple(regions), role_name, external_id, tuple(services) if services else None,
                       profile, base.home_region) for m in members if m.id not in parts]
    limiter = threading.Semaphore(max_calls)

    def local(job: AccountJob) -> Estate:
        return collect_member(base, job, limiter)

    done = len(parts)
    for job, part in distributed.fan_out(jobs, local, scheduler=dask_scheduler, max_accounts=max_accounts,
                                         remote=collect_remote):
        parts[job.account] = part if isinstance(part, Estate) else snapshot.from_document(part)
        if store:
            snapshot.write(parts[job.account], saved_account(store, job.account))
        done += 1
        if progress:
            progress(job.account, done, len(members))
    estate = merge([parts.pop(m.id) for m in members], regions, base, members=members, resumed=resumed)
    estate.metadata["organization"]["members_listed"] = discovered is not None
    if found and found.rejected:
        # An unusable id leaves an account unread: a gap in coverage (so --strict sees it), under the account
        # that listed it, since the id itself names nothing.
        ids = first_few([shown(bad) for bad in found.rejected], 5)
        estate.record(Coverage(base.account, GLOBAL, MEMBER_IDS, "failed",
                               f"organization listed member account id(s) {ids}, not 12 digits; not read"))
    if notes:
        estate.metadata["notes"] = [*estate.metadata.get("notes", []), *notes]
    return estate


def saved_account(store: Path, account: str) -> Path:
    """Where a resume directory keeps one account; only a validated id ever becomes part of a file name."""
    if not is_account_id(account):
        raise ValueError(f"not an account id: {shown(account)}")
    return store / f"account-{account}.json.gz"


def _resumed(store: Path, account: str, regions: list[str]) -> tuple[Estate | None, str]:
    """The account as a previous run saved it, or None (and why, when a saved file could not be used)."""
    path = saved_account(store, account)
    if not path.exists():
        return None, ""
    try:
        part = snapshot.read(path)
    except WafrError as error:  # truncated, not gzip, not JSON, not a snapshot: read the account again
        return None, f"resume: {path.name} could not be used ({error}); account {account} was collected again"
    if (part.metadata.get("accounts") or [None])[0] != account:
        return None, f"resume: {path.name} holds another account; account {account} was collected again"
    if part.metadata.get("regions") != list(regions):  # a scan of other regions is not this one's
        return None, ""
    return part, ""


def merge(parts: list[Estate], regions: list[str], base: AwsSession, *, members: list[Any],
          resumed: list[str]) -> Estate:
    """One estate from per-account estates, in the order of the accounts."""
    from wafr.sources.aws.calls import merge as merge_calls

    resources, coverage, summaries = [], [], []
    for part in parts:
        resources += part.resources
        coverage += part.coverage
        account = (part.metadata.get("accounts") or [""])[0]
        # This run's calls only: the base session's tally, read last, already holds its own account's.
        if account != base.account and account not in resumed:
            summaries.append(part.metadata.get("api_calls") or {})
    summaries.append(base.calls.summary())
    estate = new_estate(base.account, regions, base.partition)
    estate.metadata.update({
        "accounts": [m.id for m in members],
        "account_names": {m.id: m.name for m in members if m.name},
        "organization": {"scanned_from": base.account, "resumed_accounts": resumed},
        "api_calls": merge_calls(summaries),
    })
    return Estate(resources=resources, coverage=coverage, metadata=estate.metadata)


def partial_coverage(estate: Estate) -> list[Coverage]:
    """The account x region x service reads that were denied or failed (empty when coverage is complete): what
    --strict turns into a non-zero exit."""
    return [c for c in estate.coverage if c.status in UNREAD_STATUSES]


def is_partial(estate: Estate) -> bool:
    return bool(partial_coverage(estate))
