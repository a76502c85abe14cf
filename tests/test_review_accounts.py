"""The per-account summary of a multi-account review: a moto organization scanned, one member's role refused."""

from __future__ import annotations

import json

import pytest
from moto import mock_aws
from test_organization import MANAGEMENT, REGION, build_organization

from wafr.findings import evaluate
from wafr.report import html, markdown, review_json
from wafr.review import review_of_estate
from wafr.sources.aws import organization as org_module
from wafr.sources.aws.collect import collect_account, collect_organization
from wafr.sources.aws.session import open_session

SERVICES = ["vpc", "organizations"]


@pytest.fixture(scope="module")
def review():
    """Management plus three members (prod, prod+dev, dev); the third member's role cannot be assumed."""
    with mock_aws():
        members = build_organization([["prod"], ["prod", "dev"], ["dev"]])
        real_assume = org_module.assume

        def refuse_last(base, account, *args, **kwargs):
            if account == members[2]:
                raise org_module.AssumeRoleFailed("denied", f"could not assume a role in {account}: AccessDenied")
            return real_assume(base, account, *args, **kwargs)

        org_module.assume = refuse_last
        try:
            estate = collect_organization(open_session(region=REGION), [REGION], services=SERVICES)
        finally:
            org_module.assume = real_assume
    return review_of_estate(estate, evaluate(estate)), members


def test_one_row_per_account_with_its_fails_environments_and_gaps(review):
    built, members = review
    rows = {a.account: a for a in built.summary.accounts}
    assert set(rows) == {MANAGEMENT, *members}
    mixed = rows[members[1]]
    assert mixed.findings["HIGH"] >= 1 and mixed.high_by_pillar["security"] >= 1
    assert {"dev", "prod"} <= set(mixed.environments)  # moto adds an untagged default VPC: "unknown"
    assert "separate accounts" in mixed.worst_focus_areas[0]
    assert "dev" not in rows[members[0]].environments and not rows[members[0]].gaps
    refused = rows[members[2]]
    assert refused.gaps == [f"nothing was read (denied): could not assume a role in {members[2]}: AccessDenied"]


def test_the_summary_is_in_every_rendering(review):
    built, members = review
    page, md = html.render(built), markdown.render(built)
    assert "Per account" in page and members[2] in page.split('id="accounts"')[1].split("</table>")[0]
    assert "### Per account" in md and "nothing was read (denied)" in md
    doc = json.loads(review_json.render(built))
    assert {a["account"] for a in doc["summary"]["accounts"]} == {MANAGEMENT, *members}
    assert built.from_dict(doc).summary.accounts == built.summary.accounts


def test_account_strings_stay_escaped(review):
    built, _ = review
    built.summary.accounts[0].gaps = ["<script>alert(1)</script> | *x*"]
    page, md = html.render(built), markdown.render(built)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "<script>" not in md and "\\| \\*x\\*" in md


def test_a_single_account_review_shows_nothing_new():
    with mock_aws():
        estate = collect_account(open_session(region=REGION), [REGION], services=SERVICES)
    built = review_of_estate(estate, evaluate(estate))
    assert built.summary.accounts == []
    assert "Per account" not in html.render(built) and "Per account" not in markdown.render(built)
