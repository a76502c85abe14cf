"""The estate: what was found, independent of where it came from.

Checks ask the estate through its indexes (by type, by id, by link) rather than looping over raw lists.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterable, Iterator, Mapping, TypeVar

from wafr.resource_types import ACCOUNT
from wafr.vocabulary import PRODUCTION_LIKE, UNKNOWN

GLOBAL = "global"
_UNPLACED = (UNKNOWN, "not classified")
T = TypeVar("T")

# "not-enabled": the account has not turned the service on, or its support plan lacks the API (Compute Optimizer
# not opted in, Trusted Advisor on a Basic plan): a fact about the account, not a failed read.
COVERAGE_STATUSES = ("assessed", "denied", "failed", "unsupported", "skipped", "not-enabled")
# Reads that should have happened and did not: what leaves a check unjudged (wafr.gaps) and what --strict counts.
# Unsupported, skipped and not-enabled say there is nothing there to read.
UNREAD_STATUSES = frozenset({"denied", "failed"})


@dataclass
class Resource:
    """One configuration item, in AWS's own resource-type names (``AWS::RDS::DBInstance``).

    ``config`` is the describe-API shape of the resource (plus any detail a collector added under the
    documented key of the call that returned it). ``links`` names related resources by native id under
    a small set of keys: ``vpc``, ``subnets``, ``security_groups``, ``cluster`` (ECS cluster ARN),
    ``network_interfaces``, ``instances``; they feed indexes and environment inheritance.
    """

    type: str
    id: str
    account: str
    region: str
    arn: str = ""
    name: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)
    origin: str = ""

    @cached_property  # every index and every finding asks for it; a resource's identity never changes
    def key(self) -> tuple[str, str, str, str]:
        return (self.account, self.region, self.type, self.id)

    @property
    def label(self) -> str:
        """How a person names it: its Name tag or name, else its id."""
        return self.name or self.id

    @property
    def errors(self) -> dict[str, str]:
        """The calls that failed for this resource, as its collector recorded them: operation -> error code."""
        return self.config.get("_errors") or {}

    def link(self, key: str) -> list[str]:
        return self.links.get(key, [])

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Resource":
        return cls(**data)


@dataclass
class Coverage:
    """Whether one account x region x service was read, and if not, why."""

    account: str
    region: str
    service: str
    status: str
    detail: str = ""

    def __post_init__(self) -> None:
        if self.status not in COVERAGE_STATUSES:
            raise ValueError(f"unknown coverage status {self.status!r}")


@dataclass
class Estate:
    resources: list[Resource] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._index()

    # -- indexes -------------------------------------------------------------------------------
    def _index(self) -> None:
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        self._by_id: dict[str, list[Resource]] = defaultdict(list)
        self._by_arn: dict[str, Resource] = {}
        self._linked: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        self._coverage: dict[tuple[str, str, str], Coverage] = {}
        self._environments: dict[tuple[str, str, str, str], tuple[str, str]] = {}
        self._derived: dict[str, Any] = {}
        for resource in self.resources:
            self._add_to_index(resource)
        for entry in self.coverage:
            self._coverage[(entry.account, entry.region, entry.service)] = entry

    def _add_to_index(self, resource: Resource) -> None:
        self._by_type[resource.type].append(resource)
        self._by_id[resource.id].append(resource)
        if resource.arn:
            self._by_arn[resource.arn] = resource
        for key, targets in resource.links.items():
            for target in targets:
                self._linked[(key, target)].append(resource)

    def add(self, resource: Resource) -> None:
        self.resources.append(resource)
        self._add_to_index(resource)
        self._derived.clear()

    def record(self, entry: Coverage) -> None:
        key = (entry.account, entry.region, entry.service)
        if key in self._coverage:
            self.coverage.remove(self._coverage[key])
        self.coverage.append(entry)
        self._coverage[key] = entry
        self._derived.clear()

    def derived(self, name: str, build: Callable[[], T]) -> T:
        """An index built from the estate once and shared by every check that asks for it (coverage gaps, alarms
        by metric, keys by ARN): rebuilt after a resource or a coverage entry is added."""
        if name not in self._derived:
            self._derived[name] = build()
        return self._derived[name]

    # -- queries -------------------------------------------------------------------------------
    def of_type(self, *types: str) -> list[Resource]:
        if len(types) == 1:
            return self._by_type.get(types[0], [])
        return [r for t in types for r in self._by_type.get(t, [])]

    def of_type_in(self, account: str, region: str, *types: str) -> list[Resource]:
        """Resources of these types in one account and Region (indexed once, for checks that ask per resource)."""
        def build() -> dict[tuple[str, str, str], list[Resource]]:
            index: dict[tuple[str, str, str], list[Resource]] = defaultdict(list)
            for resource in self.resources:
                index[(resource.account, resource.region, resource.type)].append(resource)
            return index
        index = self.derived("by-place", build)
        return [r for t in types for r in index.get((account, region, t), ())]

    def with_id(self, resource_id: str, type: str | None = None) -> list[Resource]:
        """Every resource with this native id, in any account: an account's own organizations record and the
        management account's copy of it, say."""
        return [r for r in self._by_id.get(resource_id, []) if type is None or r.type == type]

    def get(self, resource_id: str, type: str | None = None, account: str | None = None) -> Resource | None:
        """The resource with this native id (or ARN), optionally narrowed by type and account."""
        if resource_id in self._by_arn and type in (None, self._by_arn[resource_id].type):
            return self._by_arn[resource_id]
        for resource in self._by_id.get(resource_id, []):
            if (type is None or resource.type == type) and (account is None or resource.account == account):
                return resource
        return None

    def linked_to(self, key: str, target_id: str, type: str | None = None) -> list[Resource]:
        """Resources whose ``links[key]`` names ``target_id`` (e.g. everything in a VPC)."""
        found = self._linked.get((key, target_id), [])
        return [r for r in found if type is None or r.type == type]

    @property
    def accounts(self) -> list[str]:
        declared = self.metadata.get("accounts")
        if declared:
            return list(declared)
        return sorted({r.account for r in self.resources} | {c.account for c in self.coverage})

    @property
    def regions(self) -> list[str]:
        declared = self.metadata.get("regions")
        if declared:
            return list(declared)
        return sorted({c.region for c in self.coverage if c.region != GLOBAL})

    # -- environments ------------------------------------------------------------------------
    def place(self, environments: Mapping[tuple[str, str, str, str], tuple[str, str]]) -> None:
        """Record each resource's environment and why (wafr.environment derives them), by resource key."""
        self._environments = dict(environments)

    def environment_of(self, resource: Resource) -> str:
        """prod, staging, dev or unknown: what wafr.environment found for this resource."""
        return self._environments.get(resource.key, _UNPLACED)[0]

    def environment_basis_of(self, resource: Resource) -> str:
        """Why it is in that environment: "tag Environment=prod", "account prod-payments", "inherited from vpc-1"."""
        return self._environments.get(resource.key, _UNPLACED)[1]

    def in_production(self, resource: Resource) -> bool:
        """Production, or not shown otherwise: an unproven environment is judged as production."""
        return self.environment_of(resource) in PRODUCTION_LIKE

    def coverage_of(self, account: str, region: str, service: str) -> Coverage | None:
        return self._coverage.get((account, region, service))

    def assessed(self, account: str, region: str, service: str) -> bool:
        entry = self._coverage.get((account, region, service))
        return entry is not None and entry.status == "assessed"

    def gap(self, account: str, region: str, service: str) -> str | None:
        """Why a service was not read here (None when it was): for NOT_ASSESSED evidence."""
        entry = self._coverage.get((account, region, service))
        if entry is None:
            return f"{service} was not collected in {account}/{region}"
        if entry.status == "assessed":
            return None
        detail = f": {entry.detail}" if entry.detail else ""
        return f"{service} in {account}/{region} was {entry.status}{detail}"

    def account_resource(self, account: str, region: str = GLOBAL) -> Resource:
        """The account itself, for account-wide (or account-in-a-region) findings."""
        return Resource(type=ACCOUNT, id=account, account=account, region=region, name=account)

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    def extend(self, resources: Iterable[Resource]) -> None:
        for resource in resources:
            self.add(resource)


def by_account(resources: Iterable[Resource]) -> dict[str, list[Resource]]:
    """Resources grouped by the account that holds them."""
    grouped: dict[str, list[Resource]] = defaultdict(list)
    for resource in resources:
        grouped[resource.account].append(resource)
    return grouped
