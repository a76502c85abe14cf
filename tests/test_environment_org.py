"""The environment an account says (account tag, OU path, account name), read from AWS Organizations in moto;
resources with no signal of their own take it; a workload tagged for another environment than its account's fails
``workload-in-wrong-account``. Also: the words and tag keys as data, extended by wafr.toml's [environments]."""

from __future__ import annotations

import boto3
import pytest
from denial import deny
from moto import mock_aws

from wafr import environment
from wafr.checks.registry import all_checks
from wafr.config import read_config
from wafr.environment import classify_estate
from wafr.errors import WafrError
from wafr.estate import GLOBAL, Estate, Resource
from wafr.findings import evaluate
from wafr.resource_types import EC2_VPC, ORG_ACCOUNT
from wafr.sources import snapshot
from wafr.sources.aws.collect import collect_account, collect_organization
from wafr.sources.aws.session import open_session

REGION = "us-east-1"
MANAGEMENT = "123456789012"
ROLE = "OrganizationAccountAccessRole"
CHECK = "workload-in-wrong-account"


@pytest.fixture(autouse=True)
def builtin_words():
    environment.configure()
    yield
    environment.configure()


# -- account signals, without AWS ----------------------------------------------------------------------------------
def account_record(account, name="", tags=None, ou_path=None):
    config = {"Id": account, "Name": name, **({"_ou_path": ou_path} if ou_path is not None else {})}
    return Resource(type=ORG_ACCOUNT, id=account, account=MANAGEMENT, region=GLOBAL, name=name or account,
                    tags=tags or {}, config=config)


def vpc(account, id_, tags=None, name=""):
    return Resource(type=EC2_VPC, id=id_, account=account, region=REGION, name=name, tags=tags or {})


@pytest.mark.parametrize("name,tags,ou_path,expected,basis", [
    ("acme-prod-payments", {"Environment": "dev"}, "Workloads/Production", "dev",
     "account acme-prod-payments (tag Environment=dev)"),
    ("acme-prod-payments", {}, "Sandbox", "dev", "account acme-prod-payments (OU Sandbox)"),
    ("acme-prod-payments", {}, "Workloads/Prod", "prod", "account acme-prod-payments (OU Workloads/Prod)"),
    ("acme-prod-payments", {}, "Workloads", "prod", "account acme-prod-payments"),
    ("acme-dev-tools", {}, "Workloads/NonProd", "dev", "account acme-dev-tools"),  # "NonProd" names no environment
    ("payments", {"Owner": "team-a"}, "", "unknown", "account payments: no environment tag, OU or name token"),
])
def test_an_account_tag_beats_its_ou_path_which_beats_its_name(name, tags, ou_path, expected, basis):
    account = "210987654321"
    bare = vpc(account, "vpc-1")
    estate = Estate([account_record(account, name, tags, ou_path), bare], metadata={"regions": [REGION]})
    classify_estate(estate)
    assert (estate.environment_of(bare), estate.environment_basis_of(bare)) == (
        (expected, basis) if expected != "unknown" else ("unknown", "no environment tag, stack or name token"))
    # Account-level findings, account-wide or in a region, are placed where the account is.
    for region in (GLOBAL, REGION):
        place = estate.account_resource(account, region)
        assert (estate.environment_of(place), estate.environment_basis_of(place)) == (expected, basis)


def test_own_and_parent_signals_still_beat_the_account():
    account = "210987654321"
    own = vpc(account, "vpc-1", tags={"Environment": "staging"})
    named = vpc(account, "vpc-2", name="dev-network")
    child = Resource(type="AWS::EC2::Subnet", id="subnet-1", account=account, region=REGION,
                     links={"vpc": ["vpc-1"]})
    bare = vpc(account, "vpc-3")
    estate = Estate([account_record(account, "acme-prod-payments"), own, named, child, bare])
    classify_estate(estate)
    assert [estate.environment_of(r) for r in (own, named, child, bare)] == ["staging", "dev", "staging", "prod"]
    assert estate.environment_basis_of(child) == "inherited from vpc-1"
    assert (estate.environment_of(bare), estate.environment_basis_of(bare)) == ("prod", "account acme-prod-payments")


def test_a_member_record_without_organization_detail_does_not_hide_the_management_listing():
    account = "210987654321"
    member_own = Resource(type=ORG_ACCOUNT, id=account, account=account, region=GLOBAL, name=account,
                          config={"Id": account, "_member": True})
    bare = vpc(account, "vpc-1")
    estate = Estate([account_record(account, "acme-sbx", ou_path="Sandbox"), member_own, bare])
    classify_estate(estate)
    assert estate.environment_basis_of(bare) == "account acme-sbx (OU Sandbox)"


# -- the words as data, and wafr.toml's [environments] ----------------------------------------------------------------
def test_the_data_file_holds_the_builtin_words():
    words = environment.builtin()
    assert "environment" in words.tag_keys and "aws:cloudformation:stack-name" in words.stack_tag_keys
    assert (words.words["production"], words.words["uat"], words.words["sandbox"]) == ("prod", "staging", "dev")


@pytest.mark.parametrize("document,problem", [
    ({"tag_keys": ["env"], "stack_tag_keys": []}, "exactly the keys"),
    ({"tag_keys": "env", "stack_tag_keys": [], "words": {}}, "tag_keys must be a list"),
    ({"tag_keys": [], "stack_tag_keys": [], "words": {"production": ["prd"]}}, "words must map"),
    ({"tag_keys": [], "stack_tag_keys": [], "words": {"prod": ["live"], "dev": ["LIVE"]}}, "both prod and dev"),
])
def test_a_malformed_words_file_is_refused(document, problem):
    with pytest.raises(ValueError, match=problem):
        environment.parse(document)


def test_wafr_toml_adds_tag_keys_and_words(tmp_path):
    path = tmp_path / "wafr.toml"
    path.write_text('[environments]\ntag_keys = ["Workload-Env"]\n\n[environments.words]\n'
                    'prod = ["blue"]\nstaging = ["test"]\n', encoding="utf-8")
    config = read_config(path)
    tagged, named, retold = (vpc(MANAGEMENT, "vpc-1", tags={"workload-env": "blue"}),
                             vpc(MANAGEMENT, "vpc-2", name="payments-blue"), vpc(MANAGEMENT, "vpc-3", name="test-vpc"))
    estate = Estate([tagged, named, retold])
    classify_estate(estate)
    assert [estate.environment_of(r) for r in (tagged, named, retold)] == ["unknown", "unknown", "dev"]
    config.environments.use()
    classify_estate(estate)
    assert [estate.environment_of(r) for r in (tagged, named, retold)] == ["prod", "prod", "staging"]
    assert estate.environment_basis_of(tagged) == "tag workload-env=blue"


@pytest.mark.parametrize("text,message", [
    ('[environments.words]\nproduction = ["blue"]\n', "unknown key 'environments.words.production'"),
    ('[environments.words]\nprod = ["blue"]\ndev = ["Blue"]\n', "listed for both prod and dev"),
    ('[environments]\ntag_keys = "env"\n', "environments.tag_keys"),
    ('[environments.words]\nprod = [""]\n', "environments.words.prod"),
])
def test_a_bad_environments_table_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "wafr.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WafrError, match=message):
        read_config(path)


# -- an organization in moto -------------------------------------------------------------------------------------------
def member_client(account, service):
    creds = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="arrange")["Credentials"]
    return boto3.client(service, region_name=REGION, aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])


def tagged_vpc(ec2, cidr, name, env=None):
    tags = [{"Key": "Name", "Value": name}, *([{"Key": "Environment", "Value": env}] if env else [])]
    return ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[{"ResourceType": "vpc", "Tags": tags}])["Vpc"]["VpcId"]


# account name, OU path under the root, account tags, VPCs as (name, Environment tag or None)
ACCOUNTS = [
    ("acme-prod-payments", "Workloads/Production", {}, [("payments-net", "prod"), ("batch-net", "dev"),
                                                        ("shared-net", None)]),
    ("acme-lab", "Sandbox", {}, [("ledger-net", "production"), ("lab-net", "dev")]),
    ("acme-uat", "Workloads/Production", {"Environment": "staging"}, [("qa-net", "dev")]),
]


@pytest.fixture(scope="module")
def organization():
    with mock_aws():
        org = boto3.client("organizations", region_name=REGION)
        org.create_organization(FeatureSet="ALL")
        root = org.list_roots()["Roots"][0]["Id"]
        ous: dict[str, str] = {}
        for path in sorted({p for _, p, _, _ in ACCOUNTS}):
            parent = root
            for depth, name in enumerate(path.split("/")):
                key = "/".join(path.split("/")[:depth + 1])
                if key not in ous:
                    ous[key] = org.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]
                parent = ous[key]
        tagged_vpc(boto3.client("ec2", region_name=REGION), "10.9.0.0/20", "ops-net", "prod")
        ids = {}
        for i, (name, path, tags, vpcs) in enumerate(ACCOUNTS):
            account = org.create_account(AccountName=name, Email=f"{name}@example.com", Tags=[
                {"Key": k, "Value": v} for k, v in tags.items()])["CreateAccountStatus"]["AccountId"]
            org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ous[path])
            ec2 = member_client(account, "ec2")
            for j, (vpc_name, env) in enumerate(vpcs):
                tagged_vpc(ec2, f"10.{i}.{j * 16}.0/20", vpc_name, env)
            ids[name] = account
        yield open_session(region=REGION), ids


@pytest.fixture(scope="module")
def reviewed(organization):
    base, ids = organization
    # Every read the check rests on: a missing one would withhold its passes (wafr.gaps).
    estate = collect_organization(base, [REGION], services=list(all_checks()[CHECK].needs))
    findings = evaluate(estate, {CHECK: all_checks()[CHECK]})
    return estate, findings, ids


def vpc_named(estate, account, name):
    return next(r for r in estate.of_type(EC2_VPC) if r.account == account and r.name == name)


def test_the_management_account_reads_each_accounts_tags_and_ou_path(reviewed):
    estate, _, ids = reviewed
    records = {r.id: r for r in estate.of_type(ORG_ACCOUNT) if r.account == MANAGEMENT}
    assert records[ids["acme-prod-payments"]].config["_ou_path"] == "Workloads/Production"
    assert records[ids["acme-lab"]].config["_ou_path"] == "Sandbox"
    assert records[ids["acme-uat"]].tags == {"Environment": "staging"}
    assert records[MANAGEMENT].config["_ou_path"] == ""
    calls = estate.metadata["api_calls"]["by_operation"]
    assert calls["organizations:DescribeOrganizationalUnit"] == 3  # once per OU, not per account


@pytest.mark.parametrize("account,vpc_name,environment,basis", [
    ("acme-prod-payments", "shared-net", "prod", "account acme-prod-payments (OU Workloads/Production)"),
    ("acme-lab", "lab-net", "dev", "tag Environment=dev"),
    ("acme-uat", "default", "staging", "account acme-uat (tag Environment=staging)"),
])
def test_a_resource_with_no_signal_of_its_own_takes_its_accounts_environment(reviewed, account, vpc_name,
                                                                             environment, basis):
    estate, _, ids = reviewed
    if vpc_name == "default":  # moto's default VPC carries no tag and no name
        resource = next(r for r in estate.of_type(EC2_VPC) if r.account == ids[account] and r.config.get("IsDefault"))
    else:
        resource = vpc_named(estate, ids[account], vpc_name)
    assert (estate.environment_of(resource), estate.environment_basis_of(resource)) == (environment, basis)


@pytest.mark.parametrize("account,vpc_name,status,words", [
    ("acme-prod-payments", "payments-net", "PASS", "account acme-prod-payments (OU Workloads/Production) is prod"),
    ("acme-prod-payments", "batch-net", "FAIL", "tag Environment=dev says dev, but it runs in a prod account"),
    ("acme-lab", "ledger-net", "FAIL", "tag Environment=production says prod, but it runs in a dev account: "
                                       "account acme-lab (OU Sandbox)"),
    ("acme-lab", "lab-net", "PASS", "is dev"),
    ("acme-uat", "qa-net", "PASS", "account acme-uat (tag Environment=staging) is staging"),
])
def test_a_workload_tagged_for_another_environment_than_its_account_fails(reviewed, account, vpc_name, status,
                                                                          words):
    estate, findings, ids = reviewed
    resource = vpc_named(estate, ids[account], vpc_name)
    [finding] = [f for f in findings if f.resource["id"] == resource.id]
    assert (finding.status, finding.best_practices) == (status, ["SEC01-BP01"])
    assert words in finding.evidence
    if vpc_name == "ledger-net":
        assert finding.risk == "HIGH"


def test_untagged_workloads_are_not_judged(reviewed):
    estate, findings, ids = reviewed
    shared = vpc_named(estate, ids["acme-prod-payments"], "shared-net")
    assert not [f for f in findings if f.resource["id"] == shared.id]


def test_a_snapshot_keeps_what_places_the_accounts(reviewed):
    estate, findings, ids = reviewed
    again = snapshot.from_document(snapshot.to_document(estate))
    refound = evaluate(again, {CHECK: all_checks()[CHECK]})
    assert sorted((f.id, f.status, f.evidence) for f in refound) == sorted((f.id, f.status, f.evidence)
                                                                           for f in findings)
    shared = vpc_named(again, ids["acme-prod-payments"], "shared-net")
    assert again.environment_basis_of(shared) == "account acme-prod-payments (OU Workloads/Production)"


def test_an_unreadable_ou_path_leaves_the_account_unplaced_and_the_verdict_not_assessed(reviewed):
    """The management account, named with no environment word, with ListParents refused: its OU is unknown."""
    estate, findings, _ = reviewed
    ops = vpc_named(estate, MANAGEMENT, "ops-net")
    assert not [f for f in findings if f.resource["id"] == ops.id]  # read, and placed nowhere: nothing to compare
    session = open_session(region=REGION)  # its own session: the denial stays out of the module's scan
    deny(session.session.events, ["ListParents"])
    denied = collect_account(session, [REGION], services=list(all_checks()[CHECK].needs))
    [record] = [r for r in denied.of_type(ORG_ACCOUNT) if r.id == MANAGEMENT]
    assert record.errors == {"ListParents": "AccessDeniedException"} and "_ou_path" not in record.config
    [finding] = [f for f in evaluate(denied, {CHECK: all_checks()[CHECK]}) if f.resource["id"] == ops.id]
    assert finding.status == "NOT_ASSESSED" and "ListParents failed" in finding.evidence


def test_the_config_callback_applies_the_table_and_a_run_without_it_resets(tmp_path, monkeypatch):
    import click

    from wafr.config import use_config

    path = tmp_path / "wafr.toml"
    path.write_text('[environments.words]\nprod = ["blue"]\n', encoding="utf-8")
    use_config(click.Context(click.Command("scan")), None, path)
    assert environment.environment_of_name("payments-blue") == "prod"
    elsewhere = tmp_path / "elsewhere"  # no wafr.toml here
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    use_config(click.Context(click.Command("scan")), None, None)
    assert environment.environment_of_name("payments-blue") is None
