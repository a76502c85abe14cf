"""Security / Data protection: data stores whose classification tag says their data is sensitive get stronger
protection than the rest - a customer managed KMS key (its use logged, access to it revocable) and, for S3,
server access logs of who read what."""

from __future__ import annotations

import re
from typing import Any

from wafr.checks.data_classification import CLASSIFICATION_KEYS, DATA_STORES
from wafr.checks.data_stores import KeyDirectory
from wafr.checks.registry import Result, check, fail, not_assessed, passed, unread
from wafr.data import load as load_data
from wafr.estate import Estate, Resource
from wafr.resource_types import DYNAMODB_TABLE, EFS_FILE_SYSTEM, RDS_DB_INSTANCE, S3_BUCKET

_SEPARATORS = re.compile(r"[^a-z0-9]")


def _plain(text: Any) -> str:
    return _SEPARATORS.sub("", str(text).lower())


SENSITIVE_VALUES = frozenset(_plain(v) for v in load_data("data_classification.yaml")["sensitive_values"])
CUSTOMER, AWS, UNKNOWN = "customer", "aws", "unknown"


def sensitive_tag(store: Resource) -> str | None:
    """The classification tag that marks the store's data as sensitive ("DataClassification=restricted")."""
    return next((f"{k}={v}" for k, v in store.tags.items()
                 if _plain(k) in CLASSIFICATION_KEYS and _plain(v) in SENSITIVE_VALUES), None)


def key_manager(keys: KeyDirectory, store: Resource, key_ref: str | None) -> str:
    """Who manages the KMS key ``key_ref``: customer, aws, or unknown (when the account's keys were not read)."""
    if not key_ref:
        return AWS  # the service's default: a key AWS owns
    if key_ref in keys.keys:
        return CUSTOMER  # the kms collector keeps customer managed keys only
    if "alias/aws/" in key_ref:
        return AWS
    owner = key_ref.split(":")[4] if key_ref.startswith("arn:") else store.account
    if owner != store.account:
        return CUSTOMER  # an AWS managed key serves only its own account: a key from another account is a customer's
    if key_ref.startswith("alias/") or ":alias/" in key_ref:
        return UNKNOWN  # a customer alias the account's keys do not show
    return AWS if keys.estate.assessed(store.account, store.region, "kms") else UNKNOWN


def _encryption(store: Resource) -> tuple[bool, str | None, str]:
    """(encrypted at rest, the KMS key reference or None for the service's own key, the operation that reads it)."""
    config = store.config
    if store.type == S3_BUCKET:
        rules = (config.get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
        defaults = [r.get("ApplyServerSideEncryptionByDefault") or {} for r in rules]
        algorithm = next((d.get("SSEAlgorithm") for d in defaults if d.get("SSEAlgorithm")), None)
        key = next((d.get("KMSMasterKeyID") for d in defaults if d.get("KMSMasterKeyID")), None)
        if algorithm and algorithm.startswith("aws:kms"):
            return True, key or "alias/aws/s3", "GetBucketEncryption"
        return algorithm is not None, None, "GetBucketEncryption"
    if store.type == DYNAMODB_TABLE:
        sse = config.get("SSEDescription") or {}
        return True, sse.get("KMSMasterKeyArn") if sse.get("SSEType") == "KMS" else None, "DescribeTable"
    if store.type == EFS_FILE_SYSTEM:
        return bool(config.get("Encrypted")), config.get("KmsKeyId"), "DescribeFileSystems"
    return bool(config.get("StorageEncrypted")), config.get("KmsKeyId"), "DescribeDBInstances"


@check(
    "sensitive-data-without-stronger-protection",
    title="Sensitive data is protected no better than any other",
    pillar="security",
    focus_area="Data protection",
    risk="MEDIUM",
    best_practices=["SEC07-BP02"],
    remediation="Encrypt the stores tagged as holding sensitive data with a customer managed KMS key whose policy "
                "names who may use it (CloudTrail logs each use), and turn on S3 server access logging for their "
                "buckets, so access to that data can be limited, revoked and audited apart from the rest.",
    bullet="Encrypt {resources}, tagged as sensitive, with a customer managed KMS key and log access to them",
    each=DATA_STORES,
)
def sensitive_data_without_stronger_protection(store: Resource, estate: Estate) -> Result | None:
    if store.type == RDS_DB_INSTANCE and store.config.get("DBClusterIdentifier"):
        return None  # an Aurora cluster's instance: the cluster is judged
    tag = sensitive_tag(store)
    if tag is None:
        return None  # not marked sensitive: data-store-not-classified asks for the tag
    encrypted, key_ref, operation = _encryption(store)
    if why := unread(store, operation):
        return not_assessed(store, why)
    weak = []
    if not encrypted:
        weak.append("it is not encrypted at rest")
    else:
        manager = key_manager(KeyDirectory.of(estate), store, key_ref)
        if manager == UNKNOWN:
            return not_assessed(store, f"Whether KMS key {key_ref} is customer managed is unknown: the account's "
                                       f"KMS keys in {store.region} were not read.")
        if manager == AWS:
            weak.append("it is encrypted only with a key AWS manages, whose use cannot be limited or revoked")
    if store.type == S3_BUCKET:
        if why := unread(store, "GetBucketLogging"):
            return not_assessed(store, why)
        if not store.config.get("LoggingEnabled"):
            weak.append("server access logging is off")
    if weak:
        return fail(store, f"Tagged {tag}, but {' and '.join(weak)}.")
    return passed(store, f"Tagged {tag}; encrypted with a customer managed key"
                         + (" and access logged." if store.type == S3_BUCKET else "."))
