"""EC2: instances, EBS volumes, network interfaces, security groups (with rules) and EBS default encryption."""

from __future__ import annotations

from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import (EC2_EBS_ENCRYPTION_BY_DEFAULT, EC2_INSTANCE, EC2_NETWORK_INTERFACE, EC2_SECURITY_GROUP,
                                 EC2_VOLUME)
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector
from wafr.sources.aws.secret_scan import scan_user_data

# Ours: AWS has no resource type for this per-region account setting.

# describe_instances lists terminated instances for about an hour; they no longer exist.
GONE_INSTANCE_STATES = frozenset({"shutting-down", "terminated"})


@collector(
    "ec2",
    resource_types=(EC2_INSTANCE, EC2_VOLUME, EC2_NETWORK_INTERFACE, EC2_SECURITY_GROUP, EC2_EBS_ENCRYPTION_BY_DEFAULT),
    operations=(
        "ec2:DescribeInstances", "ec2:DescribeVolumes", "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:GetEbsEncryptionByDefault",
        "ec2:DescribeInstanceAttribute",  # user data, scanned for secrets and dropped (guard.SCANNED_READS)
    ),
)
def collect_ec2(ctx: CollectContext) -> Iterator[Resource]:
    ec2 = ctx.client("ec2")
    yield from _instances(ctx, ec2)
    for volume in ctx.paginate(ec2, "describe_volumes", "Volumes"):
        yield ctx.resource(EC2_VOLUME, volume["VolumeId"], arn=_arn(ctx, "volume", volume["VolumeId"]),
                           tags=tags_from_list(volume.get("Tags")), config=volume,
                           links={"instances": [a.get("InstanceId", "") for a in volume.get("Attachments", [])]})
    for eni in ctx.paginate(ec2, "describe_network_interfaces", "NetworkInterfaces"):
        yield ctx.resource(
            EC2_NETWORK_INTERFACE, eni["NetworkInterfaceId"],
            arn=_arn(ctx, "network-interface", eni["NetworkInterfaceId"]),
            tags=tags_from_list(eni.get("TagSet")), config=eni,
            links={"vpc": [eni.get("VpcId", "")], "subnets": [eni.get("SubnetId", "")],
                   "security_groups": [g["GroupId"] for g in eni.get("Groups", [])],
                   "instances": [(eni.get("Attachment") or {}).get("InstanceId", "")]},
        )
    yield from _security_groups(ctx, ec2)
    yield _encryption_by_default(ctx, ec2)


def _instances(ctx: CollectContext, ec2: Any) -> Iterator[Resource]:
    unscanned: dict[str, int] = {}
    for reservation in ctx.paginate(ec2, "describe_instances", "Reservations"):
        for instance in reservation.get("Instances", []):
            if (instance.get("State") or {}).get("Name") in GONE_INSTANCE_STATES:
                continue
            interfaces = instance.get("NetworkInterfaces", [])
            groups = [g["GroupId"] for g in instance.get("SecurityGroups", [])]
            groups += [g["GroupId"] for i in interfaces for g in i.get("Groups", []) if g["GroupId"] not in groups]
            yield ctx.resource(
                EC2_INSTANCE, instance["InstanceId"], arn=_arn(ctx, "instance", instance["InstanceId"]),
                tags=tags_from_list(instance.get("Tags")),
                config={**instance, **_user_data_secrets(ec2, instance, unscanned)},
                links={"vpc": [instance.get("VpcId", "")],
                       "subnets": sorted({i.get("SubnetId", "") for i in interfaces} | {instance.get("SubnetId", "")}),
                       "security_groups": groups,
                       "network_interfaces": [i["NetworkInterfaceId"] for i in interfaces]},
            )
    for code, count in unscanned.items():
        ctx.note(f"DescribeInstanceAttribute (userData): {code} for {count} instance(s)")


def _user_data_secrets(ec2: Any, instance: dict[str, Any], unscanned: dict[str, int]) -> dict[str, Any]:
    """The secrets found in an instance's user data (kind and line, never a value), or the call's failure."""
    try:
        answer = ec2.describe_instance_attribute(InstanceId=instance["InstanceId"], Attribute="userData")
    except (ClientError, NotImplementedError) as error:
        unscanned[error_code(error)] = unscanned.get(error_code(error), 0) + 1
        return {"_errors": {**(instance.get("_errors") or {}), "DescribeInstanceAttribute": error_code(error)}}
    return {"UserDataSecrets": scan_user_data((answer.get("UserData") or {}).get("Value"))}


def _security_groups(ctx: CollectContext, ec2: Any) -> Iterator[Resource]:
    # One listing of every rule in the region, rather than one call per group.
    rules: dict[str, list[dict[str, Any]]] = {}
    rules_error = None
    try:
        for rule in ctx.paginate(ec2, "describe_security_group_rules", "SecurityGroupRules"):
            rules.setdefault(rule["GroupId"], []).append(rule)
    except (ClientError, NotImplementedError) as error:
        rules_error = error_code(error)
        ctx.note(f"describe_security_group_rules: {rules_error}")
    for group in ctx.paginate(ec2, "describe_security_groups", "SecurityGroups"):
        config = dict(group)
        if rules_error:
            config["_errors"] = {"DescribeSecurityGroupRules": rules_error}
        else:
            config["_rules"] = rules.get(group["GroupId"], [])
        tags = tags_from_list(group.get("Tags"))
        yield ctx.resource(EC2_SECURITY_GROUP, group["GroupId"], arn=_arn(ctx, "security-group", group["GroupId"]),
                           name=tags.get("Name") or group.get("GroupName", ""), tags=tags, config=config,
                           links={"vpc": [group.get("VpcId", "")]})


def _encryption_by_default(ctx: CollectContext, ec2: Any) -> Resource:
    try:
        config = {"EbsEncryptionByDefault": bool(ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"])}
    except (ClientError, NotImplementedError) as error:
        ctx.note(f"get_ebs_encryption_by_default: {error_code(error)}")
        config = {"_errors": {"GetEbsEncryptionByDefault": error_code(error)}}
    return ctx.resource(EC2_EBS_ENCRYPTION_BY_DEFAULT, ctx.account, name=f"EBS encryption by default ({ctx.region})",
                        config=config)


def _arn(ctx: CollectContext, kind: str, resource_id: str) -> str:
    return f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account}:{kind}/{resource_id}"
