"""`wafr scan --org` end to end: one review over the organization's accounts, cross-account judgement, --strict."""

from __future__ import annotations

import json

import pytest
from moto import mock_aws
from test_organization import REGION, build_organization
from typer.testing import CliRunner

from wafr.checks.registry import all_checks
from wafr.cli import STRICT_EXIT, app

runner = CliRunner()


@pytest.fixture(scope="module")
def organization():
    with mock_aws():
        yield build_organization([["prod"], ["prod", "dev"], ["staging"], ["dev"]])


def _separation(doc):
    return {f["resource"]["account"]: f for f in doc["findings"] if f["check_id"] == "environments-share-account"}


def test_scan_org_reviews_every_account_in_one_review(organization, tmp_path):
    services = ",".join(sorted({*all_checks()["environments-share-account"].needs, "organizations"}))
    result = runner.invoke(app, ["scan", "--org", "--regions", REGION, "--services", services,
                                 "--no-metrics", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "findings.json").read_text())
    assert set(organization) <= set(doc["scope"]["accounts"]) and len(doc["scope"]["accounts"]) == 5
    separation = _separation(doc)
    assert separation[organization[1]]["status"] == "FAIL"
    assert {separation[m]["status"] for m in (organization[0], organization[2], organization[3])} == {"PASS"}
    review = json.loads((tmp_path / "review.json").read_text())
    assert review["schema"] == "wafr.review/1"
    assert {c["account"] for c in doc["coverage"]} == set(doc["scope"]["accounts"])


def test_strict_fails_when_an_account_cannot_be_read(organization, tmp_path, monkeypatch):
    from wafr.sources.aws import organization as org_module

    real_assume = org_module.assume

    def refuse_one(base, account, *args, **kwargs):
        if account == organization[2]:
            raise org_module.AssumeRoleFailed("denied", f"could not assume a role in {account}: AccessDenied")
        return real_assume(base, account, *args, **kwargs)

    monkeypatch.setattr(org_module, "assume", refuse_one)
    args = ["scan", "--accounts", ",".join(organization[:3]), "--regions", REGION, "--services", "vpc",
            "--no-metrics", "-o", str(tmp_path)]
    lenient = runner.invoke(app, args)
    assert lenient.exit_code == 0, lenient.output
    strict = runner.invoke(app, [*args, "--strict"])
    assert strict.exit_code == STRICT_EXIT
    doc = json.loads((tmp_path / "findings.json").read_text())
    denied = [c for c in doc["coverage"] if c["account"] == organization[2]]
    assert denied and {c["status"] for c in denied} == {"denied"}


def test_an_organization_scan_lists_the_accounts_once(organization):
    """Discovery and the management account's organizations collector share one ListAccounts read."""
    from wafr.sources.aws.collect import collect_organization
    from wafr.sources.aws.session import open_session

    estate = collect_organization(open_session(region=REGION), [REGION], services=["organizations"])
    calls = estate.metadata["api_calls"]
    assert calls["by_operation"]["organizations:ListAccounts"] == 1
    assert not calls["repeated"]
    members = [r for r in estate.of_type("AWS::Organizations::Account") if r.account == "123456789012"]
    assert {r.id for r in members} >= set(organization)
