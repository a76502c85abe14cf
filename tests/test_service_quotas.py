"""Service quotas close to their limit: Service Quotas' value (from moto, which serves AWS's defaults) against the
scan's own count of the resources each quota limits, per account and Region."""

from __future__ import annotations

from denial import deny
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account

BUSY, QUIET = "us-east-1", "us-west-2"
SERVICES = ["service-quotas", "vpc", "ec2"]


def quota_findings(estate):
    return {(f.resource["region"], f.resource["id"]): f for f in evaluate(estate)
            if f.check_id == "service-quota-near-limit"}


def test_a_region_near_its_vpc_quota_fails_and_a_quiet_one_passes(aws, boto):
    ec2 = boto.client("ec2", region_name=BUSY)
    for i in range(3):  # with the default VPC: 4 of the default quota of 5
        ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")
    verdicts = quota_findings(collect_account(aws, [BUSY, QUIET], services=SERVICES))
    busy = verdicts[(BUSY, "vpc/L-F678F1CE")]
    assert busy.status == "FAIL" and "4 in use" in busy.evidence and "limit of 5" in busy.evidence
    assert "80%" in busy.evidence and busy.best_practices == ["REL01-BP02", "REL01-BP06"]
    assert verdicts[(QUIET, "vpc/L-F678F1CE")].status == "PASS"
    assert verdicts[(BUSY, "vpc/L-E79EC296")].status == "PASS"


def test_a_quota_at_its_limit_is_high_risk(aws, boto):
    ec2 = boto.client("ec2", region_name=BUSY)
    for i in range(4):
        ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")
    busy = quota_findings(collect_account(aws, [BUSY], services=SERVICES))[(BUSY, "vpc/L-F678F1CE")]
    assert busy.status == "FAIL" and busy.risk == "HIGH"


def test_an_unread_count_is_not_assessed(aws, boto):
    deny(aws.session.events, ["DescribeVpcs"])
    verdicts = quota_findings(collect_account(aws, [BUSY], services=SERVICES))
    assert verdicts[(BUSY, "vpc/L-F678F1CE")].status == "NOT_ASSESSED"
    assert "vpc" in verdicts[(BUSY, "vpc/L-F678F1CE")].evidence


def test_a_quota_moto_cannot_serve_is_a_note_not_a_gap(aws):
    cover = collect_account(aws, [BUSY], services=SERVICES).coverage_of(aws.account, BUSY, "service-quotas")
    assert cover.status == "assessed" and "EC2-VPC Elastic IPs (L-0263D0A3) not read" in cover.detail


def test_every_quota_denied_is_a_gap(aws):
    deny(aws.session.events, ["GetServiceQuota"])
    denied = collect_account(aws, [BUSY], services=SERVICES)
    assert denied.coverage_of(aws.account, BUSY, "service-quotas").status == "denied"
    assert {f.status for f in quota_findings(denied).values()} == {"NOT_ASSESSED"}


def test_elastic_ips_near_the_default_quota_fail(aws, boto):
    """moto's Service Quotas has no EC2 quotas and no GetAWSDefaultServiceQuota, so the service-quotas client is
    answered by botocore's Stubber in the API reference's shapes (ServiceQuota; NoSuchResourceException for a quota
    never changed); the Elastic IPs and VPCs themselves come from moto."""
    from botocore.stub import Stubber

    ec2 = boto.client("ec2", region_name=BUSY)
    for _ in range(4):
        ec2.allocate_address(Domain="vpc")

    def quota(service, code, name, value):
        return {"Quota": {"ServiceCode": service, "QuotaCode": code, "QuotaName": name, "Value": value,
                          "Adjustable": True, "GlobalQuota": False,
                          "QuotaArn": f"arn:aws:servicequotas:{BUSY}:123456789012:{service}/{code}"}}

    with Stubber(aws.client("service-quotas", BUSY)) as stub:
        stub.add_response("get_service_quota", quota("vpc", "L-F678F1CE", "VPCs per Region", 5.0))
        stub.add_response("get_service_quota", quota("vpc", "L-A4707A72", "Internet gateways per Region", 5.0))
        stub.add_response("get_service_quota", quota("vpc", "L-E79EC296", "VPC security groups per Region", 2500.0))
        stub.add_client_error("get_service_quota", service_error_code="NoSuchResourceException",
                              service_message="The request failed because the specified quota doesn't exist.")
        stub.add_response("get_aws_default_service_quota", quota("ec2", "L-0263D0A3", "EC2-VPC Elastic IPs", 5.0),
                          {"ServiceCode": "ec2", "QuotaCode": "L-0263D0A3"})
        estate = collect_account(aws, [BUSY], services=[*SERVICES, "elastic-ips"])
        stub.assert_no_pending_responses()
    found = quota_findings(estate)[(BUSY, "ec2/L-0263D0A3")]
    assert found.status == "FAIL" and "4 in use" in found.evidence and "AWS default" in found.evidence
