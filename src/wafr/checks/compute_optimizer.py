"""AWS Compute Optimizer's recommendations as evidence: over-provisioned resources (cost, hardware) and
under-provisioned ones (performance). Each finding names Compute Optimizer as its source and lands on the
resource it judges when wafr read that resource too."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.registry import NOT_ASSESSED, Result, by_environment, check, fail, passed
from wafr.estate import Estate, Resource
from wafr.metrics.analyze import results_of
from wafr.metrics.results import MetricResult
from wafr.metrics.series import metric_key
from wafr.resource_types import COMPUTE_OPTIMIZER_RECOMMENDATION

SOURCE = "AWS Compute Optimizer"
# wafr's own CloudWatch analyses that judge the same question, per Compute Optimizer's direction.
OWN_ANALYSES = {"over": ("db-over-provisioned", "ecs-over-provisioned", "ec2-over-provisioned", "idle"),
                "under": ("under-provisioned",)}
WORDS = {"over": "over-provisioned or idle", "under": "under-provisioned"}


def own_verdicts(estate: Estate, direction: str) -> dict[str, list[MetricResult]]:
    """wafr's own analyses' judged results (not the ones that could not tell), by the resource's metric key."""
    found: dict[str, list[MetricResult]] = {}
    if not estate.metrics.get("series"):
        return found  # no metrics read: nothing of wafr's own to set beside Compute Optimizer's
    for analysis in OWN_ANALYSES[direction]:
        for result in results_of(estate, analysis):
            if result.status != NOT_ASSESSED:
                found.setdefault(result.key, []).append(result)
    return found


def second_opinion(target: Resource, direction: str, flagged_by_advisor: bool,
                   own: dict[str, list[MetricResult]]) -> str:
    """Both figures side by side: what wafr's own metric analysis says of the resource, and whether it agrees."""
    if target.type == COMPUTE_OPTIMIZER_RECOMMENDATION:
        return ""
    judged = own.get(metric_key(target)) or []
    if not judged:
        return ""
    fired = [r for r in judged if r.fired]
    shown = (fired or judged)[0]
    agree = bool(fired) == flagged_by_advisor
    verdict = f"also finds it {WORDS[direction]}" if fired else f"does not find it {WORDS[direction]}"
    return (f" wafr's own metric analysis {verdict}: {shown.evidence.rstrip('.')}. "
            f"The two {'agree' if agree else 'disagree'}.")


def subject(estate: Estate, recommendation: Resource) -> Resource:
    """The resource the recommendation is about, as wafr read it; else the recommendation itself."""
    found = estate.get(recommendation.config.get("resourceArn", ""))
    return found if found is not None and found.type != COMPUTE_OPTIMIZER_RECOMMENDATION else recommendation


def _saving(config: dict) -> str:
    value = config.get("estimatedMonthlySavings")
    return f", saving about {value:,.2f} {config.get('currency', 'USD')} a month" if value else ""


def _change(config: dict) -> str:
    current, recommended = config.get("current") or "?", config.get("recommended")
    return f"{current} -> {recommended}" if recommended else current


@check(
    "compute-optimizer-over-provisioned",
    title="Compute Optimizer finds the resource over-provisioned",
    pillar="cost-optimization",
    focus_area="Right-sizing",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["COST06-BP02", "SUS05-BP01"],
    remediation="Apply Compute Optimizer's top-ranked option (or the next one down if its performance risk is too "
                "high) and re-check after a full business cycle of utilisation.",
    resource_types=[COMPUTE_OPTIMIZER_RECOMMENDATION],
    needs=("compute-optimizer",),
)
def compute_optimizer_over_provisioned(estate: Estate) -> Iterator[Result]:
    recommendations = estate.of_type(COMPUTE_OPTIMIZER_RECOMMENDATION)
    own = own_verdicts(estate, "over") if recommendations else {}  # wafr's analyses only where there is a peer
    for rec in recommendations:
        config, target = rec.config, subject(estate, rec)
        if config.get("direction") == "over" or (config.get("direction") == "not-optimized"
                                                 and config.get("estimatedMonthlySavings")):
            reasons = f" ({', '.join(config['reasons'])})" if config.get("reasons") else ""
            yield fail(target, f"{SOURCE}: {config.get('resourceKind')} {config.get('finding')}{reasons}; "
                               f"recommends {_change(config)}{_saving(config)}."
                               + second_opinion(target, "over", True, own))
        elif config.get("direction") == "optimized":
            yield passed(target, f"{SOURCE}: {config.get('resourceKind')} Optimized at {config.get('current') or '?'}."
                         + second_opinion(target, "over", False, own))


@check(
    "compute-optimizer-under-provisioned",
    title="Compute Optimizer finds the resource under-provisioned",
    pillar="performance-efficiency",
    focus_area="Workload efficiency",
    risk=by_environment(prod="HIGH"),
    best_practices=["PERF02-BP04"],
    remediation="Move to the size Compute Optimizer recommends, or scale out, before the constrained resource "
                "(CPU, memory, I/O) limits the workload at its peak.",
    resource_types=[COMPUTE_OPTIMIZER_RECOMMENDATION],
    needs=("compute-optimizer",),
)
def compute_optimizer_under_provisioned(estate: Estate) -> Iterator[Result]:
    recommendations = estate.of_type(COMPUTE_OPTIMIZER_RECOMMENDATION)
    own = own_verdicts(estate, "under") if recommendations else {}  # wafr's analyses only where there is a peer
    for rec in recommendations:
        config, target = rec.config, subject(estate, rec)
        if config.get("direction") == "under":
            reasons = f" ({', '.join(config['reasons'])})" if config.get("reasons") else ""
            yield fail(target, f"{SOURCE}: {config.get('resourceKind')} {config.get('finding')}{reasons}; "
                               f"recommends {_change(config)}." + second_opinion(target, "under", True, own))
        elif config.get("direction") == "optimized":
            yield passed(target, f"{SOURCE}: {config.get('resourceKind')} Optimized at {config.get('current') or '?'}."
                         + second_opinion(target, "under", False, own))
