"""RDS databases: encryption at rest, public access, Multi-AZ, and backup retention (deletion protection is
judged with DynamoDB's in deletion_protection.py)."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.data_stores import (AT_REST_RISK, AVAILABILITY_RISK, KeyDirectory, primary_databases,
                                     standalone_db_instances)
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate
from wafr.phrases import days
from wafr.resource_types import RDS_DB_CLUSTER, RDS_DB_INSTANCE


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
    resource_types=[RDS_DB_INSTANCE, RDS_DB_CLUSTER],
    needs=("rds",),
    bullet=("Encrypt the RDS database {resources} (restore it from an encrypted snapshot copy)",
            "Encrypt the RDS databases {resources} (restore them from encrypted snapshot copies)"),
)
def rds_storage_not_encrypted(estate: Estate) -> Iterator[Result]:
    keys = KeyDirectory(estate)
    for db in standalone_db_instances(estate) + list(estate.of_type(RDS_DB_CLUSTER)):
        if db.config.get("StorageEncrypted"):
            yield passed(db, f"StorageEncrypted is true, with {keys.describe(db, db.config.get('KmsKeyId'))}.")
        else:
            yield fail(db, f"StorageEncrypted is false: the {db.config.get('Engine', 'database')} data, its automated "
                           "backups and snapshots are stored unencrypted.")


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
    resource_types=[RDS_DB_INSTANCE],
    needs=("rds",),
    bullet=("Make the RDS database {resources} private: no public access, private subnets only",
            "Make the RDS databases {resources} private: no public access, private subnets only"),
)
def rds_publicly_accessible(estate: Estate) -> Iterator[Result]:
    for db in estate.of_type(RDS_DB_INSTANCE):
        if db.config.get("PubliclyAccessible"):
            groups = ", ".join(_label(estate, g) for g in db.link("security_groups")) or "no security group"
            yield fail(db, f"PubliclyAccessible is true: its endpoint resolves to a public IP address, guarded only "
                           f"by {groups}.")
        else:
            yield passed(db, "PubliclyAccessible is false.")


def _label(estate: Estate, resource_id: str) -> str:
    found = estate.get(resource_id)
    return f"{found.label} ({resource_id})" if found and found.label != resource_id else resource_id


@check(
    "rds-instance-single-az",
    title="RDS instance runs in a single Availability Zone",
    pillar="reliability",
    focus_area="Service availability",
    risk=AVAILABILITY_RISK,
    best_practices=["REL10-BP01", "REL11-BP02"],
    remediation="Enable Multi-AZ so a standby in a second Availability Zone takes over on failure, "
                "or move the database to an Aurora cluster with a replica in another zone.",
    resource_types=[RDS_DB_INSTANCE],
    needs=("rds",),
    bullet=("Turn on Multi-AZ for the RDS instance {resources}",
            "Turn on Multi-AZ for the RDS instances {resources}"),
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
    resource_types=[RDS_DB_CLUSTER],
    needs=("rds",),
    bullet="Add a replica in another Availability Zone to the Aurora cluster {resources}",
)
def rds_cluster_single_az(estate: Estate) -> Iterator[Result]:
    for cluster in estate.of_type(RDS_DB_CLUSTER):
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
    resource_types=[RDS_DB_INSTANCE, RDS_DB_CLUSTER],
    needs=("rds",),
    bullet="Keep the automated backups of {resources} long enough to meet the recovery objectives",
)
def rds_backup_retention_short(estate: Estate) -> Iterator[Result]:
    for db in primary_databases(estate):
        kept = db.config.get("BackupRetentionPeriod")
        environment = estate.environment_of(db)
        minimum = MIN_BACKUP_RETENTION_DAYS[environment]
        if kept is None:
            yield not_assessed(db, "BackupRetentionPeriod is not in the RDS response")
        elif kept == 0:
            yield fail(db, "BackupRetentionPeriod is 0: automated backups and point-in-time restore are off.",
                       risk="HIGH")
        elif kept < minimum:
            yield fail(db, f"BackupRetentionPeriod is {days(kept)} (< {minimum} for {environment}).")
        else:
            yield passed(db, f"BackupRetentionPeriod is {days(kept)} (>= {minimum} for {environment}).")
