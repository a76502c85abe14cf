"""EC2 Auto Scaling groups: spread across zones, health checks, launch templates, scaling policies, and Spot."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate, Resource
from wafr.resource_types import AUTOSCALING_GROUP

# The tag EKS puts on a managed node group's Auto Scaling group, and a self-managed one carries for the autoscaler.
CLUSTER_AUTOSCALER_TAG = "k8s.io/cluster-autoscaler/"


def on_demand_share(group: Resource) -> int:
    """The percentage of the group's capacity above its on-demand base that is on-demand (100 without Spot)."""
    policy: Mapping[str, Any] = group.config.get("MixedInstancesPolicy") or {}
    distribution = policy.get("InstancesDistribution") or {}
    if not policy:
        return 100
    return int(distribution.get("OnDemandPercentageAboveBaseCapacity", 100))


@check(
    "asg-single-az",
    title="Auto Scaling group launches into one Availability Zone",
    pillar="reliability",
    focus_area="Service availability",
    risk=by_environment(prod="HIGH"),
    best_practices=["REL10-BP01"],
    remediation="Give the group subnets in at least two (better three) Availability Zones, so it replaces capacity "
                "in another zone when one fails.",
    resource_types=[AUTOSCALING_GROUP],
    needs=("autoscaling",),
)
def asg_single_az(estate: Estate) -> Iterator[Result]:
    for group in estate.of_type(AUTOSCALING_GROUP):
        zones = sorted(group.config.get("AvailabilityZones") or [])
        if len(zones) > 1:
            yield passed(group, f"It launches into {len(zones)} zones: {', '.join(zones)}.")
        else:
            yield fail(group, f"It launches only into {', '.join(zones) or 'one zone'}: a zone failure takes all "
                              "of its capacity.")


@check(
    "asg-ec2-health-check-behind-load-balancer",
    title="Auto Scaling group behind a load balancer replaces instances only on EC2 status checks",
    pillar="reliability",
    focus_area="Service availability",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL07-BP02"],
    remediation="Set the group's health check type to ELB (with a grace period long enough to boot), so an "
                "instance its load balancer finds unhealthy is replaced, not only one whose hardware fails.",
    resource_types=[AUTOSCALING_GROUP],
    needs=("autoscaling",),
)
def asg_ec2_health_check_behind_load_balancer(estate: Estate) -> Iterator[Result]:
    for group in estate.of_type(AUTOSCALING_GROUP):
        balanced = (group.config.get("TargetGroupARNs") or []) + (group.config.get("LoadBalancerNames") or [])
        if not balanced:
            continue  # no load balancer to ask: EC2 status checks are all there is
        kind = group.config.get("HealthCheckType", "EC2")
        if kind == "EC2":
            yield fail(group, f"It serves {len(balanced)} target group(s) or load balancer(s) but its health check "
                              "type is EC2: an instance that fails the load balancer's health check stays in "
                              "service until its hardware fails.")
        else:
            yield passed(group, f"Its health check type is {kind}.")


@check(
    "asg-launch-configuration",
    title="Auto Scaling group launches from a launch configuration, not a launch template",
    pillar="performance-efficiency",
    focus_area="Compute selection",
    risk="LOW",
    best_practices=["PERF02-BP02"],
    remediation="Create a launch template from the launch configuration (the console copies it) and point the "
                "group at it: launch configurations get no instance types launched since 2023, no mixed "
                "instances or Spot allocation, and no versions.",
    resource_types=[AUTOSCALING_GROUP],
    needs=("autoscaling",),
)
def asg_launch_configuration(estate: Estate) -> Iterator[Result]:
    for group in estate.of_type(AUTOSCALING_GROUP):
        configuration = group.config.get("LaunchConfigurationName")
        if configuration:
            yield fail(group, f"It launches from the launch configuration {configuration}.")
        else:
            yield passed(group, "It launches from a launch template.")


@check(
    "asg-without-scaling-policy",
    title="Auto Scaling group has no scaling policy",
    pillar="performance-efficiency",
    focus_area="Workload scaling",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["PERF02-BP05", "REL07-BP01"],
    remediation="Add a target tracking policy (CPU, request count per target or a queue's backlog per instance) "
                "with minimum and maximum sizes that leave room to scale, or scheduled actions for a known cycle.",
    resource_types=[AUTOSCALING_GROUP],
    needs=("autoscaling",),
)
def asg_without_scaling_policy(estate: Estate) -> Iterator[Result]:
    for group in estate.of_type(AUTOSCALING_GROUP):
        policies, scheduled = group.config.get("ScalingPolicies"), group.config.get("ScheduledUpdateGroupActions")
        errors = group.errors
        if policies:
            kinds = sorted({p.get("PolicyType", "?") for p in policies})
            yield passed(group, f"{len(policies)} scaling {'policy' if len(policies) == 1 else 'policies'}: "
                                f"{', '.join(kinds)}.")
        elif scheduled:
            yield passed(group, f"{len(scheduled)} scheduled action(s) change its capacity.")
        elif any(key.startswith(CLUSTER_AUTOSCALER_TAG) for key in group.tags):
            yield passed(group, "It is tagged for the Kubernetes Cluster Autoscaler, which scales it through its "
                                "desired capacity.")
        elif policies is None or scheduled is None:
            unread = ", ".join(f"{op} ({code})" for op, code in errors.items()) or "not read"
            yield not_assessed(group, f"Its scaling policies or scheduled actions could not be read: {unread}.")
        else:
            low, high, now = (group.config.get(k) for k in ("MinSize", "MaxSize", "DesiredCapacity"))
            yield fail(group, f"No scaling policy and no scheduled action: it stays between {low} and {high} "
                              f"instances only as people set its desired capacity (now {now}).")


@check(
    "asg-spot-without-capacity-rebalance",
    title="Auto Scaling group runs Spot without capacity rebalancing",
    pillar="reliability",
    focus_area="Service availability",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL07-BP02"],
    remediation="Turn on Capacity Rebalancing, so the group launches a replacement when a Spot instance is at "
                "elevated risk of interruption, before the two-minute notice.",
    resource_types=[AUTOSCALING_GROUP],
    needs=("autoscaling",),
)
def asg_spot_without_capacity_rebalance(estate: Estate) -> Iterator[Result]:
    for group in estate.of_type(AUTOSCALING_GROUP):
        if on_demand_share(group) >= 100:
            continue  # no Spot capacity to rebalance
        if group.config.get("CapacityRebalance"):
            yield passed(group, "It runs Spot with Capacity Rebalancing on.")
        else:
            yield fail(group, f"{100 - on_demand_share(group)}% of its capacity above the base is Spot, and "
                              "Capacity Rebalancing is off: interrupted instances are replaced only after they "
                              "are gone.")


@check(
    "asg-non-production-without-spot",
    title="Non-production Auto Scaling group runs only On-Demand instances",
    pillar="cost-optimization",
    focus_area="Cost evaluation",
    risk="LOW",
    best_practices=["COST07-BP04"],
    remediation="Give the group a mixed instances policy with several instance types and most capacity on Spot "
                "(price-capacity-optimized allocation, Capacity Rebalancing on): development and test tolerate "
                "interruptions at up to 90% off.",
    resource_types=[AUTOSCALING_GROUP],
    needs=("autoscaling",),
)
def asg_non_production_without_spot(estate: Estate) -> Iterator[Result]:
    for group in estate.of_type(AUTOSCALING_GROUP):
        if estate.in_production(group):
            continue  # whether production tolerates interruption is the team's call
        share = on_demand_share(group)
        if share >= 100:
            yield fail(group, f"The {estate.environment_of(group)} group runs On-Demand only.")
        else:
            yield passed(group, f"{100 - share}% of its capacity above the base is Spot.")
