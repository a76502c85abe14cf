"""What an analysis concludes about one resource: a status, one sentence of evidence, the numbers behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wafr.estate import Resource
from wafr.metrics.series import metric_key
from wafr.vocabulary import FAIL, NOT_ASSESSED, PASS


@dataclass(frozen=True)
class Saving:
    """An estimated monthly saving, with the prices on both sides and what they assume."""

    monthly_usd: float
    current_monthly_usd: float
    recommended_monthly_usd: float
    assumptions: str  # everything the figure rests on: task count, hours, prices
    prices: str = ""  # the price table entry alone: rates, region, source and date

    def to_dict(self) -> dict[str, Any]:
        return {"monthly_usd": round(self.monthly_usd, 2), "current_monthly_usd": round(self.current_monthly_usd, 2),
                "recommended_monthly_usd": round(self.recommended_monthly_usd, 2), "assumptions": self.assumptions,
                "prices": self.prices}


@dataclass(frozen=True)
class MetricResult:
    analysis: str  # e.g. "ecs-over-provisioned"
    resource: Resource
    status: str  # FAIL (the analysis fires), PASS (it looked and found nothing), NOT_ASSESSED (it could not tell)
    evidence: str
    numbers: dict[str, Any] = field(default_factory=dict)
    recommendation: str = ""
    saving: Saving | None = None
    charts: tuple[str, ...] = ()  # series keys that show the finding
    risk: str | None = None  # overrides the check's environment-based risk

    @property
    def key(self) -> str:
        return metric_key(self.resource)

    @property
    def fired(self) -> bool:
        return self.status == FAIL

    def to_dict(self) -> dict[str, Any]:
        return {"analysis": self.analysis, "resource": self.key, "status": self.status, "evidence": self.evidence,
                "numbers": self.numbers, "recommendation": self.recommendation,
                "saving": self.saving.to_dict() if self.saving else None, "charts": list(self.charts),
                "risk": self.risk}


def fired(analysis: str, resource: Resource, evidence: str, **kwargs: Any) -> MetricResult:
    return MetricResult(analysis, resource, FAIL, evidence, **kwargs)


def clean(analysis: str, resource: Resource, evidence: str, **kwargs: Any) -> MetricResult:
    return MetricResult(analysis, resource, PASS, evidence, **kwargs)


def unknown(analysis: str, resource: Resource, why: str, **kwargs: Any) -> MetricResult:
    return MetricResult(analysis, resource, NOT_ASSESSED, why, **kwargs)
