"""Account ids decide file names and role ARNs, so only twelve-digit ids are used, wherever they come from
(Organizations, STS, --accounts); a resume directory's unreadable saved account is reported and read again."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws
from rich.console import Console
from typer.testing import CliRunner

from wafr.cli import app
from wafr.report.terminal import print_summary
from wafr.sources.aws.collect import MEMBER_IDS, collect_organization, is_partial, saved_account
from wafr.sources.aws.session import open_session

REGION = "us-east-1"
MANAGEMENT = "123456789012"
SERVICES = ["vpc"]
ESCAPING = "x/../../../escaped"


def _member_vpc(account: str) -> None:
    creds = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole", RoleSessionName="arrange")["Credentials"]
    boto3.client("ec2", region_name=REGION, aws_access_key_id=creds["AccessKeyId"],
                 aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"]).create_vpc(
        CidrBlock="10.1.0.0/16")


@pytest.fixture
def organization():
    """The management account and two members with a VPC each."""
    with mock_aws():
        org = boto3.client("organizations", region_name=REGION)
        org.create_organization(FeatureSet="ALL")
        members = [org.create_account(AccountName=f"m{i}", Email=f"m{i}@example.com")["CreateAccountStatus"]
                   ["AccountId"] for i in range(2)]
        for member in members:
            _member_vpc(member)
        yield members


def _account(account_id: str, name: str) -> dict:
    # The shape AWS documents for an element of ListAccounts' Accounts.
    return {"Id": account_id, "Arn": f"arn:aws:organizations::{MANAGEMENT}:account/o-exampleorgid/{account_id}",
            "Email": f"{name}@example.com", "Name": name, "Status": "ACTIVE", "JoinedMethod": "CREATED"}


def test_an_organization_member_whose_id_is_a_path_is_reported_and_never_becomes_a_file(organization, tmp_path):
    base = open_session(region=REGION)
    # moto's Organizations only creates twelve-digit ids, so the listing is answered by botocore's Stubber with
    # the response shape AWS documents for ListAccounts; every other call (STS, EC2) goes to moto.
    client = base.client("organizations", REGION)
    stubber = Stubber(client)
    listed = [_account(MANAGEMENT, "management"), *(_account(m, f"m{i}") for i, m in enumerate(organization)),
              _account(ESCAPING, "escaped"), _account("12345678901\u0661", "arabic-indic digit")]
    stubber.add_response("list_accounts", {"Accounts": listed})
    work = tmp_path / "a" / "b" / "c" / "work"
    with stubber:
        estate = collect_organization(base, [REGION], services=SERVICES, work_dir=work)
    stubber.assert_no_pending_responses()

    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(f"a/b/c/work/account-{a}.json.gz" for a in [MANAGEMENT, *organization])
    assert sorted(estate.accounts) == sorted([MANAGEMENT, *organization])
    assert {r.account for r in estate.of_type("AWS::EC2::VPC")} == {MANAGEMENT, *organization}
    refused = [c for c in estate.coverage if c.status != "assessed"]
    assert [(c.account, c.service, c.status) for c in refused] == [(MANAGEMENT, MEMBER_IDS, "failed")]
    assert ESCAPING in refused[0].detail and "12345678901\u0661" in refused[0].detail
    assert is_partial(estate), "an account left unread is a gap --strict must see"


def test_a_file_name_is_only_ever_built_from_an_account_id(tmp_path):
    assert saved_account(tmp_path, MANAGEMENT) == tmp_path / f"account-{MANAGEMENT}.json.gz"
    for bad in (ESCAPING, "12345678901", "1234567890123", "12345678901\u0661", "../123456789012", ""):
        with pytest.raises(ValueError):
            saved_account(tmp_path, bad)


@pytest.mark.parametrize("accounts", [ESCAPING, f"{MANAGEMENT},{ESCAPING}", "12345678901", " , "])
def test_accounts_flag_refuses_anything_but_account_ids(accounts, tmp_path):
    result = CliRunner().invoke(app, ["scan", "--accounts", accounts, "--regions", REGION, "--no-metrics",
                                      "--resume", str(tmp_path / "work"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "--accounts" in result.output and "12 digits" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir()), "nothing is written for a refused account id"


def test_an_account_id_from_sts_that_is_not_twelve_digits_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("MOTO_ACCOUNT_ID", ESCAPING)  # moto's STS answers GetCallerIdentity with this account
    with mock_aws():
        result = CliRunner().invoke(app, ["scan", "--regions", REGION, "--no-metrics", "--services", "vpc",
                                          "--resume", str(tmp_path / "work"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "STS" in result.output and "12 digits" in result.output and "Traceback" not in result.output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("corrupt", [
    b"",  # an interrupted write
    b"not gzip at all",
    gzip.compress(b'{"schema": "wafr.estate/1", "resources": [')[:-4],  # truncated stream
    gzip.compress(b'{"schema": "something else"}'),
], ids=["empty", "not-gzip", "truncated-gzip", "another-schema"])  # gzip bytes carry a timestamp: ids stay stable
def test_a_corrupt_saved_account_is_reported_and_collected_again(organization, tmp_path, corrupt):
    base = open_session(region=REGION)
    work = tmp_path / "work"
    first = collect_organization(base, [REGION], services=SERVICES, work_dir=work)
    victim = organization[0]
    saved_account(work, victim).write_bytes(corrupt)
    assumed = base.calls.by_operation["sts:AssumeRole"]

    estate = collect_organization(base, [REGION], services=SERVICES, work_dir=work)

    assert base.calls.by_operation["sts:AssumeRole"] - assumed == 1, "only the corrupt account is read again"
    assert victim not in estate.metadata["organization"]["resumed_accounts"]
    assert {r.account for r in estate.of_type("AWS::EC2::VPC")} == {r.account for r in first.of_type("AWS::EC2::VPC")}
    notes = [n for n in estate.metadata["notes"] if f"account-{victim}" in n]
    assert len(notes) == 1 and "collected again" in notes[0]
    again = collect_organization(base, [REGION], services=SERVICES, work_dir=work)
    assert victim in again.metadata["organization"]["resumed_accounts"], "the file was replaced by a good one"
    out = io.StringIO()
    print_summary(Console(file=out, width=200), estate, [], [])
    assert f"account-{victim}.json.gz could not be used" in out.getvalue()


def test_a_saved_account_holding_another_account_is_not_trusted(organization, tmp_path):
    base = open_session(region=REGION)
    work = tmp_path / "work"
    collect_organization(base, [REGION], services=SERVICES, work_dir=work)
    first, second = organization
    saved_account(work, first).write_bytes(saved_account(work, second).read_bytes())
    estate = collect_organization(base, [REGION], services=SERVICES, work_dir=work)
    assert first not in estate.metadata["organization"]["resumed_accounts"]
    assert any("holds another account" in n for n in estate.metadata["notes"])
    assert Path(saved_account(work, first)).exists()
