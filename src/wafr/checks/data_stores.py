"""Data stores: encryption at rest and in transit, exposure, availability, backups and deletion protection of
databases (RDS, DynamoDB), caches (ElastiCache), buckets (S3) and the KMS keys that protect them."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Iterable, Iterator

from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import ACCOUNT_TYPE, GLOBAL, Estate, Resource

DB_INSTANCE, DB_CLUSTER = "AWS::RDS::DBInstance", "AWS::RDS::DBCluster"
CACHE_GROUP, CACHE_CLUSTER = "AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster"
TABLE, BUCKET, KEY = "AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::KMS::Key"
ACCOUNT_PUBLIC_ACCESS_BLOCK = "AWS::S3::AccountPublicAccessBlock"  # our name for the account-wide setting
BACKUP_PLAN = "AWS::Backup::BackupPlan"
FILE_SYSTEM = "AWS::EFS::FileSystem"  # judged for backups once a collector yields it

PRODUCTION_LIKE = ("prod", "unknown")  # an unknown environment is treated as production until shown otherwise
REDIS_ENGINES = ("redis", "valkey")
PUBLIC_ACCESS_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
STEP_DOWN = {"HIGH": "MEDIUM", "MEDIUM": "LOW", "LOW": "LOW"}


# -- what counts as what ------------------------------------------------------------------------------------------
def errors(resource: Resource) -> dict[str, str]:
    return resource.config.get("_errors") or {}


def standalone_db_instances(estate: Estate) -> list[Resource]:
    """DB instances judged on their own: members of Aurora and Multi-AZ DB clusters are judged through their cluster."""
    return [db for db in estate.of_type(DB_INSTANCE) if not db.config.get("DBClusterIdentifier")]


def is_read_replica(db: Resource) -> bool:
    """A replica's data is its source's: backups and deletion protection belong on the source."""
    return bool(db.config.get("ReadReplicaSourceDBInstanceIdentifier")
                or db.config.get("ReadReplicaSourceDBClusterIdentifier"))


def primary_databases(estate: Estate) -> list[Resource]:
    """The RDS databases that hold data of their own: standalone primaries and clusters."""
    return [db for db in standalone_db_instances(estate) if not is_read_replica(db)] + list(estate.of_type(DB_CLUSTER))


def caches(estate: Estate) -> list[Resource]:
    """Replication groups and the cache clusters outside any group (a group's members are judged with it)."""
    return list(estate.of_type(CACHE_GROUP)) + [c for c in estate.of_type(CACHE_CLUSTER)
                                                 if not c.config.get("ReplicationGroupId")]


def kind(resource: Resource) -> str:
    """``AWS::RDS::DBInstance`` -> ``RDS``, for evidence that names several services."""
    return {DB_INSTANCE: "RDS", DB_CLUSTER: "RDS cluster", TABLE: "DynamoDB", FILE_SYSTEM: "EFS",
            CACHE_GROUP: "ElastiCache", CACHE_CLUSTER: "ElastiCache"}.get(resource.type, resource.type)


def days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def listed(items: list[str], limit: int = 6) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


class KeyDirectory:
    """Customer managed KMS keys by id, ARN, alias and alias ARN, to name the key behind an encrypted store."""

    def __init__(self, estate: Estate) -> None:
        self.estate = estate
        self.keys: dict[str, Resource] = {}
        for key in estate.of_type(KEY):
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


# -- encryption at rest -------------------------------------------------------------------------------------------
AT_REST_RISK = by_environment(prod="HIGH")


@check(
    "rds-storage-not-encrypted",
    title="RDS database storage is not encrypted",
    pillar="security",
    focus_area="Encryption at rest",
    risk=AT_REST_RISK,
    best_practices=["SEC08-BP02"],
    remediation="RDS cannot encrypt a database in place: snapshot it, copy the snapshot with encryption under a "
                "customer managed KMS key, restore from the copy and switch the application over; enforce "
                "StorageEncrypted for new databases with an SCP or AWS Config rule.",
    resource_types=[DB_INSTANCE, DB_CLUSTER],
    needs=("rds",),
)
def rds_storage_not_encrypted(estate: Estate) -> Iterator[Result]:
    keys = KeyDirectory(estate)
    for db in standalone_db_instances(estate) + list(estate.of_type(DB_CLUSTER)):
        if db.config.get("StorageEncrypted"):
            yield passed(db, f"StorageEncrypted is true, with {keys.describe(db, db.config.get('KmsKeyId'))}.")
        else:
            yield fail(db, f"StorageEncrypted is false: the {db.config.get('Engine', 'database')} data, its automated "
                           "backups and snapshots are stored unencrypted.")


@check(
    "elasticache-at-rest-not-encrypted",
    title="ElastiCache data is not encrypted at rest",
    pillar="security",
    focus_area="Encryption at rest",
    risk=AT_REST_RISK,
    best_practices=["SEC08-BP02"],
    remediation="Create a replacement replication group with at-rest encryption (a customer managed KMS key where the "
                "data is sensitive), seeded from a backup of the old one, then move clients to its endpoint; "
                "Memcached clusters cannot encrypt at rest, so move sensitive data to Valkey/Redis OSS or ElastiCache "
                "Serverless.",
    resource_types=[CACHE_GROUP, CACHE_CLUSTER],
    needs=("elasticache",),
)
def elasticache_at_rest_not_encrypted(estate: Estate) -> Iterator[Result]:
    keys = KeyDirectory(estate)
    for cache in caches(estate):
        encrypted = cache.config.get("AtRestEncryptionEnabled")
        if encrypted is None:
            yield not_assessed(cache, "the ElastiCache response carries no AtRestEncryptionEnabled for it")
        elif encrypted:
            key = keys.describe(cache, cache.config.get("KmsKeyId"))
            yield passed(cache, f"AtRestEncryptionEnabled is true, with {key}.")
        elif cache.config.get("Engine") == "memcached":
            yield fail(cache, "AtRestEncryptionEnabled is false: node-based Memcached cannot encrypt at rest.")
        else:
            yield fail(cache, "AtRestEncryptionEnabled is false: cached data, backups and swap are stored unencrypted.")


@check(
    "dynamodb-table-encryption",
    title="DynamoDB table encryption at rest and its key",
    pillar="security",
    focus_area="Encryption at rest",
    risk="LOW",
    best_practices=["SEC08-BP02", "SEC08-BP01"],
    remediation="Nothing to switch on: DynamoDB always encrypts at rest. Where the data is sensitive, use a customer "
                "managed KMS key so its use is logged and access to it can be revoked.",
    resource_types=[TABLE],
    needs=("dynamodb",),
)
def dynamodb_table_encryption(estate: Estate) -> Iterator[Result]:
    keys = KeyDirectory(estate)
    for table in estate.of_type(TABLE):
        if "DescribeTable" in errors(table):
            yield not_assessed(table, f"DescribeTable failed ({errors(table)['DescribeTable']})")
            continue
        sse = table.config.get("SSEDescription") or {}
        # No SSEDescription means DynamoDB's default: encrypted with a key AWS owns.
        key = keys.describe(table, sse.get("KMSMasterKeyArn")) if sse.get("SSEType") == "KMS" else "an AWS owned key"
        yield passed(table, f"Encrypted at rest, as every DynamoDB table is, with {key}.")


@check(
    "s3-bucket-default-encryption",
    title="S3 bucket has no default encryption configured",
    pillar="security",
    focus_area="Encryption at rest",
    risk=AT_REST_RISK,
    best_practices=["SEC08-BP02", "SEC08-BP03"],
    remediation="Set the bucket's default encryption (SSE-KMS with a customer managed key and S3 Bucket Keys for "
                "sensitive data, SSE-S3 otherwise) and deny unencrypted uploads in the bucket policy.",
    resource_types=[BUCKET],
    needs=("s3",),
)
def s3_bucket_default_encryption(estate: Estate) -> Iterator[Result]:
    keys = KeyDirectory(estate)
    for bucket in estate.of_type(BUCKET):
        if "GetBucketEncryption" in errors(bucket):
            yield not_assessed(bucket, f"GetBucketEncryption failed ({errors(bucket)['GetBucketEncryption']})")
            continue
        rules = (bucket.config.get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
        defaults = [r.get("ApplyServerSideEncryptionByDefault") or {} for r in rules]
        algorithm = next((d.get("SSEAlgorithm") for d in defaults if d.get("SSEAlgorithm")), None)
        if algorithm is None:
            # AWS has applied SSE-S3 to every bucket since January 2023, so this is rare on AWS itself; emulators
            # and very old tooling still show it, and then uploads without encryption headers stay unencrypted.
            yield fail(bucket, "No default encryption configuration: objects uploaded without encryption headers are "
                               "stored unencrypted.")
        elif algorithm == "AES256":
            yield passed(bucket, "Default encryption is SSE-S3 (keys managed by S3).")
        else:
            key = next((d.get("KMSMasterKeyID") for d in defaults if d.get("KMSMasterKeyID")), None)
            yield passed(bucket, f"Default encryption is {algorithm} with "
                                 f"{keys.describe(bucket, key) if key else 'the AWS managed key aws/s3'}.")


@check(
    "kms-key-rotation-disabled",
    title="Customer managed KMS key without automatic rotation",
    pillar="security",
    focus_area="Encryption at rest",
    risk="MEDIUM",
    best_practices=["SEC08-BP01"],
    remediation="Turn on automatic key rotation for the key (yearly, or a shorter period where policy asks); KMS keeps "
                "the old key material so existing data stays readable.",
    resource_types=[KEY],
    needs=("kms",),
)
def kms_key_rotation_disabled(estate: Estate) -> Iterator[Result]:
    for key in estate.of_type(KEY):
        config = key.config
        if "DescribeKey" in errors(key):
            yield not_assessed(key, f"DescribeKey failed ({errors(key)['DescribeKey']}); the key policy may not "
                                    "grant this account")
            continue
        if not _rotatable(config):
            continue
        if "KeyRotationEnabled" not in config:
            why = errors(key).get("GetKeyRotationStatus", "not read")
            yield not_assessed(key, f"GetKeyRotationStatus failed ({why})")
        elif config["KeyRotationEnabled"]:
            period = config.get("RotationPeriodInDays")
            yield passed(key, "Automatic rotation is on" + (f", every {period} days." if period else "."))
        else:
            since = f" since {str(config['CreationDate'])[:10]}" if config.get("CreationDate") else ""
            yield fail(key, f"Automatic rotation is off: the same key material has encrypted data{since}.")


def _rotatable(key: dict[str, Any]) -> bool:
    """Enabled symmetric keys with KMS-made material: the only ones KMS rotates automatically (disabled keys and
    keys pending deletion encrypt nothing new)."""
    return (key.get("KeyState") == "Enabled" and key.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
            and key.get("Origin", "AWS_KMS") == "AWS_KMS")


# -- encryption in transit ----------------------------------------------------------------------------------------
@check(
    "elasticache-in-transit-not-encrypted",
    title="ElastiCache accepts unencrypted connections",
    pillar="security",
    focus_area="Network security",
    risk="MEDIUM",
    best_practices=["SEC09-BP02"],
    remediation="Enable in-transit encryption (TLS): on Valkey/Redis OSS 7+ switch TransitEncryptionMode to "
                "'preferred', move every client to TLS, then set it to 'required'; older engines need a new "
                "replication group with TLS.",
    resource_types=[CACHE_GROUP, CACHE_CLUSTER],
    needs=("elasticache",),
)
def elasticache_in_transit_not_encrypted(estate: Estate) -> Iterator[Result]:
    for cache in caches(estate):
        enabled = cache.config.get("TransitEncryptionEnabled")
        if enabled is None:
            yield not_assessed(cache, "the ElastiCache response carries no TransitEncryptionEnabled for it")
        elif not enabled:
            yield fail(cache, "TransitEncryptionEnabled is false: clients and replicas talk in plain text.")
        elif cache.config.get("TransitEncryptionMode") == "preferred":
            yield fail(cache, "TransitEncryptionMode is preferred: TLS is offered but plain-text connections are still "
                              "accepted.")
        else:
            yield passed(cache, "TransitEncryptionEnabled is true; only TLS connections are accepted.")


# -- exposure and access ------------------------------------------------------------------------------------------
@check(
    "rds-publicly-accessible",
    title="RDS database is publicly accessible",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="HIGH"),
    best_practices=["SEC05-BP01", "SEC05-BP02"],
    remediation="Set PubliclyAccessible to false and place the database in private subnets; reach it from the "
                "application's security group only, and for administration through a Client VPN or SSM port "
                "forwarding.",
    resource_types=[DB_INSTANCE],
    needs=("rds",),
)
def rds_publicly_accessible(estate: Estate) -> Iterator[Result]:
    for db in estate.of_type(DB_INSTANCE):
        if db.config.get("PubliclyAccessible"):
            groups = ", ".join(_label(estate, g) for g in db.link("security_groups")) or "no security group"
            yield fail(db, f"PubliclyAccessible is true: its endpoint resolves to a public IP address, guarded only "
                           f"by {groups}.")
        else:
            yield passed(db, "PubliclyAccessible is false.")


def _label(estate: Estate, resource_id: str) -> str:
    found = estate.get(resource_id)
    return f"{found.label} ({resource_id})" if found and found.label != resource_id else resource_id


# Which best practice: SEC08-BP04 asks that data at rest be protected against intentional or inadvertent
# deletion; deletion protection does exactly that. REL09 is about backups, which this is not.
@check(
    "database-deletion-protection-off",
    title="Production database can be deleted without first lifting deletion protection",
    pillar="security",
    focus_area="Data protection",
    risk=by_environment(prod="MEDIUM", staging="LOW", dev="LOW"),
    best_practices=["SEC08-BP04"],
    remediation="Turn on deletion protection (RDS DeletionProtection, DynamoDB DeletionProtectionEnabled) for "
                "production databases, in the infrastructure code so a stack update or destroy cannot drop them.",
    resource_types=[DB_INSTANCE, DB_CLUSTER, TABLE],
    needs=("rds", "dynamodb"),
)
def database_deletion_protection_off(estate: Estate) -> Iterator[Result]:
    stores = [(db, "DeletionProtection") for db in primary_databases(estate)]
    stores += [(table, "DeletionProtectionEnabled") for table in estate.of_type(TABLE)]
    for store, field in stores:
        if field not in store.config:
            yield not_assessed(store, f"{field} was not read ({', '.join(errors(store)) or 'absent'})")
        elif store.config[field]:
            yield passed(store, f"{field} is true.")
        elif store.environment not in PRODUCTION_LIKE:
            yield passed(store, f"{field} is false, acceptable in {store.environment}.")
        else:
            yield fail(store, f"{field} is false on a {store.environment} database: one API call or stack "
                              "deletion removes it.")


@check(
    "s3-public-access-block-off",
    title="S3 Block Public Access is not fully on",
    pillar="security",
    focus_area="Data protection",
    risk=by_environment(prod="MEDIUM", staging="MEDIUM", dev="LOW"),
    best_practices=["SEC08-BP04", "SEC03-BP07"],
    remediation="Turn on all four Block Public Access settings at the account level (and on each bucket); serve "
                "public content through CloudFront with origin access control instead of a public bucket.",
    resource_types=[ACCOUNT_PUBLIC_ACCESS_BLOCK, BUCKET],
    needs=("s3", "s3-account"),
)
def s3_public_access_block_off(estate: Estate) -> Iterator[Result]:
    account_flags: dict[str, set[str]] = {}
    for setting in estate.of_type(ACCOUNT_PUBLIC_ACCESS_BLOCK):
        account_flags[setting.account] = on = _flags_on(setting.config.get("PublicAccessBlockConfiguration"))
        missing = [f for f in PUBLIC_ACCESS_FLAGS if f not in on]
        if missing:
            yield fail(setting, f"Account-level Block Public Access has {', '.join(missing)} off"
                                f"{'' if on else ' (no account-level configuration at all)'}.")
        else:
            yield passed(setting, "All four account-level Block Public Access settings are on.")
    for bucket in estate.of_type(BUCKET):
        from_account = account_flags.get(bucket.account)
        if from_account is not None and len(from_account) == len(PUBLIC_ACCESS_FLAGS):
            yield passed(bucket, "Public access is blocked by the account-level settings.")
            continue
        if "GetPublicAccessBlock" in errors(bucket):
            yield not_assessed(bucket, f"GetPublicAccessBlock failed ({errors(bucket)['GetPublicAccessBlock']})")
            continue
        effective = _flags_on(bucket.config.get("PublicAccessBlockConfiguration")) | (from_account or set())
        missing = [f for f in PUBLIC_ACCESS_FLAGS if f not in effective]
        if not missing:
            yield passed(bucket, "All four Block Public Access settings are on for the bucket.")
        elif from_account is None:
            gap = estate.gap(bucket.account, GLOBAL, "s3-account") or "the account-level setting was not read"
            yield not_assessed(bucket, f"{', '.join(missing)} off on the bucket, and the account-level setting is "
                                       f"unknown: {gap}")
        else:
            yield fail(bucket, f"{', '.join(missing)} off on both the bucket and the account: a bucket policy or ACL "
                               "can make objects public.")


def _flags_on(configuration: dict[str, Any] | None) -> set[str]:
    return {f for f in PUBLIC_ACCESS_FLAGS if (configuration or {}).get(f)}


# -- service availability -----------------------------------------------------------------------------------------
AVAILABILITY_RISK = by_environment(prod="HIGH", staging="MEDIUM", dev="LOW")


@check(
    "rds-instance-single-az",
    title="RDS instance runs in a single Availability Zone",
    pillar="reliability",
    focus_area="Service availability",
    risk=AVAILABILITY_RISK,
    best_practices=["REL10-BP01", "REL11-BP02"],
    remediation="Enable Multi-AZ so a standby in a second Availability Zone takes over on failure, "
                "or move the database to an Aurora cluster with a replica in another zone.",
    resource_types=[DB_INSTANCE],
    needs=("rds",),
)
def rds_instance_single_az(estate: Estate) -> Iterator[Result]:
    for db in standalone_db_instances(estate):  # Aurora members: availability is the cluster's, judged there
        if db.config.get("MultiAZ"):
            yield passed(db, "MultiAZ is true")
        else:
            zone = db.config.get("AvailabilityZone", "one zone")
            yield fail(db, f"MultiAZ is false; the instance runs only in {zone}")


@check(
    "rds-cluster-single-az",
    title="Aurora cluster has no replica in another Availability Zone",
    pillar="reliability",
    focus_area="Service availability",
    risk=AVAILABILITY_RISK,
    best_practices=["REL10-BP01", "REL11-BP02"],
    remediation="Add an Aurora replica in a second Availability Zone (same instance class as the writer) so the "
                "cluster fails over to it in about a minute instead of rebuilding the writer.",
    resource_types=[DB_CLUSTER],
    needs=("rds",),
)
def rds_cluster_single_az(estate: Estate) -> Iterator[Result]:
    for cluster in estate.of_type(DB_CLUSTER):
        # Multi-AZ DB clusters (non-Aurora) always span three zones; Serverless v1 and headless clusters (say, a
        # global database's secondary) have no instances to place.
        members = cluster.config.get("DBClusterMembers") or []
        aurora = str(cluster.config.get("Engine", "")).startswith("aurora")
        if not aurora or cluster.config.get("EngineMode") == "serverless" or not members:
            continue
        if cluster.config.get("MultiAZ"):
            yield passed(cluster, f"MultiAZ is true ({len(members)} instances).")
        else:
            yield fail(cluster, f"MultiAZ is false: its {len(members)} instance(s) share one Availability Zone, so "
                                "a zone failure stops the database.")


@check(
    "elasticache-redis-without-failover",
    title="Redis/Valkey cache is a single node or has no automatic failover",
    pillar="reliability",
    focus_area="Service availability",
    risk=AVAILABILITY_RISK,
    best_practices=["REL10-BP01", "REL11-BP02"],
    remediation="Run the cache as a replication group with at least one replica in another Availability Zone, and "
                "enable automatic failover and Multi-AZ so a replica is promoted when the primary fails.",
    resource_types=[CACHE_GROUP, CACHE_CLUSTER],
    needs=("elasticache",),
)
def elasticache_redis_without_failover(estate: Estate) -> Iterator[Result]:
    for cache in caches(estate):
        if cache.type == CACHE_CLUSTER:
            if cache.config.get("Engine") in REDIS_ENGINES:
                yield fail(cache, f"A standalone {cache.config['Engine']} cluster of "
                                  f"{cache.config.get('NumCacheNodes', 1)} node: no replica to fail over to, a single "
                                  "point of failure.")
            continue  # Memcached spreads keys over nodes; it has no failover to judge
        nodes = len(cache.config.get("MemberClusters") or [])
        failover, multi_az = cache.config.get("AutomaticFailover"), cache.config.get("MultiAZ")
        if failover not in ("enabled", "enabling"):
            shape = "a single node" if nodes == 1 else f"{nodes} nodes"
            yield fail(cache, f"AutomaticFailover is {failover or 'disabled'} with {shape}: the primary is a single "
                              "point of failure.")
        elif multi_az != "enabled":
            yield fail(cache, f"AutomaticFailover is enabled but MultiAZ is {multi_az or 'disabled'}: replicas may "
                              "share the primary's Availability Zone.",
                       risk=STEP_DOWN[AVAILABILITY_RISK[cache.environment]])
        else:
            yield passed(cache, f"AutomaticFailover and MultiAZ are enabled ({nodes} node(s) listed).")


# -- disaster recovery --------------------------------------------------------------------------------------------
# Days of automated RDS backups a database should keep, by environment.
MIN_BACKUP_RETENTION_DAYS = {"prod": 14, "unknown": 14, "staging": 7, "dev": 1}


@check(
    "rds-backup-retention-short",
    title="RDS automated backups are kept too briefly (or are off)",
    pillar="reliability",
    focus_area="Disaster recovery",
    risk=by_environment(prod="HIGH", staging="MEDIUM", dev="LOW"),
    best_practices=["REL09-BP03"],
    remediation="Raise BackupRetentionPeriod to at least 14 days for production (up to 35), and keep longer-term "
                "copies with an AWS Backup plan, copied to a second Region or account for disaster recovery.",
    resource_types=[DB_INSTANCE, DB_CLUSTER],
    needs=("rds",),
)
def rds_backup_retention_short(estate: Estate) -> Iterator[Result]:
    for db in primary_databases(estate):
        kept = db.config.get("BackupRetentionPeriod")
        minimum = MIN_BACKUP_RETENTION_DAYS[db.environment]
        if kept is None:
            yield not_assessed(db, "BackupRetentionPeriod is not in the RDS response")
        elif kept == 0:
            yield fail(db, "BackupRetentionPeriod is 0: automated backups and point-in-time restore are off.",
                       risk="HIGH")
        elif kept < minimum:
            yield fail(db, f"BackupRetentionPeriod is {days(kept)} (< {minimum} for {db.environment}).")
        else:
            yield passed(db, f"BackupRetentionPeriod is {days(kept)} (>= {minimum} for {db.environment}).")


@check(
    "dynamodb-pitr-disabled",
    title="DynamoDB table without point-in-time recovery",
    pillar="reliability",
    focus_area="Disaster recovery",
    risk=by_environment(prod="HIGH"),
    best_practices=["REL09-BP03"],
    remediation="Enable point-in-time recovery on the table (continuous backups, restorable to any second of the "
                "last 35 days), and add it to an AWS Backup plan for copies kept longer or in another Region.",
    resource_types=[TABLE],
    needs=("dynamodb",),
)
def dynamodb_pitr_disabled(estate: Estate) -> Iterator[Result]:
    for table in estate.of_type(TABLE):
        description = table.config.get("ContinuousBackupsDescription")
        if description is None:
            yield not_assessed(table, "DescribeContinuousBackups failed "
                                      f"({errors(table).get('DescribeContinuousBackups', 'not read')})")
            continue
        pitr = description.get("PointInTimeRecoveryDescription") or {}
        if pitr.get("PointInTimeRecoveryStatus") == "ENABLED":
            yield passed(table, f"Point-in-time recovery is on ({days(pitr.get('RecoveryPeriodInDays', 35))}).")
        else:
            status = pitr.get("PointInTimeRecoveryStatus", "DISABLED")
            yield fail(table, f"PointInTimeRecoveryStatus is {status}: a bad write or delete cannot be rolled back.")


BACKUP_PLAN_RISK = by_environment(prod="HIGH", staging="MEDIUM", dev="LOW")
SELECTION_READS = {"ListBackupSelections", "GetBackupSelection"}  # without them a plan's reach is unknown


@check(
    "no-backup-plan-for-data-stores",
    title="Data stores are not covered by an AWS Backup plan",
    pillar="reliability",
    focus_area="Disaster recovery",
    risk=BACKUP_PLAN_RISK,
    best_practices=["REL09-BP03", "REL09-BP01"],
    remediation="Create an AWS Backup plan (daily, kept per the recovery point objective, with a copy to a vault in "
                "another Region or account) and assign every production database, table and file system to it by "
                "tag or resource type; restore from it regularly to prove it works.",
    resource_types=[ACCOUNT_TYPE],
    needs=("rds", "dynamodb", "backup"),
)
def no_backup_plan_for_data_stores(estate: Estate) -> Iterator[Result]:
    stores: dict[str, dict[str, list[Resource]]] = defaultdict(lambda: defaultdict(list))
    for store in data_stores(estate):
        stores[store.account][store.region].append(store)
    plans: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    for plan in estate.of_type(BACKUP_PLAN):
        plans[(plan.account, plan.region)].append(plan)
    for account in sorted(stores):
        yield _backup_coverage(estate, account, stores[account], plans)


def data_stores(estate: Estate) -> list[Resource]:
    """What holds data worth a backup: primary databases, DynamoDB tables and file systems."""
    return primary_databases(estate) + list(estate.of_type(TABLE)) + list(estate.of_type(FILE_SYSTEM))


def native_backup(store: Resource) -> str | None:
    """The backup a store keeps by itself, in words, or None."""
    if store.type in (DB_INSTANCE, DB_CLUSTER) and store.config.get("BackupRetentionPeriod"):
        return days(store.config["BackupRetentionPeriod"])
    pitr = ((store.config.get("ContinuousBackupsDescription") or {}).get("PointInTimeRecoveryDescription") or {})
    if store.type == TABLE and pitr.get("PointInTimeRecoveryStatus") == "ENABLED":
        return f"point-in-time recovery, {days(pitr.get('RecoveryPeriodInDays', 35))}"
    return None


def _backup_coverage(estate: Estate, account: str, by_region: dict[str, list[Resource]],
                     plans: dict[tuple[str, str], list[Resource]]) -> Result:
    target = estate.account_resource(account)
    uncovered: list[Resource] = []
    unknown: list[str] = []  # why coverage could not be told, per region
    without_plans: list[str] = []
    for region, stores in sorted(by_region.items()):
        here = plans.get((account, region), [])
        if not estate.assessed(account, region, "backup"):
            unknown.append(estate.gap(account, region, "backup") or f"backup not read in {region}")
        elif not here:
            without_plans.append(region)
            uncovered += stores
        elif unreadable := [p for p in here if SELECTION_READS & set(errors(p))]:
            why = ", ".join(f"{call}: {code}" for call, code in errors(unreadable[0]).items())
            unknown.append(f"backup plan(s) {listed([p.label for p in unreadable])} in {region} exist but their "
                           f"resource selections could not be read ({why}), so which data stores they cover is unknown")
        else:
            selections = [s for p in here for s in p.config.get("BackupSelections") or []]
            uncovered += [s for s in stores if not any(selects(selection, s) for selection in selections)]
    if uncovered:
        return fail(target, _uncovered_evidence(uncovered, without_plans, unknown),
                    risk=BACKUP_PLAN_RISK[_most_critical(uncovered)])
    if unknown:
        return not_assessed(target, "; ".join(unknown))
    count = sum(len(s) for s in by_region.values())
    return passed(target, f"Every data store ({count}) is selected by an AWS Backup plan.")


def _uncovered_evidence(uncovered: list[Resource], without_plans: list[str], unknown: list[str]) -> str:
    native = [f"{kind(s)} {s.label} ({native_backup(s)})" for s in uncovered if native_backup(s)]
    bare = [f"{kind(s)} {s.label}" for s in uncovered if not native_backup(s)]
    if without_plans:
        parts = [f"No AWS Backup plan exists in {', '.join(without_plans)}"]
    else:
        parts = [f"No AWS Backup plan selects {len(uncovered)} data store(s)"]
    if native:
        parts.append(f"only native backups protect {listed(native)}")
    if bare:
        parts.append(f"nothing backs up {listed(bare)}")
    if unknown:
        parts.append("not assessed: " + "; ".join(unknown))
    return "; ".join(parts) + "."


def _most_critical(resources: Iterable[Resource]) -> str:
    order = ("prod", "unknown", "staging", "dev")
    return min((r.environment for r in resources), key=lambda env: order.index(env) if env in order else 0)


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
