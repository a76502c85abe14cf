"""RDS: DB instances and Aurora/Multi-AZ DB clusters."""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Resource
from wafr.resource_types import RDS_DB_CLUSTER, RDS_DB_INSTANCE
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.registry import collector


@collector(
    "rds",
    resource_types=(RDS_DB_INSTANCE, RDS_DB_CLUSTER),
    operations=("rds:DescribeDBInstances", "rds:DescribeDBClusters"),
)
def collect_rds(ctx: CollectContext) -> Iterator[Resource]:
    rds = ctx.client("rds")
    for db in ctx.paginate(rds, "describe_db_instances", "DBInstances"):
        subnet_group = db.get("DBSubnetGroup") or {}
        yield ctx.resource(
            RDS_DB_INSTANCE, db["DBInstanceIdentifier"], arn=db.get("DBInstanceArn", ""),
            name=db["DBInstanceIdentifier"], tags=tags_from_list(db.get("TagList")), config=db,
            links={
                "vpc": [subnet_group.get("VpcId", "")],
                "subnets": [s["SubnetIdentifier"] for s in subnet_group.get("Subnets", [])],
                "security_groups": [g["VpcSecurityGroupId"] for g in db.get("VpcSecurityGroups", [])],
                "cluster": [db.get("DBClusterIdentifier", "")],
            },
        )
    for cluster in ctx.paginate(rds, "describe_db_clusters", "DBClusters"):
        yield ctx.resource(
            RDS_DB_CLUSTER, cluster["DBClusterIdentifier"], arn=cluster.get("DBClusterArn", ""),
            name=cluster["DBClusterIdentifier"], tags=tags_from_list(cluster.get("TagList")), config=cluster,
            links={"security_groups": [g["VpcSecurityGroupId"] for g in cluster.get("VpcSecurityGroups", [])]},
        )
