"""EKS managed add-ons: each cluster's add-ons with their installed version, and the version EKS makes the default
for the cluster's Kubernetes version (DescribeAddonVersions), asked once per add-on and Kubernetes version.

Add-on configuration values are free-form and can hold secrets, so they are never kept."""

from __future__ import annotations

from typing import Any, Iterator

from wafr.estate import Resource
from wafr.resource_types import EKS_ADDON
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.registry import collector

KEPT = ("addonName", "clusterName", "status", "addonVersion", "health", "addonArn", "owner", "publisher",
        "serviceAccountRoleArn")


def default_version(ctx: CollectContext, eks: Any, addon: str, kubernetes: str) -> str | None:
    """The add-on version EKS installs by default on ``kubernetes``, or None when it names none."""
    for entry in ctx.paginate(eks, "describe_addon_versions", "addons", addonName=addon, kubernetesVersion=kubernetes):
        for version in entry.get("addonVersions") or []:
            if any(c.get("clusterVersion") == kubernetes and c.get("defaultVersion")
                   for c in version.get("compatibilities") or []):
                return version.get("addonVersion")
    return None


@collector(
    "eks-addons",
    client="eks",
    resource_types=(EKS_ADDON,),
    operations=("eks:ListClusters", "eks:DescribeCluster", "eks:ListAddons", "eks:DescribeAddon",
                "eks:DescribeAddonVersions"),
)
def collect_eks_addons(ctx: CollectContext) -> Iterator[Resource]:
    eks = ctx.client("eks")
    defaults: dict[tuple[str, str], str | None] = {}
    for cluster in ctx.paginate(eks, "list_clusters", "clusters"):
        kubernetes = eks.describe_cluster(name=cluster)["cluster"].get("version", "")
        for name in ctx.paginate(eks, "list_addons", "addons", clusterName=cluster):
            addon = eks.describe_addon(clusterName=cluster, addonName=name)["addon"]
            if (name, kubernetes) not in defaults:
                defaults[(name, kubernetes)] = default_version(ctx, eks, name, kubernetes)
            config = {**{k: addon[k] for k in KEPT if k in addon}, "clusterVersion": kubernetes,
                      "defaultVersion": defaults[(name, kubernetes)]}
            yield ctx.resource(EKS_ADDON, f"{cluster}/{name}", arn=addon.get("addonArn", ""), name=f"{cluster}/{name}",
                               tags=addon.get("tags") or {}, config=config)
