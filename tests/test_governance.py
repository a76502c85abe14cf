"""Detection and governance: CloudTrail, GuardDuty, Security Hub, Organizations and Budgets collectors, the
detection checks and the cost checks, on a mocked account."""

from __future__ import annotations

import threading

import pytest

from wafr.checks.registry import all_checks
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.policy import iam_action
from wafr.sources.aws.registry import all_collectors
from wafr.sources.aws.session import open_session

REGION = "us-east-1"
OURS = ("iam", "identity-center", "organizations", "cloudtrail", "guardduty", "securityhub", "budgets")


def judge(estate, *check_ids):
    """Only the named checks, keyed by (check id, resource id, region)."""
    checks = {k: v for k, v in all_checks().items() if k in check_ids}
    return {(f.check_id, f.resource["id"], f.resource["region"]): f for f in evaluate(estate, checks)}


def collect(aws, *services, regions=(REGION,)):
    return collect_account(aws, list(regions), services=list(services))


def trail_bucket(boto):
    boto.client("s3").create_bucket(Bucket="org-trail-logs")
    return "org-trail-logs"


# -- CloudTrail ----------------------------------------------------------------------------------------------
def test_no_trail_fails_the_account(aws):
    finding = judge(collect(aws, "cloudtrail"), "cloudtrail-no-multi-region-trail")[
        ("cloudtrail-no-multi-region-trail", aws.account, "global")]
    assert finding.status == "FAIL" and finding.risk == "HIGH" and finding.focus_area == "Detection"
    assert finding.best_practices == ["SEC04-BP01"] and "no CloudTrail trail" in finding.evidence


def test_logging_multi_region_trail_homed_outside_the_scan_passes_through_its_shadow(aws, boto):
    cloudtrail = boto.client("cloudtrail", region_name="eu-west-1")
    cloudtrail.create_trail(Name="org-trail", S3BucketName=trail_bucket(boto), IsMultiRegionTrail=True)
    cloudtrail.start_logging(Name="org-trail")
    estate = collect(aws, "cloudtrail")
    [shadow] = estate.of_type("AWS::CloudTrail::Trail")
    assert shadow.region == REGION and shadow.config["_shadow"] is True
    assert shadow.config["HomeRegion"] == "eu-west-1" and shadow.config["TrailStatus"]["IsLogging"] is True
    finding = judge(estate, "cloudtrail-no-multi-region-trail")[
        ("cloudtrail-no-multi-region-trail", aws.account, "global")]
    assert finding.status == "PASS" and "org-trail" in finding.evidence


@pytest.mark.parametrize("multi_region,logging,expected", [
    (True, False, "is not logging"), (False, True, "only single-Region trails"),
])
def test_stopped_or_single_region_trails_fail(aws, boto, multi_region, logging, expected):
    cloudtrail = boto.client("cloudtrail")
    cloudtrail.create_trail(Name="trail", S3BucketName=trail_bucket(boto), IsMultiRegionTrail=multi_region)
    if logging:
        cloudtrail.start_logging(Name="trail")
    estate = collect(aws, "cloudtrail")
    assert estate.of_type("AWS::CloudTrail::Trail")[0].config["_shadow"] is False
    finding = judge(estate, "cloudtrail-no-multi-region-trail")[
        ("cloudtrail-no-multi-region-trail", aws.account, "global")]
    assert finding.status == "FAIL" and expected in finding.evidence


# -- GuardDuty and Security Hub ------------------------------------------------------------------------------
def test_guardduty_missing_or_disabled_fails_per_region_and_enabled_passes(aws, boto):
    check = "guardduty-not-enabled"
    regions = (REGION, "eu-west-1")
    boto.client("guardduty", region_name="eu-west-1").create_detector(Enable=False)
    findings = judge(collect(aws, "guardduty", regions=regions), check)
    missing, disabled = findings[(check, aws.account, REGION)], findings[(check, aws.account, "eu-west-1")]
    assert missing.status == "FAIL" and missing.risk == "MEDIUM" and "no GuardDuty detector" in missing.evidence
    assert disabled.status == "FAIL" and "DISABLED" in disabled.evidence
    detector = boto.client("guardduty").create_detector(Enable=True, Tags={"Team": "security"})["DetectorId"]
    estate = collect(aws, "guardduty")
    recorded = estate.get(detector, type="AWS::GuardDuty::Detector")
    assert recorded.config["Status"] == "ENABLED" and recorded.tags == {"Team": "security"}
    assert judge(estate, check)[(check, aws.account, REGION)].status == "PASS"


def test_security_hub_off_is_data_not_a_failed_read(aws, boto):
    check = "securityhub-not-enabled"
    estate = collect(aws, "securityhub")
    assert estate.coverage_of(aws.account, REGION, "securityhub").status == "assessed"
    assert estate.of_type("AWS::SecurityHub::Hub") == []
    off = judge(estate, check)[(check, aws.account, REGION)]
    assert off.status == "FAIL" and off.best_practices == ["SEC04-BP02"]
    boto.client("securityhub").enable_security_hub()
    estate = collect(aws, "securityhub")
    assert estate.of_type("AWS::SecurityHub::Hub")[0].id.endswith(":hub/default")
    assert judge(estate, check)[(check, aws.account, REGION)].status == "PASS"


def test_regional_detection_checks_are_not_assessed_where_the_service_was_not_read(aws):
    estate = collect(aws, "budgets")  # any collector: the scan covered us-east-1, detection was not read
    findings = judge(estate, "guardduty-not-enabled", "securityhub-not-enabled", "cloudtrail-no-multi-region-trail")
    assert {f.status for f in findings.values()} == {"NOT_ASSESSED"}
    assert {key[0] for key in findings} == {"guardduty-not-enabled", "securityhub-not-enabled",
                                            "cloudtrail-no-multi-region-trail"}


# -- Budgets -------------------------------------------------------------------------------------------------
def test_no_budget_fails_and_a_budget_passes(aws, boto):
    check = ("no-budgets", aws.account, "global")
    none = judge(collect(aws, "budgets"), "no-budgets")[check]
    assert none.status == "FAIL" and none.risk == "HIGH" and none.best_practices == ["COST01-BP03"]
    assert none.focus_area == "Cloud financial management" and none.pillar == "cost-optimization"
    boto.client("budgets").create_budget(AccountId=aws.account, Budget={
        "BudgetName": "monthly-total", "BudgetLimit": {"Amount": "500", "Unit": "USD"},
        "TimeUnit": "MONTHLY", "BudgetType": "COST"})
    estate = collect(aws, "budgets")
    [budget] = estate.of_type("AWS::Budgets::Budget")
    assert budget.id == "monthly-total" and budget.region == "global"
    assert budget.config["BudgetLimit"] == {"Amount": "500", "Unit": "USD"}
    finding = judge(estate, "no-budgets")[check]
    assert finding.status == "PASS" and "monthly-total" in finding.evidence


def test_budgets_not_read_is_not_assessed(aws):
    finding = judge(collect(aws, "guardduty"), "no-budgets")[("no-budgets", aws.account, "global")]
    assert finding.status == "NOT_ASSESSED" and "budgets was not collected" in finding.evidence


# -- Organizations -------------------------------------------------------------------------------------------
def test_standalone_account_fails(aws):
    estate = collect(aws, "organizations")
    [me] = estate.of_type("AWS::Organizations::Account")
    assert me.id == aws.account and me.config == {"_member": False}
    finding = judge(estate, "account-not-in-organization")[("account-not-in-organization", aws.account, "global")]
    assert finding.status == "FAIL" and finding.risk == "MEDIUM"
    assert finding.best_practices == ["COST02-BP03", "SEC01-BP01"]


def test_management_account_lists_the_organization_and_passes(aws, boto):
    org = boto.client("organizations")
    org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    org.create_account(Email="prod@example.com", AccountName="production")
    estate = collect(aws, "organizations")
    assert estate.get(org_id, type="AWS::Organizations::Organization").config["MasterAccountId"] == aws.account
    accounts = {a.name: a for a in estate.of_type("AWS::Organizations::Account")}
    assert set(accounts) == {"master", "production"} and accounts["master"].config["_management"] is True
    finding = judge(estate, "account-not-in-organization")[("account-not-in-organization", aws.account, "global")]
    assert finding.status == "PASS" and org_id in finding.evidence and "management account" in finding.evidence


def test_member_account_passes_without_listing_accounts(aws, boto, monkeypatch):
    org = boto.client("organizations")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(Email="dev@example.com", AccountName="dev")["CreateAccountStatus"]["AccountId"]
    creds = boto.client("sts").assume_role(RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
                                           RoleSessionName="wafr")["Credentials"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", creds["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", creds["SecretAccessKey"])
    monkeypatch.setenv("AWS_SESSION_TOKEN", creds["SessionToken"])
    member_session = open_session(region=REGION)
    assert member_session.account == member
    estate = collect(member_session, "organizations")
    [me] = estate.of_type("AWS::Organizations::Account")
    assert me.id == member and me.config["_member"] is True and me.config["_management"] is False
    finding = judge(estate, "account-not-in-organization")[("account-not-in-organization", member, "global")]
    assert finding.status == "PASS"


# -- cost-allocation tags ---------------------------------------------------------------------------------------------
def make_dbs(boto, tags_per_db):
    rds = boto.client("rds")
    for i, tags in enumerate(tags_per_db):
        rds.create_db_instance(DBInstanceIdentifier=f"db-{i}", DBInstanceClass="db.t3.micro", Engine="postgres",
                               MasterUsername="u", MasterUserPassword="password123", AllocatedStorage=20,
                               Tags=[{"Key": k, "Value": v} for k, v in tags.items()])


def test_mostly_untagged_workloads_fail_with_the_numbers(aws, boto):
    make_dbs(boto, [{"CostCenter": "1234"}, {"Environment": "prod"}, {}])
    finding = judge(collect(aws, "rds"), "cost-allocation-tags-missing")[
        ("cost-allocation-tags-missing", aws.account, "global")]
    assert finding.status == "FAIL" and set(finding.best_practices) == {"COST03-BP02", "COST03-BP03"}
    assert "1 of 3 workload resources (33%)" in finding.evidence and "2 RDS::DBInstance" in finding.evidence


def test_tagged_workloads_pass_whatever_the_key_spelling(aws, boto):
    make_dbs(boto, [{"cost-center": "1234"}, {"team": "payments"}, {}])
    # Every cost-bearing service read: one not read could hold the untagged majority (a gap is never a pass).
    finding = judge(collect(aws, *all_checks()["cost-allocation-tags-missing"].needs), "cost-allocation-tags-missing")[
        ("cost-allocation-tags-missing", aws.account, "global")]
    assert finding.status == "PASS" and "2 of 3" in finding.evidence


def test_no_workloads_means_nothing_to_judge(aws):
    finding = judge(collect(aws, "budgets"), "cost-allocation-tags-missing")[
        ("cost-allocation-tags-missing", aws.account, "global")]
    assert finding.status == "NOT_ASSESSED"


# -- declared permissions ------------------------------------------------------------------------------------
def test_these_collectors_declare_every_call_they_make(aws, boto):
    """Arranged so each detail call runs: a user with key/password, an OIDC provider, an org, a trail, a
    detector, a hub, a budget, a permission set."""
    iam = boto.client("iam")
    iam.create_user(UserName="u")
    iam.create_access_key(UserName="u")
    iam.create_open_id_connect_provider(Url="https://example.com", ClientIDList=["a"], ThumbprintList=["a" * 40])
    boto.client("organizations").create_organization(FeatureSet="ALL")
    boto.client("cloudtrail").create_trail(Name="trail", S3BucketName=trail_bucket(boto))
    boto.client("guardduty").create_detector(Enable=True)
    boto.client("securityhub").enable_security_hub()
    boto.client("budgets").create_budget(AccountId=aws.account, Budget={
        "BudgetName": "b", "BudgetLimit": {"Amount": "1", "Unit": "USD"}, "TimeUnit": "MONTHLY", "BudgetType": "COST"})
    sso = boto.client("sso-admin")
    sso.create_permission_set(InstanceArn=sso.list_instances()["Instances"][0]["InstanceArn"], Name="p")

    seen, lock = set(), threading.Lock()

    def record(model=None, **_):
        with lock:
            seen.add(iam_action(model.service_model.service_name, model.service_model.signing_name, model.name))

    aws.session.events.register("before-parameter-build.*.*", record)
    for name in OURS:
        seen.clear()
        estate = collect(aws, name)
        assert estate.coverage_of(aws.account, "global" if all_collectors()[name].global_service else REGION,
                                  name).status == "assessed"
        declared = set(all_collectors()[name].permissions)
        assert seen and seen <= declared, (name, seen - declared)
