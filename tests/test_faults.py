"""Faults an organization scan meets, injected with botocore event hooks that answer with AWS's own error shape
(or raise botocore's own exception) in front of moto: each ends in coverage with its reason and the scan goes on."""

from __future__ import annotations

import json
import re
import socket
import time

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError
from moto import mock_aws
from typer.testing import CliRunner

from wafr.cli import app
from wafr.findings import evaluate
from wafr.review import review_of_estate
from wafr.sources.aws import organization
from wafr.sources.aws.collect import (
    collect_account,
    collect_organization,
    is_partial,
    partial_coverage,
)
from wafr.sources.aws.session import open_session

REGION, OTHER = "us-east-1", "eu-west-1"
SERVICES = ["vpc", "rds", "organizations"]


def error(code: str, message: str, status: int = 400):
    """A before-call answer: what botocore builds from an AWS error response, so the client raises ClientError."""
    http = AWSResponse(f"https://aws.example/{code}", status, {}, None)
    return http, {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}


@pytest.fixture(scope="module")
def org():
    """The management account and three members, each with one VPC."""
    with mock_aws():
        client = boto3.client("organizations", region_name=REGION)
        client.create_organization(FeatureSet="ALL")
        members = [client.create_account(AccountName=f"m{i}", Email=f"m{i}@example.com")
                   ["CreateAccountStatus"]["AccountId"] for i in range(3)]
        yield open_session(region=REGION), members


@pytest.fixture
def hooked(monkeypatch):
    """Member sessions get the hooks a test names: {account: [(event, handler)]}."""
    hooks: dict[str, list] = {}
    real = organization.assume

    def assume(base, account, *args, **kwargs):
        session = real(base, account, *args, **kwargs)
        for event, handler in hooks.get(account, []):
            session.session.events.register_first(event, handler)
        return session

    monkeypatch.setattr(organization, "assume", assume)
    return hooks


def coverage(estate, account, service, region=REGION):
    return estate.coverage_of(account, region, service)


def test_access_denied_on_one_service(org, hooked):
    base, members = org
    hooked[members[0]] = [("before-call.rds.*", lambda **_: error("AccessDenied", "not authorized: rds", 403))]
    estate = collect_organization(base, [REGION], accounts=[members[0], members[1]], services=SERVICES)
    denied = coverage(estate, members[0], "rds")
    assert denied.status == "denied" and "AccessDenied" in denied.detail
    assert coverage(estate, members[0], "vpc").status == "assessed"
    assert coverage(estate, members[1], "rds").status == "assessed"
    assert estate.of_type("AWS::EC2::VPC") and is_partial(estate)


def test_access_denied_on_a_whole_account(org, hooked):
    """An SCP that denies everything: the role is assumed, every read is refused."""
    base, members = org
    hooked[members[1]] = [("before-call.*.*", lambda **_: error("AccessDenied", "explicit deny in an SCP", 403))]
    estate = collect_organization(base, [REGION], accounts=members, services=SERVICES)
    entries = [c for c in estate.coverage if c.account == members[1]]
    assert entries and {c.status for c in entries} == {"denied"}
    assert {r.account for r in estate.of_type("AWS::EC2::VPC")} == {members[0], members[2]}


def test_a_role_that_cannot_be_assumed(org):
    base, members = org
    target = f"arn:aws:iam::{members[2]}:role/OrganizationAccountAccessRole"

    def refuse(params, **_):
        if params["body"].get("RoleArn") == target:
            return error("AccessDenied", "not authorized to perform: sts:AssumeRole", 403)

    sts = base.client("sts", REGION)
    sts.meta.events.register_first("before-call.sts.AssumeRole", refuse, unique_id="refuse-one-role")
    try:
        estate = collect_organization(base, [REGION, OTHER], accounts=members, services=SERVICES)
    finally:
        sts.meta.events.unregister("before-call.sts.AssumeRole", unique_id="refuse-one-role")
    entries = [c for c in estate.coverage if c.account == members[2]]
    assert len(entries) == 5  # vpc and rds in two regions, organizations once
    assert {c.status for c in entries} == {"denied"}
    assert all(target in c.detail and "AccessDenied" in c.detail for c in entries)
    assert {c.status for c in estate.coverage if c.account != members[2]} == {"assessed"}
    review = review_of_estate(estate, evaluate(estate))
    assert any(c.account == members[2] and c.status == "denied" for c in review.coverage.gaps)


def test_a_region_that_is_not_enabled(org, hooked):
    """DescribeRegions answers, shaped as AWS documents it, with only the home region enabled."""
    base, members = org
    only_home = {"Regions": [{"RegionName": REGION, "Endpoint": f"ec2.{REGION}.amazonaws.com",
                              "OptInStatus": "opt-in-not-required"}],
                 "ResponseMetadata": {"HTTPStatusCode": 200}}
    hooked[members[0]] = [("before-call.ec2.DescribeRegions",
                           lambda **_: (AWSResponse("https://ec2", 200, {}, None), only_home))]
    estate = collect_organization(base, [REGION, OTHER], accounts=[members[0]], services=SERVICES)
    skipped = coverage(estate, members[0], "vpc", OTHER)
    assert skipped.status == "skipped" and f"{OTHER} is not enabled" in skipped.detail
    assert coverage(estate, members[0], "vpc").status == "assessed"
    assert not is_partial(estate)  # a region the account does not use is not a gap


def test_throttling_that_passes_is_retried(org):
    """One Throttling answer at the HTTP layer, in front of moto: adaptive retries back off and try again."""
    base, _ = org
    answered = []

    def throttle_once(request, **_):
        if not answered:
            answered.append(request.url)
            body = (b"<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded."
                    b"</Message></Error></Errors><RequestID>1</RequestID></Response>")
            return AWSResponse(request.url, 503, {}, _Raw(body))

    ec2 = base.client("ec2", REGION)
    ec2.meta.events.register_first("before-send.ec2.DescribeVpcs", throttle_once, unique_id="throttle-once")
    try:
        estate = collect_account(base, [REGION], services=["vpc"])
    finally:
        ec2.meta.events.unregister("before-send.ec2.DescribeVpcs", unique_id="throttle-once")
    assert answered and coverage(estate, base.account, "vpc").status == "assessed"
    assert estate.of_type("AWS::EC2::VPC")


def test_throttling_that_persists_is_a_failed_read(org, hooked):
    base, members = org
    hooked[members[0]] = [("before-call.rds.DescribeDBInstances",
                           lambda **_: error("Throttling", "Rate exceeded", 400))]
    estate = collect_organization(base, [REGION], accounts=[members[0]], services=SERVICES)
    failed = coverage(estate, members[0], "rds")
    assert failed.status == "failed" and "Throttling" in failed.detail
    assert coverage(estate, members[0], "vpc").status == "assessed"


def test_a_timeout(org, hooked):
    base, members = org

    def time_out(**_):
        raise ReadTimeoutError(endpoint_url=f"https://rds.{REGION}.amazonaws.com/")

    hooked[members[0]] = [("before-call.rds.*", time_out)]
    estate = collect_organization(base, [REGION], accounts=[members[0]], services=SERVICES)
    failed = coverage(estate, members[0], "rds")
    assert failed.status == "failed" and "timed out" in failed.detail
    assert [c.service for c in partial_coverage(estate)] == ["rds"]


def test_a_malformed_response(org, hooked):
    """A 200 answer whose body is not the XML EC2 speaks."""
    base, members = org

    def garbage(request, **_):
        return AWSResponse(request.url, 200, {}, _Raw(b"<html>gateway says hello"))

    hooked[members[0]] = [("before-send.ec2.DescribeVpcs", garbage)]
    started = time.monotonic()
    estate = collect_organization(base, [REGION], accounts=[members[0]], services=SERVICES)
    failed = coverage(estate, members[0], "vpc")
    assert failed.status == "failed" and failed.detail
    assert coverage(estate, members[0], "rds").status == "assessed"
    assert time.monotonic() - started < 30


class _Raw:
    """The raw stream AWSResponse reads its body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_):
        yield self._body

    def read(self, *_):
        body, self._body = self._body, b""
        return body


# -- coverage tells the truth (endpoints down, services not offered, foreign error pages) ------------------------
def _closed_port() -> str:
    """A loopback URL nothing listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def _attempts(session, event: str) -> list[str]:
    """Each HTTP attempt botocore makes for ``event`` (retries included), as it makes it."""
    sent: list[str] = []
    session.events.register_first(event, lambda request=None, **_: sent.append(getattr(request, "url", "")))
    return sent


@pytest.fixture
def rds_down(monkeypatch):
    """RDS's endpoint refuses connections (AWS_ENDPOINT_URL_RDS points at a closed port); the rest is moto."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_RDS", _closed_port())
    with mock_aws():
        yield


def test_a_refused_connection_is_a_failed_read_retried_once(rds_down):
    aws = open_session(region=REGION)
    sent = _attempts(aws.session, "before-send.rds.*")
    estate = collect_account(aws, [REGION], services=["rds", "vpc"])
    down = coverage(estate, aws.account, "rds")
    assert down.status == "failed" and down.detail.startswith("could not connect")
    assert len(sent) == 2  # the call and one retry, not the eight attempts throttling gets
    assert coverage(estate, aws.account, "vpc").status == "assessed"
    assert [c.service for c in partial_coverage(estate)] == ["rds"]


def test_strict_exits_3_when_an_endpoint_is_down(rds_down, tmp_path):
    result = CliRunner().invoke(app, ["scan", "--regions", REGION, "--services", "rds,vpc", "--no-metrics",
                                      "--no-history", "--strict", "-o", str(tmp_path / "review")])
    assert result.exit_code == 3, result.output
    findings = json.loads((tmp_path / "review" / "findings.json").read_text(encoding="utf-8"))
    assert {(c["service"], c["status"]) for c in findings["coverage"]} == {("rds", "failed"), ("vpc", "assessed")}


def test_a_service_aws_does_not_offer_in_a_region_is_skipped():
    """botocore's endpoint data lists where each service is offered; a region outside it is not a gap."""
    session = boto3.Session()
    region = sorted(set(session.get_available_regions("ec2")) - set(session.get_available_regions("codepipeline")))[0]
    with mock_aws():
        aws = open_session(region=REGION)
        estate = collect_account(aws, [region], services=["codepipeline", "vpc"])
    skipped = coverage(estate, aws.account, "codepipeline", region)
    assert skipped.status == "skipped" and f"does not offer codepipeline in {region}" in skipped.detail
    assert coverage(estate, aws.account, "vpc", region).status == "assessed"
    assert not is_partial(estate)


HTML_PAGE = (b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server "
             b"Error</h1>\n<p>The server encountered an internal error and was unable to complete your request.</p>")


def _foreign_error_page(request, **_):
    """What an emulator without the API answers (moto_server's own page): an HTML 500, not AWS's error shape."""
    return AWSResponse(request.url, 500, {"Content-Type": "text/html; charset=utf-8"}, _Raw(HTML_PAGE))


def _one_line_without_markup(text: str) -> bool:
    return "\n" not in text and not re.search(r"<[!/a-zA-Z]", text)


@pytest.mark.parametrize("service,event", [
    ("ecs", "before-send.ecs.ListClusters"),  # JSON protocol: botocore makes a ClientError of the page
    ("vpc", "before-send.ec2.DescribeVpcs"),  # EC2's query protocol: the page does not even parse
])
def test_an_html_error_page_is_retried_at_most_once_and_never_quoted(service, event):
    with mock_aws():
        aws = open_session(region=REGION)
        sent = _attempts(aws.session, event)
        aws.session.events.register_first(event, _foreign_error_page)
        estate = collect_account(aws, [REGION], services=[service])
    failed = coverage(estate, aws.account, service)
    assert failed.status == "failed" and "HTML error page" in failed.detail
    assert _one_line_without_markup(failed.detail), failed.detail
    assert 1 <= len(sent) <= 2


def test_an_html_error_page_never_reaches_a_findings_evidence():
    """The demo estate has production workloads reachable from the internet, so no-private-admin-path needs
    the VPN gateways (the vpc collector); the endpoint answers with an HTML error page instead.
    (moto in-process runs its own handler for an API it lacks, such as DescribeClientVpnEndpoints, whatever
    answers first; tests/test_custom_endpoint.py sees that one under moto_server.)"""
    from wafr.demo.estate import provision

    with mock_aws():
        provision(boto3.Session(region_name=REGION), REGION)
        aws = open_session(region=REGION)
        aws.session.events.register_first("before-send.ec2.DescribeVpcs", _foreign_error_page)
        estate = collect_account(aws, [REGION], services=["vpc", "ec2", "ecs", "rds", "elbv2", "client-vpn"])
    findings = evaluate(estate)
    admin = [f for f in findings if f.check_id == "no-private-admin-path"]
    assert admin and any("HTML error page" in f.evidence for f in admin), [f.evidence for f in admin]
    assert all(_one_line_without_markup(f.evidence) for f in findings), [
        f.evidence for f in findings if not _one_line_without_markup(f.evidence)]
