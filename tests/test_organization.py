"""Organization scans: members discovered from AWS Organizations, read through an assumed role, merged into one
estate, judged across accounts; resume from a work directory and fan-out to a local Dask cluster.

moto maps AssumeRole credentials to the target account, so each member has its own mocked backends.
"""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from wafr.checks.registry import all_checks
from wafr.findings import evaluate
from wafr.sources.aws import organization
from wafr.sources.aws.collect import collect_organization, is_partial
from wafr.sources.aws.session import open_session

REGION = "us-east-1"
MANAGEMENT = "123456789012"
# What separation is judged on (a service not read would withhold its passes), and nothing more, so each test stays
# well under a second per account.
SERVICES = sorted({*all_checks()["environments-share-account"].needs, "organizations"})
ROLE = "OrganizationAccountAccessRole"


def member_client(account: str, service: str):
    creds = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="arrange")["Credentials"]
    return boto3.client(service, region_name=REGION, aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])


def vpc(ec2, cidr: str, env: str) -> str:
    tags = [{"Key": "Name", "Value": f"{env}-network"}, {"Key": "Environment", "Value": env}]
    return ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[{"ResourceType": "vpc", "Tags": tags}])["Vpc"]["VpcId"]


def build_organization(envs_per_member: list[list[str]]) -> list[str]:
    """An organization of the management account plus one member per entry, each holding VPCs of those envs."""
    org = boto3.client("organizations", region_name=REGION)
    org.create_organization(FeatureSet="ALL")
    members = []
    for i, envs in enumerate(envs_per_member):
        account = org.create_account(AccountName=f"workload-{i}", Email=f"w{i}@example.com")
        account_id = account["CreateAccountStatus"]["AccountId"]
        ec2 = member_client(account_id, "ec2")
        for j, env in enumerate(envs):
            vpc(ec2, f"10.{i}.{j * 16}.0/20", env)
        members.append(account_id)
    return members


def share_account(findings):
    return {f.resource["account"]: f for f in findings if f.check_id == "environments-share-account"}


@pytest.fixture(scope="module")
def separated():
    """Five accounts: prod, staging and dev each in their own member accounts."""
    with mock_aws():
        members = build_organization([["prod"], ["prod"], ["staging"], ["dev"]])
        yield open_session(region=REGION), members


@pytest.fixture(scope="module")
def scanned(separated):
    base, members = separated
    return collect_organization(base, [REGION], services=SERVICES), members


def test_members_are_discovered_and_read_through_the_role(scanned):
    estate, members = scanned
    assert sorted(estate.accounts) == sorted([MANAGEMENT, *members])
    assert {r.account for r in estate.of_type("AWS::EC2::VPC")} == {MANAGEMENT, *members}
    assert not is_partial(estate)
    assert all(c.status == "assessed" for c in estate.coverage)
    calls = estate.metadata["api_calls"]
    assert calls["by_service"]["ec2"] >= 5 * 6 and calls["by_service"]["sts"] >= len(members)
    assert not [k for k in calls["repeated"] if not k.startswith("organizations:")]


def test_separated_accounts_pass_and_every_finding_names_its_account(scanned):
    estate, members = scanned
    findings = evaluate(estate)
    by_account = share_account(findings)
    assert {by_account[m].status for m in members} == {"PASS"}
    assert {f.resource["account"] for f in findings} >= set(members)


def test_accounts_picks_members_and_unknown_ones_are_refused(separated):
    base, members = separated
    estate = collect_organization(base, [REGION], accounts=[members[2]], services=SERVICES)
    assert estate.accounts == [members[2]]
    assert {r.account for r in estate.of_type("AWS::EC2::VPC")} == {members[2]}
    with pytest.raises(Exception, match="not active members"):
        collect_organization(base, [REGION], accounts=["999999999999"], services=SERVICES)


def test_role_name_and_external_id_reach_sts(separated):
    base, members = separated
    seen = []
    base.client("sts", REGION).meta.events.register("before-parameter-build.sts.AssumeRole",
                                                    lambda params, **_: seen.append(dict(params)))
    collect_organization(base, [REGION], accounts=[members[0]], role_name="WafrReadOnly", external_id="ext-42",
                         services=SERVICES)
    assert seen and seen[0]["RoleArn"] == f"arn:aws:iam::{members[0]}:role/WafrReadOnly"
    assert seen[0]["ExternalId"] == "ext-42"


def test_member_credentials_are_refreshed_before_they_expire(separated):
    """A 15-minute session is inside botocore's refresh window from the start, so every use re-assumes."""
    base, members = separated
    member = organization.assume(base, members[0], duration_seconds=900)
    member.client("ec2", REGION).describe_vpcs()
    member.client("ec2", REGION).describe_vpcs()
    assert base.calls.by_operation["sts:AssumeRole"] >= 2
    assert member.client("sts", REGION).get_caller_identity()["Account"] == members[0]


def test_an_interrupted_scan_resumes_without_collecting_finished_accounts_again(separated, tmp_path):
    base, members = separated

    def stop_after_first(account, done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        collect_organization(base, [REGION], services=SERVICES, work_dir=tmp_path, progress=stop_after_first,
                             max_accounts=1)
    saved = sorted(p.name for p in tmp_path.glob("account-*.json.gz"))
    assert len(saved) == 1
    before = base.calls.by_operation["sts:AssumeRole"]
    estate = collect_organization(base, [REGION], services=SERVICES, work_dir=tmp_path, max_accounts=1)
    assert len(list(tmp_path.glob("account-*.json.gz"))) == 5
    assert {r.account for r in estate.of_type("AWS::EC2::VPC")} == {MANAGEMENT, *members}
    first = saved[0].removeprefix("account-").removesuffix(".json.gz")
    assumed = base.calls.by_operation["sts:AssumeRole"] - before
    assert assumed == len(members) - (first != MANAGEMENT)
    assert estate.metadata["organization"]["resumed_accounts"] == [first]


def test_a_local_dask_cluster_collects_the_accounts(separated):
    distributed = pytest.importorskip("distributed")
    base, members = separated
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        estate = collect_organization(base, [REGION], services=SERVICES, dask_scheduler=client)
    assert {r.account for r in estate.of_type("AWS::EC2::VPC")} == {MANAGEMENT, *members}
    assert not is_partial(estate)


def test_pages_are_asked_at_the_largest_size_the_api_allows(separated):
    """IAM pages default to 100 items and allow 1,000; EC2's describes answer everything when no size is given."""
    base, _ = separated
    sent = []
    iam, ec2 = base.client("iam", REGION), base.client("ec2", REGION)
    for client in (iam, ec2):
        client.meta.events.register("before-parameter-build.*.*", lambda params, **_: sent.append(dict(params)),
                                    unique_id="page-size-probe")
    iam.get_account_authorization_details()  # an operation the scan declares: the guard refuses any other
    ec2.describe_vpcs()
    assert sent[0] == {"MaxItems": 1000} and "MaxResults" not in sent[1]
    assert base.calls.by_operation["iam:GetAccountAuthorizationDetails"] >= 1
