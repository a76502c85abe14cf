"""AWS WAF: the declared web ACL collectors (regional, and CLOUDFRONT scope read from us-east-1 once per account)
and the checks that every public entry point has a web ACL and that web ACLs log, inspect and limit. CloudFront-scope
web ACLs are arranged in moto; moto has no ListResourcesForWebACL, so the regional collector is answered by
botocore's Stubber in AWS's documented shapes, beside load balancers arranged in moto."""

from __future__ import annotations

import json
import threading

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
WEB_ACL = "AWS::WAFv2::WebACL"
PROD = [{"Key": "Environment", "Value": "prod"}]
SHARED_SECRET = "cf-origin-secret-8d1f"  # matched by a rule: the value must never reach the estate
VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}


def rule(name, priority, statement, action=None):
    body = {"Name": name, "Priority": priority, "Statement": statement, "VisibilityConfig": VISIBILITY}
    return body | ({"Action": action} if action else {"OverrideAction": {"None": {}}})


GUARD_RULES = [
    rule("common", 0, {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"}}),
    rule("flood", 1, {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP"}}, {"Block": {}}),
    rule("from-origin", 2, {"ByteMatchStatement": {
        "SearchString": SHARED_SECRET, "FieldToMatch": {"SingleHeader": {"Name": "x-origin-verify"}},
        "TextTransformations": [{"Priority": 0, "Type": "NONE"}], "PositionalConstraint": "EXACTLY"}},
        {"Allow": {}}),
]


def arrange(boto):
    """Two CloudFront-scope web ACLs (which live in us-east-1): a guarded one that logs, and an open one."""
    wafv2 = boto.client("wafv2", region_name="us-east-1")
    guard = wafv2.create_web_acl(Name="edge-guard", Scope="CLOUDFRONT", DefaultAction={"Allow": {}}, Rules=GUARD_RULES,
                                 VisibilityConfig=VISIBILITY, Tags=PROD)["Summary"]
    wafv2.create_web_acl(Name="edge-open", Scope="CLOUDFRONT", DefaultAction={"Allow": {}}, Rules=[],
                         VisibilityConfig=VISIBILITY | {"CloudWatchMetricsEnabled": False}, Tags=PROD)
    logs = boto.client("logs", region_name="us-east-1")
    logs.create_log_group(logGroupName="aws-waf-logs-edge")
    group = logs.describe_log_groups(logGroupNamePrefix="aws-waf-logs-edge")["logGroups"][0]["arn"].removesuffix(":*")
    wafv2.put_logging_configuration(LoggingConfiguration={"ResourceArn": guard["ARN"],
                                                          "LogDestinationConfigs": [group]})


@pytest.fixture(scope="module")
def scanned():
    """The CloudFront-scope web ACLs, scanned from a session whose home and only Region is eu-west-1: the collector
    still asks us-east-1, where that scope is answered."""
    from moto import mock_aws

    with mock_aws():
        arrange(boto3.Session(region_name=REGION))
        aws = open_session(region="eu-west-1")
        recorder, lock, hosts = Recorder(aws.session), threading.Lock(), {}

        def endpoint(request=None, operation_name=None, **_):
            with lock:
                hosts.setdefault(request.url.split("/")[2], set()).add(operation_name)

        aws.session.events.register("request-created.wafv2.*", endpoint)
        estate = collect_account(aws, ["eu-west-1"], services=["wafv2-cloudfront", "wafv2"], max_workers=1)
    return estate, recorder.calls, hosts


@pytest.fixture(scope="module")
def findings(scanned):
    estate, *_ = scanned
    return {(f.check_id, f.resource["name"]): f for f in evaluate(estate)}


def test_cloudfront_scope_is_read_once_from_us_east_1_and_calls_what_it_declares(scanned):
    estate, calls, hosts = scanned
    # The CLOUDFRONT scope is asked in us-east-1 (its reads go nowhere else); the regional one in eu-west-1.
    assert hosts["wafv2.us-east-1.amazonaws.com"] >= {"GetWebACL", "GetLoggingConfiguration"}
    assert hosts["wafv2.eu-west-1.amazonaws.com"] == {"ListWebACLs"}
    declared = all_collectors()["wafv2-cloudfront"].operations | all_collectors()["wafv2"].operations
    assert calls == declared - {("wafv2", "ListResourcesForWebACL")}  # no regional web ACL
    assert sorted((c.service, c.region, c.status) for c in estate.coverage) == [
        ("wafv2", "eu-west-1", "assessed"), ("wafv2-cloudfront", "global", "assessed")]
    assert sorted(a.name for a in estate.of_type(WEB_ACL)) == ["edge-guard", "edge-open"]  # found from eu-west-1


def test_a_web_acl_keeps_its_rule_kinds_and_none_of_the_strings_they_match(scanned):
    estate, *_ = scanned
    guard = next(a for a in estate.of_type(WEB_ACL) if a.name == "edge-guard")
    assert guard.tags == {"Environment": "prod"} and guard.arn.endswith(guard.id)
    statements = [r["Statement"] for r in guard.config["Rules"]]
    assert statements[0]["ManagedRuleGroupStatement"]["Name"] == "AWSManagedRulesCommonRuleSet"
    assert statements[1]["RateBasedStatement"]["Limit"] == 2000
    assert "ByteMatchStatement" in statements[2]  # the kind of rule stays ...
    assert SHARED_SECRET not in json.dumps(guard.config)  # ... the string it matches does not


CASES = [  # check, bad web ACL, its clean twin
    ("waf-web-acl-logging-off", "edge-open", "edge-guard"),
    ("waf-web-acl-without-rules", "edge-open", "edge-guard"),
    ("waf-web-acl-without-rate-limit", "edge-open", "edge-guard"),
    ("waf-web-acl-metrics-off", "edge-open", "edge-guard"),
]


@pytest.mark.parametrize(("check_id", "bad", "good"), CASES, ids=[c[0] for c in CASES])
def test_fires_on_the_bad_web_acl_and_not_on_its_clean_twin(findings, check_id, bad, good):
    assert findings[(check_id, bad)].status == "FAIL", findings[(check_id, bad)].evidence
    assert findings[(check_id, good)].status == "PASS", findings[(check_id, good)].evidence


def test_evidence_names_where_logs_go_and_what_inspects(findings):
    assert "aws-waf-logs-edge" in findings[("waf-web-acl-logging-off", "edge-guard")].evidence
    assert "AWSManagedRulesCommonRuleSet" in findings[("waf-web-acl-without-rules", "edge-guard")].evidence
    assert "2000" in findings[("waf-web-acl-without-rate-limit", "edge-guard")].evidence


def test_a_denied_logging_read_is_not_assessed_never_passed(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["GetLoggingConfiguration"])
    estate = collect_account(aws, [REGION], services=["wafv2-cloudfront", "wafv2"], max_workers=1)
    statuses = {f.resource["name"]: f.status for f in evaluate(estate) if f.check_id == "waf-web-acl-logging-off"}
    assert statuses == {"edge-guard": "NOT_ASSESSED", "edge-open": "NOT_ASSESSED"}


# -- load balancers: moto's elbv2, with the regional web ACL answered by the Stubber ---------------------------
def load_balancers(boto):
    ec2, elbv2 = boto.client("ec2"), boto.client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{z}")["Subnet"]
               ["SubnetId"] for i, z in enumerate("ab")]
    arns = {}
    for name, scheme in (("guarded-alb", "internet-facing"), ("open-alb", "internet-facing"),
                         ("internal-alb", "internal")):
        arns[name] = elbv2.create_load_balancer(Name=name, Subnets=subnets, Scheme=scheme, Tags=PROD)[
            "LoadBalancers"][0]["LoadBalancerArn"]
    return arns


def regional_web_acls(protected, *, listing_fails=False):
    """The regional wafv2 collector's resources, answered by the Stubber: one web ACL, logging to Firehose, that
    protects ``protected`` (ListResourcesForWebACL's documented {"ResourceArns": [...]})."""
    client = boto3.Session(region_name=REGION, aws_access_key_id="stub", aws_secret_access_key="stub").client("wafv2")
    acl_id = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
    arn = f"arn:aws:wafv2:{REGION}:{ACCOUNT}:regional/webacl/app-guard/{acl_id}"
    with Stubber(client) as stub:
        stub.add_response("list_web_acls", {"WebACLs": [{"Name": "app-guard", "Id": acl_id, "ARN": arn,
                                                         "LockToken": "t"}]},
                          {"Scope": "REGIONAL", "Limit": 100})
        stub.add_response("get_web_acl", {"WebACL": {"Name": "app-guard", "Id": acl_id, "ARN": arn,
                                                     "DefaultAction": {"Allow": {}}, "Rules": GUARD_RULES[:2],
                                                     "VisibilityConfig": VISIBILITY, "Capacity": 702},
                                          "LockToken": "t"}, {"Name": "app-guard", "Scope": "REGIONAL", "Id": acl_id})
        firehose = f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/aws-waf-logs-app"
        stub.add_response("get_logging_configuration", {"LoggingConfiguration": {
            "ResourceArn": arn, "LogDestinationConfigs": [firehose]}}, {"ResourceArn": arn})
        if listing_fails:
            stub.add_client_error("list_resources_for_web_acl", "AccessDeniedException", http_status_code=403)
        else:
            stub.add_response("list_resources_for_web_acl", {"ResourceArns": protected},
                              {"WebACLArn": arn, "ResourceType": "APPLICATION_LOAD_BALANCER"})
        stub.add_response("list_tags_for_resource", {"TagInfoForResource": {"ResourceARN": arn, "TagList": PROD}},
                          {"ResourceARN": arn})
        ctx = CollectContext(account=ACCOUNT, region=REGION, partition="aws", client_factory=lambda s, r: client)
        return list(all_collectors()["wafv2"].collect(ctx))


@pytest.fixture
def balancers(aws, boto):
    arns = load_balancers(boto)
    return arns, collect_account(aws, [REGION], services=["elbv2"], max_workers=1).resources


def judged(resources):
    ours = {"waf-load-balancer-without-web-acl": all_checks()["waf-load-balancer-without-web-acl"]}
    return {f.resource["name"]: f for f in evaluate(Estate(resources=resources), ours)}


def test_an_internet_facing_load_balancer_without_a_web_acl_fails_and_its_guarded_twin_passes(balancers):
    arns, elbv2 = balancers
    acls = regional_web_acls([arns["guarded-alb"]])
    assert acls[0].config["LoadBalancers"] == [arns["guarded-alb"]]
    found = judged(elbv2 + acls)
    assert found["guarded-alb"].status == "PASS" and "app-guard" in found["guarded-alb"].evidence
    assert found["open-alb"].status == "FAIL"
    assert "internal-alb" not in found  # not a public entry point


def test_an_unread_association_leaves_load_balancers_not_assessed(balancers):
    _, elbv2 = balancers
    acls = regional_web_acls([], listing_fails=True)
    assert acls[0].config["_errors"] == {"ListResourcesForWebACL": "AccessDeniedException"}
    found = judged(elbv2 + acls)
    assert {found[name].status for name in ("guarded-alb", "open-alb")} == {"NOT_ASSESSED"}
