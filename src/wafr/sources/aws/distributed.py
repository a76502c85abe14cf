"""Per-account collection fanned out: a local thread pool by default, a Dask cluster when given a scheduler.

A Dask worker opens its own base session (its profile or credential chain) and returns the account's
snapshot document, plain JSON data, so nothing but the job and the document crosses the wire. The local
pool returns the account's Estate as it is, with no copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wafr.sources.aws.collect import AccountJob

Document = Any  # a snapshot document from a Dask worker; the local pool hands back the Estate itself

def fan_out(jobs: list[AccountJob], local: Callable[[AccountJob], Document], *, scheduler: Any = None,
            max_accounts: int = 8, remote: Callable[[AccountJob], Document] | None = None,
            ) -> Iterator[tuple[AccountJob, Document]]:
    """(job, document) as each account finishes. ``scheduler`` is a Dask address ("tcp://host:8786") or Client;
    ``remote`` is what a Dask worker runs for a job (a module-level function, so the worker can import it)."""
    if scheduler is None:
        yield from _local(jobs, local, max_accounts)
    else:
        if remote is None:
            raise ValueError("a Dask fan-out needs the function its workers run")
        yield from _dask(jobs, scheduler, remote)


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


def _dask(jobs: list[AccountJob], scheduler: Any,
          remote: Callable[[AccountJob], Document]) -> Iterator[tuple[AccountJob, Document]]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        from wafr.errors import WafrError

        raise WafrError("--dask-scheduler needs Dask: pip install 'wafr[dask]'.") from None
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        futures = {client.submit(remote, job, pure=False): job
                   for job in jobs}
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        if client is not scheduler:
            client.close()
