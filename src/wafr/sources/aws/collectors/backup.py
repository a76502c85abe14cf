"""AWS Backup: backup plans (rules and resource selections) and backup vaults."""

from __future__ import annotations

from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import BACKUP_PLAN, BACKUP_VAULT
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector



@collector(
    "backup",
    resource_types=(BACKUP_PLAN, BACKUP_VAULT),
    operations=("backup:ListBackupPlans", "backup:GetBackupPlan", "backup:ListBackupSelections",
                "backup:GetBackupSelection", "backup:ListBackupVaults"),
)
def collect_backup(ctx: CollectContext) -> Iterator[Resource]:
    backup = ctx.client("backup")
    unreadable: dict[str, int] = {}
    for plan in ctx.paginate(backup, "list_backup_plans", "BackupPlansList"):
        resource = _plan(ctx, backup, plan)
        for operation, code in (resource.config.get("_errors") or {}).items():
            unreadable[f"{operation}: {code}"] = unreadable.get(f"{operation}: {code}", 0) + 1
        yield resource
    for failure, count in unreadable.items():
        ctx.note(f"{failure} for {count} backup plan(s)")
    for vault in ctx.paginate(backup, "list_backup_vaults", "BackupVaultList"):
        yield ctx.resource(BACKUP_VAULT, vault["BackupVaultName"], arn=vault.get("BackupVaultArn", ""),
                           name=vault["BackupVaultName"], config=vault)


def _plan(ctx: CollectContext, backup: Any, plan: dict[str, Any]) -> Resource:
    plan_id, errors = plan["BackupPlanId"], {}
    config: dict[str, Any] = dict(plan)
    try:
        config["BackupPlan"] = backup.get_backup_plan(BackupPlanId=plan_id)["BackupPlan"]
    except ClientError as error:
        errors["GetBackupPlan"] = error_code(error)
    # Which resources a plan protects lives in its selections; without them nobody can say what it covers.
    try:
        listed = list(ctx.paginate(backup, "list_backup_selections", "BackupSelectionsList", BackupPlanId=plan_id))
    except (ClientError, NotImplementedError) as error:  # moto has no ListBackupSelections
        errors["ListBackupSelections"] = error_code(error)
        listed = None
    if listed is not None:
        selections = []
        for selection in listed:
            try:
                selections.append(backup.get_backup_selection(
                    BackupPlanId=plan_id, SelectionId=selection["SelectionId"])["BackupSelection"])
            except ClientError as error:
                errors["GetBackupSelection"] = error_code(error)
        config["BackupSelections"] = selections
    if errors:
        config["_errors"] = errors
    return ctx.resource(BACKUP_PLAN, plan_id, arn=plan.get("BackupPlanArn", ""),
                        name=plan.get("BackupPlanName", ""), config=config)


