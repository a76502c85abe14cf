"""Collector declarations: one per service, naming the resource types it yields and the read-only
API operations it calls. The declarations feed the guard's allowlist, `wafr iam-policy` and `wafr checks` alike."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from wafr.sources.aws import guard

if TYPE_CHECKING:
    from wafr.estate import Resource
    from wafr.sources.aws.context import CollectContext

CollectFn = Callable[["CollectContext"], Iterable["Resource"]]


@dataclass(frozen=True)
class Collector:
    name: str  # the coverage key, e.g. "rds", "ec2", "client-vpn"
    client: str  # the boto3 client name
    resource_types: tuple[str, ...]
    operations: frozenset[guard.Operation]  # botocore (service, operation): what the guard lets it call
    fn: CollectFn
    global_service: bool = False  # IAM, Organizations, Budgets: read once per account, region "global"

    @property
    def permissions(self) -> tuple[str, ...]:
        """The IAM actions its operations need, e.g. "elasticloadbalancing:DescribeListeners"."""
        from wafr.sources.aws.iam_names import iam_actions

        return iam_actions(self.operations)

    def collect(self, ctx: "CollectContext") -> Iterable["Resource"]:
        return self.fn(ctx)


COLLECTORS: dict[str, Collector] = {}


def collector(
    name: str,
    *,
    client: str | None = None,
    resource_types: Iterable[str],
    operations: Iterable[str],
    global_service: bool = False,
) -> Callable[[CollectFn], CollectFn]:
    """Register a collector function under ``name``; ``operations`` are the "service:Operation" reads it calls,
    in botocore's names ("s3:ListBuckets"). A secret or data read, or a write, is refused here."""
    declared = guard.reads(*operations)

    def register(fn: CollectFn) -> CollectFn:
        if name in COLLECTORS:
            raise ValueError(f"collector {name!r} registered twice")
        COLLECTORS[name] = Collector(
            name=name, client=client or name, resource_types=tuple(resource_types),
            operations=declared, fn=fn, global_service=global_service,
        )
        return fn

    return register


def all_collectors() -> dict[str, Collector]:
    """Every registered collector (importing the collector modules registers them)."""
    # Found by name, as plugins are: the collectors import this registry, and the registry names none of them.
    importlib.import_module(f"{__package__}.collectors")

    return COLLECTORS
