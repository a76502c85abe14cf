"""EKS clusters and managed node groups: Kubernetes version support, control-plane logging, endpoint exposure,
envelope encryption of secrets, node groups spread across Availability Zones, and managed add-on versions."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Iterator

from wafr.checks.identity import as_of
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed, unread
from wafr.data import load as load_data
from wafr.estate import Estate
from wafr.resource_types import EC2_SUBNET, EKS_ADDON, EKS_CLUSTER, EKS_NODEGROUP

LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
OPEN = {"0.0.0.0/0", "::/0"}


@cache
def end_of_standard_support() -> dict[str, dt.date]:
    """Kubernetes minor version -> the day EKS's standard support ends (data/eks_versions.yaml)."""
    return {str(version): day for version, day in load_data("eks_versions.yaml")["end_of_standard_support"].items()}


def _minor(version: str) -> tuple[int, ...] | None:
    try:
        return tuple(int(part) for part in version.split(".")[:2])
    except ValueError:
        return None


@check(
    "eks-version-past-standard-support",
    title="EKS cluster runs a Kubernetes version past standard support",
    pillar="operational-excellence",
    focus_area="Software currency",
    risk=by_environment(prod="HIGH"),
    best_practices=["OPS05-BP05", "SUS06-BP03"],
    remediation="Upgrade the cluster one minor version at a time (control plane, then node groups and add-ons) to a "
                "version in standard support; past it, EKS bills extended support per cluster hour and finally "
                "upgrades the cluster itself.",
    resource_types=[EKS_CLUSTER],
    needs=("eks",),
)
def eks_version_past_standard_support(estate: Estate) -> Iterator[Result]:
    calendar = end_of_standard_support()
    today = as_of(estate).date()
    first = min(calendar, key=_minor)
    for cluster in estate.of_type(EKS_CLUSTER):
        version = str(cluster.config.get("version") or "")
        minor = _minor(version)
        end = calendar.get(version)
        if end is None and minor is not None and minor < _minor(first):
            end = calendar[first]  # older than the calendar: past every support
        if why := unread(cluster):
            yield not_assessed(cluster, why)
        elif end is None:
            yield not_assessed(cluster, f"Kubernetes {version or '(unknown)'} is not in wafr's EKS release calendar "
                                        "(data/eks_versions.yaml), so its support dates are unknown.")
        elif end <= today:
            yield fail(cluster, f"Kubernetes {version}: standard support ended {end.isoformat()} "
                                f"({(today - end).days} days before the scan); the cluster is on extended support "
                                "or due for a forced upgrade.")
        else:
            yield passed(cluster, f"Kubernetes {version} is in standard support until {end.isoformat()} "
                                  f"({(end - today).days} days after the scan).")


@check(
    "eks-control-plane-logging-incomplete",
    title="EKS control-plane logs are not all sent to CloudWatch Logs",
    pillar="security",
    focus_area="Detection",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC04-BP01"],
    remediation="Enable the control-plane log types (at least api, audit and authenticator) on the cluster, and set a "
                "retention period on its /aws/eks/<cluster>/cluster log group.",
    resource_types=[EKS_CLUSTER],
    needs=("eks",),
)
def eks_control_plane_logging_incomplete(estate: Estate) -> Iterator[Result]:
    for cluster in estate.of_type(EKS_CLUSTER):
        if why := unread(cluster):
            yield not_assessed(cluster, why)
            continue
        enabled = {t for entry in (cluster.config.get("logging") or {}).get("clusterLogging") or []
                   if entry.get("enabled") for t in entry.get("types") or []}
        missing = [t for t in LOG_TYPES if t not in enabled]
        if {"api", "audit", "authenticator"} & set(missing):
            yield fail(cluster, f"Control-plane log types off: {', '.join(missing)}; "
                                f"on: {', '.join(sorted(enabled)) or 'none'}. Who called the Kubernetes API, and "
                                "how they authenticated, is not recorded.")
        else:
            yield passed(cluster, f"Control-plane logs sent to CloudWatch Logs: {', '.join(sorted(enabled))}.")


@check(
    "eks-endpoint-public-to-internet",
    title="EKS API endpoint is open to the whole internet",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="HIGH"),
    best_practices=["SEC05-BP02"],
    remediation="Turn on the private endpoint and either turn the public endpoint off or limit publicAccessCidrs to "
                "the addresses administrators and pipelines connect from.",
    resource_types=[EKS_CLUSTER],
    needs=("eks",),
)
def eks_endpoint_public_to_internet(estate: Estate) -> Iterator[Result]:
    for cluster in estate.of_type(EKS_CLUSTER):
        if why := unread(cluster):
            yield not_assessed(cluster, why)
            continue
        vpc = cluster.config.get("resourcesVpcConfig") or {}
        cidrs = vpc.get("publicAccessCidrs") or ["0.0.0.0/0"]  # AWS's default when none are given
        if not vpc.get("endpointPublicAccess"):
            yield passed(cluster, "The Kubernetes API endpoint is private only.")
        elif OPEN & set(cidrs):
            yield fail(cluster, "The Kubernetes API endpoint is public and accepts connections from any address "
                                f"({', '.join(sorted(OPEN & set(cidrs)))}); only its authentication stands in the way.")
        else:
            yield passed(cluster, f"The public endpoint accepts only {', '.join(cidrs)}.")


@check(
    "eks-secrets-not-envelope-encrypted",
    title="EKS cluster does not envelope-encrypt Kubernetes secrets with a KMS key",
    pillar="security",
    focus_area="Encryption at rest",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC08-BP01"],
    remediation="Associate a KMS key with the cluster for secrets (encryptionConfig, resources [secrets]); access to "
                "secrets then also needs the key, and its use is logged in CloudTrail.",
    resource_types=[EKS_CLUSTER],
    needs=("eks",),
)
def eks_secrets_not_envelope_encrypted(estate: Estate) -> Iterator[Result]:
    for cluster in estate.of_type(EKS_CLUSTER):
        if why := unread(cluster):
            yield not_assessed(cluster, why)
            continue
        keys = [(e.get("provider") or {}).get("keyArn", "") for e in cluster.config.get("encryptionConfig") or []
                if "secrets" in (e.get("resources") or [])]
        if keys:
            yield passed(cluster, f"Kubernetes secrets are envelope-encrypted with the KMS key {keys[0]}.")
        else:
            yield fail(cluster, "No encryptionConfig for secrets: Kubernetes secrets in etcd are protected only by "
                                "EKS's volume encryption, with no key of the account's own controlling access.")


@check(
    "eks-nodegroup-single-az",
    title="EKS managed node group runs in a single Availability Zone",
    pillar="reliability",
    focus_area="Service availability",
    risk=by_environment(prod="HIGH"),
    best_practices=["REL10-BP01"],
    remediation="Give the node group subnets in at least two (preferably three) Availability Zones, so losing a "
                "zone leaves nodes to reschedule the pods on.",
    resource_types=[EKS_NODEGROUP],
    needs=("eks", "vpc"),
)
def eks_nodegroup_single_az(estate: Estate) -> Iterator[Result]:
    for group in estate.of_type(EKS_NODEGROUP):
        if why := unread(group):
            yield not_assessed(group, why)
            continue
        subnets = group.config.get("subnets") or []
        found = [estate.get(s, EC2_SUBNET, group.account) for s in subnets]
        zones = sorted({s.config.get("AvailabilityZone", "") for s in found if s is not None} - {""})
        if len(zones) >= 2:
            yield passed(group, f"Nodes run in {len(zones)} Availability Zones: {', '.join(zones)}.")
        elif None in found:
            unknown = [s for s, r in zip(subnets, found) if r is None]
            yield not_assessed(group, f"The zone of subnet(s) {', '.join(unknown)} is unknown (not read with the "
                                      "VPCs), so the node group's spread cannot be judged.")
        else:
            yield fail(group, f"All {len(subnets)} subnet(s) of the node group are in {zones[0] if zones else '?'}: "
                              "losing that zone takes every node of the group with it.")


def _version_key(version: str) -> tuple[int, ...]:
    """"v1.18.3-eksbuild.1" as (1, 18, 3, 1): add-on versions compare by their numbers in order."""
    return tuple(int(part) for part in re.findall(r"\d+", version))


@check(
    "eks-addon-behind-default",
    title="EKS managed add-on is older than the version EKS recommends for the cluster",
    pillar="operational-excellence",
    focus_area="Software currency",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["OPS05-BP05", "SUS06-BP03"],
    remediation="Update the add-on to at least the default version for the cluster's Kubernetes version "
                "(aws eks update-addon), testing it in a non-production cluster first.",
    resource_types=[EKS_ADDON],
    needs=("eks-addons",),
)
def eks_addon_behind_default(estate: Estate) -> Iterator[Result]:
    for addon in estate.of_type(EKS_ADDON):
        installed, default = addon.config.get("addonVersion") or "", addon.config.get("defaultVersion")
        kubernetes = addon.config.get("clusterVersion", "?")
        if not default or not installed:
            yield not_assessed(addon, f"EKS names no default {addon.config.get('addonName')} version for Kubernetes "
                                      f"{kubernetes} (or the installed version is unknown).")
        elif _version_key(installed) < _version_key(default):
            yield fail(addon, f"{addon.config.get('addonName')} {installed} is older than {default}, the default for "
                              f"Kubernetes {kubernetes}.")
        else:
            yield passed(addon, f"{addon.config.get('addonName')} {installed} is at or past {default}, the default for "
                                f"Kubernetes {kubernetes}.")
