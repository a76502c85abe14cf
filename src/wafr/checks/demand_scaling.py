"""Auto Scaling groups that follow demand: a policy on a demand signal, not only the clock or a person."""

from __future__ import annotations

from wafr.checks.auto_scaling import CLUSTER_AUTOSCALER_TAG
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed, unread
from wafr.estate import Resource
from wafr.resource_types import AUTOSCALING_GROUP

# Scaling policies that follow a demand signal (a metric, its alarm, or its forecast); scheduled actions follow the
# clock instead.
DEMAND_POLICY_TYPES = ("TargetTrackingScaling", "StepScaling", "SimpleScaling", "PredictiveScaling")


@check(
    "asg-not-scaling-on-demand",
    title="Auto Scaling group does not scale on a demand signal",
    pillar="performance-efficiency", focus_area="Workload scaling",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL07-BP03"],
    remediation="Add a target tracking policy on the signal that measures demand (CPU, request count per target, "
                "a queue's backlog per instance); keep scheduled actions for known cycles on top of it, not instead.",
    bullet="Scale {resources} on a demand signal such as CPU, request count or queue backlog",
    absorbs=("asg-without-scaling-policy",),
    each=AUTOSCALING_GROUP,
)
def asg_not_scaling_on_demand(group: Resource) -> Result:
    policies = group.config.get("ScalingPolicies")
    on_demand = sorted({p.get("PolicyType", "") for p in policies or [] if p.get("PolicyType") in DEMAND_POLICY_TYPES})
    if on_demand:
        return passed(group, f"It scales on demand through {', '.join(on_demand)} policies.")
    if any(key.startswith(CLUSTER_AUTOSCALER_TAG) for key in group.tags):
        return passed(group, "The Kubernetes Cluster Autoscaler sizes it to the pods waiting to run.")
    if policies is None:
        return not_assessed(group, unread(group, "DescribePolicies") or "Its scaling policies were not read.")
    scheduled = len(group.config.get("ScheduledUpdateGroupActions") or [])
    clock = f"; {scheduled} scheduled action(s) follow the clock" if scheduled else ""
    return fail(group, f"No policy follows a demand signal{clock}: a surge meets only the capacity already running.")
