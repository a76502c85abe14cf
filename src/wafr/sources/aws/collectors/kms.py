"""KMS: customer managed keys, with their aliases, tags, automatic rotation setting and key policy."""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import KMS_KEY
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector

# Only AWS creates aliases under alias/aws/; a key they point to is AWS managed, whatever else it reports
# (moto hands out such keys lazily with KeyManager=CUSTOMER).
AWS_ALIAS_PREFIX = "alias/aws/"


def rotation_applies(metadata: dict[str, Any]) -> bool:
    """Whether KMS can rotate this key automatically: symmetric encryption keys with KMS-generated material."""
    return metadata.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT" and (
        metadata.get("Origin", "AWS_KMS") == "AWS_KMS")


@collector(
    "kms",
    resource_types=(KMS_KEY,),
    operations=("kms:ListKeys", "kms:ListAliases", "kms:DescribeKey", "kms:GetKeyRotationStatus",
                "kms:ListResourceTags", "kms:GetKeyPolicy"),
)
def collect_kms(ctx: CollectContext) -> Iterator[Resource]:
    kms = ctx.client("kms")
    aliases: dict[str, list[str]] = {}
    for alias in ctx.paginate(kms, "list_aliases", "Aliases"):
        if alias.get("TargetKeyId"):
            aliases.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])
    failed: dict[str, int] = {}
    for key in ctx.paginate(kms, "list_keys", "Keys"):
        names = aliases.get(key["KeyId"], [])
        if any(n.startswith(AWS_ALIAS_PREFIX) for n in names):
            continue
        resource = _key(ctx, kms, key, names)
        if resource is None:
            continue
        for operation, code in (resource.config.get("_errors") or {}).items():
            failed[f"{operation}: {code}"] = failed.get(f"{operation}: {code}", 0) + 1
        yield resource
    for failure, count in failed.items():
        ctx.note(f"{failure} for {count} key(s)")


def _key(ctx: CollectContext, kms: Any, key: dict[str, Any], aliases: list[str]) -> Resource | None:
    """The customer managed key as a Resource; None for an AWS managed one."""
    key_id, errors = key["KeyId"], {}
    metadata = _read(errors, "DescribeKey", lambda: kms.describe_key(KeyId=key_id)["KeyMetadata"])
    if metadata is not None and metadata.get("KeyManager") == "AWS":
        return None
    # A key whose policy does not let this account describe it is kept: unknown, not absent.
    config: dict[str, Any] = metadata or {"KeyId": key_id, "Arn": key.get("KeyArn", "")}
    config["Aliases"] = aliases
    if metadata is not None and rotation_applies(metadata):
        rotation = _read(errors, "GetKeyRotationStatus", lambda: kms.get_key_rotation_status(KeyId=key_id))
        if rotation is not None:
            config["KeyRotationEnabled"] = rotation.get("KeyRotationEnabled", False)
            if "RotationPeriodInDays" in rotation:
                config["RotationPeriodInDays"] = rotation["RotationPeriodInDays"]
    # "default" is the only policy name a key has; who it lets use the key is judged by the checks.
    policy = _read(errors, "GetKeyPolicy", lambda: kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    if policy is not None:
        try:
            config["KeyPolicy"] = json.loads(policy)
        except ValueError:
            errors["GetKeyPolicy (not JSON)"] = "Unreadable"
    tags = _read(errors, "ListResourceTags",
                 lambda: list(ctx.paginate(kms, "list_resource_tags", "Tags", KeyId=key_id)))
    if errors:
        config["_errors"] = errors
    return ctx.resource(KMS_KEY, key_id, arn=config.get("Arn", key.get("KeyArn", "")), name=(aliases or [""])[0],
                        tags=tags_from_list(tags, key="TagKey", value="TagValue"), config=config)


def _read(errors: dict[str, str], operation: str, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except ClientError as error:
        errors[operation] = error_code(error)
        return None
