"""The snapshot's schema (wafr.snapshot/1): what ``wafr collect`` writes and ``wafr review`` reads.

The envelope is strict: unknown top-level, resource and coverage keys are errors, since only wafr writes a
snapshot. Two parts stay open by design: ``metadata`` (collectors add notes and call tallies over time; the keys
the checks and the review read are typed) and each resource's ``config``, the describe-API shape AWS returned,
which checks read defensively (a check that cannot read it reports NOT_ASSESSED).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, with_config
from typing_extensions import NotRequired, TypedDict

from wafr.estate import COVERAGE_STATUSES

SCHEMA = "wafr.snapshot/1"


def _timestamp(value: str) -> str:
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("expected an ISO 8601 time such as 2026-11-26T10:00:00Z") from None
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("expected a finite number")
    return value


Timestamp = Annotated[str, AfterValidator(_timestamp)]
Period = Annotated[int, Field(gt=0, le=31 * 86400)]
Number = Annotated[float, AfterValidator(_finite)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


# Resources and coverage entries come by the hundred thousand: TypedDicts validate them twice as fast as models.
@with_config(ConfigDict(strict=True, extra="forbid"))
class ResourceDoc(TypedDict):
    type: str
    id: str
    account: str
    region: str
    arn: NotRequired[str]
    name: NotRequired[str]
    tags: NotRequired[dict[str, str]]
    config: NotRequired[dict[str, Any]]
    links: NotRequired[dict[str, list[str]]]
    origin: NotRequired[str]
    # Derived again on review (wafr.environment); tolerated because earlier snapshots carried them.
    environment: NotRequired[str]
    environment_basis: NotRequired[str]


@with_config(ConfigDict(strict=True, extra="forbid"))
class CoverageDoc(TypedDict):
    account: str
    region: str
    service: str
    status: Literal[COVERAGE_STATUSES]  # type: ignore[valid-type]
    detail: NotRequired[str]


class MetadataDoc(BaseModel):
    """The keys wafr reads are typed; others (call tallies, notes a newer collector adds) are kept as they are."""

    model_config = ConfigDict(strict=True, extra="allow")

    source: str = "aws"
    accounts: list[str] = []
    regions: list[str] = []
    partition: str = "aws"
    collected_at: Optional[Timestamp] = None
    account_names: dict[str, str] = {}
    notes: list[str] = []
    organization: dict[str, Any] = {}
    tool: dict[str, Any] = {}
    api_calls: dict[str, Any] = {}


class WindowDoc(_Strict):
    start: Timestamp
    end: Timestamp
    period: Period
    lookback_days: Optional[Number] = None


class SeriesDoc(_Strict):
    start: Timestamp
    period: Period
    values: list[Optional[Number]]


class MetricsDoc(_Strict):
    window: Optional[WindowDoc] = None
    series: dict[str, dict[str, SeriesDoc]] = {}


class SnapshotDoc(_Strict):
    schema_: Literal[SCHEMA] = Field(alias="schema")  # type: ignore[valid-type]
    metadata: MetadataDoc
    resources: list[ResourceDoc]
    coverage: list[CoverageDoc]
    metrics: MetricsDoc
