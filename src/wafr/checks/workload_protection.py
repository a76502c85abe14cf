"""Workload protection: production deployed to, or its data copied to, more than one Region."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from wafr.checks.data_stores import caches, is_read_replica, kind, primary_databases, selects, standalone_db_instances
from wafr.checks.registry import Result, check, fail, not_assessed, passed
from wafr.estate import GLOBAL, Estate, Resource
from wafr.phrases import first_few
from wafr.resource_types import (ACCOUNT, BACKUP_PLAN, DYNAMODB_TABLE, ECS_SERVICE, ELASTICACHE_REPLICATION_GROUP,
                                 ELB_LOAD_BALANCER, RDS_DB_CLUSTER, RDS_DB_INSTANCE, S3_BUCKET)

# What must have been read, in every scanned Region, to say production lives in one Region and nothing copies it.
REGIONAL_SERVICES = ("rds", "dynamodb", "elasticache", "backup", "ecs", "elbv2")
GLOBAL_SERVICES = ("s3",)
SELECTION_READS = {"ListBackupSelections", "GetBackupSelection"}
SOURCE_KEYS = ("ReadReplicaSourceDBInstanceIdentifier", "ReadReplicaSourceDBClusterIdentifier",
               "ReplicationSourceIdentifier")
# Detail calls without which a store's (or plan's) copies to another Region cannot be told.
COPY_READS = {DYNAMODB_TABLE: "DescribeTable", S3_BUCKET: "GetBucketReplication", BACKUP_PLAN: "GetBackupPlan"}


def arn_region(reference: str) -> str | None:
    """The Region an ARN names (None for a plain identifier, which lives in its owner's Region)."""
    parts = reference.split(":")
    if not reference.startswith("arn:") or len(parts) < 5:
        return None
    return parts[3] or None


def elsewhere(references: list[str], region: str) -> list[str]:
    """The references that point into a Region other than ``region``."""
    return [r for r in references if (arn_region(r) or region) != region]


def production(estate: Estate, resources: list[Resource]) -> list[Resource]:
    return [r for r in resources if estate.in_production(r)]


def label(resource: Resource) -> str:
    names = {S3_BUCKET: "S3 bucket", ECS_SERVICE: "ECS service", ELB_LOAD_BALANCER: "load balancer",
             BACKUP_PLAN: "AWS Backup plan"}
    return f"{names.get(resource.type, kind(resource))} {resource.label}"


# -- copies that reach another Region, each in words ---------------------------------------------------------------
def database_copies(db: Resource) -> list[str]:
    config, found = db.config, []
    replicas = elsewhere(list(config.get("ReadReplicaDBInstanceIdentifiers") or [])
                         + list(config.get("ReadReplicaDBClusterIdentifiers") or [])
                         + list(config.get("ReadReplicaIdentifiers") or []), db.region)
    found += [f"{label(db)} has a read replica in {arn_region(r)} ({r})" for r in replicas]
    sources = [config.get(key) or "" for key in SOURCE_KEYS]
    found += [f"{label(db)} replicates from {arn_region(r)} ({r})" for r in elsewhere(sources, db.region)]
    backups = [b.get("DBInstanceAutomatedBackupsArn", "")
               for b in config.get("DBInstanceAutomatedBackupsReplications") or []]
    found += [f"{label(db)} replicates its automated backups to {arn_region(b)}" for b in elsewhere(backups, db.region)]
    # Global clusters are not collected, so their member Regions are unknown; a global database exists to span them.
    if config.get("GlobalClusterIdentifier"):
        found.append(f"{label(db)} belongs to the Aurora global database {config['GlobalClusterIdentifier']}")
    return found


def table_copies(table: Resource) -> list[str]:
    regions = sorted({r.get("RegionName") for r in table.config.get("Replicas") or []} - {None, table.region})
    return [f"{label(table)} is a global table with replicas in {', '.join(regions)}"] if regions else []


def cache_copies(group: Resource) -> list[str]:
    info = group.config.get("GlobalReplicationGroupInfo") or {}
    if not info.get("GlobalReplicationGroupId"):
        return []
    return [f"{label(group)} belongs to the ElastiCache global datastore {info['GlobalReplicationGroupId']}"]


def bucket_copies(estate: Estate, bucket: Resource) -> tuple[list[str], list[str]]:
    """(replication to a bucket in another Region, replication to a bucket whose Region is unknown)."""
    found, unknown = [], []
    for rule in (bucket.config.get("ReplicationConfiguration") or {}).get("Rules") or []:
        if rule.get("Status") != "Enabled":
            continue
        target = (rule.get("Destination") or {}).get("Bucket", "")
        destination = estate.get(target, type=S3_BUCKET)
        if destination is None or destination.region == GLOBAL or bucket.region == GLOBAL:
            unknown.append(f"{label(bucket)} replicates to {target}, whose Region was not read")
        elif destination.region != bucket.region:
            found.append(f"{label(bucket)} replicates to {destination.label} in {destination.region}")
    return found, unknown


def backup_copies(plan: Resource, stores: list[Resource]) -> list[str]:
    """A plan's copy actions into another Region, when it selects a production store (or its selections are unknown)."""
    targets = sorted({copy.get("DestinationBackupVaultArn", "")
                      for rule in (plan.config.get("BackupPlan") or {}).get("Rules") or []
                      for copy in rule.get("CopyActions") or []})
    remote = elsewhere(targets, plan.region)
    if not remote:
        return []
    vaults = ", ".join(f"{v.rsplit(':', 1)[-1]} in {arn_region(v)}" for v in remote)
    if SELECTION_READS & set(plan.errors) or "BackupSelections" not in plan.config:
        return [(f"AWS Backup plan {plan.label} copies its recovery points to {vaults} (which resources it "
                 "selects could not be read)")]
    selected = [s for s in stores if s.region == plan.region
                and any(selects(sel, s) for sel in plan.config.get("BackupSelections") or [])]
    if not selected:
        return []
    return [f"AWS Backup plan {plan.label} copies {first_few([label(s) for s in selected], 3)} to {vaults}"]


# -- the check -----------------------------------------------------------------------------------------------------
@check(
    "workload-single-region",
    title="Production runs in one Region and nothing copies its data to another",
    pillar="reliability",
    focus_area="Workload protection",
    # The sample review rates workload protection (multi-zone or multi-Region) a medium risk.
    risk="MEDIUM",
    best_practices=["REL10-BP01", "REL13-BP02"],
    remediation="Decide the recovery objectives for a Regional outage, then copy production data to a second Region "
                "to match them: cross-Region read replicas or an Aurora global database for RDS, DynamoDB global "
                "tables, S3 Cross-Region Replication, and AWS Backup copy actions to a vault in another Region; keep "
                "the infrastructure as code so the services can be deployed there too.",
    resource_types=[ACCOUNT],
    needs=("rds", "dynamodb", "elasticache", "backup", "ecs", "elbv2", "s3"),
    bullet=("Copy the production data of the account {resources} to a second Region and be ready to deploy its "
            "services there",
            "Copy the production data of the accounts {resources} to a second Region and be ready to deploy their "
            "services there"),
)
def workload_single_region(estate: Estate) -> Iterator[Result]:
    stores = production(estate, primary_databases(estate) + list(estate.of_type(DYNAMODB_TABLE))
                        + list(estate.of_type(S3_BUCKET)) + caches(estate))
    # A replica holds no data of its own, but one in another Region is the copy of a source elsewhere.
    replicas = production(estate, [db for db in standalone_db_instances(estate) if is_read_replica(db)])
    compute = production(estate, list(estate.of_type(ECS_SERVICE)) + list(estate.of_type(ELB_LOAD_BALANCER)))
    plans: dict[str, list[Resource]] = defaultdict(list)
    for plan in estate.of_type(BACKUP_PLAN):
        plans[plan.account].append(plan)
    by_account: dict[str, dict[str, list[Resource]]] = defaultdict(lambda: defaultdict(list))
    for group, resources in (("stores", stores), ("replicas", replicas), ("compute", compute)):
        for resource in resources:
            by_account[resource.account][group].append(resource)
    for account in sorted(set(by_account) | set(estate.accounts)):
        result = _judge(estate, account, by_account[account], plans[account])
        if result is not None:
            yield result


def _judge(estate: Estate, account: str, found: dict[str, list[Resource]], plans: list[Resource]) -> Result | None:
    target = estate.account_resource(account)
    stores, compute = found["stores"], found["compute"]
    copies: list[str] = []
    unknown = [f"{label(r)}: {COPY_READS[r.type]} failed ({r.errors[COPY_READS[r.type]]})"
               for r in stores + plans if COPY_READS.get(r.type) in r.errors]
    for resource in stores + found["replicas"]:
        if resource.type in (RDS_DB_INSTANCE, RDS_DB_CLUSTER):
            copies += database_copies(resource)
        elif resource.type == DYNAMODB_TABLE:
            copies += table_copies(resource)
        elif resource.type == ELASTICACHE_REPLICATION_GROUP:
            copies += cache_copies(resource)
        elif resource.type == S3_BUCKET:
            remote, unsure = bucket_copies(estate, resource)
            copies, unknown = copies + remote, unknown + unsure
    for plan in plans:
        copies += backup_copies(plan, stores)
    if copies:
        return passed(target, _joined(copies))
    regions = sorted({r.region for r in stores + compute} - {GLOBAL})
    if len(regions) > 1:
        return passed(target, f"Production runs in {len(regions)} Regions: {', '.join(regions)}.")
    gaps = _gaps(estate, account)
    if gaps or unknown:
        return not_assessed(target, _joined(unknown + gaps))
    if not regions:
        return None  # nothing of production's was found: nothing to protect, or nothing to tell it by
    return fail(target, _evidence(estate, regions[0], stores, compute))


def _joined(parts: list[str], limit: int = 4) -> str:
    return "; ".join(parts[:limit]) + (f"; and {len(parts) - limit} more" if len(parts) > limit else "")


def _gaps(estate: Estate, account: str) -> list[str]:
    """Why the scanned Regions cannot be said to hold all of production and every copy of it."""
    gaps = [estate.gap(account, GLOBAL, service) for service in GLOBAL_SERVICES]
    gaps += [estate.gap(account, region, service) for region in estate.regions for service in REGIONAL_SERVICES]
    return [gap for gap in gaps if gap]


def _evidence(estate: Estate, region: str, stores: list[Resource], compute: list[Resource]) -> str:
    scanned = estate.regions
    where = (f"only {region} was scanned" if scanned == [region]
             else f"of the {len(scanned)} Regions scanned ({', '.join(scanned)}) production is only in {region}")
    parts = [where]
    if stores:
        parts.append(f"no read replica, global table, replication or backup copy puts "
                     f"{first_few([label(s) for s in stores], 6)} in another Region")
    else:
        parts.append("no production data store was found")
    if compute:
        parts.append(f"{first_few([label(c) for c in compute], 4)} run only there")
    return "; ".join(parts) + "."
