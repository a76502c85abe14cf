"""AWS Backup: every data store and stateful EC2 instance covered by a backup plan (or a native backup of its own),
restores tested, and dev data not kept for long."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator

from wafr.checks.data_stores import kind, primary_databases, selects
from wafr.checks.registry import Result, by_environment, check, fail, judged, not_assessed, passed, unread
from wafr.estate import Estate, Resource
from wafr.phrases import days, first_few
from wafr.resource_types import (ACCOUNT, BACKUP_PLAN, BACKUP_RESTORE_TESTING_PLAN, DYNAMODB_TABLE, EC2_INSTANCE,
                                 EC2_VOLUME, EFS_FILE_SYSTEM, RDS_DB_CLUSTER, RDS_DB_INSTANCE)
from wafr.vocabulary import DEV

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
    resource_types=[ACCOUNT],
    needs=("rds", "dynamodb", "efs", "backup"),
    bullet="Back up the data stores of {resources} with an AWS Backup plan and a retention policy",
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
    return primary_databases(estate) + list(estate.of_type(DYNAMODB_TABLE)) + list(estate.of_type(EFS_FILE_SYSTEM))


def native_backup(store: Resource) -> str | None:
    """The backup a store keeps by itself, in words, or None."""
    if store.type in (RDS_DB_INSTANCE, RDS_DB_CLUSTER) and store.config.get("BackupRetentionPeriod"):
        return days(store.config["BackupRetentionPeriod"])
    pitr = ((store.config.get("ContinuousBackupsDescription") or {}).get("PointInTimeRecoveryDescription") or {})
    if store.type == DYNAMODB_TABLE and pitr.get("PointInTimeRecoveryStatus") == "ENABLED":
        return f"point-in-time recovery, {days(pitr.get('RecoveryPeriodInDays', 35))}"
    if store.type == EFS_FILE_SYSTEM and (store.config.get("BackupPolicy") or {}).get("Status") == "ENABLED":
        return "EFS automatic backups (a daily AWS Backup plan of its own)"
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
        elif unreadable := [p for p in here if SELECTION_READS & set(p.errors)]:
            why = ", ".join(f"{call}: {code}" for call, code in unreadable[0].errors.items())
            unknown.append(f"backup plan(s) {first_few([p.label for p in unreadable], 6)} in {region} exist but their "
                           f"resource selections could not be read ({why}), so which data stores they cover is unknown")
        else:
            selections = [s for p in here for s in p.config.get("BackupSelections") or []]
            uncovered += [s for s in stores if not any(selects(selection, s) for selection in selections)]
    if uncovered:
        return fail(target, _uncovered_evidence(uncovered, without_plans, unknown),
                    risk=BACKUP_PLAN_RISK[_most_critical(estate, uncovered)])
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
        parts.append(f"only native backups protect {first_few(native, 6)}")
    if bare:
        parts.append(f"nothing backs up {first_few(bare, 6)}")
    if unknown:
        parts.append("not assessed: " + "; ".join(unknown))
    return "; ".join(parts) + "."


def _most_critical(estate: Estate, resources: Iterable[Resource]) -> str:
    order = ("prod", "unknown", "staging", "dev")
    return min((estate.environment_of(r) for r in resources), key=lambda env: order.index(env) if env in order else 0)


# -- EC2 instances -----------------------------------------------------------------------------------------------
# An instance in an Auto Scaling group is rebuilt from its launch template: what it holds is not the only copy.
AUTOSCALING_TAG = "aws:autoscaling:groupName"


def _plans_here(estate: Estate, resource: Resource) -> list[Resource]:
    return estate.of_type_in(resource.account, resource.region, BACKUP_PLAN)


def _unreadable_selections(plans: list[Resource]) -> Resource | None:
    return next((p for p in plans if SELECTION_READS & set(p.errors)), None)


def _volumes(estate: Estate, instance: Resource) -> list[Resource | str]:
    """The instance's EBS volumes (their ids where the volume was not read)."""
    ids = [(m.get("Ebs") or {}).get("VolumeId") for m in instance.config.get("BlockDeviceMappings") or []]
    return [estate.get(v, EC2_VOLUME, instance.account) or v for v in ids if v]


@check(
    "no-backup-plan-for-ec2-instances",
    title="Stateful EC2 instance is not covered by an AWS Backup plan",
    pillar="reliability", focus_area="Disaster recovery",
    risk=BACKUP_PLAN_RISK,
    best_practices=["REL09-BP01", "REL09-BP03"],
    remediation="Assign the instance (or its EBS volumes) to an AWS Backup plan by tag or resource type, on a "
                "schedule that meets its recovery point objective; better, move its state to a managed store and "
                "run the instance from a launch template in an Auto Scaling group.",
    bullet="Back up {resources} with an AWS Backup plan",
    each=EC2_INSTANCE,
    needs=("ec2", "backup"),
)
def no_backup_plan_for_ec2_instances(instance: Resource, estate: Estate) -> Result | None:
    """Judged: production-like instances outside Auto Scaling groups with EBS volumes, whose data may exist
    nowhere else."""
    if AUTOSCALING_TAG in instance.tags or not estate.in_production(instance):
        return None
    volumes = _volumes(estate, instance)
    if not volumes:
        return None  # instance store only: nothing on it outlives a stop
    plans = _plans_here(estate, instance)
    if not plans:
        return fail(instance, f"No AWS Backup plan exists in {instance.region}: nothing backs up the instance or "
                              f"its {len(volumes)} EBS volume(s).")
    if blind := _unreadable_selections(plans):
        return not_assessed(instance, f"The resource selections of backup plan {blind.label} could not be read, so "
                                      "whether it covers the instance is unknown.")
    selections = [(p, s) for p in plans for s in p.config.get("BackupSelections") or []]
    whole = [p.label for p, s in selections if selects(s, instance)]
    if whole:
        return passed(instance, f"Backup plan {first_few(sorted(set(whole)), 3)} selects the instance (all its "
                                "EBS volumes).")
    if any(isinstance(v, str) for v in volumes):
        return not_assessed(instance, "Not every EBS volume of the instance was read, so whether backup plans "
                                      "select them is unknown.")
    bare = [v.id for v in volumes if not any(selects(s, v) for _, s in selections)]
    return judged(instance, not bare, f"Backup plans select each of its {len(volumes)} EBS volume(s).",
                  f"No AWS Backup plan selects the instance, nor its EBS volume(s) {first_few(bare, 4)}: "
                  "data on them exists nowhere else.")


# -- restore testing ---------------------------------------------------------------------------------------------
@check(
    "backup-restores-not-tested",
    title="Backups are never restored to test them",
    pillar="reliability", focus_area="Disaster recovery",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL09-BP04"],
    remediation="Create an AWS Backup restore testing plan for the resource types this plan protects: it restores "
                "recent recovery points on a schedule, validates them and deletes the restored copies.",
    bullet="Test restores of the backups of {resources} with an AWS Backup restore testing plan",
    each=BACKUP_PLAN,
    needs=("backup", "backup-restore-testing"),
)
def backup_restores_not_tested(plan: Resource, estate: Estate) -> Result | None:
    if not estate.in_production(plan):
        return None
    setup = estate.coverage_of(plan.account, plan.region, "backup-restore-testing")
    if setup is not None and setup.status != "assessed":  # "never tested" rests on the listing having answered
        return not_assessed(plan, f"{estate.gap(plan.account, plan.region, 'backup-restore-testing')}.")
    tests = estate.of_type_in(plan.account, plan.region, BACKUP_RESTORE_TESTING_PLAN)
    if blind := next((t for t in tests if unread(t)), None):
        return not_assessed(plan, f"Restore testing plan {blind.label}: {unread(blind)}")
    tested = sorted({s.get("ProtectedResourceType", "?") for t in tests
                     for s in t.config.get("RestoreTestingSelections") or []})
    return judged(plan, bool(tested),
                  f"Restore testing in {plan.region} restores {', '.join(tested)} recovery points on a schedule.",
                  f"No restore testing plan with a selection exists in {plan.region}: nobody proves these backups "
                  "restore until the day they are needed.")


# -- sustainability: keep copies only of what is hard to recreate -----------------------------------------------
LONG_RETENTION_DAYS = 35  # beyond a month, a dev copy outlives anything it could be restored for


def _retention(plan: Resource) -> int | None:
    """The longest a rule keeps a recovery point, in days; None when some rule keeps them for ever."""
    rules = (plan.config.get("BackupPlan") or {}).get("Rules") or []
    kept = [(r.get("Lifecycle") or {}).get("DeleteAfterDays") for r in rules]
    return None if None in kept else max(kept, default=0)


@check(
    "backup-of-dev-kept-long",
    title="Backups of dev resources are kept for a long time",
    pillar="sustainability", focus_area="Data lifecycle",
    risk="LOW",
    best_practices=["SUS04-BP08"],
    remediation="Leave dev resources out of the plan (a NotResources entry or a tag condition), or give them a plan "
                "of their own that keeps recovery points for days: dev data is recreated from code and seed data.",
    bullet="Stop keeping long backups of the dev resources in {resources}",
    each=BACKUP_PLAN,
    needs=("backup", "rds", "dynamodb", "efs", "ec2"),
)
def backup_of_dev_kept_long(plan: Resource, estate: Estate) -> Result | None:
    if SELECTION_READS & set(plan.errors) or unread(plan, "GetBackupPlan"):
        return not_assessed(plan, unread(plan) or "Its rules or resource selections could not be read.")
    selections = plan.config.get("BackupSelections") or []
    stores = estate.derived("backup-data-stores", lambda: {r.key for r in data_stores(estate)})
    candidates = estate.of_type_in(plan.account, plan.region, RDS_DB_INSTANCE, RDS_DB_CLUSTER, DYNAMODB_TABLE,
                                   EFS_FILE_SYSTEM, EC2_INSTANCE, EC2_VOLUME)
    here = [r for r in candidates if (r.key in stores or r.type in (EC2_INSTANCE, EC2_VOLUME))
            and any(selects(s, r) for s in selections)]
    dev = [r for r in here if estate.environment_of(r) == DEV]
    if not dev:
        return None  # nothing easy to recreate in it
    retention = _retention(plan)
    kept = "for ever" if retention is None else f"for {days(retention)}"
    return judged(plan, retention is not None and retention <= LONG_RETENTION_DAYS,
                  f"It keeps the recovery points of its {len(dev)} dev resource(s) {kept}.",
                  f"It backs up {len(dev)} dev resource(s) ({first_few([r.label for r in dev], 4)}) and keeps the "
                  f"recovery points {kept}.")
