"""Sharing, resilience experiments and data classification: RAM resource shares outside the organization, AWS FIS
experiments in production accounts, and data classification tags on production data stores.

RAM, Organizations and the data stores are arranged in moto and read by the real collectors. moto's FIS starts every
experiment "now" and moves it through its states on its own clock, so the experiments' dates and outcomes are
answered by botocore's Stubber on the scan's own client, shaped as the FIS API reference documents
ExperimentTemplateSummary and ExperimentSummary."""

from __future__ import annotations

import datetime as dt

import pytest
from botocore.stub import Stubber

from twins import findings_of_arranged
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account

REGION, ACCOUNT, OUTSIDER = "us-east-1", "123456789012", "111122223333"
DENIED = {"service_error_code": "AccessDeniedException", "http_status_code": 403,
          "service_message": f"User: arn:aws:iam::{ACCOUNT}:user/scanner is not authorized to perform this action"}
PROD, DEV = [{"Key": "Environment", "Value": "prod"}], [{"Key": "Environment", "Value": "dev"}]


# -- moto: RAM shares and data stores ---------------------------------------------------------------------------
def arrange(boto):
    org = boto.client("organizations")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(AccountName="payments-prod", Email="payments@example.com")["CreateAccountStatus"][
        "AccountId"]
    ram = boto.client("ram")
    ram.create_resource_share(name="subnets-to-partner", principals=[OUTSIDER], allowExternalPrincipals=True)
    ram.create_resource_share(name="subnets-to-payments", principals=[member], allowExternalPrincipals=True)
    ram.create_resource_share(name="org-only", allowExternalPrincipals=False)

    s3 = boto.client("s3")
    for name, tags in (("prod-orders-data", PROD), ("prod-orders-classified", PROD + [
            {"Key": "DataClassification", "Value": "confidential"}]), ("dev-scratch", DEV)):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags})
    dynamodb = boto.client("dynamodb")
    for name, tags in (("prod-sessions", PROD), ("prod-customers", PROD + [{"Key": "sensitivity", "Value": "pii"}])):
        dynamodb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", Tags=tags,
                              AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                              KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])


@pytest.fixture(scope="module")
def moto_findings():
    return findings_of_arranged(arrange, ["organizations", "ram", "s3", "rds", "dynamodb", "efs"], REGION)


@pytest.mark.parametrize("check_id,bad,clean", [
    ("ram-share-outside-organization", "subnets-to-partner", "subnets-to-payments"),
    ("data-store-not-classified", "prod-orders-data", "prod-orders-classified"),
    ("data-store-not-classified", "prod-sessions", "prod-customers"),
])
def test_bad_resource_fails_and_its_clean_twin_passes(moto_findings, check_id, bad, clean):
    assert moto_findings[(check_id, bad)].status == "FAIL"
    assert moto_findings[(check_id, clean)].status == "PASS"


def test_a_share_names_the_principal_outside(moto_findings):
    assert OUTSIDER in moto_findings[("ram-share-outside-organization", "subnets-to-partner")].evidence


def test_a_share_that_refuses_external_principals_passes(moto_findings):
    found = moto_findings[("ram-share-outside-organization", "org-only")]
    assert found.status == "PASS" and "allowExternalPrincipals is false" in found.evidence


def test_a_dev_data_store_is_not_judged_for_classification(moto_findings):
    assert ("data-store-not-classified", "dev-scratch") not in moto_findings


def test_a_share_from_a_member_whose_organization_is_unlisted_is_not_assessed():
    """A member account scanned alone cannot tell whether another account is in its organization."""
    from wafr.estate import Estate, Resource
    from wafr.resource_types import ORG_ACCOUNT, RAM_RESOURCE_SHARE

    share = Resource(type=RAM_RESOURCE_SHARE, id="s", account=ACCOUNT, region=REGION, name="s", config={
        "allowExternalPrincipals": True, "_principals": [{"associatedEntity": OUTSIDER, "status": "ASSOCIATED"}]})
    own = Resource(type=ORG_ACCOUNT, id=ACCOUNT, account=ACCOUNT, region="global", name=ACCOUNT,
                   config={"_member": True, "_organization_id": "o-abc123", "_management": False})
    found = [f for f in evaluate(Estate(resources=[share, own])) if f.check_id == "ram-share-outside-organization"]
    assert [f.status for f in found] == ["NOT_ASSESSED"]
    # RAM's own "external" flag settles it without the member list.
    share.config["_principals"][0]["external"] = True
    found = [f for f in evaluate(Estate(resources=[share, own])) if f.check_id == "ram-share-outside-organization"]
    assert [f.status for f in found] == ["FAIL"]


# -- FIS --------------------------------------------------------------------------------------------------------
NOW = dt.datetime.now(dt.timezone.utc)


def template():
    # ExperimentTemplateSummary, as the FIS API reference documents it.
    return {"id": "EXT1a2b3c4d5e6f7", "arn": f"arn:aws:fis:{REGION}:{ACCOUNT}:experiment-template/EXT1a2b3c4d5e6f7",
            "description": "terminate one instance per AZ", "creationTime": NOW - dt.timedelta(days=400),
            "lastUpdateTime": NOW - dt.timedelta(days=400), "tags": {}}


def experiment(days_ago, status="completed"):
    # ExperimentSummary, as the FIS API reference documents it.
    return {"id": f"EXP{days_ago:04d}", "arn": f"arn:aws:fis:{REGION}:{ACCOUNT}:experiment/EXP{days_ago:04d}",
            "experimentTemplateId": "EXT1a2b3c4d5e6f7", "state": {"status": status, "reason": "done"},
            "creationTime": NOW - dt.timedelta(days=days_ago), "tags": {}}


def scan_fis(aws, boto, environment, answer):
    boto.client("s3").create_bucket(Bucket="workload-data")
    boto.client("s3").put_bucket_tagging(Bucket="workload-data", Tagging={"TagSet": environment})
    with Stubber(aws.client("fis", REGION)) as stub:
        answer(stub)
        estate = collect_account(aws, [REGION], services=["fis", "s3"])
        stub.assert_no_pending_responses()
    return [f for f in evaluate(estate) if f.check_id == "no-fault-injection-experiments"]


def fis_answers(templates, experiments):
    def answer(stub):
        stub.add_response("list_experiment_templates", {"experimentTemplates": templates})
        stub.add_response("list_experiments", {"experiments": experiments})
    return answer


@pytest.mark.parametrize("templates,experiments,status,risk,words", [
    ([template()], [experiment(400), experiment(20)], "PASS", None, "1 AWS FIS experiment(s) ran in the last 180 days"),
    ([template()], [experiment(300), experiment(10, "failed")], "FAIL", "LOW", "the last ran"),
    ([], [], "FAIL", "MEDIUM", "No AWS FIS experiment template or experiment in this production account"),
])
def test_fis_in_a_production_account(aws, boto, templates, experiments, status, risk, words):
    found = scan_fis(aws, boto, PROD, fis_answers(templates, experiments))
    assert len(found) == 1 and found[0].status == status and words in found[0].evidence
    assert risk is None or found[0].risk == risk


def test_fis_is_not_asked_of_a_dev_account(aws, boto):
    assert scan_fis(aws, boto, DEV, fis_answers([], [])) == []


def test_fis_denied_is_a_gap(aws, boto):
    found = scan_fis(aws, boto, PROD, lambda stub: stub.add_client_error("list_experiment_templates", **DENIED))
    assert [f.status for f in found] == ["NOT_ASSESSED"]


# -- GuardDuty and Security Hub across the organization ---------------------------------------------------------
# moto lacks GuardDuty's DescribeOrganizationConfiguration, so both services are answered by the Stubber, shaped as
# their API references document DescribeOrganizationConfiguration's response.
NOT_ADMIN_GD = {"service_error_code": "BadRequestException", "http_status_code": 400,
                "service_message": "The request is rejected because the current account is not the GuardDuty "
                                   "delegated administrator."}
NOT_ADMIN_SH = {"service_error_code": "InvalidAccessException", "http_status_code": 401,
                "service_message": "Account is not an administrator for this organization"}


def scan_auto_enable(aws, guardduty, securityhub):
    with Stubber(aws.client("guardduty", REGION)) as gd, Stubber(aws.client("securityhub", REGION)) as sh:
        gd.add_response("list_detectors", {"DetectorIds": ["12abc34d567e8fa901bc2d34e56789f0"]})
        guardduty(gd)
        securityhub(sh)
        estate = collect_account(aws, [REGION], services=["security-auto-enable"])
        gd.assert_no_pending_responses()
        sh.assert_no_pending_responses()
    found = {f.resource["type"].split("::")[1]: f for f in evaluate(estate)
             if f.check_id == "security-services-not-auto-enabled"}
    return estate.coverage_of(aws.account, REGION, "security-auto-enable").status, found


def answer(call, response=None, error=None):
    return lambda stub: stub.add_client_error(call, **error) if error else stub.add_response(call, response)


GD, SH = "describe_organization_configuration", "describe_organization_configuration"


@pytest.mark.parametrize("guardduty,securityhub,expected", [
    ({"AutoEnable": True, "AutoEnableOrganizationMembers": "ALL", "MemberAccountLimitReached": False},
     {"AutoEnable": False, "MemberAccountLimitReached": False, "AutoEnableStandards": "NONE",
      "OrganizationConfiguration": {"ConfigurationType": "CENTRAL", "Status": "ENABLED"}},
     {"GuardDuty": "PASS", "SecurityHub": "PASS"}),
    ({"AutoEnable": True, "AutoEnableOrganizationMembers": "NEW", "MemberAccountLimitReached": False},
     {"AutoEnable": False, "MemberAccountLimitReached": False, "AutoEnableStandards": "NONE",
      "OrganizationConfiguration": {"ConfigurationType": "LOCAL", "Status": "ENABLED"}},
     {"GuardDuty": "FAIL", "SecurityHub": "FAIL"}),
])
def test_the_administrator_account_is_judged_on_auto_enable(aws, guardduty, securityhub, expected):
    status, found = scan_auto_enable(aws, answer(GD, guardduty), answer(SH, securityhub))
    assert status == "assessed" and {k: f.status for k, f in found.items()} == expected


def test_an_account_that_administers_neither_is_read_and_not_judged(aws):
    status, found = scan_auto_enable(aws, answer(GD, error=NOT_ADMIN_GD), answer(SH, error=NOT_ADMIN_SH))
    assert status == "assessed" and found == {}


def test_an_iam_denial_is_a_denial_not_an_absence(aws):
    status, _ = scan_auto_enable(aws, answer(GD, error=DENIED), lambda stub: None)
    assert status == "denied"
