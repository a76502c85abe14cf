"""An organization whose member holds prod and dev side by side: separation fails there and only there."""

from __future__ import annotations

import pytest
from moto import mock_aws
from test_organization import REGION, SERVICES, build_organization, share_account

from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_organization
from wafr.sources.aws.session import open_session


@pytest.fixture(scope="module")
def mixed():
    """Five accounts, one of which holds a prod and a dev VPC side by side."""
    with mock_aws():
        members = build_organization([["prod"], ["prod", "dev"], ["staging"], ["dev"]])
        yield open_session(region=REGION), members


def test_prod_and_dev_in_one_member_account_fail_there_only(mixed):
    base, members = mixed
    by_account = share_account(evaluate(collect_organization(base, [REGION], services=SERVICES)))
    assert by_account[members[1]].status == "FAIL" and by_account[members[1]].risk == "HIGH"
    assert "prod and dev" in by_account[members[1]].evidence
    assert {by_account[m].status for m in (members[0], members[2], members[3])} == {"PASS"}
