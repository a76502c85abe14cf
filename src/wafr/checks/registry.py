"""The check registry: small functions over the estate, registered with their review metadata.

A check yields one ``Result`` per resource it judges: failed, passed, or not assessable (with why).
Risk depends on the resource's environment: a single-AZ database is HIGH in production, LOW in dev.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from wafr.framework import PILLAR_NAMES
from wafr.framework import load as load_framework

if TYPE_CHECKING:
    from wafr.estate import Estate, Resource

from wafr.vocabulary import ENVIRONMENTS, FAIL, NOT_ASSESSED, PASS, RISKS, SUPPRESSED  # noqa: F401 (re-exported)


@dataclass(frozen=True)
class Result:
    resource: "Resource"
    status: str
    evidence: str
    risk: str | None = None  # overrides the check's environment-based risk when the evidence warrants
    # What the verdict was measured from (metric figures, saving, series), carried on to the finding and the review.
    measurements: Mapping[str, Any] | None = None


def fail(resource: "Resource", evidence: str, risk: str | None = None,
         measurements: Mapping[str, Any] | None = None) -> Result:
    return Result(resource, FAIL, evidence, risk, measurements)


def passed(resource: "Resource", evidence: str, measurements: Mapping[str, Any] | None = None) -> Result:
    return Result(resource, PASS, evidence, measurements=measurements)


def not_assessed(resource: "Resource", why: str, measurements: Mapping[str, Any] | None = None) -> Result:
    return Result(resource, NOT_ASSESSED, why, measurements=measurements)


def unread(resource: "Resource", operation: str | None = None) -> str | None:
    """Why a verdict cannot be given: the call that carries its evidence (or, unnamed, any call) failed for this
    resource. None when it was read."""
    errors = resource.errors
    if operation is None:
        operation = next(iter(errors), None)
    code = errors.get(operation) if operation else None
    return f"{operation} failed for this resource ({code}), so its settings are unknown." if code else None


def by_environment(prod: str, staging: str | None = None, dev: str | None = None,
                   unknown: str | None = None) -> dict[str, str]:
    """Risk per environment. Staging defaults to prod's risk one step down; an unknown environment is
    treated like production, since nobody has shown it is not."""
    step_down = {"HIGH": "MEDIUM", "MEDIUM": "LOW", "LOW": "LOW"}
    staging = staging or step_down[prod]
    return {"prod": prod, "staging": staging, "dev": dev or step_down[staging], "unknown": unknown or prod}


CheckFn = Callable[["Estate"], Iterable[Result]]


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    pillar: str
    focus_area: str
    risk: Mapping[str, str]
    best_practices: tuple[str, ...]
    remediation: str
    resource_types: tuple[str, ...]
    fn: CheckFn = field(repr=False)
    # The reads a verdict rests on, as coverage names ("ec2", "cloudwatch-metrics"): where one of them is
    # missing, the runner reports the check NOT_ASSESSED there and withholds its passes (see wafr.gaps).
    needs: tuple[str, ...] = ()
    # A result may raise its risk above the environment's (the evidence warrants it) up to this, and no further.
    risk_up_to: str | None = None

    def risk_for(self, environment: str) -> str:
        return self.risk.get(environment, self.risk["unknown"])

    @property
    def highest_risk(self) -> str:
        """The highest risk a finding of this check can carry: what the catalog promises."""
        declared = [*self.risk.values(), *([self.risk_up_to] if self.risk_up_to else [])]
        return min(declared, key=RISKS.index)  # RISKS runs from the highest

    def risk_of(self, result: Result, environment: str) -> str:
        """The finding's risk: the result's override, else the environment's; never above ``highest_risk``."""
        risk = result.risk or self.risk_for(environment)
        if RISKS.index(risk) < RISKS.index(self.highest_risk):
            raise ValueError(f"check {self.id}: a result's risk {risk} is above the highest it declares "
                             f"({self.highest_risk}); declare risk_up_to")
        return risk

    def run(self, estate: "Estate") -> Iterable[Result]:
        return self.fn(estate)


CHECKS: dict[str, Check] = {}


def check(
    id: str,
    *,
    title: str,
    pillar: str,
    focus_area: str,
    risk: str | Mapping[str, str],
    best_practices: Iterable[str],
    remediation: str,
    resource_types: Iterable[str] = (),
    needs: Iterable[str] = (),
    risk_up_to: str | None = None,
) -> Callable[[CheckFn], CheckFn]:
    """Register a check. Best-practice IDs must exist in the framework taxonomy; ``needs`` names the
    collectors (coverage services) whose data the verdict reads."""
    risk_map = by_environment(risk, risk, risk, risk) if isinstance(risk, str) else dict(risk)
    bps = tuple(best_practices)
    framework = load_framework()
    unknown = [bp for bp in bps if bp not in framework]
    if unknown:
        raise ValueError(f"check {id}: unknown best practice(s) {unknown}")
    if pillar not in PILLAR_NAMES:
        raise ValueError(f"check {id}: unknown pillar {pillar!r}")
    if set(risk_map) != set(ENVIRONMENTS) or not set(risk_map.values()) <= set(RISKS):
        raise ValueError(f"check {id}: risk must name {ENVIRONMENTS} with one of {RISKS}")
    if risk_up_to is not None and risk_up_to not in RISKS:
        raise ValueError(f"check {id}: risk_up_to must be one of {RISKS}")

    def register(fn: CheckFn) -> CheckFn:
        if id in CHECKS:
            raise ValueError(f"check {id!r} registered twice")
        CHECKS[id] = Check(id=id, title=title, pillar=pillar, focus_area=focus_area, risk=risk_map,
                           best_practices=bps, remediation=remediation,
                           resource_types=tuple(resource_types), fn=fn, needs=tuple(dict.fromkeys(needs)),
                           risk_up_to=risk_up_to)
        return fn

    return register


def all_checks() -> dict[str, Check]:
    """Every registered check (importing the check modules registers them)."""
    import wafr.checks  # noqa: F401  (import for registration)

    return CHECKS
