"""Production EC2 instances that run alone: in no Auto Scaling group or fleet, behind no load balancer, so nothing
replaces them when they, or their zone, fail."""

from __future__ import annotations

from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate, Resource
from wafr.gaps import unread_where
from wafr.resource_types import AUTOSCALING_GROUP, EC2_INSTANCE, ELB_CLASSIC_LOAD_BALANCER, ELB_TARGET_GROUP

# Tags AWS (or a node provisioner) puts on the instances it launches and replaces: the group or fleet that keeps
# the count, so the instance is one of a self-healing set.
REPLACED_BY_TAG = {
    "aws:autoscaling:groupName": "the Auto Scaling group",
    "aws:ec2:fleet-id": "the EC2 Fleet",
    "aws:ec2spot:fleet-request-id": "the Spot Fleet",
    "karpenter.sh/nodepool": "the Karpenter node pool",
    "karpenter.sh/provisioner-name": "the Karpenter provisioner",
    "aws:elasticmapreduce:job-flow-id": "the EMR cluster",
}


def _kept_by(instance: Resource, estate: Estate) -> str | None:
    """What replaces the instance when it fails, in words; None when nothing does."""
    for key, what in REPLACED_BY_TAG.items():
        if key in instance.tags:
            return f"{what} {instance.tags[key]}"
    for group in estate.of_type(AUTOSCALING_GROUP):
        if group.account == instance.account and any(
                i.get("InstanceId") == instance.id for i in group.config.get("Instances") or []):
            return f"the Auto Scaling group {group.name}"
    return None


def _balanced_by(instance: Resource, estate: Estate) -> str | None:
    """The load balancer or target group that sends the instance traffic, if any."""
    for group in estate.linked_to("instances", instance.id, type=ELB_TARGET_GROUP):
        return f"target group {group.name}"
    for lb in estate.linked_to("instances", instance.id, type=ELB_CLASSIC_LOAD_BALANCER):
        return f"Classic Load Balancer {lb.name}"
    return None


@check(
    "ec2-standalone-instance",
    title="Production instance runs alone, with nothing to replace it",
    pillar="reliability", focus_area="Service availability",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL11-BP03", "REL10-BP02"],
    remediation="Run the instance from an Auto Scaling group (a group of one, min = max = 1, over subnets in "
                "several zones, keeps a single server alive) with its state on EBS snapshots, EFS or a database, "
                "so a failed instance or zone is replaced without a person.",
    bullet="Put {resources} in Auto Scaling groups that replace them when they fail",
    each=EC2_INSTANCE,
    needs=("ec2", "autoscaling", "elbv2", "elb"),
)
def ec2_standalone_instance(instance: Resource, estate: Estate) -> Result | None:
    if (instance.config.get("State") or {}).get("Name") != "running" or not estate.in_production(instance):
        return None
    kept = _kept_by(instance, estate)
    if kept:
        return passed(instance, f"{kept[0].upper()}{kept[1:]} replaces it when it fails.")
    if _balanced_by(instance, estate):
        return None  # traffic fails over to its peers; whether they are replaced is not seen from here
    # "Alone" rests on what was not found: the group or load balancer may be in what was not read in its Region.
    unseen = unread_where(estate, ("autoscaling", "elbv2", "elb"), instance.account, instance.region)
    if unseen:
        return not_assessed(instance, f"No group or load balancer was found for it, but {unseen}.")
    recovery = (instance.config.get("MaintenanceOptions") or {}).get("AutoRecovery")
    zone = (instance.config.get("Placement") or {}).get("AvailabilityZone", "its zone")
    note = (" EC2 automatic recovery may restart it on new hardware, in the same zone, after a host failure only."
            if recovery == "default" else "")
    return fail(instance, f"It is in no Auto Scaling group or fleet and no load balancer sends it traffic: when it "
                          f"fails, or {zone} does, nothing launches a replacement.{note}")
