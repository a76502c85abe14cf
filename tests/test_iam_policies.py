"""IAM read in bulk (GetAccountAuthorizationDetails and the credential report) and the checks on what identities
may do and whether they are still used, against moto; the credential report's last-used service and root keys,
which moto does not model, through botocore's Stubber with AWS's documented shapes."""

from __future__ import annotations

import datetime as dt
import json

from botocore.stub import Stubber
from denial import deny

from wafr.checks.registry import all_checks
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account

CHECKS = ("iam-principal-full-admin", "iam-principal-service-wildcard", "iam-policy-attached-to-user",
          "iam-role-trusts-account-without-condition", "iam-user-unused", "iam-access-key-unused", "iam-role-unused",
          "root-access-keys-present")
THIRD_PARTY = "999988887777"
# The credential report's columns, as AWS documents them (IAM User Guide, "Getting credential reports").
REPORT_HEADER = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
                 "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
                 "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
                 "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
                 "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
                 "cert_2_active,cert_2_last_rotated")


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def trust(principal, condition=None):
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    return doc({**statement, **({"Condition": condition} if condition else {})})


def collect(aws):
    return collect_account(aws, ["us-east-1"], services=["iam"])


def judge(estate):
    checks = {k: v for k, v in all_checks().items() if k in CHECKS}
    return {(f.check_id, f.resource["id"]): f for f in evaluate(estate, checks)}


def later(estate, days):
    moment = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days, hours=1)
    estate.metadata["collected_at"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return estate


# -- the collector -------------------------------------------------------------------------------------------
def test_collector_reads_groups_policies_and_credentials_without_per_user_calls(aws, boto):
    iam = boto.client("iam")
    arn = iam.create_policy(PolicyName="deploy", PolicyDocument=doc(allow("s3:GetObject", "arn:aws:s3:::b/*")))[
        "Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(allow("s3:*")), SetAsDefault=True)
    iam.create_group(GroupName="deployers")
    iam.attach_group_policy(GroupName="deployers", PolicyArn=arn)
    for n in range(5):
        iam.create_user(UserName=f"user-{n}")
        iam.add_user_to_group(GroupName="deployers", UserName=f"user-{n}")
    calls = []
    aws.session.events.register("before-parameter-build.iam.*", lambda model, **_: calls.append(model.name))
    estate = collect(aws)

    group = estate.get("deployers", type="AWS::IAM::Group")
    assert group.config["AttachedManagedPolicies"][0]["PolicyArn"] == arn
    policy = estate.get(arn, type="AWS::IAM::Policy")
    assert policy.name == "deploy" and "PolicyVersionList" not in policy.config
    assert policy.config["Document"]["Statement"][0]["Action"] == "s3:*"  # the default version, not v1
    assert estate.get("user-3", type="AWS::IAM::User").config["GroupList"] == ["deployers"]
    # Five users cost no call each: the report and a page of authorization details serve them all.
    assert calls.count("GetAccountAuthorizationDetails") == 1 and calls.count("GetCredentialReport") == 1
    assert not {"ListAccessKeys", "GetLoginProfile", "ListMFADevices", "GetAccessKeyLastUsed"} & set(calls)


def test_users_the_report_does_not_list_yet_are_not_assessed(aws, boto):
    """AWS hands back a report up to four hours old: a user created since is unknown, not without keys."""
    iam = boto.client("iam")
    iam.create_user(UserName="old")
    iam.generate_credential_report()
    stale = iam.get_credential_report()["Content"]
    iam.create_user(UserName="new")
    iam.create_access_key(UserName="new")
    client = aws.client("iam", aws.home_region)
    real = client.get_credential_report
    client.get_credential_report = lambda: {**real(), "Content": stale}
    estate = collect(aws)
    findings = judge(estate)
    assert findings[("iam-user-unused", "new")].status == "NOT_ASSESSED"
    assert "NotInReport" in findings[("iam-user-unused", "new")].evidence
    assert findings[("iam-user-unused", "old")].status == "PASS"


def test_credential_report_denied_leaves_users_not_assessed(aws, boto):
    """AccessDenied as AWS answers it (tests/denial.py), for the report's calls only."""
    boto.client("iam").create_user(UserName="bob")
    deny(aws.session.events, ["GenerateCredentialReport", "GetCredentialReport"])
    estate = collect(aws)
    bob = estate.get("bob", type="AWS::IAM::User")
    assert bob.config["_errors"] == {"GetCredentialReport": "AccessDenied"}
    assert judge(estate)[("iam-user-unused", "bob")].status == "NOT_ASSESSED"


# -- wildcard grants -----------------------------------------------------------------------------------------
def test_full_admin_fails_on_role_group_and_user_and_scoped_policies_pass(aws, boto):
    iam = boto.client("iam")
    admin = iam.create_policy(PolicyName="admin", PolicyDocument=doc(allow("*")))["Policy"]["Arn"]
    iam.create_role(RoleName="ops", AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}))
    iam.attach_role_policy(RoleName="ops", PolicyArn=admin)
    iam.create_group(GroupName="admins")
    iam.put_group_policy(GroupName="admins", PolicyName="all", PolicyDocument=doc(
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}))
    iam.create_user(UserName="root-like")
    iam.put_user_policy(UserName="root-like", PolicyName="all", PolicyDocument=doc(allow("*:*")))
    iam.create_role(RoleName="reader", AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}))
    iam.put_role_policy(RoleName="reader", PolicyName="read", PolicyDocument=doc(
        allow(["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]),
        allow("*", "arn:aws:s3:::data/*"), {"Effect": "Deny", "Action": "*", "Resource": "*"}))

    findings = judge(collect(aws))
    ops = findings[("iam-principal-full-admin", "ops")]
    assert ops.status == "FAIL" and ops.risk == "HIGH" and ops.best_practices == ["SEC03-BP02"]
    assert "managed policy admin allows *:*" in ops.evidence
    assert "every action but iam:*" in findings[("iam-principal-full-admin", "admins")].evidence
    assert findings[("iam-principal-full-admin", "root-like")].status == "FAIL"
    assert findings[("iam-principal-full-admin", "reader")].status == "PASS"
    assert findings[("iam-principal-service-wildcard", "reader")].status == "PASS"


def test_service_wide_grants_fail_and_iam_star_is_high(aws, boto):
    iam = boto.client("iam")
    for name, action in (("data", "s3:*"), ("escalator", ["iam:*", "s3:GetObject"]), ("narrow", "s3:Get*")):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust({"Service": "lambda.amazonaws.com"}))
        iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=doc(allow(action)))
    findings = judge(collect(aws))
    data = findings[("iam-principal-service-wildcard", "data")]
    assert data.status == "FAIL" and data.risk == "MEDIUM" and "s3:*" in data.evidence
    escalator = findings[("iam-principal-service-wildcard", "escalator")]
    assert escalator.status == "FAIL" and escalator.risk == "HIGH" and "grant itself" in escalator.evidence
    assert findings[("iam-principal-service-wildcard", "narrow")].status == "PASS"
    assert findings[("iam-principal-full-admin", "data")].status == "PASS"


def test_service_linked_roles_are_not_judged(aws, boto):
    iam = boto.client("iam")
    iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")
    findings = judge(later(collect(aws), 200))
    assert not [k for k in findings if k[1].startswith("AWSServiceRoleFor")]


# -- policies on users ---------------------------------------------------------------------------------------
def test_policies_on_a_user_fail_and_group_membership_passes(aws, boto):
    iam = boto.client("iam")
    policy = iam.create_policy(PolicyName="read", PolicyDocument=doc(allow("s3:GetObject", "arn:aws:s3:::b/*")))[
        "Policy"]["Arn"]
    iam.create_user(UserName="carol")
    iam.attach_user_policy(UserName="carol", PolicyArn=policy)
    iam.create_user(UserName="dave")
    iam.put_user_policy(UserName="dave", PolicyName="own",
                        PolicyDocument=doc(allow("s3:GetObject", "arn:aws:s3:::b/*")))
    iam.create_group(GroupName="readers")
    iam.attach_group_policy(GroupName="readers", PolicyArn=policy)
    iam.create_user(UserName="erin")
    iam.add_user_to_group(GroupName="readers", UserName="erin")
    findings = judge(collect(aws))
    carol = findings[("iam-policy-attached-to-user", "carol")]
    assert carol.status == "FAIL" and carol.best_practices == ["SEC02-BP06"] and "attached read" in carol.evidence
    assert "inline own" in findings[("iam-policy-attached-to-user", "dave")].evidence
    erin = findings[("iam-policy-attached-to-user", "erin")]
    assert erin.status == "PASS" and "readers" in erin.evidence


# -- cross-account trust -------------------------------------------------------------------------------------
def test_roles_trusting_outside_accounts_need_an_external_id(aws, boto):
    iam = boto.client("iam")
    outside = {"AWS": f"arn:aws:iam::{THIRD_PARTY}:root"}
    iam.create_role(RoleName="vendor-open", AssumeRolePolicyDocument=trust(outside))
    iam.create_role(RoleName="vendor-scoped", AssumeRolePolicyDocument=trust(
        outside, {"StringEquals": {"sts:ExternalId": "c0ffee"}}))
    iam.create_role(RoleName="anyone", AssumeRolePolicyDocument=trust({"AWS": "*"}))
    iam.create_role(RoleName="own", AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{aws.account}:root"}))
    findings = judge(collect(aws))
    open_ = findings[("iam-role-trusts-account-without-condition", "vendor-open")]
    assert open_.status == "FAIL" and open_.risk == "MEDIUM" and THIRD_PARTY in open_.evidence
    assert set(open_.best_practices) == {"SEC03-BP09", "SEC03-BP07"}
    assert findings[("iam-role-trusts-account-without-condition", "vendor-scoped")].status == "PASS"
    assert findings[("iam-role-trusts-account-without-condition", "anyone")].risk == "HIGH"
    assert ("iam-role-trusts-account-without-condition", "own") not in findings


# -- unused users, keys and roles ----------------------------------------------------------------------------
def test_unused_users_keys_and_roles_fail_after_90_days(aws, boto):
    iam = boto.client("iam")
    iam.create_user(UserName="ci")
    iam.create_access_key(UserName="ci")
    iam.create_user(UserName="no-credentials")
    iam.create_role(RoleName="batch", AssumeRolePolicyDocument=trust({"Service": "ecs-tasks.amazonaws.com"}))
    estate = collect(aws)
    fresh = judge(estate)
    for check_id, resource in (("iam-user-unused", "ci"), ("iam-access-key-unused", "ci"),
                               ("iam-role-unused", "batch")):
        assert fresh[(check_id, resource)].status == "PASS", check_id
    stale = judge(later(estate, 120))
    user = stale[("iam-user-unused", "ci")]
    assert user.status == "FAIL" and user.best_practices == ["SEC03-BP06"] and "120 days" in user.evidence
    key = stale[("iam-access-key-unused", "ci")]
    assert key.status == "FAIL" and "key 1 never used" in key.evidence and key.best_practices == ["SEC02-BP05"]
    role = stale[("iam-role-unused", "batch")]
    assert role.status == "FAIL" and role.risk == "LOW" and role.best_practices == ["SEC03-BP04"]
    assert stale[("iam-user-unused", "no-credentials")].status == "PASS"


def test_key_used_recently_passes_from_the_report(aws):
    """moto's credential report leaves a key's last-used service 'not_supported', so IAM is answered by botocore's
    Stubber with a report shaped like AWS's documented one: a key created 200 days ago, used 3 days ago."""
    now = dt.datetime.now(dt.timezone.utc)
    iso = lambda d: (now - dt.timedelta(days=d)).strftime("%Y-%m-%dT%H:%M:%S+00:00")  # noqa: E731
    row = (f"ci,arn:aws:iam::{aws.account}:user/ci,{iso(300)},false,N/A,N/A,N/A,false,true,{iso(200)},{iso(3)},"
           f"eu-west-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A")
    root = (f"<root_account>,arn:aws:iam::{aws.account}:root,{iso(900)},not_supported,{iso(10)},not_supported,"
            f"not_supported,true,true,{iso(800)},{iso(400)},us-east-1,ec2,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A")
    user = {"UserName": "ci", "UserId": "AIDAEXAMPLE000000000", "Arn": f"arn:aws:iam::{aws.account}:user/ci",
            "Path": "/", "CreateDate": now - dt.timedelta(days=300), "UserPolicyList": [], "GroupList": [],
            "AttachedManagedPolicies": []}
    iam = aws.client("iam", aws.home_region)
    with Stubber(iam) as stub:
        stub.add_response("get_account_authorization_details", {"UserDetailList": [user], "GroupDetailList": [],
                                                                "RoleDetailList": [], "Policies": [],
                                                                "IsTruncated": False})
        stub.add_response("generate_credential_report", {"State": "COMPLETE"})
        stub.add_response("get_credential_report", {"Content": f"{REPORT_HEADER}\n{root}\n{row}".encode(),
                                                    "ReportFormat": "text/csv", "GeneratedTime": now})
        stub.add_response("list_open_id_connect_providers", {"OpenIDConnectProviderList": []})
        stub.add_response("list_saml_providers", {"SAMLProviderList": []})
        stub.add_response("get_account_password_policy", {"PasswordPolicy": {"MinimumPasswordLength": 14}})
        stub.add_response("get_account_summary", {"SummaryMap": {"AccountMFAEnabled": 1,
                                                                 "AccountAccessKeysPresent": 1}})
        estate = collect(aws)
        stub.assert_no_pending_responses()
    [key] = estate.get("ci", type="AWS::IAM::User").config["_access_keys"]
    assert key["LastUsedService"] == "s3" and key["LastUsedRegion"] == "eu-west-1"
    findings = judge(estate)
    assert findings[("iam-access-key-unused", "ci")].status == "PASS"
    assert findings[("iam-user-unused", "ci")].status == "PASS"
    root_keys = findings[("root-access-keys-present", aws.account)]
    assert root_keys.status == "FAIL" and root_keys.risk == "HIGH" and root_keys.best_practices == ["SEC01-BP02"]
    assert "last used" in root_keys.evidence


def test_root_without_access_keys_passes(aws):
    finding = judge(collect(aws))[("root-access-keys-present", aws.account)]
    assert finding.status == "PASS" and "AccountAccessKeysPresent is 0" in finding.evidence


def test_checks_are_not_assessed_without_iam(aws):
    estate = collect_account(aws, ["us-east-1"], services=["identity-center"])
    findings = judge(estate)
    for check_id in CHECKS:
        assert findings[(check_id, aws.account)].status == "NOT_ASSESSED", check_id


def test_report_in_progress_is_waited_for():
    """AWS answers ReportInProgress while it builds the report; botocore's Stubber gives that documented sequence
    (moto has the report ready at once)."""
    import boto3

    from wafr.sources.aws.collectors.iam import _read_credential_report

    iam = boto3.client("iam", region_name="us-east-1")
    naps = []
    with Stubber(iam) as stub:
        stub.add_response("generate_credential_report", {"State": "STARTED", "Description": "No report exists."})
        stub.add_client_error("get_credential_report", "ReportInProgress", http_status_code=404)
        stub.add_response("generate_credential_report", {"State": "COMPLETE"})
        stub.add_response("get_credential_report", {"Content": REPORT_HEADER.encode(), "ReportFormat": "text/csv",
                                                    "GeneratedTime": dt.datetime(2026, 1, 1)})
        report = _read_credential_report(iam, sleep=naps.append)
        stub.assert_no_pending_responses()
    assert report["Content"].startswith(b"user,arn") and len(naps) == 1


def test_permissions_boundary_narrows_what_a_policy_grants(aws, boto):
    iam = boto.client("iam")
    s3_only = iam.create_policy(PolicyName="s3-only", PolicyDocument=doc(allow("s3:*")))["Policy"]["Arn"]
    narrow = iam.create_policy(PolicyName="reads", PolicyDocument=doc(allow("s3:GetObject", "arn:aws:s3:::b/*")))[
        "Policy"]["Arn"]
    for name, boundary in (("bounded-to-s3", s3_only), ("bounded-narrow", narrow), ("unbounded", None)):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}),
                        **({"PermissionsBoundary": boundary} if boundary else {}))
        iam.put_role_policy(RoleName=name, PolicyName="all", PolicyDocument=doc(allow("*")))
    findings = judge(collect(aws))
    to_s3 = findings[("iam-principal-full-admin", "bounded-to-s3")]
    assert to_s3.status == "PASS" and "permissions boundary s3-only narrows" in to_s3.evidence
    wildcard = findings[("iam-principal-service-wildcard", "bounded-to-s3")]
    assert wildcard.status == "FAIL" and "s3:*" in wildcard.evidence
    assert findings[("iam-principal-full-admin", "bounded-narrow")].status == "PASS"
    assert findings[("iam-principal-service-wildcard", "bounded-narrow")].status == "PASS"
    assert findings[("iam-principal-full-admin", "unbounded")].status == "FAIL"
