"""Address plans across an organization: overlapping ranges matter where VPCs of different accounts are connected
(a cross-account peering, a shared transit gateway) and not where they are not."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws
from test_organization import REGION, member_client

from wafr.estate import Estate, Resource
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account, collect_organization
from wafr.sources.aws.session import open_session

VPC, TGW_ATTACHMENT = "AWS::EC2::VPC", "AWS::EC2::TransitGatewayAttachment"
SERVICES = ["vpc", "transit-gateway", "organizations"]


def overlap(findings):
    return {f.resource["id"]: f for f in findings if f.check_id == "vpc-cidr-overlap"}


@pytest.fixture(scope="module")
def peered_org():
    """Three members with the same range 10.20.0.0/16; the first two are peered across accounts."""
    with mock_aws():
        org = boto3.client("organizations", region_name=REGION)
        org.create_organization(FeatureSet="ALL")
        members, vpcs = [], []
        for i in range(3):
            account = org.create_account(AccountName=f"net-{i}", Email=f"n{i}@example.com")
            members.append(account["CreateAccountStatus"]["AccountId"])
            vpcs.append(member_client(members[-1], "ec2").create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"])
        peering = member_client(members[0], "ec2").create_vpc_peering_connection(
            VpcId=vpcs[0], PeerVpcId=vpcs[1], PeerOwnerId=members[1])["VpcPeeringConnection"]
        member_client(members[1], "ec2").accept_vpc_peering_connection(
            VpcPeeringConnectionId=peering["VpcPeeringConnectionId"])
        base = open_session(region=REGION)
        yield collect_organization(base, [REGION], accounts=members, services=SERVICES), members, vpcs


def test_overlap_with_a_vpc_peered_from_another_account_fails_high(peered_org):
    estate, members, vpcs = peered_org
    found = overlap(evaluate(estate))
    first = found[vpcs[0]]
    assert first.status == "FAIL" and first.risk == "HIGH"
    assert f"in account {members[1]}" in first.evidence and "peered" in first.evidence
    assert found[vpcs[1]].status == "FAIL" and f"in account {members[0]}" in found[vpcs[1]].evidence


def test_the_same_range_in_an_unconnected_account_passes(peered_org):
    estate, _, vpcs = peered_org
    assert overlap(evaluate(estate))[vpcs[2]].status == "PASS"


def test_vpcs_of_two_accounts_on_one_transit_gateway_are_connected():
    """The gateway owner's attachments, as the transit-gateway collector yields them, name the other account's VPC."""
    def vpc(account, vpc_id):
        return Resource(type=VPC, id=vpc_id, account=account, region=REGION,
                        config={"VpcId": vpc_id, "CidrBlock": "10.30.0.0/16", "OwnerId": account})

    def attachment(attachment_id, vpc_id, owner):
        return Resource(type=TGW_ATTACHMENT, id=attachment_id, account="111111111111", region=REGION,
                        config={"TransitGatewayAttachmentId": attachment_id, "TransitGatewayId": "tgw-shared",
                                "ResourceType": "vpc", "ResourceId": vpc_id, "ResourceOwnerId": owner,
                                "State": "available"})

    estate = Estate(resources=[vpc("111111111111", "vpc-hub"), vpc("222222222222", "vpc-spoke"),
                               vpc("333333333333", "vpc-alone"),
                               attachment("tgw-attach-1", "vpc-hub", "111111111111"),
                               attachment("tgw-attach-2", "vpc-spoke", "222222222222")])
    found = overlap(evaluate(estate))
    assert found["vpc-hub"].status == "FAIL" and found["vpc-hub"].risk == "HIGH"
    assert "joined by transit gateway tgw-shared" in found["vpc-hub"].evidence
    assert found["vpc-alone"].status == "PASS"


def test_transit_gateway_collector_links_the_attached_vpc(aws, boto):
    ec2 = boto.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.40.0.0/24")["Subnet"]["SubnetId"]
    gateway = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=gateway, VpcId=vpc_id, SubnetIds=[subnet])
    estate = collect_account(aws, [REGION], services=["transit-gateway"])
    (attachment,) = estate.of_type(TGW_ATTACHMENT)
    assert attachment.link("vpc") == [vpc_id] and attachment.config["TransitGatewayId"] == gateway
    assert estate.assessed(aws.account, REGION, "transit-gateway")
