"""CloudFront: the declared global collector and the distribution checks. Each check FAILs on the bad distribution
and PASSes on its clean twin, both arranged in moto and read by the real collector; origin access control, which
moto does not keep, is answered by botocore's Stubber in AWS's documented shape."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber

from calls import Recorder
from denial import deny
from wafr.checks.registry import all_checks
from wafr.estate import Estate
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.registry import all_collectors
from wafr.sources.aws.session import open_session

REGION, ACCOUNT = "us-east-1", "123456789012"
DISTRIBUTION = "AWS::CloudFront::Distribution"
SECRET_HEADER = "origin-verify-5f1e9c"  # a shared secret the origin checks: must never reach the estate
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
ACM = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/0d6c1b2e-1111-2222-3333-444455556666"


def behavior(origin, *, secure=True, compress=True, **extra):
    return {"TargetOriginId": origin, "ViewerProtocolPolicy": "redirect-to-https" if secure else "allow-all",
            "Compress": compress, "CachePolicyId": CACHING_OPTIMIZED, **extra}


def custom_origin(origin_id, domain, policy="https-only", protocols=("TLSv1.2",), header=None):
    origin = {"Id": origin_id, "DomainName": domain, "CustomOriginConfig": {
        "HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": policy,
        "OriginSslProtocols": {"Quantity": len(protocols), "Items": list(protocols)}}}
    if header:
        origin["CustomHeaders"] = {"Quantity": 1, "Items": [{"HeaderName": "X-Origin-Verify", "HeaderValue": header}]}
    return origin


def config(reference, *, good):
    """The clean twin: HTTPS everywhere, ACM certificate with TLS 1.2, logging, an origin group, HTTP/2, compression
    and a web ACL. The bad one: none of that. (moto refuses a default behavior that targets an origin group, so the
    clean twin's group stands unused here; the Stubber test below has one in use.)"""
    primary = custom_origin("primary", "primary.example.com", header=SECRET_HEADER) if good else custom_origin(
        "primary", "primary.example.com", policy="http-only", header=SECRET_HEADER)
    origins = [primary, custom_origin("secondary", "secondary.example.com")] if good else [
        primary, {"Id": "assets", "DomainName": "assets.s3.us-east-1.amazonaws.com",
                  "S3OriginConfig": {"OriginAccessIdentity": ""}}]
    body = {
        "CallerReference": reference, "Comment": reference, "Enabled": True,
        "HttpVersion": "http2and3" if good else "http1.1",
        "Origins": {"Quantity": len(origins), "Items": origins},
        "DefaultCacheBehavior": behavior("primary"),
        "CacheBehaviors": {"Quantity": 1, "Items": [behavior("primary" if good else "assets", PathPattern="/static/*",
                                                             secure=good, compress=good)]},
        "Logging": {"Enabled": good, "IncludeCookies": False, "Bucket": "logs.s3.amazonaws.com" if good else "",
                    "Prefix": ""},
    }
    if good:
        body["OriginGroups"] = {"Quantity": 1, "Items": [{
            "Id": "group", "FailoverCriteria": {"StatusCodes": {"Quantity": 2, "Items": [500, 503]}},
            "Members": {"Quantity": 2, "Items": [{"OriginId": "primary"}, {"OriginId": "secondary"}]}}]}
        body["ViewerCertificate"] = {"ACMCertificateArn": ACM, "SSLSupportMethod": "sni-only",
                                     "MinimumProtocolVersion": "TLSv1.2_2021"}
        body["WebACLId"] = f"arn:aws:wafv2:us-east-1:{ACCOUNT}:global/webacl/edge/a1b2c3"
        body["Aliases"] = {"Quantity": 1, "Items": ["www.example.com"]}
    return body


def arrange(boto):
    cloudfront = boto.client("cloudfront")
    created = {}
    for name, good in (("clean", True), ("sloppy", False)):
        created[name] = cloudfront.create_distribution_with_tags(DistributionConfigWithTags={
            "DistributionConfig": config(name, good=good),
            "Tags": {"Items": [{"Key": "Environment", "Value": "prod"}, {"Key": "Name", "Value": name}]}},
        )["Distribution"]["Id"]
    # An IAM server certificate with an old policy: fails the TLS floor at full risk and the ACM check.
    legacy = config("legacy", good=True) | {"ViewerCertificate": {
        "IAMCertificateId": "ASCAEXAMPLEIAMCERT01", "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1"}}
    created["legacy"] = cloudfront.create_distribution_with_tags(DistributionConfigWithTags={
        "DistributionConfig": legacy, "Tags": {"Items": [{"Key": "Environment", "Value": "prod"},
                                                         {"Key": "Name", "Value": "legacy"}]}})["Distribution"]["Id"]
    return created


@pytest.fixture(scope="module")
def scanned():
    """The arranged estate read by the cloudfront collector, with the operations it called."""
    from moto import mock_aws

    with mock_aws():
        arrange(boto3.Session(region_name=REGION))
        aws = open_session(region=REGION)
        recorder = Recorder(aws.session)
        estate = collect_account(aws, [REGION], services=["cloudfront"], max_workers=1)
    return estate, recorder.calls


@pytest.fixture(scope="module")
def findings(scanned):
    """Findings by (check, Name tag): moto gives each distribution a random id and domain."""
    estate, _ = scanned
    return by_name(estate, evaluate(estate))


def by_name(estate, found):
    names = {r.id: r.tags.get("Name") for r in estate.of_type(DISTRIBUTION)}
    return {(f.check_id, names.get(f.resource["id"])): f for f in found}


def by_tag_name(estate, name):
    return next(r for r in estate.of_type(DISTRIBUTION) if r.tags.get("Name") == name)


def test_the_collector_is_global_and_calls_what_it_declares(scanned):
    estate, calls = scanned
    assert calls == set(all_collectors()["cloudfront"].operations)
    assert all_collectors()["cloudfront"].global_service
    assert [(c.region, c.status) for c in estate.coverage if c.service == "cloudfront"] == [("global", "assessed")]
    assert {r.region for r in estate.of_type(DISTRIBUTION)} == {"global"}


def test_a_distribution_carries_its_configuration_tags_and_no_header_secret(scanned):
    estate, _ = scanned
    clean = by_tag_name(estate, "clean")
    assert clean.name == "www.example.com"  # its alias, not the cloudfront.net name
    assert clean.arn.startswith("arn:aws:cloudfront::") and clean.tags["Environment"] == "prod"
    assert clean.config["Logging"]["Enabled"] is True  # only GetDistributionConfig has it
    headers = clean.config["Origins"]["Items"][0]["CustomHeaders"]["Items"]
    assert headers[0]["HeaderName"] == "X-Origin-Verify"
    assert SECRET_HEADER not in json.dumps([r.config for r in estate.resources])


CASES = [  # check, bad distribution, its clean twin (by name)
    ("cloudfront-viewer-http-allowed", "sloppy", "clean"),
    ("cloudfront-viewer-tls-outdated", "legacy", "clean"),
    ("cloudfront-certificate-not-from-acm", "legacy", "clean"),
    ("cloudfront-origin-not-encrypted", "sloppy", "clean"),
    ("cloudfront-logging-off", "sloppy", "clean"),
    ("cloudfront-http2-off", "sloppy", "clean"),
    ("cloudfront-compression-off", "sloppy", "clean"),
    ("waf-cloudfront-without-web-acl", "sloppy", "clean"),
]


def named(findings, check_id, name):
    assert (check_id, name) in findings, f"no {check_id} finding for {name}"
    return findings[(check_id, name)]


@pytest.mark.parametrize(("check_id", "bad", "good"), CASES, ids=[c[0] for c in CASES])
def test_fires_on_the_bad_distribution_and_not_on_its_clean_twin(findings, check_id, bad, good):
    assert named(findings, check_id, bad).status == "FAIL", named(findings, check_id, bad).evidence
    assert named(findings, check_id, good).status == "PASS", named(findings, check_id, good).evidence


def test_evidence_and_risk_name_what_is_wrong(findings):
    assert "/static/*" in named(findings, "cloudfront-viewer-http-allowed", "sloppy").evidence
    assert "primary (http-only)" in named(findings, "cloudfront-origin-not-encrypted", "sloppy").evidence
    # A chosen old policy is the environment's risk; the default certificate's floor is lower risk.
    assert named(findings, "cloudfront-viewer-tls-outdated", "legacy").risk == "MEDIUM"
    default_cert = named(findings, "cloudfront-viewer-tls-outdated", "sloppy")
    assert default_cert.status == "FAIL" and default_cert.risk == "LOW"
    assert named(findings, "cloudfront-certificate-not-from-acm", "sloppy").status == "PASS"  # AWS's own certificate


def test_a_distribution_without_origin_failover_fails(findings):
    assert named(findings, "cloudfront-no-origin-failover", "sloppy").status == "FAIL"
    unused = named(findings, "cloudfront-no-origin-failover", "clean")  # its group is not targeted
    assert unused.status == "FAIL" and "targets the single origin primary" in unused.evidence


def test_s3_origin_without_access_control_fails_in_moto(findings):
    sloppy = named(findings, "cloudfront-s3-origin-without-access-control", "sloppy")
    assert sloppy.status == "FAIL" and "assets" in sloppy.evidence


def stubbed(name, *, private):
    """A distribution as ListDistributions summarises it and as GetDistributionConfig describes it."""
    dist_id = f"E2{name.upper()}"
    origin = {"Id": "s3", "DomainName": f"{name}-assets.s3.eu-west-1.amazonaws.com",
              "S3OriginConfig": {"OriginAccessIdentity": ""}, "OriginAccessControlId": "E3OAC" if private else ""}
    replica = origin | {"Id": "s3-replica", "DomainName": f"{name}-replica.s3.us-west-2.amazonaws.com"}
    origins = {"Quantity": 2, "Items": [origin, replica]} if private else {"Quantity": 1, "Items": [origin]}
    groups = {"Quantity": 1, "Items": [{
        "Id": "assets", "FailoverCriteria": {"StatusCodes": {"Quantity": 1, "Items": [503]}},
        "Members": {"Quantity": 2, "Items": [{"OriginId": "s3"}, {"OriginId": "s3-replica"}]}}]} if private else {
        "Quantity": 0}
    shared = {"Origins": origins, "OriginGroups": groups, "Comment": "", "Enabled": True,
              "DefaultCacheBehavior": behavior("assets" if private else "s3")}
    summary = shared | {
        "Id": dist_id, "ARN": f"arn:aws:cloudfront::{ACCOUNT}:distribution/{dist_id}", "Status": "Deployed",
        "DomainName": f"{name}.cloudfront.net", "LastModifiedTime": "2026-01-01T00:00:00Z",
        "Aliases": {"Quantity": 0}, "CacheBehaviors": {"Quantity": 0}, "CustomErrorResponses": {"Quantity": 0},
        "PriceClass": "PriceClass_All", "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
        "Restrictions": {"GeoRestriction": {"RestrictionType": "none", "Quantity": 0}}, "WebACLId": "",
        "HttpVersion": "http2", "IsIPV6Enabled": True, "Staging": False}
    return summary, shared | {"CallerReference": name}


def test_origin_access_control_and_origin_failover_pass_and_their_absence_fails():
    """moto keeps neither OriginAccessControlId nor S3OriginConfig, and refuses a behavior that targets an origin
    group, so botocore's Stubber answers ListDistributions, GetDistributionConfig and ListTagsForResource in AWS's
    documented shapes: an S3 origin with an origin access control behind an origin group the default behavior
    targets, and an S3 origin with neither control nor identity nor group."""
    client = boto3.Session(region_name=REGION, aws_access_key_id="stub", aws_secret_access_key="stub").client(
        "cloudfront")
    described = [stubbed("private", private=True), stubbed("open", private=False)]
    with Stubber(client) as stub:
        stub.add_response("list_distributions", {"DistributionList": {
            "Marker": "", "MaxItems": 100, "IsTruncated": False, "Quantity": 2, "Items": [s for s, _ in described]}})
        for summary, config_ in described:
            stub.add_response("get_distribution_config", {"ETag": "E1", "DistributionConfig": config_},
                              {"Id": summary["Id"]})
            stub.add_response("list_tags_for_resource", {"Tags": {"Items": [{"Key": "Environment", "Value": "prod"}]}},
                              {"Resource": summary["ARN"]})
        ctx = CollectContext(account=ACCOUNT, region="global", partition="aws", client_factory=lambda s, r: client)
        resources = list(all_collectors()["cloudfront"].collect(ctx))
    ours = {c: all_checks()[c]
            for c in ("cloudfront-s3-origin-without-access-control", "cloudfront-no-origin-failover")}
    found = {(f.check_id, f.resource["name"]): f for f in evaluate(Estate(resources=resources), ours)}
    for check_id in ours:
        assert found[(check_id, "private.cloudfront.net")].status == "PASS", check_id
        assert found[(check_id, "open.cloudfront.net")].status == "FAIL", check_id
    assert "origin access control" in found[("cloudfront-s3-origin-without-access-control",
                                             "private.cloudfront.net")].evidence


def test_an_unread_configuration_leaves_logging_not_assessed(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["GetDistributionConfig"])
    estate = collect_account(aws, [REGION], services=["cloudfront"], max_workers=1)
    found = {key: f.status for key, f in by_name(estate, evaluate(estate)).items()}
    assert {found[("cloudfront-logging-off", name)] for name in ("clean", "sloppy", "legacy")} == {"NOT_ASSESSED"}
    # The listing's summary still carries the cache behaviors: those checks still judge.
    assert found[("cloudfront-viewer-http-allowed", "sloppy")] == "FAIL"


def test_a_denied_listing_leaves_every_distribution_check_not_assessed(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["ListDistributions"])
    estate = collect_account(aws, [REGION], services=["cloudfront"], max_workers=1)
    assert [c.status for c in estate.coverage if c.service == "cloudfront"] == ["denied"]
    ours = [f for f in evaluate(estate) if f.check_id.startswith("cloudfront-")]
    assert ours and {f.status for f in ours} == {"NOT_ASSESSED"}


@pytest.mark.parametrize(("domain", "is_bucket"), [
    ("assets.s3.amazonaws.com", True), ("assets.s3.eu-west-1.amazonaws.com", True),
    ("assets.s3-eu-west-1.amazonaws.com", True), ("assets.s3.dualstack.us-east-1.amazonaws.com", True),
    ("assets.s3.cn-north-1.amazonaws.com.cn", True),
    # A website endpoint is a custom origin: origin access control cannot apply to it.
    ("assets.s3-website-us-east-1.amazonaws.com", False), ("assets.s3-website.eu-west-1.amazonaws.com", False),
    ("s3.example.com", False)])
def test_s3_rest_endpoints_are_told_from_website_endpoints_and_other_hosts(domain, is_bucket):
    from wafr.checks.cloudfront import S3_REST

    assert bool(S3_REST.search(domain)) is is_bucket
