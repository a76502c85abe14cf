"""IAM and Identity Center: what the collectors record, and the IAM checks on a mocked account."""

from __future__ import annotations

import datetime as dt
import json

import boto3
import pytest
from botocore.stub import Stubber

from wafr.checks.registry import all_checks
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account

IDENTITY_CHECKS = ("iam-user-long-lived-access-key", "iam-access-key-not-rotated", "iam-console-user-without-mfa",
                   "iam-no-centralized-identity-provider", "iam-password-policy-weak", "root-account-mfa-disabled")
GITHUB_OIDC = "token.actions.githubusercontent.com"
# The credential report's columns, as AWS documents them (IAM User Guide, "Getting credential reports").
REPORT_HEADER = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
                 "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
                 "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
                 "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
                 "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
                 "cert_2_active,cert_2_last_rotated\n")


def judge(estate, check_ids=IDENTITY_CHECKS):
    """Only this module's checks, keyed by (check id, resource id)."""
    checks = {k: v for k, v in all_checks().items() if k in check_ids}
    return {(f.check_id, f.resource["id"]): f for f in evaluate(estate, checks)}


def collect(aws, *services):
    return collect_account(aws, ["us-east-1"], services=list(services or ("iam", "identity-center")))


def user_with_key(iam, name, **kwargs):
    iam.create_user(UserName=name, **kwargs)
    return iam.create_access_key(UserName=name)["AccessKey"]


def later(estate, days):
    """The same estate as if it had been read ``days`` from now."""
    moment = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days, hours=1)
    estate.metadata["collected_at"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return estate


# -- collectors ----------------------------------------------------------------------------------------------
def test_iam_collector_records_credentials_roles_and_providers(aws, boto):
    iam = boto.client("iam")
    key = user_with_key(iam, "lambda-deployer", Tags=[{"Key": "Team", "Value": "platform"}])
    iam.create_login_profile(UserName="lambda-deployer", Password="Correct-horse-42")
    iam.create_user(UserName="alice")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"],
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    provider = iam.create_open_id_connect_provider(Url=f"https://{GITHUB_OIDC}", ClientIDList=["sts.amazonaws.com"],
                                                   ThumbprintList=["a" * 40])["OpenIDConnectProviderArn"]
    iam.create_saml_provider(Name="okta", SAMLMetadataDocument=f"<EntityDescriptor>{'x' * 1000}</EntityDescriptor>")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": provider},
                                                     "Action": "sts:AssumeRoleWithWebIdentity"}]}
    iam.create_role(RoleName="github-deploy", AssumeRolePolicyDocument=json.dumps(trust))

    estate = collect(aws, "iam")
    assert estate.coverage_of(aws.account, "global", "iam").status == "assessed"
    deployer = estate.get("lambda-deployer", type="AWS::IAM::User")
    assert deployer.region == "global" and deployer.tags == {"Team": "platform"}
    assert deployer.arn.endswith(":user/lambda-deployer")
    [recorded] = deployer.config["_access_keys"]  # from the credential report, which names slots, not key ids
    assert recorded["Slot"] == 1 and recorded["Status"] == "Active" and "AccessKeyId" not in recorded
    assert recorded["CreateDate"][:10] == key["CreateDate"].strftime("%Y-%m-%d")
    assert recorded["LastUsedDate"] is None and recorded["LastUsedService"] is None  # never used
    assert deployer.config["_login_profile"]["UserName"] == "lambda-deployer"
    assert deployer.config["_mfa_active"] is False
    alice = estate.get("alice", type="AWS::IAM::User")
    assert alice.config["_login_profile"] is None and alice.config["_mfa_active"] is True
    role = estate.get("github-deploy", type="AWS::IAM::Role")
    assert role.config["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Federated"] == provider
    oidc = estate.get(provider, type="AWS::IAM::OIDCProvider")
    assert oidc.name == GITHUB_OIDC and oidc.config["ClientIDList"] == ["sts.amazonaws.com"]
    assert estate.of_type("AWS::IAM::SAMLProvider")[0].name == "okta"
    assert estate.get(aws.account, type="AWS::IAM::AccountPasswordPolicy").config == {"_absent": True}
    assert estate.get(aws.account, type="AWS::IAM::AccountSummary").config["AccountMFAEnabled"] == 0


def test_key_last_use_is_recorded(aws, boto):
    iam = boto.client("iam")
    key = user_with_key(iam, "ci-bot")
    boto3.client("iam", region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
                 aws_secret_access_key=key["SecretAccessKey"]).list_users()
    estate = collect(aws, "iam")
    [recorded] = estate.get("ci-bot", type="AWS::IAM::User").config["_access_keys"]
    assert recorded["LastUsedDate"]  # moto's report leaves the service "not_supported"; see the stubbed test
    evidence = judge(estate)[("iam-user-long-lived-access-key", "ci-bot")].evidence
    assert "last used" in evidence and "never used" not in evidence


def test_identity_center_collector_counts_permission_sets(aws, boto):
    sso = boto.client("sso-admin")
    instance = sso.list_instances()["Instances"][0]["InstanceArn"]  # moto seeds one instance
    sso.create_permission_set(InstanceArn=instance, Name="Admin")
    estate = collect(aws, "identity-center")
    [found] = estate.of_type("AWS::SSO::Instance")
    assert found.id == instance and found.region == "global" and found.config["_permission_sets"] == 1


# -- long-lived and old access keys ------------------------------------------------------------------------
def test_active_access_keys_fail_and_users_without_them_pass(aws, boto):
    iam = boto.client("iam")
    deployer_key = user_with_key(iam, "lambda-deployer")
    user_with_key(iam, "temporaryCDKuser")
    retired = user_with_key(iam, "retired-bot")
    iam.update_access_key(UserName="retired-bot", AccessKeyId=retired["AccessKeyId"], Status="Inactive")
    iam.create_user(UserName="auditor")

    findings = judge(collect(aws))
    bad = findings[("iam-user-long-lived-access-key", "lambda-deployer")]
    assert bad.status == "FAIL" and bad.risk == "HIGH" and bad.focus_area == "IAM"
    assert set(bad.best_practices) == {"SEC02-BP02", "SEC02-BP05"}
    created = deployer_key["CreateDate"].strftime("%Y-%m-%d")
    assert f"key 1 (created {created}" in bad.evidence and "never used" in bad.evidence
    assert "OIDC" in bad.remediation and "Identity Center" in bad.remediation
    assert findings[("iam-user-long-lived-access-key", "temporaryCDKuser")].status == "FAIL"
    assert findings[("iam-user-long-lived-access-key", "retired-bot")].status == "PASS"
    assert findings[("iam-user-long-lived-access-key", "auditor")].status == "PASS"


def test_keys_older_than_90_days_fail_rotation_and_fresh_keys_pass(aws, boto):
    user_with_key(boto.client("iam"), "lambda-deployer")
    estate = collect(aws, "iam")
    assert judge(estate)[("iam-access-key-not-rotated", "lambda-deployer")].status == "PASS"
    stale = judge(later(estate, 120))[("iam-access-key-not-rotated", "lambda-deployer")]
    assert stale.status == "FAIL" and stale.risk == "MEDIUM" and "120 days old" in stale.evidence


# -- MFA, password policy, root ------------------------------------------------------------------------------
def test_console_user_without_mfa_fails_with_mfa_passes_and_api_users_stay_quiet(aws, boto):
    iam = boto.client("iam")
    for name in ("bob", "alice"):
        iam.create_user(UserName=name)
        iam.create_login_profile(UserName=name, Password="Correct-horse-42")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"],
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    user_with_key(iam, "api-only")
    findings = judge(collect(aws, "iam"))
    bob = findings[("iam-console-user-without-mfa", "bob")]
    assert bob.status == "FAIL" and bob.risk == "HIGH" and bob.best_practices == ["SEC02-BP01"]
    assert findings[("iam-console-user-without-mfa", "alice")].status == "PASS"
    assert ("iam-console-user-without-mfa", "api-only") not in findings


def test_missing_password_policy_fails_low_without_console_users_and_medium_with_them(aws, boto):
    iam = boto.client("iam")
    missing = judge(collect(aws, "iam"))[("iam-password-policy-weak", aws.account)]
    assert missing.status == "FAIL" and missing.risk == "LOW" and "no account password policy" in missing.evidence
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password="Correct-horse-42")
    assert judge(collect(aws, "iam"))[("iam-password-policy-weak", aws.account)].risk == "MEDIUM"


def test_weak_password_policy_fails_and_strong_one_passes(aws, boto):
    iam = boto.client("iam")
    iam.update_account_password_policy(MinimumPasswordLength=8, PasswordReusePrevention=3)
    weak = judge(collect(aws, "iam"))[("iam-password-policy-weak", aws.account)]
    assert weak.status == "FAIL" and "MinimumPasswordLength is 8 (< 14)" in weak.evidence
    assert weak.resource["type"] == "AWS::IAM::AccountPasswordPolicy"
    iam.update_account_password_policy(MinimumPasswordLength=16, PasswordReusePrevention=24, RequireSymbols=True)
    assert judge(collect(aws, "iam"))[("iam-password-policy-weak", aws.account)].status == "PASS"


def test_root_without_mfa_fails(aws):
    root = judge(collect(aws, "iam"))[("root-account-mfa-disabled", aws.account)]
    assert root.status == "FAIL" and root.risk == "HIGH" and root.best_practices == ["SEC01-BP02"]
    assert root.resource["type"] == "AWS::::Account"


def test_root_with_mfa_passes(aws):
    """moto cannot turn on root MFA (AccountMFAEnabled is always 0), so IAM is answered by botocore's Stubber
    with responses shaped like AWS's documented ones for an account with no users and root MFA on."""
    iam = aws.client("iam", aws.home_region)
    with Stubber(iam) as stub:
        stub.add_response("get_account_authorization_details",
                          {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
                           "IsTruncated": False})
        stub.add_response("generate_credential_report", {"State": "COMPLETE"})
        stub.add_response("get_credential_report", {"Content": REPORT_HEADER.encode(), "ReportFormat": "text/csv",
                                                    "GeneratedTime": dt.datetime(2026, 1, 1)})
        stub.add_response("list_open_id_connect_providers", {"OpenIDConnectProviderList": []})
        stub.add_response("list_saml_providers", {"SAMLProviderList": []})
        stub.add_response("get_account_password_policy",
                          {"PasswordPolicy": {"MinimumPasswordLength": 14, "PasswordReusePrevention": 24}})
        stub.add_response("get_account_summary", {"SummaryMap": {"AccountMFAEnabled": 1, "Users": 0}})
        estate = collect(aws, "iam")
        stub.assert_no_pending_responses()
    assert judge(estate)[("root-account-mfa-disabled", aws.account)].status == "PASS"


# -- centralized identity provider ---------------------------------------------------------------------------
def test_iam_users_without_any_federation_fail_on_the_account(aws, boto):
    iam = boto.client("iam")
    user_with_key(iam, "lambda-deployer")
    user_with_key(iam, "temporaryCDKuser")
    finding = judge(collect(aws))[("iam-no-centralized-identity-provider", aws.account)]
    assert finding.status == "FAIL" and finding.risk == "HIGH" and finding.best_practices == ["SEC02-BP04"]
    assert "lambda-deployer" in finding.evidence and "temporaryCDKuser" in finding.evidence


@pytest.mark.parametrize("federation", ["oidc", "permission-set"])
def test_federation_passes(aws, boto, federation):
    iam = boto.client("iam")
    user_with_key(iam, "lambda-deployer")
    if federation == "oidc":
        iam.create_open_id_connect_provider(Url=f"https://{GITHUB_OIDC}", ClientIDList=["sts.amazonaws.com"],
                                            ThumbprintList=["a" * 40])
    else:
        sso = boto.client("sso-admin")
        sso.create_permission_set(InstanceArn=sso.list_instances()["Instances"][0]["InstanceArn"], Name="Dev")
    finding = judge(collect(aws))[("iam-no-centralized-identity-provider", aws.account)]
    assert finding.status == "PASS"
    assert (GITHUB_OIDC if federation == "oidc" else "1 permission set") in finding.evidence


def test_checks_say_not_assessed_when_their_service_was_not_read(aws, boto):
    user_with_key(boto.client("iam"), "lambda-deployer")
    without_iam = judge(collect(aws, "identity-center"))
    for check_id in IDENTITY_CHECKS:
        finding = without_iam[(check_id, aws.account)]
        assert finding.status == "NOT_ASSESSED" and "iam was not collected" in finding.evidence
    without_sso = judge(collect(aws, "iam"))[("iam-no-centralized-identity-provider", aws.account)]
    assert without_sso.status == "NOT_ASSESSED" and "identity-center" in without_sso.evidence
