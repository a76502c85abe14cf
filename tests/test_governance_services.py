"""Governance services: AWS Config, Inspector and Macie against moto; Security Hub's enabled standards, IAM Access
Analyzer and Detective, which moto does not implement, through botocore's Stubber with responses shaped as AWS
documents them (each test says so)."""

from __future__ import annotations

import datetime as dt

from botocore.stub import Stubber
from denial import deny

from wafr.checks.registry import all_checks
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/config"
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)


def collect(aws, *services):
    return collect_account(aws, [REGION], services=list(services))


def judge(estate, *check_ids):
    checks = {k: v for k, v in all_checks().items() if k in check_ids}
    return {(f.check_id, f.resource["id"]): f for f in evaluate(estate, checks)}


def verdict(findings, check_id, aws):
    [found] = [f for (c, _), f in findings.items() if c == check_id]
    assert found.resource["id"] == aws.account
    return found


# -- AWS Config ----------------------------------------------------------------------------------------------
def test_config_recording_with_rules_passes_a_stopped_missing_or_ruleless_recorder_fails(aws, boto):
    config = boto.client("config")
    missing = verdict(judge(collect(aws, "config"), "config-not-recording"), "config-not-recording", aws)
    assert missing.status == "FAIL" and "No configuration recorder" in missing.evidence
    assert missing.best_practices == ["SEC04-BP04"]
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": ROLE, "recordingGroup": {"allSupported": True}})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-bucket"})
    stopped = verdict(judge(collect(aws, "config"), "config-not-recording"), "config-not-recording", aws)
    assert stopped.status == "FAIL" and "not recording" in stopped.evidence
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    estate = collect(aws, "config")
    [recorder] = estate.of_type("AWS::Config::ConfigurationRecorder")
    assert recorder.config["_status"][0]["recording"] is True
    ruleless = verdict(judge(estate, "config-not-recording"), "config-not-recording", aws)
    assert ruleless.status == "FAIL" and "no Config rule" in ruleless.evidence
    config.put_config_rule(ConfigRule={
        "ConfigRuleName": "access-keys-rotated", "InputParameters": '{"maxAccessKeyAge": "90"}',
        "Source": {"Owner": "AWS", "SourceIdentifier": "ACCESS_KEYS_ROTATED"}})
    estate = collect(aws, "config")
    [rule] = estate.of_type("AWS::Config::ConfigRule")
    assert rule.config["Source"]["SourceIdentifier"] == "ACCESS_KEYS_ROTATED"
    assert "90" not in str(rule.config.get("InputParameters"))  # free-form parameters are redacted away
    recording = verdict(judge(estate, "config-not-recording"), "config-not-recording", aws)
    assert recording.status == "PASS" and "all supported resource types; 1 Config rule" in recording.evidence


def test_config_aggregator_passes_and_its_absence_fails(aws, boto):
    absent = judge(collect(aws, "config"), "config-no-aggregator")[("config-no-aggregator", aws.account)]
    assert absent.status == "FAIL" and absent.best_practices == ["SEC04-BP02"] and absent.risk == "LOW"
    boto.client("config").put_configuration_aggregator(
        ConfigurationAggregatorName="org", OrganizationAggregationSource={"RoleArn": ROLE, "AllAwsRegions": True})
    present = judge(collect(aws, "config"), "config-no-aggregator")[("config-no-aggregator", aws.account)]
    assert present.status == "PASS" and "aggregator org" in present.evidence


def test_config_denied_is_not_assessed(aws):
    deny(aws.session.events, ["DescribeConfigurationRecorders"])
    finding = verdict(judge(collect(aws, "config"), "config-not-recording"), "config-not-recording", aws)
    assert finding.status == "NOT_ASSESSED" and "AccessDenied" in finding.evidence


# -- Security Hub standards ----------------------------------------------------------------------------------
HUB_ARN = f"arn:aws:securityhub:{REGION}:123456789012:hub/default"
FSBP = f"arn:aws:securityhub:{REGION}::standards/aws-foundational-security-best-practices/v/1.0.0"


def _hub(aws, standards):
    """moto has no GetEnabledStandards: DescribeHub and GetEnabledStandards are answered by botocore's Stubber with
    AWS's documented shapes."""
    client = aws.client("securityhub", REGION)
    with Stubber(client) as stub:
        stub.add_response("describe_hub", {"HubArn": HUB_ARN, "SubscribedAt": "2026-01-01T00:00:00.000Z",
                                           "AutoEnableControls": True})
        stub.add_response("get_enabled_standards", {"StandardsSubscriptions": [
            {"StandardsSubscriptionArn": f"{FSBP.replace('::standards', ':123456789012:subscription')}",
             "StandardsArn": arn, "StandardsInput": {}, "StandardsStatus": status} for arn, status in standards]})
        estate = collect(aws, "securityhub")
        stub.assert_no_pending_responses()
    return judge(estate, "securityhub-no-standards")[("securityhub-no-standards", HUB_ARN)]


def test_hub_with_a_standard_passes(aws):
    finding = _hub(aws, [(FSBP, "READY")])
    assert finding.status == "PASS" and "aws-foundational-security-best-practices" in finding.evidence


def test_hub_without_standards_fails(aws):
    finding = _hub(aws, [(FSBP, "DELETING")])
    assert finding.status == "FAIL" and finding.best_practices == ["SEC01-BP03"]


# -- IAM Access Analyzer -------------------------------------------------------------------------------------
ANALYZER_ARN = f"arn:aws:access-analyzer:{REGION}:123456789012:analyzer/org"


def _finding(n, public):
    return {"id": f"f-{n}", "resourceType": "AWS::S3::Bucket", "resource": f"arn:aws:s3:::shared-{n}",
            "condition": {}, "createdAt": NOW, "analyzedAt": NOW, "updatedAt": NOW, "status": "ACTIVE",
            "resourceOwnerAccount": "123456789012", "isPublic": public,
            "principal": {"AWS": "*" if public else "444455556666"}}


def _analyzed(aws, analyzers, findings=None):
    """moto has no IAM Access Analyzer: ListAnalyzers and ListFindings answered by botocore's Stubber with AWS's
    documented shapes."""
    client = aws.client("accessanalyzer", REGION)
    with Stubber(client) as stub:
        stub.add_response("list_analyzers", {"analyzers": analyzers})
        if findings is not None:
            stub.add_response("list_findings", {"findings": findings},
                              {"analyzerArn": ANALYZER_ARN, "filter": {"status": {"eq": ["ACTIVE"]}}})
        estate = collect(aws, "access-analyzer")
        stub.assert_no_pending_responses()
    return judge(estate, "access-analyzer-not-enabled", "access-analyzer-external-access")


ANALYZER = {"arn": ANALYZER_ARN, "name": "org", "type": "ORGANIZATION", "createdAt": NOW, "status": "ACTIVE"}


def test_no_analyzer_fails(aws):
    unused_only = {**ANALYZER, "type": "ACCOUNT_UNUSED_ACCESS"}
    finding = verdict(_analyzed(aws, [unused_only]), "access-analyzer-not-enabled", aws)
    assert finding.status == "FAIL" and finding.best_practices == ["SEC03-BP07"]


def test_analyzer_without_findings_passes_both_checks(aws):
    findings = _analyzed(aws, [ANALYZER], [])
    assert verdict(findings, "access-analyzer-not-enabled", aws).status == "PASS"
    assert findings[("access-analyzer-external-access", ANALYZER_ARN)].status == "PASS"


def test_active_public_finding_fails_high(aws):
    findings = _analyzed(aws, [ANALYZER], [_finding(1, False), _finding(2, True)])
    shared = findings[("access-analyzer-external-access", ANALYZER_ARN)]
    assert shared.status == "FAIL" and shared.risk == "HIGH"
    assert "2 active finding(s), 1 public" in shared.evidence and "shared-2 (public)" in shared.evidence


def test_cross_account_finding_fails_medium(aws):
    shared = _analyzed(aws, [ANALYZER], [_finding(1, False)])[("access-analyzer-external-access", ANALYZER_ARN)]
    assert shared.status == "FAIL" and shared.risk == "MEDIUM"


# -- Inspector and Macie (moto) ------------------------------------------------------------------------------
def test_inspector_enabled_passes_and_disabled_fails(aws, boto):
    off = verdict(judge(collect(aws, "inspector2"), "inspector-not-enabled"), "inspector-not-enabled", aws)
    assert off.status == "FAIL" and off.risk == "LOW" and off.best_practices == ["SEC06-BP01"]  # no compute here
    boto.client("inspector2").enable(resourceTypes=["EC2", "ECR"], accountIds=[aws.account])
    on = verdict(judge(collect(aws, "inspector2"), "inspector-not-enabled"), "inspector-not-enabled", aws)
    assert on.status == "PASS" and "ec2, ecr" in on.evidence


def test_inspector_off_with_instances_is_medium(aws, boto):
    ec2 = boto.client("ec2")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro")
    findings = judge(collect(aws, "inspector2", "ec2"), "inspector-not-enabled")
    off = verdict(findings, "inspector-not-enabled", aws)
    assert off.status == "FAIL" and off.risk == "MEDIUM" and "1 instance(s)" in off.evidence


def test_macie_judged_only_where_buckets_are(aws, boto):
    macie = boto.client("macie2")
    macie.disable_macie()  # moto starts every account with Macie enabled
    assert not judge(collect(aws, "macie", "s3"), "macie-not-enabled")  # no bucket: nothing to classify
    boto.client("s3").create_bucket(Bucket="customer-exports")
    off = verdict(judge(collect(aws, "macie", "s3"), "macie-not-enabled"), "macie-not-enabled", aws)
    assert off.status == "FAIL" and off.best_practices == ["SEC07-BP03"] and "1 bucket" in off.evidence
    macie.enable_macie()
    on = verdict(judge(collect(aws, "macie", "s3"), "macie-not-enabled"), "macie-not-enabled", aws)
    assert on.status == "PASS"


def test_macie_denied_is_not_assessed_not_disabled(aws, boto):
    boto.client("s3").create_bucket(Bucket="customer-exports")
    deny(aws.session.events, ["GetMacieSession"])
    finding = verdict(judge(collect(aws, "macie", "s3"), "macie-not-enabled"), "macie-not-enabled", aws)
    assert finding.status == "NOT_ASSESSED"


# -- Detective -----------------------------------------------------------------------------------------------
def _detective(aws, graphs, invitations):
    """moto has no Detective: ListGraphs and ListInvitations answered by botocore's Stubber with AWS's documented
    shapes."""
    client = aws.client("detective", REGION)
    with Stubber(client) as stub:
        stub.add_response("list_graphs", {"GraphList": graphs})
        stub.add_response("list_invitations", {"Invitations": invitations})
        estate = collect(aws, "detective")
        stub.assert_no_pending_responses()
    return verdict(judge(estate, "detective-not-enabled"), "detective-not-enabled", aws)


def test_detective_graph_or_membership_passes_and_neither_fails(aws):
    graph = f"arn:aws:detective:{REGION}:111122223333:graph:0123456789abcdef"
    assert _detective(aws, [], []).status == "FAIL"
    owned = _detective(aws, [{"Arn": graph, "CreatedTime": NOW}], [])
    assert owned.status == "PASS" and "administers" in owned.evidence
    member = _detective(aws, [], [{"AccountId": aws.account, "GraphArn": graph, "AdministratorId": "111122223333",
                                   "Status": "ENABLED"}])
    assert member.status == "PASS" and "111122223333" in member.evidence
    invited = _detective(aws, [], [{"AccountId": aws.account, "GraphArn": graph, "AdministratorId": "111122223333",
                                    "Status": "INVITED"}])
    assert invited.status == "FAIL" and invited.best_practices == ["SEC04-BP03", "SEC10-BP06"]


def test_denied_reads_are_not_assessed(aws):
    deny(aws.session.events, ["ListAnalyzers", "ListGraphs", "BatchGetAccountStatus"])
    findings = judge(collect(aws, "access-analyzer", "detective", "inspector2"),
                     "access-analyzer-not-enabled", "detective-not-enabled", "inspector-not-enabled")
    for check_id in ("access-analyzer-not-enabled", "detective-not-enabled", "inspector-not-enabled"):
        finding = verdict(findings, check_id, aws)
        assert finding.status == "NOT_ASSESSED" and "denied" in finding.evidence, check_id


def test_inspector_status_failure_is_not_assessed(aws):
    """moto cannot fail one account's status: botocore's Stubber answers BatchGetAccountStatus with the documented
    failedAccounts entry."""
    client = aws.client("inspector2", REGION)
    with Stubber(client) as stub:
        stub.add_response("batch_get_account_status", {"accounts": [], "failedAccounts": [
            {"accountId": aws.account, "errorCode": "ACCESS_DENIED", "errorMessage": "denied"}]})
        estate = collect(aws, "inspector2")
    finding = verdict(judge(estate, "inspector-not-enabled"), "inspector-not-enabled", aws)
    assert finding.status == "NOT_ASSESSED" and "ACCESS_DENIED" in finding.evidence
