"""EBS snapshots the account owns (not the public or shared ones it can see), with their tags."""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Resource
from wafr.resource_types import EC2_SNAPSHOT
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.registry import collector


@collector("ebs-snapshots", client="ec2", resource_types=(EC2_SNAPSHOT,), operations=("ec2:DescribeSnapshots",))
def collect_ebs_snapshots(ctx: CollectContext) -> Iterator[Resource]:
    ec2 = ctx.client("ec2")
    for snapshot in ctx.paginate(ec2, "describe_snapshots", "Snapshots", OwnerIds=["self"]):
        if snapshot.get("OwnerId", ctx.account) != ctx.account:
            continue  # an endpoint that ignores OwnerIds (some emulators) must not fill the estate with others'
        snapshot_id = snapshot["SnapshotId"]
        yield ctx.resource(EC2_SNAPSHOT, snapshot_id, tags=tags_from_list(snapshot.get("Tags")), config=snapshot,
                           arn=f"arn:{ctx.partition}:ec2:{ctx.region}::snapshot/{snapshot_id}",
                           links={"volumes": [snapshot.get("VolumeId", "")]})
