"""Collector declarations: one per service, naming the resource types it yields and the read-only
API calls it makes. The declarations feed collection, `wafr iam-policy` and `wafr checks` alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

if TYPE_CHECKING:
    from wafr.estate import Resource
    from wafr.sources.aws.context import CollectContext

CollectFn = Callable[["CollectContext"], Iterable["Resource"]]


@dataclass(frozen=True)
class Collector:
    name: str  # the coverage key, e.g. "rds", "ec2", "client-vpn"
    client: str  # the boto3 client name
    resource_types: tuple[str, ...]
    permissions: tuple[str, ...]  # IAM actions, e.g. "rds:DescribeDBInstances"
    fn: CollectFn
    global_service: bool = False  # IAM, Organizations, Budgets: read once per account, region "global"

    def collect(self, ctx: "CollectContext") -> Iterable["Resource"]:
        return self.fn(ctx)


COLLECTORS: dict[str, Collector] = {}


def collector(
    name: str,
    *,
    client: str | None = None,
    resource_types: Iterable[str],
    permissions: Iterable[str],
    global_service: bool = False,
) -> Callable[[CollectFn], CollectFn]:
    """Register a collector function under ``name``."""

    def register(fn: CollectFn) -> CollectFn:
        if name in COLLECTORS:
            raise ValueError(f"collector {name!r} registered twice")
        COLLECTORS[name] = Collector(
            name=name, client=client or name, resource_types=tuple(resource_types),
            permissions=tuple(permissions), fn=fn, global_service=global_service,
        )
        return fn

    return register


def all_collectors() -> dict[str, Collector]:
    """Every registered collector (importing the collector modules registers them)."""
    import wafr.sources.aws.collectors  # noqa: F401  (import for registration)

    return COLLECTORS
