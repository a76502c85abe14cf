"""The check registry: small functions over the estate, registered with their review metadata.

A check yields one ``Result`` per resource it judges: failed, passed, or not assessable (with why).
Risk depends on the resource's environment: a single-AZ database is HIGH in production, LOW in dev.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

from wafr.framework import PILLAR_NAMES
from wafr.framework import load as load_framework

if TYPE_CHECKING:
    from wafr.estate import Estate, Resource

from wafr.resource_types import services_of
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


def judged(resource: "Resource", ok: bool, if_passed: str, if_failed: str, risk: str | None = None) -> Result:
    """The verdict of a yes/no question about one resource, with the evidence for either answer."""
    return passed(resource, if_passed) if ok else fail(resource, if_failed, risk)


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
# A check over each resource of its types: (resource) or (resource, estate) -> a result, several, or None (not judged).
EachFn = Callable[..., "Result | Iterable[Result] | None"]


@dataclass(frozen=True)
class Bullet:
    """The review's remediation bullet for a check: {resources} becomes the names of the resources it failed on.
    ``absorbs`` folds another check's bullet into this one when this one already names all its resources, the way a
    person would not write "rotate the keys of X" under "remove the user X"."""
    one: str
    many: str
    absorbs: tuple[str, ...] = ()

    def for_count(self, count: int) -> str:
        return self.one if count == 1 else self.many


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
    # The review's bullet wording; None reads "<title>: <resources>" (data/focus_areas.yaml's default_bullet).
    bullet: Bullet | None = None

    def risk_for(self, environment: str) -> str:
        return self.risk.get(environment, self.risk["unknown"])

    @cached_property  # asked for every finding: worked out once per check
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
    each: str | Iterable[str] | None = None,
    bullet: str | tuple[str, str] | None = None,
    absorbs: Iterable[str] = (),
) -> Callable[[Any], Any]:
    """Register a check. Best-practice IDs must exist in the framework taxonomy; ``needs`` names the
    collectors (coverage services) whose data the verdict reads, by default those that read its resource types.

    ``each=TYPE`` (or several types) registers a function over one resource, ``(resource)`` or ``(resource,
    estate)``, returning its result(s) or None; without it the function takes the estate and yields results.
    ``bullet`` is the review's wording for the fix, one string or (one resource, several), with ``{resources}``."""
    if each is not None:
        each = (each,) if isinstance(each, str) else tuple(each)
        resource_types = tuple(dict.fromkeys((*resource_types, *each)))
    needs = tuple(needs) or tuple(dict.fromkeys(s for t in resource_types for s in services_of(t)))
    wording = _bullet(id, bullet, absorbs)
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

    def register(fn: Any) -> Any:
        if id in CHECKS:
            raise ValueError(f"check {id!r} registered twice")
        CHECKS[id] = Check(id=id, title=title, pillar=pillar, focus_area=focus_area, risk=risk_map,
                           best_practices=bps, remediation=remediation,
                           resource_types=tuple(resource_types), fn=_over_each(fn, each) if each else fn,
                           needs=tuple(dict.fromkeys(needs)), risk_up_to=risk_up_to, bullet=wording)
        return fn

    return register


def _over_each(fn: EachFn, types: tuple[str, ...]) -> CheckFn:
    with_estate = len(inspect.signature(fn).parameters) > 1

    def run(estate: "Estate") -> Iterator[Result]:
        for resource in estate.of_type(*types):
            out = fn(resource, estate) if with_estate else fn(resource)
            if isinstance(out, Result):
                yield out
            elif out is not None:
                yield from out

    # Where the check is defined, for tests and listings that group checks by module.
    run.__module__, run.__name__, run.__qualname__, run.__doc__ = fn.__module__, fn.__name__, fn.__qualname__, fn.__doc__
    return run


def _bullet(check_id: str, bullet: str | tuple[str, str] | None, absorbs: Iterable[str]) -> Bullet | None:
    if bullet is None:
        if absorbs:
            raise ValueError(f"check {check_id}: absorbs needs a bullet")
        return None
    one, many = (bullet, bullet) if isinstance(bullet, str) else bullet
    if "{resources}" not in one or "{resources}" not in many:
        raise ValueError(f"check {check_id}: its bullet must contain {{resources}}")
    return Bullet(one, many, tuple(absorbs))


def all_checks() -> dict[str, Check]:
    """Every registered check (importing the check modules registers them)."""
    import wafr.checks  # noqa: F401  (import for registration)

    return CHECKS
