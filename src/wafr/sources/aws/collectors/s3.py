"""S3: buckets (one global listing, each bucket in its own region, with encryption, public access block, tags,
replication, bucket policy, object ownership, versioning, lifecycle rules, Intelligent-Tiering configurations, server
access logging and Object Lock) and the account's public access block. Never an object: configuration only."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterator

from botocore.exceptions import ClientError

from wafr.estate import GLOBAL, Resource
from wafr.resource_types import S3_ACCOUNT_PUBLIC_ACCESS_BLOCK, S3_BUCKET
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector

# Ours: AWS has no resource type for the account-wide S3 Block Public Access setting.

# Error codes with which S3 says "this bucket has no such configuration" rather than "could not read it".
ABSENT = {
    "GetBucketEncryption": "ServerSideEncryptionConfigurationNotFoundError",
    "GetPublicAccessBlock": "NoSuchPublicAccessBlockConfiguration",
    "GetBucketTagging": "NoSuchTagSet",
    "GetBucketReplication": "ReplicationConfigurationNotFoundError",
    "GetBucketPolicy": "NoSuchBucketPolicy",
    "GetBucketOwnershipControls": "OwnershipControlsNotFoundError",
    "GetBucketLifecycleConfiguration": "NoSuchLifecycleConfiguration",
    "GetObjectLockConfiguration": "ObjectLockConfigurationNotFoundError",
}
# Further settings, each kept under its own field: operation -> (boto3 call, response key, field). A setting S3 says
# is not configured is kept as None; one that could not be read is left out, its error recorded under ``_errors``.
SETTINGS = {
    "GetBucketPolicy": ("get_bucket_policy", "Policy", "Policy"),  # a JSON document, parsed for the checks
    "GetBucketOwnershipControls": ("get_bucket_ownership_controls", "OwnershipControls", "OwnershipControls"),
    "GetBucketVersioning": ("get_bucket_versioning", "", "Versioning"),  # Status and MFADelete, absent if never set
    "GetBucketLifecycleConfiguration": ("get_bucket_lifecycle_configuration", "Rules", "LifecycleRules"),
    "ListBucketIntelligentTieringConfigurations": ("list_bucket_intelligent_tiering_configurations",
                                                   "IntelligentTieringConfigurationList", "IntelligentTiering"),
    "GetBucketLogging": ("get_bucket_logging", "LoggingEnabled", "LoggingEnabled"),
    "GetObjectLockConfiguration": ("get_object_lock_configuration", "ObjectLockConfiguration",
                                   "ObjectLockConfiguration"),
}
# GetBucketLocation's legacy answers: no constraint is us-east-1, "EU" is eu-west-1.
LEGACY_LOCATIONS = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}
DETAIL_WORKERS = 8  # per-bucket calls are independent; a few in flight keeps large accounts quick


@collector(
    "s3",
    resource_types=(S3_BUCKET,),
    operations=(
        "s3:ListBuckets", "s3:GetBucketLocation", "s3:GetBucketEncryption",
        "s3:GetPublicAccessBlock", "s3:GetBucketTagging", "s3:GetBucketReplication",
        *(f"s3:{operation}" for operation in SETTINGS),
    ),
    global_service=True,
)
def collect_s3(ctx: CollectContext) -> Iterator[Resource]:
    s3 = ctx.client("s3")
    buckets = list(ctx.paginate(s3, "list_buckets", "Buckets"))
    with ThreadPoolExecutor(max_workers=DETAIL_WORKERS, thread_name_prefix="wafr-s3") as pool:
        resources = list(pool.map(lambda bucket: _bucket(ctx, s3, bucket), buckets))
    failed: dict[str, int] = {}
    for resource in resources:
        for operation, code in (resource.config.get("_errors") or {}).items():
            failed[f"{operation}: {code}"] = failed.get(f"{operation}: {code}", 0) + 1
        yield resource
    for failure, count in failed.items():
        ctx.note(f"{failure} for {count} bucket(s)")


def _bucket(ctx: CollectContext, s3: Any, bucket: dict[str, Any]) -> Resource:
    name, errors = bucket["Name"], {}
    config: dict[str, Any] = dict(bucket)
    location = _read(errors, "GetBucketLocation", lambda: s3.get_bucket_location(Bucket=name))
    # Unknown location: the home-region client still reaches the bucket, S3 redirects it.
    region = GLOBAL if location is None else LEGACY_LOCATIONS.get(location.get("LocationConstraint"),
                                                                  location.get("LocationConstraint"))
    regional = s3 if region == GLOBAL else ctx.client("s3", region)
    encryption = _read(errors, "GetBucketEncryption", lambda: regional.get_bucket_encryption(Bucket=name))
    if encryption is not None:
        config["ServerSideEncryptionConfiguration"] = encryption.get("ServerSideEncryptionConfiguration")
    block = _read(errors, "GetPublicAccessBlock", lambda: regional.get_public_access_block(Bucket=name))
    if block is not None:
        config["PublicAccessBlockConfiguration"] = block.get("PublicAccessBlockConfiguration")
    tagging = _read(errors, "GetBucketTagging", lambda: regional.get_bucket_tagging(Bucket=name))
    # Cross-Region replication is how a bucket's data reaches a second Region (workload protection).
    replication = _read(errors, "GetBucketReplication", lambda: regional.get_bucket_replication(Bucket=name))
    if replication is not None:
        config["ReplicationConfiguration"] = replication.get("ReplicationConfiguration")
    for operation, (call, key, field) in SETTINGS.items():
        answer = _read(errors, operation, lambda: getattr(regional, call)(Bucket=name))
        if answer is not None:
            config[field] = answer.get(key) if key else _without_metadata(answer)
    if isinstance(config.get("Policy"), str):
        try:
            config["Policy"] = json.loads(config["Policy"])
        except ValueError:
            errors["GetBucketPolicy (not JSON)"] = "Unreadable"
    if errors:
        config["_errors"] = errors
    return ctx.resource(S3_BUCKET, name, arn=f"arn:{ctx.partition}:s3:::{name}", name=name, region=region,
                        tags=tags_from_list((tagging or {}).get("TagSet")), config=config)


def _without_metadata(answer: dict[str, Any]) -> dict[str, Any] | None:
    """A whole response as a setting: None when it says nothing (versioning never turned on)."""
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"} or None


def _read(errors: dict[str, str], operation: str, call: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
    """One bucket detail: the response; ``{}`` when S3 says the configuration does not exist; None (with the
    error recorded) when it could not be read."""
    try:
        return call()
    except ClientError as error:
        code = error_code(error)
        if code == ABSENT.get(operation):
            return {}
        errors[operation] = code
        return None


@collector(
    "s3-account",
    client="s3control",
    resource_types=(S3_ACCOUNT_PUBLIC_ACCESS_BLOCK,),
    operations=("s3control:GetPublicAccessBlock",),
    global_service=True,
)
def collect_account_public_access_block(ctx: CollectContext) -> Iterator[Resource]:
    s3control = ctx.client("s3control")
    try:
        block = s3control.get_public_access_block(AccountId=ctx.account)["PublicAccessBlockConfiguration"]
    except ClientError as error:
        if error_code(error) != "NoSuchPublicAccessBlockConfiguration":
            raise  # denied or failed: the framework records it as this collector's coverage
        block = None  # the account has never set one
    yield ctx.resource(S3_ACCOUNT_PUBLIC_ACCESS_BLOCK, ctx.account, name=f"S3 Block Public Access ({ctx.account})",
                       config={"PublicAccessBlockConfiguration": block})
