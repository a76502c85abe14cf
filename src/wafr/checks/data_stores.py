"""What counts as what among data stores, shared by the checks of RDS, ElastiCache, DynamoDB, S3, EFS and
AWS Backup: primary databases, caches, the KMS keys behind encryption, and what a backup plan selects."""

from __future__ import annotations

import re
from typing import Any

from wafr.checks.registry import by_environment
from wafr.estate import Estate, Resource
from wafr.resource_types import (DYNAMODB_TABLE, EFS_FILE_SYSTEM, ELASTICACHE_CACHE_CLUSTER,
                                 ELASTICACHE_REPLICATION_GROUP, KMS_KEY, RDS_DB_CLUSTER, RDS_DB_INSTANCE)



# -- what counts as what ------------------------------------------------------------------------------------------
def standalone_db_instances(estate: Estate) -> list[Resource]:
    """DB instances judged on their own: members of Aurora and Multi-AZ DB clusters are judged through their cluster."""
    return [db for db in estate.of_type(RDS_DB_INSTANCE) if not db.config.get("DBClusterIdentifier")]


def is_read_replica(db: Resource) -> bool:
    """A replica's data is its source's: backups and deletion protection belong on the source."""
    return bool(db.config.get("ReadReplicaSourceDBInstanceIdentifier")
                or db.config.get("ReadReplicaSourceDBClusterIdentifier"))


def primary_databases(estate: Estate) -> list[Resource]:
    """The RDS databases that hold data of their own: standalone primaries and clusters."""
    return ([db for db in standalone_db_instances(estate) if not is_read_replica(db)]
            + list(estate.of_type(RDS_DB_CLUSTER)))


def caches(estate: Estate) -> list[Resource]:
    """Replication groups and the cache clusters outside any group (a group's members are judged with it)."""
    return list(estate.of_type(ELASTICACHE_REPLICATION_GROUP)) + [c for c in estate.of_type(ELASTICACHE_CACHE_CLUSTER)
                                                 if not c.config.get("ReplicationGroupId")]


def kind(resource: Resource) -> str:
    """``AWS::RDS::DBInstance`` -> ``RDS``, for evidence that names several services."""
    return {RDS_DB_INSTANCE: "RDS", RDS_DB_CLUSTER: "RDS cluster", DYNAMODB_TABLE: "DynamoDB", EFS_FILE_SYSTEM: "EFS",
            ELASTICACHE_REPLICATION_GROUP: "ElastiCache",
            ELASTICACHE_CACHE_CLUSTER: "ElastiCache"}.get(resource.type, resource.type)


class KeyDirectory:
    """Customer managed KMS keys by id, ARN, alias and alias ARN, to name the key behind an encrypted store."""

    @classmethod
    def of(cls, estate: Estate) -> "KeyDirectory":
        """The estate's one directory, shared by the checks that name a store's key."""
        return estate.derived("kms-keys", lambda: cls(estate))

    def __init__(self, estate: Estate) -> None:
        self.estate = estate
        self.keys: dict[str, Resource] = {}
        for key in estate.of_type(KMS_KEY):
            self.keys[key.id] = key
            for alias in key.config.get("Aliases") or []:
                self.keys[alias] = key
            if key.arn:
                self.keys[key.arn] = key
                prefix = key.arn.split(":key/")[0]  # arn:<partition>:kms:<region>:<account>
                for alias in key.config.get("Aliases") or []:
                    self.keys[f"{prefix}:{alias}"] = key

    def describe(self, resource: Resource, key_ref: str | None) -> str:
        """Which kind of key encrypts ``resource``: customer managed (named), AWS managed, or unknown."""
        if not key_ref:
            return "an AWS owned key"
        key = self.keys.get(key_ref)
        if key is not None:
            return f"customer managed key {key.label}"
        if "alias/aws/" in key_ref:
            return f"the AWS managed key {key_ref[key_ref.index('alias/'):]}"
        owner = key_ref.split(":")[4] if key_ref.startswith("arn:") else resource.account
        if owner == resource.account and self.estate.assessed(resource.account, resource.region, "kms"):
            return "the AWS managed key"  # it is not among the account's customer managed keys
        return f"KMS key {key_ref}"


# The risks every store shares: data unencrypted at rest, and a store that one failure takes down.
AT_REST_RISK = by_environment(prod="HIGH")
AVAILABILITY_RISK = by_environment(prod="HIGH", staging="MEDIUM", dev="LOW")


# -- what a backup plan selects -----------------------------------------------------------------------------------
def selects(selection: dict[str, Any], store: Resource) -> bool:
    """Whether an AWS Backup resource selection picks this store: its ARN patterns, then its tag filters (AND)."""
    patterns, excluded = selection.get("Resources") or [], selection.get("NotResources") or []
    if patterns and not any(_wildcard_match(p, store.arn) for p in patterns):
        return False
    if any(_wildcard_match(p, store.arn) for p in excluded):
        return False
    tags = selection.get("ListOfTags") or []
    if tags and not any(store.tags.get(_tag_key(t.get("ConditionKey", ""))) == t.get("ConditionValue") for t in tags):
        return False
    return all(_condition_holds(operator, c, store.tags)
               for operator, conditions in (selection.get("Conditions") or {}).items() for c in conditions)


def _wildcard_match(pattern: str, text: str) -> bool:
    """AWS Backup's matching of ARNs and tag values: ``*`` stands for any run of characters."""
    return bool(text) and re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), text) is not None


def _tag_key(condition_key: str) -> str:
    return condition_key.removeprefix("aws:ResourceTag/")


def _condition_holds(operator: str, condition: dict[str, str], tags: dict[str, str]) -> bool:
    value = tags.get(_tag_key(condition.get("ConditionKey", "")))
    wanted = condition.get("ConditionValue", "")
    like = value is not None and _wildcard_match(wanted, value)
    return {"StringEquals": value == wanted, "StringNotEquals": value != wanted,
            "StringLike": like, "StringNotLike": not like}.get(operator, True)
