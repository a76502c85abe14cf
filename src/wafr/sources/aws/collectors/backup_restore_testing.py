"""AWS Backup restore testing: the plans that restore recovery points on a schedule to prove the backups work,
with the resource types their selections restore."""

from wafr.resource_types import BACKUP_RESTORE_TESTING_PLAN
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare

declare("backup-restore-testing", Kind(
    BACKUP_RESTORE_TESTING_PLAN, List("list_restore_testing_plans", "RestoreTestingPlans"),
    details=[Detail("list_restore_testing_selections", "RestoreTestingSelections",
                    RestoreTestingPlanName=at("RestoreTestingPlanName"))],
    id="RestoreTestingPlanName", arn="RestoreTestingPlanArn",
), client="backup")
