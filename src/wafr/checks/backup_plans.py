"""AWS Backup: every data store covered by a backup plan (or a native backup of its own)."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator

from wafr.checks.data_stores import kind, primary_databases, selects
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate, Resource
from wafr.phrases import days, first_few
from wafr.resource_types import ACCOUNT, BACKUP_PLAN, DYNAMODB_TABLE, EFS_FILE_SYSTEM, RDS_DB_CLUSTER, RDS_DB_INSTANCE

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
        parts.append(f"only native backups protect {first_few(native, 6)}")
    if bare:
        parts.append(f"nothing backs up {first_few(bare, 6)}")
    if unknown:
        parts.append("not assessed: " + "; ".join(unknown))
    return "; ".join(parts) + "."


def _most_critical(resources: Iterable[Resource]) -> str:
    order = ("prod", "unknown", "staging", "dev")
    return min((r.environment for r in resources), key=lambda env: order.index(env) if env in order else 0)
