"""ElastiCache: replication groups (Redis OSS / Valkey) and cache clusters, with their tags and network placement."""

from __future__ import annotations

from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import ELASTICACHE_CACHE_CLUSTER, ELASTICACHE_REPLICATION_GROUP
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector



@collector(
    "elasticache",
    resource_types=(ELASTICACHE_REPLICATION_GROUP, ELASTICACHE_CACHE_CLUSTER),
    operations=(
        "elasticache:DescribeCacheSubnetGroups", "elasticache:DescribeCacheClusters",
        "elasticache:DescribeReplicationGroups", "elasticache:ListTagsForResource",
    ),
)
def collect_elasticache(ctx: CollectContext) -> Iterator[Resource]:
    elasticache = ctx.client("elasticache")
    subnet_groups = {g["CacheSubnetGroupName"]: g
                     for g in ctx.paginate(elasticache, "describe_cache_subnet_groups", "CacheSubnetGroups")}
    clusters = list(ctx.paginate(elasticache, "describe_cache_clusters", "CacheClusters", ShowCacheNodeInfo=True))
    by_id = {c["CacheClusterId"]: c for c in clusters}
    failed: dict[str, int] = {}
    for cluster in clusters:
        yield ctx.resource(
            ELASTICACHE_CACHE_CLUSTER, cluster["CacheClusterId"], arn=cluster.get("ARN", ""),
            name=cluster["CacheClusterId"],
            **_tagged(elasticache, cluster, failed),
            links={**_placement(subnet_groups, [cluster]),
                   # A member node inherits its replication group's environment, as an Aurora instance its cluster's.
                   "cluster": [cluster.get("ReplicationGroupId", "")]},
        )
    for group in ctx.paginate(elasticache, "describe_replication_groups", "ReplicationGroups"):
        # AWS reports security groups and subnet group per member cluster, never on the replication group.
        members = [by_id[m] for m in group.get("MemberClusters", []) if m in by_id]
        yield ctx.resource(
            ELASTICACHE_REPLICATION_GROUP, group["ReplicationGroupId"], arn=group.get("ARN", ""),
            name=group["ReplicationGroupId"],
            **_tagged(elasticache, group, failed), links=_placement(subnet_groups, members),
        )
    for code, count in failed.items():
        ctx.note(f"list_tags_for_resource: {code} for {count} cache resource(s)")


def _placement(subnet_groups: dict[str, dict[str, Any]], clusters: list[dict[str, Any]]) -> dict[str, list[str]]:
    """vpc, subnets and security groups of the given cache clusters, in first-seen order."""
    vpcs, subnets, groups = [], [], []
    for cluster in clusters:
        subnet_group = subnet_groups.get(cluster.get("CacheSubnetGroupName", ""), {})
        vpcs.append(subnet_group.get("VpcId", ""))
        subnets += [s["SubnetIdentifier"] for s in subnet_group.get("Subnets", [])]
        groups += [g["SecurityGroupId"] for g in cluster.get("SecurityGroups", [])]
    return {"vpc": _unique(vpcs), "subnets": _unique(subnets), "security_groups": _unique(groups)}


def _tagged(elasticache: Any, item: dict[str, Any], failed: dict[str, int]) -> dict[str, Any]:
    """tags and config for one cluster or group; a failed tag read is recorded on it (and counted), never fatal."""
    config, tags = dict(item), {}
    if item.get("ARN"):
        try:
            tags = tags_from_list(elasticache.list_tags_for_resource(ResourceName=item["ARN"]).get("TagList"))
        except ClientError as error:
            code = error_code(error)
            config["_errors"] = {"ListTagsForResource": code}
            failed[code] = failed.get(code, 0) + 1
    return {"tags": tags, "config": config}


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))
