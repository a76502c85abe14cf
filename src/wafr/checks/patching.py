"""Patching: what Systems Manager Patch Manager reports about each EC2 instance, and whether anything patches the
production ones on a schedule."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from wafr.checks.compute import state
from wafr.checks.registry import Result, by_environment, check, fail, judged, not_assessed, passed
from wafr.estate import Estate, Resource
from wafr.phrases import first_few
from wafr.resource_types import EC2_INSTANCE, SSM_ASSOCIATION, SSM_MANAGED_INSTANCE, SSM_PATCH_COMPLIANCE

# The documents that scan and install patches against a patch baseline (patch policies run them too).
PATCH_DOCUMENTS = frozenset({"AWS-RunPatchBaseline", "AWS-RunPatchBaselineAssociation",
                             "AWS-RunPatchBaselineWithHooks"})
# A patch record older than this says patching stopped: AWS releases security patches every month.
RECENT_PATCHING = timedelta(days=35)
SEVERITIES = ("Critical", "High", "Medium", "Low")


def patch_summary(estate: Estate, instance: Resource) -> Resource | None:
    """Patch Manager's compliance summary of this instance, if it ever reported one."""
    return estate.get(instance.id, SSM_PATCH_COMPLIANCE, instance.account)  # instance ids are unique


def _when(summary: Resource) -> datetime | None:
    value = (summary.config.get("ExecutionSummary") or {}).get("ExecutionTime")
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value if isinstance(value, datetime) else None


def _missing(summary: Resource) -> str:
    counts = (summary.config.get("NonCompliantSummary") or {}).get("SeveritySummary") or {}
    named = [f"{counts[f'{s}Count']} {s.lower()}" for s in SEVERITIES if counts.get(f"{s}Count")]
    total = (summary.config.get("NonCompliantSummary") or {}).get("NonCompliantCount", 0)
    return f"{total} patch(es) missing or failed" + (f" ({', '.join(named)})" if named else "")


@check(
    "instance-missing-patches",
    title="EC2 instance is missing patches",
    pillar="security", focus_area="Compute protection",
    risk=by_environment(prod="HIGH"),
    best_practices=["SEC06-BP01", "SEC06-BP05"],
    remediation="Install the missing patches with Patch Manager (an AWS-RunPatchBaseline Install association or a "
                "patch policy on a schedule, with a maintenance window for reboots), and find out why the last "
                "installs failed or were skipped.",
    bullet="Install the missing patches on {resources} and keep Patch Manager installing them on a schedule",
    each=EC2_INSTANCE,
    needs=("ec2", "ssm-patching"),
)
def instance_missing_patches(instance: Resource, estate: Estate) -> Result | None:
    summary = patch_summary(estate, instance) if state(instance) == "running" else None
    if summary is None:
        return None  # never scanned for patches: instance-patching-not-automated judges that
    when = _when(summary)
    as_of = f" as of its last patch operation on {when:%Y-%m-%d}" if when else ""
    return judged(instance, summary.config.get("Status") == "COMPLIANT",
                  f"Patch Manager reports it COMPLIANT with its patch baseline{as_of}.",
                  f"Patch Manager reports it NON_COMPLIANT: {_missing(summary)}{as_of}.")


def _targets(association: dict[str, Any], instance: Resource) -> bool | None:
    """Whether an association's targets include the instance; None when they name a resource group, which the
    scan does not resolve."""
    if association.get("InstanceId") == instance.id:
        return True
    unknown = False
    for target in association.get("Targets") or []:
        key, values = target.get("Key", ""), target.get("Values") or []
        if key == "InstanceIds" and ("*" in values or instance.id in values):
            return True
        if key.startswith("tag:") and instance.tags.get(key[4:]) in values:
            return True
        if key == "tag-key" and any(v in instance.tags for v in values):
            return True
        unknown |= key.startswith("resource-groups:")
    return None if unknown else False


def _patching(estate: Estate, instance: Resource) -> list[Resource]:
    return [a for a in estate.of_type_in(instance.account, instance.region, SSM_ASSOCIATION)
            if str(a.config.get("Name", "")).rsplit("/", 1)[-1] in PATCH_DOCUMENTS]


def _unread(estate: Estate, instance: Resource, service: str) -> str | None:
    """Why ``service`` has no answer here, when it was recorded as unread (denied, failed, unsupported by the
    endpoint): an absence there proves nothing. Patch Manager not set up (not-enabled) is an answer."""
    setup = estate.coverage_of(instance.account, instance.region, service)
    if setup is None or setup.status in ("assessed", "not-enabled"):
        return None
    return estate.gap(instance.account, instance.region, service)


@check(
    "instance-patching-not-automated",
    title="Production EC2 instance is not patched automatically",
    pillar="security", focus_area="Compute protection",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC06-BP05"],
    remediation="Register the instance with Systems Manager (SSM agent and an instance profile with "
                "AmazonSSMManagedInstanceCore, or Default Host Management Configuration) and target it with a "
                "patch policy or an AWS-RunPatchBaseline association that scans daily and installs in a "
                "maintenance window.",
    bullet="Patch {resources} automatically with a Patch Manager patch policy",
    each=EC2_INSTANCE,
    needs=("ec2", "ssm-managed-instances", "ssm-patching"),
)
def instance_patching_not_automated(instance: Resource, estate: Estate) -> Result | None:
    if state(instance) != "running" or not estate.in_production(instance):
        return None
    if unread_here := _unread(estate, instance, "ssm-managed-instances"):
        return not_assessed(instance, f"Whether Systems Manager manages it is unknown: {unread_here}.")
    if estate.get(instance.id, SSM_MANAGED_INSTANCE, instance.account) is None:
        return fail(instance, "Systems Manager does not manage it (no SSM agent registered), so Patch Manager "
                              "cannot scan or patch it.")
    if unread_here := _unread(estate, instance, "ssm-patching"):  # the fail below rests on Patch Manager's answer
        return not_assessed(instance, f"Systems Manager manages it, but {unread_here}.")
    associations = _patching(estate, instance)
    targeting = [a for a in associations if _targets(a.config, instance)]
    if targeting:
        return passed(instance, f"Patch association(s) {first_few([a.label for a in targeting], 3)} "
                                f"({targeting[0].config.get('Name')}) target it.")
    summary = patch_summary(estate, instance)
    when = _when(summary) if summary else None
    if when and datetime.now(timezone.utc) - when <= RECENT_PATCHING:
        return passed(instance, f"No association targets it, but Patch Manager ran on it on {when:%Y-%m-%d} "
                                "(a maintenance window or patch policy runs it).")
    if any(_targets(a.config, instance) is None for a in associations):
        return not_assessed(instance, "A patch association targets a resource group, which the scan does not "
                                      "resolve, so whether it patches this instance is unknown.")
    last = f"; its last patch operation was on {when:%Y-%m-%d}" if when else ""
    setup = estate.coverage_of(instance.account, instance.region, "ssm-patching")
    why = (f" ({setup.detail})" if setup and setup.status == "not-enabled" and setup.detail else "")
    return fail(instance, f"Systems Manager manages it, but no patch baseline association targets it{last}{why}.")
