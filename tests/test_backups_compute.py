"""Backups of stateful EC2 instances (no-backup-plan-for-ec2-instances), restore testing (backup-restores-not-tested)
and long-kept backups of dev resources (backup-of-dev-kept-long).

The instances and their EBS volumes are moto's; moto lacks ListBackupSelections, GetBackupSelection and restore
testing, so the backup collectors are answered by botocore's Stubber on the scan's own (guarded) client, shaped as
the AWS Backup API reference documents BackupPlansListMember, BackupPlan, BackupSelection, RestoreTestingPlanForList
and RestoreTestingSelectionForList. Restore testing is tested present, absent and denied."""

from __future__ import annotations

import pytest
from botocore.stub import Stubber

from tests.twins import by_name
from wafr.estate import Estate
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account
from wafr.vocabulary import FAIL, NOT_ASSESSED, PASS

REGION, ACCOUNT = "us-east-1", "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/backup"
DENIED = {"service_error_code": "AccessDeniedException", "http_status_code": 400,
          "service_message": "User is not authorized to perform: backup:ListRestoreTestingPlans"}
INSTANCES = {"prod-tagged": {"Environment": "prod", "Backup": "daily"}, "prod-legacy": {"Environment": "prod"},
             "prod-volumes": {"Environment": "prod"}, "dev-box": {"Environment": "dev", "Backup": "daily"},
             "dev-scratch": {"Environment": "dev", "Backup": "weekly"}}


def arrange(boto) -> dict[str, dict]:
    ec2 = boto.client("ec2")
    image = ec2.describe_images()["Images"][0]["ImageId"]
    arranged = {}
    for name, tags in INSTANCES.items():
        [instance] = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name},
                                                  *({"Key": k, "Value": v} for k, v in tags.items())]}])["Instances"]
        volumes = [m["Ebs"]["VolumeId"] for m in instance.get("BlockDeviceMappings", [])]
        arranged[name] = {"id": instance["InstanceId"], "volumes": volumes}
    return arranged


def plan(name, rules, selection):
    plan_id = f"{name}-0000-0000-0000-000000000000"
    return plan_id, name, rules, selection


def stub_backup(stub, plans):
    stub.add_response("list_backup_plans", {"BackupPlansList": [
        {"BackupPlanId": plan_id, "BackupPlanName": name,
         "BackupPlanArn": f"arn:aws:backup:{REGION}:{ACCOUNT}:backup-plan:{plan_id}"}
        for plan_id, name, _, _ in plans]})
    for plan_id, name, rules, selection in plans:
        stub.add_response("get_backup_plan", {"BackupPlan": {"BackupPlanName": name, "Rules": rules},
                                              "BackupPlanId": plan_id})
        stub.add_response("list_backup_selections", {"BackupSelectionsList": [
            {"SelectionId": f"{name}-sel", "SelectionName": name, "BackupPlanId": plan_id}]})
        stub.add_response("get_backup_selection", {"BackupSelection": {"SelectionName": name, "IamRoleArn": ROLE,
                                                                       **selection},
                                                   "SelectionId": f"{name}-sel", "BackupPlanId": plan_id})
    stub.add_response("list_backup_vaults", {"BackupVaultList": []})


def rule(days):
    lifecycle = {"DeleteAfterDays": days} if days else {}
    return {"RuleName": "r", "TargetBackupVaultName": "Default", "ScheduleExpression": "cron(0 5 * * ? *)",
            "RuleId": "rule-1", "Lifecycle": lifecycle}


def restore_testing_present(stub):
    stub.add_response("list_restore_testing_plans", {"RestoreTestingPlans": [
        {"RestoreTestingPlanName": "monthly", "ScheduleExpression": "cron(0 1 1 * ? *)",
         "RestoreTestingPlanArn": f"arn:aws:backup:{REGION}:{ACCOUNT}:restore-testing-plan:monthly-abc",
         "CreationTime": "2025-01-01T00:00:00Z"}]})
    stub.add_response("list_restore_testing_selections", {"RestoreTestingSelections": [
        {"ProtectedResourceType": "EBS", "RestoreTestingSelectionName": "volumes", "IamRoleArn": ROLE,
         "RestoreTestingPlanName": "monthly", "CreationTime": "2025-01-01T00:00:00Z"}]})


def restore_testing_absent(stub):
    stub.add_response("list_restore_testing_plans", {"RestoreTestingPlans": []})


def restore_testing_denied(stub):
    stub.add_client_error("list_restore_testing_plans", **DENIED)


def scan(aws, arranged, restore_testing):
    prod_volumes = [f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/{v}" for v in arranged["prod-volumes"]["volumes"]]
    plans = [plan("daily", [rule(365)], {"Resources": ["*"], "ListOfTags": [
                 {"ConditionType": "STRINGEQUALS", "ConditionKey": "Backup", "ConditionValue": "daily"}]}),
             plan("volumes", [rule(30)], {"Resources": prod_volumes}),
             plan("dev-weekly", [rule(7)], {"Resources": ["arn:aws:ec2:*:*:instance/*"], "Conditions": {
                 "StringEquals": [{"ConditionKey": "aws:ResourceTag/Backup", "ConditionValue": "weekly"}]}})]
    # The data stores too (none here): whether a plan selects dev data rests on every store having been read.
    estate = collect_account(aws, [REGION], services=["ec2", "rds", "dynamodb", "efs"])
    with Stubber(aws.client("backup", REGION)) as stub:
        stub_backup(stub, plans)
        backups = collect_account(aws, [REGION], services=["backup"])
        restore_testing(stub)
        tests = collect_account(aws, [REGION], services=["backup-restore-testing"])
        stub.assert_no_pending_responses()
    return Estate(resources=estate.resources + backups.resources + tests.resources,
                  coverage=estate.coverage + backups.coverage + tests.coverage, metadata=dict(estate.metadata))


@pytest.fixture
def arranged(boto, aws):
    found = arrange(boto)
    assert all(i["volumes"] for i in found.values()), "moto gave an instance no EBS root volume: nothing to judge"
    return found


@pytest.mark.parametrize("check,name,status", [
    ("no-backup-plan-for-ec2-instances", "prod-tagged", PASS),    # the instance is selected by tag
    ("no-backup-plan-for-ec2-instances", "prod-volumes", PASS),   # each of its volumes is selected by ARN
    ("no-backup-plan-for-ec2-instances", "prod-legacy", FAIL),
    ("backup-restores-not-tested", "daily", PASS),
    ("backup-of-dev-kept-long", "daily", FAIL),                   # dev-box kept 365 days
    ("backup-of-dev-kept-long", "dev-weekly", PASS),              # dev-scratch kept 7 days
])
def test_backups_with_restore_testing(aws, arranged, check, name, status):
    found = by_name(evaluate(scan(aws, arranged, restore_testing_present)))
    assert found[(check, name)].status == status


def test_evidence_and_what_is_not_judged(aws, arranged):
    found = by_name(evaluate(scan(aws, arranged, restore_testing_present)))
    legacy = found[("no-backup-plan-for-ec2-instances", "prod-legacy")]
    assert arranged["prod-legacy"]["volumes"][0] in legacy.evidence and legacy.risk == "HIGH"
    assert "keeps the recovery points for 365 days" in found[("backup-of-dev-kept-long", "daily")].evidence
    assert "EBS" in found[("backup-restores-not-tested", "daily")].evidence
    assert ("no-backup-plan-for-ec2-instances", "dev-box") not in found  # dev: not judged for backups
    assert ("backup-restores-not-tested", "dev-weekly") not in found     # a dev plan
    assert ("backup-of-dev-kept-long", "volumes") not in found           # selects no dev resource


def test_no_restore_testing_fails_production_plans(aws, arranged):
    estate = scan(aws, arranged, restore_testing_absent)
    assert estate.coverage_of(ACCOUNT, REGION, "backup-restore-testing").status == "assessed"
    found = by_name(evaluate(estate))
    assert found[("backup-restores-not-tested", "daily")].status == FAIL
    assert found[("backup-restores-not-tested", "volumes")].status == FAIL


def test_denied_restore_testing_is_not_assessed(aws, arranged):
    estate = scan(aws, arranged, restore_testing_denied)
    assert estate.coverage_of(ACCOUNT, REGION, "backup-restore-testing").status == "denied"
    found = by_name(evaluate(estate))
    assert found[("backup-restores-not-tested", "daily")].status == NOT_ASSESSED
    assert found[("no-backup-plan-for-ec2-instances", "prod-legacy")].status == FAIL  # rests on other reads
