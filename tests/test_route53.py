"""Route 53: the declared global collector (zones with their record sets' routing, health checks, query logging
configurations) and its checks, each FAILing on a bad zone and PASSing on its clean twin, arranged in moto."""

from __future__ import annotations

import json

import boto3
import pytest

from calls import Recorder
from denial import deny
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.registry import all_collectors
from wafr.sources.aws.session import open_session

REGION = "us-east-1"
ZONE = "AWS::Route53::HostedZone"
PRIVATE_VALUE = "10.20.30.40"  # a record's value: routing is judged on the record's shape, its value is not kept


def record(name, identifier, *, health=None, value="192.0.2.10", **routing):
    body = {"Name": name, "Type": "A", "SetIdentifier": identifier, "TTL": 60,
            "ResourceRecords": [{"Value": value}], **routing}
    return {"Action": "CREATE", "ResourceRecordSet": body | ({"HealthCheckId": health} if health else {})}


def arrange(boto):
    route53 = boto.client("route53")

    def zone(name, **extra):
        zone_id = route53.create_hosted_zone(Name=name, CallerReference=name, **extra)["HostedZone"]["Id"]
        route53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id.rsplit("/", 1)[-1],
                                         AddTags=[{"Key": "Environment", "Value": "prod"}])
        return zone_id

    def health_check(name, disabled=False):
        return route53.create_health_check(CallerReference=name, HealthCheckConfig={
            "Type": "HTTPS", "FullyQualifiedDomainName": name, "Port": 443, "ResourcePath": "/health",
            "Disabled": disabled})["HealthCheck"]["Id"]

    shop, legacy = zone("shop.example."), zone("legacy.example.")
    primary, weighted, off = health_check("a.shop.example"), health_check("w.shop.example"), health_check("x", True)
    route53.change_resource_record_sets(HostedZoneId=shop, ChangeBatch={"Changes": [
        record("app.shop.example.", "primary", health=primary, Failover="PRIMARY"),
        record("app.shop.example.", "secondary", Failover="SECONDARY"),  # the last resort needs none
        record("api.shop.example.", "blue", health=weighted, Weight=90),
        record("api.shop.example.", "green", health=weighted, Weight=10, value=PRIVATE_VALUE)]})
    route53.change_resource_record_sets(HostedZoneId=legacy, ChangeBatch={"Changes": [
        record("app.legacy.example.", "primary", Failover="PRIMARY"),
        record("app.legacy.example.", "secondary", Failover="SECONDARY"),
        record("api.legacy.example.", "eu", Region="eu-west-1", health=off)]})
    logs = boto.client("logs")
    logs.create_log_group(logGroupName="/aws/route53/shop.example")
    group = logs.describe_log_groups(logGroupNamePrefix="/aws/route53/shop")["logGroups"][0]["arn"]
    route53.create_query_logging_config(HostedZoneId=shop, CloudWatchLogsLogGroupArn=group)
    boto.client("ec2").create_vpc(CidrBlock="10.0.0.0/16")
    vpc = boto.client("ec2").describe_vpcs()["Vpcs"][0]["VpcId"]
    zone("internal.example.", VPC={"VPCRegion": REGION, "VPCId": vpc}, HostedZoneConfig={"PrivateZone": True})


@pytest.fixture(scope="module")
def scanned():
    from moto import mock_aws

    with mock_aws():
        arrange(boto3.Session(region_name=REGION))
        aws = open_session(region=REGION)
        recorder = Recorder(aws.session)
        estate = collect_account(aws, [REGION], services=["route53"], max_workers=1)
    return estate, recorder.calls


@pytest.fixture(scope="module")
def findings(scanned):
    estate, _ = scanned
    return {(f.check_id, f.resource["name"]): f for f in evaluate(estate)}


def test_the_collector_is_global_and_calls_what_it_declares(scanned):
    estate, calls = scanned
    assert calls == set(all_collectors()["route53"].operations)
    assert [(c.region, c.status, c.detail) for c in estate.coverage] == [("global", "assessed", "")]
    zones = {z.name: z for z in estate.of_type(ZONE)}
    assert set(zones) == {"shop.example.", "legacy.example.", "internal.example."}
    assert zones["shop.example."].tags == {"Environment": "prod"} and zones["shop.example."].region == "global"
    assert len(estate.of_type("AWS::Route53::HealthCheck")) == 3
    assert len(estate.of_type("AWS::Route53::QueryLoggingConfig")) == 1


def test_record_values_are_not_kept(scanned):
    estate, _ = scanned
    shop = next(z for z in estate.of_type(ZONE) if z.name == "shop.example.")
    weights = sorted(r["Weight"] for r in shop.config["ResourceRecordSets"] if "Weight" in r)
    assert weights == [10, 90]  # the routing is kept ...
    assert PRIVATE_VALUE not in json.dumps(shop.config)  # ... the values are not


CASES = [  # check, bad zone, its clean twin
    ("route53-routing-record-without-health-check", "legacy.example.", "shop.example."),
    ("route53-public-zone-query-logging-off", "legacy.example.", "shop.example."),
]


@pytest.mark.parametrize(("check_id", "bad", "good"), CASES, ids=[c[0] for c in CASES])
def test_fires_on_the_bad_zone_and_not_on_its_clean_twin(findings, check_id, bad, good):
    assert findings[(check_id, bad)].status == "FAIL", findings[(check_id, bad)].evidence
    assert findings[(check_id, good)].status == "PASS", findings[(check_id, good)].evidence


def test_a_primary_without_health_check_and_a_disabled_health_check_are_named(findings):
    evidence = findings[("route53-routing-record-without-health-check", "legacy.example.")].evidence
    assert "2 of 3" in evidence  # the secondary needs no health check
    assert "app.legacy.example. A (failover, primary): no health check" in evidence
    assert "is disabled" in evidence
    assert findings[("route53-routing-record-without-health-check", "legacy.example.")].risk == "HIGH"


def test_a_private_zone_is_not_asked_for_query_logging(findings):
    assert ("route53-public-zone-query-logging-off", "internal.example.") not in findings


def test_a_denied_listing_leaves_the_checks_not_assessed(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["ListQueryLoggingConfigs"])
    estate = collect_account(aws, [REGION], services=["route53"], max_workers=1)
    assert [c.status for c in estate.coverage] == ["denied"]
    statuses = {f.status for f in evaluate(estate) if f.check_id.startswith("route53-")}
    assert statuses == {"NOT_ASSESSED"}
