"""Patching from Systems Manager: Patch Manager's compliance per instance (instance-missing-patches) and whether
anything patches production instances on a schedule (instance-patching-not-automated).

moto implements neither ssm:DescribeInstanceInformation, ssm:ListResourceComplianceSummaries nor
ssm:ListAssociations, so botocore's Stubber answers them on the scan's own (guarded) client, shaped as the Systems
Manager API reference documents InstanceInformation, ResourceComplianceSummaryItem and Association; the EC2
instances, the collectors and the checks are the real code against moto. Patch Manager is tested present, not set
up (no compliance and no associations: coverage not-enabled) and denied."""

from __future__ import annotations

import datetime as dt

import pytest
from botocore.stub import Stubber

from tests.twins import by_name
from wafr.estate import Estate
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account
from wafr.vocabulary import FAIL, NOT_ASSESSED, PASS

REGION = "us-east-1"
DENIED = {"service_error_code": "AccessDeniedException", "http_status_code": 400,
          "service_message": "User is not authorized to perform: ssm:ListResourceComplianceSummaries"}
NAMES = ("prod-patched", "prod-missing", "prod-unmanaged", "prod-untargeted", "prod-recent", "dev-unmanaged")
NOW = dt.datetime.now(dt.timezone.utc)


def arrange(boto) -> dict[str, str]:
    ec2 = boto.client("ec2")
    image = ec2.describe_images()["Images"][0]["ImageId"]
    ids = {}
    for name in NAMES:
        tags = [{"Key": "Name", "Value": name}, {"Key": "Environment", "Value": name.split("-")[0]}]
        if name == "prod-patched":
            tags.append({"Key": "Patch", "Value": "weekly"})
        ids[name] = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, TagSpecifications=[
            {"ResourceType": "instance", "Tags": tags}])["Instances"][0]["InstanceId"]
    return ids


def information(ids):
    return {"InstanceInformationList": [
        {"InstanceId": ids[n], "PingStatus": "Online", "PlatformType": "Linux", "ResourceType": "EC2Instance",
         "AgentVersion": "3.3.0.0"} for n in NAMES if "unmanaged" not in n]}


def summary(instance_id, status, when, critical=0, high=0):
    return {"ComplianceType": "Patch", "ResourceType": "ManagedInstance", "ResourceId": instance_id,
            "Status": status, "OverallSeverity": "CRITICAL" if critical else "UNSPECIFIED",
            "ExecutionSummary": {"ExecutionTime": when, "ExecutionId": "exec-1", "ExecutionType": "Command"},
            "CompliantSummary": {"CompliantCount": 40, "SeveritySummary": {}},
            "NonCompliantSummary": {"NonCompliantCount": critical + high,
                                    "SeveritySummary": {"CriticalCount": critical, "HighCount": high}}}


def association(name, targets):
    return {"Name": "AWS-RunPatchBaseline", "AssociationId": f"assoc-{name}", "AssociationName": name,
            "AssociationVersion": "1", "Targets": targets, "ScheduleExpression": "rate(1 day)",
            "Overview": {"Status": "Success"}}


def scan(aws, ids, patching):
    """EC2 from moto; the managed instances and Patch Manager answered by the Stubber (``patching(stub)``)."""
    estate = collect_account(aws, [REGION], services=["ec2"])
    with Stubber(aws.client("ssm", REGION)) as stub:
        stub.add_response("describe_instance_information", information(ids))
        managed = collect_account(aws, [REGION], services=["ssm-managed-instances"])
        patching(stub)
        patches = collect_account(aws, [REGION], services=["ssm-patching"])
        stub.assert_no_pending_responses()
    return Estate(resources=estate.resources + managed.resources + patches.resources,
                  coverage=estate.coverage + managed.coverage + patches.coverage, metadata=dict(estate.metadata))


def present(ids):
    def answer(stub):
        stub.add_response("list_resource_compliance_summaries", {"ResourceComplianceSummaryItems": [
            summary(ids["prod-patched"], "COMPLIANT", NOW - dt.timedelta(days=1)),
            summary(ids["prod-missing"], "NON_COMPLIANT", NOW - dt.timedelta(days=2), critical=1, high=2),
            summary(ids["prod-recent"], "COMPLIANT", NOW - dt.timedelta(days=3)),
            summary(ids["prod-untargeted"], "COMPLIANT", NOW - dt.timedelta(days=200))]})
        stub.add_response("list_associations", {"Associations": [
            association("tagged", [{"Key": "tag:Patch", "Values": ["weekly"]}]),
            association("listed", [{"Key": "InstanceIds", "Values": [ids["prod-missing"]]}])]})
    return answer


@pytest.fixture
def ids(boto, aws):
    return arrange(boto)


@pytest.mark.parametrize("check,name,status", [
    ("instance-missing-patches", "prod-missing", FAIL),
    ("instance-missing-patches", "prod-patched", PASS),
    ("instance-patching-not-automated", "prod-unmanaged", FAIL),
    ("instance-patching-not-automated", "prod-untargeted", FAIL),
    ("instance-patching-not-automated", "prod-patched", PASS),
    ("instance-patching-not-automated", "prod-missing", PASS),
    ("instance-patching-not-automated", "prod-recent", PASS),
])
def test_patch_manager_present(aws, ids, check, name, status):
    found = by_name(evaluate(scan(aws, ids, present(ids))))
    assert found[(check, name)].status == status


def test_present_evidence_and_what_is_not_judged(aws, ids):
    estate = scan(aws, ids, present(ids))
    assert estate.coverage_of(aws.account, REGION, "ssm-patching").status == "assessed"
    found = by_name(evaluate(estate))
    missing = found[("instance-missing-patches", "prod-missing")]
    assert "NON_COMPLIANT: 3 patch(es) missing or failed (1 critical, 2 high)" in missing.evidence
    assert missing.risk == "HIGH"
    assert "no SSM agent" in found[("instance-patching-not-automated", "prod-unmanaged")].evidence
    assert "last patch operation was on" in found[("instance-patching-not-automated", "prod-untargeted")].evidence
    # Not production: whether it is patched automatically is not judged; never scanned: no compliance verdict.
    assert ("instance-patching-not-automated", "dev-unmanaged") not in found
    assert ("instance-missing-patches", "prod-unmanaged") not in found


def test_patch_manager_not_set_up(aws, ids):
    def answer(stub):
        stub.add_response("list_resource_compliance_summaries", {"ResourceComplianceSummaryItems": []})
        stub.add_response("list_associations", {"Associations": []})
    estate = scan(aws, ids, answer)
    cover = estate.coverage_of(aws.account, REGION, "ssm-patching")
    assert cover.status == "not-enabled" and "Patch Manager is not set up" in cover.detail
    found = by_name(evaluate(estate))
    # Managed by Systems Manager but patched by nothing: a failure, not a gap, and it says why.
    untargeted = found[("instance-patching-not-automated", "prod-patched")]
    assert untargeted.status == FAIL and "Patch Manager is not set up" in untargeted.evidence
    assert not [k for k in found if k[0] == "instance-missing-patches"]


def test_patch_manager_denied(aws, ids):
    def answer(stub):
        stub.add_client_error("list_resource_compliance_summaries", **DENIED)
    estate = scan(aws, ids, answer)
    assert estate.coverage_of(aws.account, REGION, "ssm-patching").status == "denied"
    found = by_name(evaluate(estate))
    statuses = {(check, name): f.status for (check, name), f in found.items()
                if check in ("instance-missing-patches", "instance-patching-not-automated")}
    # An instance Systems Manager does not manage cannot be patched by it, whatever Patch Manager would answer.
    assert statuses.pop(("instance-patching-not-automated", "prod-unmanaged")) == FAIL
    assert set(statuses.values()) == {NOT_ASSESSED}
    assert ("instance-patching-not-automated", "prod-patched") in statuses
