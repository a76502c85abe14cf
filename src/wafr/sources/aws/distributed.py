"""Per-account collection fanned out: a local thread pool by default, a Dask cluster when given a scheduler.

A Dask worker opens its own base session (its profile or credential chain) and returns the account's
snapshot document, plain JSON data, so nothing but the job and the document crosses the wire. The local
pool returns the account's Estate as it is, with no copy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wafr.sources.aws.collect import AccountJob

Document = Any  # a snapshot document from a Dask worker; the local pool hands back the Estate itself

_sessions: dict[tuple[str | None, str | None], Any] = {}
_sessions_lock = threading.Lock()


def collect_remote(job: AccountJob) -> Document:
    """What a Dask worker runs: one account, returned as a snapshot document."""
    from wafr.sources import snapshot
    from wafr.sources.aws.collect import collect_member
    from wafr.sources.aws.session import open_session

    key = (job.profile, job.home_region)
    with _sessions_lock:  # one base session per worker process, shared by its jobs
        if key not in _sessions:
            _sessions[key] = open_session(job.profile, job.home_region)
        base = _sessions[key]
    return snapshot.to_document(collect_member(base, job))


def fan_out(jobs: list[AccountJob], local: Callable[[AccountJob], Document], *, scheduler: Any = None,
            max_accounts: int = 8) -> Iterator[tuple[AccountJob, Document]]:
    """(job, document) as each account finishes. ``scheduler`` is a Dask address ("tcp://host:8786") or Client."""
    if scheduler is None:
        yield from _local(jobs, local, max_accounts)
    else:
        yield from _dask(jobs, scheduler)


def _local(jobs: list[AccountJob], work: Callable[[AccountJob], Document],
           max_accounts: int) -> Iterator[tuple[AccountJob, Document]]:
    pool = ThreadPoolExecutor(max_workers=max(1, max_accounts), thread_name_prefix="wafr-account")
    try:
        pending: dict[Future, AccountJob] = {pool.submit(work, job): job for job in jobs}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield pending.pop(future), future.result()
    finally:
        # An interrupted scan stops starting accounts; those finished were already handed out.
        pool.shutdown(wait=True, cancel_futures=True)


def _dask(jobs: list[AccountJob], scheduler: Any) -> Iterator[tuple[AccountJob, Document]]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        from wafr.errors import WafrError

        raise WafrError("--dask-scheduler needs Dask: pip install 'wafr[dask]'.") from None
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        futures = {client.submit(collect_remote, job, pure=False): job
                   for job in jobs}
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        if client is not scheduler:
            client.close()
