"""Organization-level evidence: SCPs and delegated administrators read from the management account, and the
organization trail, consolidated budgets and delegated GuardDuty counted for the member accounts.

moto registers delegated administrators only for some services (GuardDuty, not Security Hub), so the Security Hub
path is covered by the shared code alone; AccessDenied on the organization's policies is an event hook that
answers with AWS's error shape, as tests/test_faults.py does.
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws
from test_organization import MANAGEMENT, REGION, build_organization, member_client

from wafr.checks.registry import all_checks
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account, collect_organization
from wafr.sources.aws.session import open_session

SERVICES = ["organizations", "cloudtrail", "guardduty", "securityhub", "budgets"]
ORGANIZATION = "AWS::Organizations::Organization"
POLICY = "AWS::Organizations::Policy"
DENY_LEAVING = {"Version": "2012-10-17",
                "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}


def scp(org, name: str, attach: bool) -> str:
    policy = org.create_policy(Name=name, Description=name, Type="SERVICE_CONTROL_POLICY",
                               Content=json.dumps(DENY_LEAVING))["Policy"]["PolicySummary"]["Id"]
    if attach:
        org.attach_policy(PolicyId=policy, TargetId=org.list_roots()["Roots"][0]["Id"])
    return policy


def budget(filters: dict | None = None) -> None:
    spec = {"BudgetName": "organization-monthly", "BudgetLimit": {"Amount": "1000", "Unit": "USD"},
            "TimeUnit": "MONTHLY", "BudgetType": "COST", **({"CostFilters": filters} if filters else {})}
    boto3.client("budgets", region_name=REGION).create_budget(AccountId=MANAGEMENT, Budget=spec)


def judge(estate, check_id):
    return {(f.resource["account"], f.resource["region"]): f
            for f in evaluate(estate, {check_id: all_checks()[check_id]})}


@pytest.fixture(scope="module")
def governed():
    """An organization trail, an attached SCP, an unfiltered management budget, and members[0] as GuardDuty's
    delegated administrator; only members[1] has a detector."""
    with mock_aws():
        members = build_organization([["prod"], ["dev"]])
        org = boto3.client("organizations", region_name=REGION)
        scp(org, "deny-leaving", attach=True)
        org.register_delegated_administrator(AccountId=members[0], ServicePrincipal="guardduty.amazonaws.com")
        boto3.client("s3", region_name=REGION).create_bucket(Bucket="org-trail-logs")
        cloudtrail = boto3.client("cloudtrail", region_name=REGION)
        cloudtrail.create_trail(Name="organization", S3BucketName="org-trail-logs", IsMultiRegionTrail=True,
                                IsOrganizationTrail=True)
        cloudtrail.start_logging(Name="organization")
        budget()
        member_client(members[1], "guardduty").create_detector(Enable=True)
        estate = collect_organization(open_session(region=REGION), [REGION], services=SERVICES)
    return estate, members


@pytest.fixture(scope="module")
def bare():
    """No trail, an SCP attached to nothing, and a management budget filtered to members[0] only."""
    with mock_aws():
        members = build_organization([["prod"], ["dev"]])
        scp(boto3.client("organizations", region_name=REGION), "unused-guardrail", attach=False)
        budget({"LinkedAccount": [members[0]]})
        estate = collect_organization(open_session(region=REGION), [REGION], services=SERVICES)
    return estate, members


# -- the collector -------------------------------------------------------------------------------------------
def test_the_management_account_records_scps_and_delegated_administrators(governed):
    estate, members = governed
    [organization] = [o for o in estate.of_type(ORGANIZATION) if o.account == MANAGEMENT]
    [admin] = organization.config["DelegatedAdministrators"]
    assert admin["Id"] == members[0]
    assert [s["ServicePrincipal"] for s in admin["DelegatedServices"]] == ["guardduty.amazonaws.com"]
    policies = {p.label: p for p in estate.of_type(POLICY)}
    assert set(policies) == {"FullAWSAccess", "deny-leaving"} and {p.account for p in policies.values()} == {MANAGEMENT}
    assert policies["deny-leaving"].config["Targets"][0]["Type"] == "ROOT"
    members_copy = [o for o in estate.of_type(ORGANIZATION) if o.account == members[0]]
    assert members_copy and "DelegatedAdministrators" not in members_copy[0].config


def error(code: str):
    return AWSResponse(f"https://organizations/{code}", 400, {}, None), {"Error": {"Code": code, "Message": code}}


def test_access_denied_on_the_organizations_policies_is_a_note_and_not_assessed(aws, boto):
    boto.client("organizations").create_organization(FeatureSet="ALL")
    for operation in ("ListPolicies", "ListDelegatedAdministrators"):
        aws.session.events.register(f"before-call.organizations.{operation}",
                                    lambda **_: error("AccessDeniedException"))
    estate = collect_account(aws, [REGION], services=["organizations"])
    coverage = estate.coverage_of(aws.account, "global", "organizations")
    assert coverage.status == "assessed" and "ListPolicies: AccessDeniedException" in coverage.detail
    [organization] = estate.of_type(ORGANIZATION)
    assert organization.config["_errors"] == {"ListDelegatedAdministrators": "AccessDeniedException",
                                              "ListPolicies": "AccessDeniedException",
                                              # the tag and backup policies, listed by type
                                              "ListPolicies:TAG_POLICY": "AccessDeniedException",
                                              "ListPolicies:BACKUP_POLICY": "AccessDeniedException"}
    assert not estate.of_type(POLICY) and len(estate.of_type("AWS::Organizations::Account")) == 1
    finding = judge(estate, "no-scp-guardrails")[(aws.account, "global")]
    assert finding.status == "NOT_ASSESSED" and "AccessDeniedException" in finding.evidence


# -- CloudTrail ----------------------------------------------------------------------------------------------
def test_an_organization_trail_covers_every_member(governed):
    estate, members = governed
    found = judge(estate, "cloudtrail-no-multi-region-trail")
    for member in members:
        finding = found[(member, "global")]
        assert finding.status == "PASS"
        assert f"organization trail organization in management account {MANAGEMENT}" in finding.evidence
    assert found[(MANAGEMENT, "global")].status == "PASS"


def test_without_an_organization_trail_members_still_fail(bare):
    estate, members = bare
    found = judge(estate, "cloudtrail-no-multi-region-trail")
    assert {found[(m, "global")].status for m in (MANAGEMENT, *members)} == {"FAIL"}


# -- GuardDuty -----------------------------------------------------------------------------------------------
def test_delegated_guardduty_is_named_where_the_member_has_a_detector(governed):
    estate, members = governed
    found = judge(estate, "guardduty-not-enabled")
    assert found[(members[1], REGION)].status == "PASS"
    assert f"delegated administrator {members[0]} manages GuardDuty" in found[(members[1], REGION)].evidence
    # A delegated administrator does not make a detector: an account without one still fails.
    assert found[(members[0], REGION)].status == "FAIL"


# -- budgets -------------------------------------------------------------------------------------------------
def test_an_unfiltered_management_budget_covers_every_member(governed):
    estate, members = governed
    found = judge(estate, "no-budgets")
    for member in members:
        assert found[(member, "global")].status == "PASS"
        assert "no linked-account filter" in found[(member, "global")].evidence
    assert found[(MANAGEMENT, "global")].evidence.startswith("1 budget(s)")


def test_a_budget_filtered_to_linked_accounts_covers_only_those(bare):
    estate, members = bare
    found = judge(estate, "no-budgets")
    assert found[(members[0], "global")].status == "PASS"
    assert "filtered to this linked account" in found[(members[0], "global")].evidence
    assert found[(members[1], "global")].status == "FAIL"


# -- service control policies --------------------------------------------------------------------------------
def test_an_attached_scp_beyond_full_access_passes(governed):
    estate, _ = governed
    [finding] = judge(estate, "no-scp-guardrails").values()
    assert finding.status == "PASS" and "deny-leaving" in finding.evidence
    assert finding.best_practices == ["SEC03-BP05"] and finding.resource["account"] == MANAGEMENT


def test_only_full_access_attached_fails_at_medium(bare):
    estate, _ = bare
    [finding] = judge(estate, "no-scp-guardrails").values()
    assert finding.status == "FAIL" and finding.risk == "MEDIUM"
    assert "unused-guardrail exist but are attached to nothing" in finding.evidence


def test_a_member_scanned_alone_cannot_judge_the_scps(aws, boto, monkeypatch):
    org = boto.client("organizations")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(Email="m@example.com", AccountName="m")["CreateAccountStatus"]["AccountId"]
    creds = boto.client("sts").assume_role(RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
                                           RoleSessionName="arrange")["Credentials"]
    for key, name in (("AccessKeyId", "AWS_ACCESS_KEY_ID"), ("SecretAccessKey", "AWS_SECRET_ACCESS_KEY"),
                      ("SessionToken", "AWS_SESSION_TOKEN")):
        monkeypatch.setenv(name, creds[key])
    estate = collect_account(open_session(region=REGION), [REGION], services=["organizations"])
    [finding] = judge(estate, "no-scp-guardrails").values()
    assert finding.status == "NOT_ASSESSED" and f"management account {aws.account}" in finding.evidence
