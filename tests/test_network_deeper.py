"""Deeper network checks: NAT gateways per zone, S3 gateway endpoints, peerings (a mesh, production joined with
development), default and unused security groups, automated network protection, and links to on-premises.

Each check FAILs on a bad resource and PASSes on its clean twin. VPCs, subnets, routes, NAT gateways, endpoints,
peerings, security groups and Network Firewall are arranged in moto and read by the real collectors. moto lacks
Firewall Manager, Direct Connect virtual interfaces and VPN tunnel telemetry: those reads are answered by
botocore's Stubber on the scan's own client, shaped as the AWS API references document them (ListPolicies,
DescribeConnections, DescribeVirtualInterfaces, DescribeVpnConnections with VgwTelemetry). Firewall Manager has a
test for "present" (its policies judged), "not enabled" (not the administrator account) and "denied"."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from twins import by_name
from wafr.checks.registry import all_checks
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.session import open_session

REGION, ACCOUNT = "us-east-1", "123456789012"
MINE = ("nat-gateway-shared-across-zones", "nat-gateway-per-zone-outside-production",
        "vpc-nat-without-s3-gateway-endpoint", "vpc-peering-mesh", "peering-links-production-with-non-production",
        "transit-gateway-links-production-with-non-production",
        "security-group-default-allows-traffic", "security-group-unused",
        "internet-facing-vpc-without-managed-firewall", "vpn-tunnel-down", "on-premises-single-path")
SERVICES = ["vpc", "ec2", "vpc-endpoints", "transit-gateway", "network-firewall", "fms"]
DENIED = {"service_error_code": "AccessDeniedException", "http_status_code": 403,
          "service_message": f"User: arn:aws:iam::{ACCOUNT}:user/scanner is not authorized to perform this action"}
NOT_ADMINISTRATOR = {"service_error_code": "AccessDeniedException", "http_status_code": 400,
                     "service_message": "Operation: ListPolicies is only available to Administration account in AWS "
                                        "Firewall Manager."}
# A Firewall Manager policy summary as ListPolicies documents it; a WAF policy protects endpoints, not VPCs.
POLICY_ID = "2f6c0d3e-5b1a-4c7e-9f0a-8d2b1c3e4f5a"  # ListPolicies' PolicyId is 36 characters
WAF_POLICY = {"PolicyArn": f"arn:aws:fms:{REGION}:{ACCOUNT}:policy/{POLICY_ID}", "PolicyId": POLICY_ID,
              "PolicyName": "edge-waf",
              "ResourceType": "AWS::ElasticLoadBalancingV2::LoadBalancer", "SecurityServiceType": "WAFV2",
              "RemediationEnabled": True, "DeleteUnusedFMManagedResources": False, "PolicyStatus": "ACTIVE"}


def mine():
    checks = all_checks()
    return {k: checks[k] for k in MINE}


def tags(kind, name, env=None):
    found = [{"Key": "Name", "Value": name}] + ([{"Key": "Environment", "Value": env}] if env else [])
    return [{"ResourceType": kind, "Tags": found}]


def build_vpc(ec2, name, env, second, nat_zones, route_private):
    """A VPC 10.<second>.0.0/16 with a public subnet per NAT zone (a NAT gateway in each) and private subnets in
    zones a and b, each routed to the NAT gateway of the zone ``route_private`` names for it."""
    vpc = ec2.create_vpc(CidrBlock=f"10.{second}.0.0/16", TagSpecifications=tags("vpc", name, env))["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public_table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    nats, tables = {}, []
    for i, zone in enumerate(nat_zones):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{second}.{i}.0/24", AvailabilityZone=f"{REGION}{zone}",
                                   TagSpecifications=tags("subnet", f"{name}-public-{zone}"))["Subnet"]["SubnetId"]
        ec2.associate_route_table(RouteTableId=public_table, SubnetId=subnet)
        nats[zone] = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=ec2.allocate_address(Domain="vpc")[
            "AllocationId"])["NatGateway"]["NatGatewayId"]
    for i, zone in enumerate("ab"):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{second}.{10 + i}.0/24",
                                   AvailabilityZone=f"{REGION}{zone}",
                                   TagSpecifications=tags("subnet", f"{name}-private-{zone}"))["Subnet"]["SubnetId"]
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nats[route_private[zone]])
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
        tables.append(table)
    return vpc, tables


def peer(ec2, name, a, b):
    peering = ec2.create_vpc_peering_connection(VpcId=a, PeerVpcId=b, TagSpecifications=tags(
        "vpc-peering-connection", name))["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=peering)


def default_group(ec2, vpc):
    return ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                 {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]


def arrange(boto):
    ec2 = boto.client("ec2")
    shared, _ = build_vpc(ec2, "prod-shared-nat", "prod", 1, "a", {"a": "a", "b": "a"})
    per_zone, per_zone_tables = build_vpc(ec2, "prod-nat-per-zone", "prod", 2, "ab", {"a": "a", "b": "b"})
    build_vpc(ec2, "dev-nat-per-zone", "dev", 3, "ab", {"a": "a", "b": "b"})
    dev_one, _ = build_vpc(ec2, "dev-one-nat", "dev", 4, "a", {"a": "a", "b": "a"})
    ec2.create_vpc_endpoint(VpcId=per_zone, ServiceName=f"com.amazonaws.{REGION}.s3", VpcEndpointType="Gateway",
                            RouteTableIds=per_zone_tables)

    peer(ec2, "prod-to-dev", shared, dev_one)
    peer(ec2, "prod-to-prod", per_zone, shared)
    mesh = [ec2.create_vpc(CidrBlock=f"10.{20 + i}.0.0/16", TagSpecifications=tags("vpc", f"mesh-{i}"))["Vpc"]["VpcId"]
            for i in range(4)]
    for i, a in enumerate(mesh):
        for b in mesh[i + 1:]:
            peer(ec2, f"mesh-{a}-{b}", a, b)

    # The clean twin of a default group with rules: one with every rule revoked.
    clean = default_group(ec2, per_zone)
    ec2.revoke_security_group_ingress(GroupId=clean["GroupId"], IpPermissions=clean["IpPermissions"])
    ec2.revoke_security_group_egress(GroupId=clean["GroupId"], IpPermissions=clean["IpPermissionsEgress"])
    used = ec2.create_security_group(GroupName="app-sg", Description="app", VpcId=per_zone)["GroupId"]
    referenced = ec2.create_security_group(GroupName="lb-sg", Description="lb", VpcId=per_zone)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=used, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": referenced}]}])
    leftover = ec2.create_security_group(GroupName="leftover-sg", Description="nobody", VpcId=per_zone)["GroupId"]
    for opened in (leftover, referenced):  # a group with no inbound rule opens nothing, and is not judged
        ec2.authorize_security_group_ingress(GroupId=opened, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [per_zone]}])["Subnets"][0]["SubnetId"]
    ec2.create_network_interface(SubnetId=subnet, Groups=[used])

    # A transit gateway: one route table takes production to development, another keeps production to itself.
    gateway = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    attachments = {vpc: ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=gateway, VpcId=vpc, SubnetIds=[ec2.describe_subnets(Filters=[
            {"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"]])["TransitGatewayVpcAttachment"][
        "TransitGatewayAttachmentId"] for vpc in (shared, per_zone, dev_one)}
    for name, sender, target in (("tgw-prod-to-dev", shared, dev_one), ("tgw-prod-only", per_zone, shared)):
        table = ec2.create_transit_gateway_route_table(TransitGatewayId=gateway, TagSpecifications=tags(
            "transit-gateway-route-table", name))["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
        ec2.associate_transit_gateway_route_table(TransitGatewayAttachmentId=attachments[sender],
                                                  TransitGatewayRouteTableId=table)
        ec2.enable_transit_gateway_route_table_propagation(TransitGatewayAttachmentId=attachments[target],
                                                           TransitGatewayRouteTableId=table)

    firewall_subnet = ec2.create_subnet(VpcId=per_zone, CidrBlock="10.2.100.0/28",
                                        AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
    boto.client("network-firewall").create_firewall(
        FirewallName="prod-egress", VpcId=per_zone, SubnetMappings=[{"SubnetId": firewall_subnet}],
        FirewallPolicyArn=f"arn:aws:network-firewall:{REGION}:{ACCOUNT}:firewall-policy/egress")
    return {"default_bad": default_group(ec2, shared)["GroupId"], "default_good": clean["GroupId"],
            "mesh": mesh}


def scan(arranger, services, stubs):
    """Arrange in moto, then collect ``services`` with the clients ``stubs`` names answered by their Stubbers."""
    with mock_aws():
        arranged = arranger(boto3.Session(region_name=REGION)) if arranger else None
        session = open_session(region=REGION)
        stubbers = []
        for client, answer in stubs.items():
            stubber = Stubber(session.client(client, REGION))
            answer(stubber)
            stubber.activate()
            stubbers.append(stubber)
        estate = collect_account(session, [REGION], services=services)
        for stubber in stubbers:
            stubber.assert_no_pending_responses()
            stubber.deactivate()
    return estate, arranged


@pytest.fixture(scope="module")
def arranged():
    estate, ids = scan(arrange, SERVICES,
                       {"fms": lambda stub: stub.add_response("list_policies", {"PolicyList": [WAF_POLICY]})})
    findings = evaluate(estate, mine())
    return estate, by_name(findings), ids, findings


CASES = [
    ("nat-gateway-shared-across-zones", "prod-shared-nat", "prod-nat-per-zone"),
    ("nat-gateway-per-zone-outside-production", "dev-nat-per-zone", "dev-one-nat"),
    ("vpc-nat-without-s3-gateway-endpoint", "prod-shared-nat", "prod-nat-per-zone"),
    ("peering-links-production-with-non-production", "prod-to-dev", "prod-to-prod"),
    ("transit-gateway-links-production-with-non-production", "tgw-prod-to-dev", "tgw-prod-only"),
    ("security-group-unused", "leftover-sg", "app-sg"),
    ("internet-facing-vpc-without-managed-firewall", "prod-shared-nat", "prod-nat-per-zone"),
]


@pytest.mark.parametrize("check_id, bad, good", CASES)
def test_bad_fails_and_clean_twin_passes(arranged, check_id, bad, good):
    _, found, _, _ = arranged
    assert found[(check_id, bad)].status == "FAIL", found[(check_id, bad)].evidence
    assert found[(check_id, good)].status == "PASS", found[(check_id, good)].evidence


def test_what_the_failures_say(arranged):
    _, found, _, _ = arranged
    assert "serves us-east-1a, us-east-1b" in found[("nat-gateway-shared-across-zones", "prod-shared-nat")].evidence
    assert "no S3 gateway endpoint" in found[("vpc-nat-without-s3-gateway-endpoint", "prod-shared-nat")].evidence
    linked = found[("peering-links-production-with-non-production", "prod-to-dev")]
    assert linked.risk == "HIGH" and "(prod," in linked.evidence and "(dev," in linked.evidence
    assert found[("security-group-unused", "lb-sg")].status == "PASS"  # referenced by app-sg's rule
    # Only production is judged for a NAT gateway per zone, only other environments for the cost of one.
    assert ("nat-gateway-shared-across-zones", "dev-one-nat") not in found
    assert ("nat-gateway-per-zone-outside-production", "prod-nat-per-zone") not in found


def test_default_groups_and_the_mesh(arranged):
    estate, found, ids, findings = arranged
    named = {r.id: r.name for r in estate}
    defaults = {f.resource["id"]: f for f in findings if f.check_id == "security-group-default-allows-traffic"}
    assert defaults[ids["default_bad"]].status == "FAIL"  # moto's default group keeps its allow-all egress rule
    assert "outbound all traffic to 0.0.0.0/0" in defaults[ids["default_bad"]].evidence
    assert defaults[ids["default_bad"]].risk == "LOW"  # egress only: nothing can call in
    assert defaults[ids["default_good"]].status == "PASS"
    mesh = {named[v] for v in ids["mesh"]}
    verdicts = {name: f for (check, name), f in found.items() if check == "vpc-peering-mesh"}
    failed = [n for n, f in verdicts.items() if f.status == "FAIL"]
    assert len(failed) == 1 and failed[0] in mesh and "4 VPCs" in verdicts[failed[0]].evidence
    assert verdicts["prod-shared-nat"].status == "PASS"  # a group of three: no mesh


# -- Firewall Manager: not enabled, denied --------------------------------------------------------------------
NETWORK_FIREWALL_POLICY = {**WAF_POLICY, "PolicyName": "vpc-inspection", "SecurityServiceType": "NETWORK_FIREWALL",
                           "ResourceType": "AWS::EC2::VPC"}


@pytest.mark.parametrize("answer, status, verdict", [
    ({"PolicyList": [NETWORK_FIREWALL_POLICY]}, "assessed", "PASS"),   # present: a network policy protects VPCs
    (NOT_ADMINISTRATOR, "not-enabled", "NOT_ASSESSED"),                # not the Firewall Manager administrator
    (DENIED, "denied", "NOT_ASSESSED"),
])
def test_firewall_manager_present_not_enabled_denied(answer, status, verdict):
    def arrange_prod(boto):
        ec2 = boto.client("ec2")
        build_vpc(ec2, "prod-web", "prod", 7, "a", {"a": "a", "b": "a"})

    def answer_fms(stub):
        if "PolicyList" in answer:
            stub.add_response("list_policies", answer)
        else:
            stub.add_client_error("list_policies", **answer)

    estate, _ = scan(arrange_prod, ["vpc", "network-firewall", "fms"], {"fms": answer_fms})
    assert estate.coverage_of(ACCOUNT, REGION, "fms").status == status
    found = by_name(evaluate(estate, mine()))
    assert found[("internet-facing-vpc-without-managed-firewall", "prod-web")].status == verdict


# -- links to on-premises -------------------------------------------------------------------------------------
def vpn(vpn_id, *tunnels):
    """A VpnConnection as DescribeVpnConnections documents it, with the secrets AWS returns in it."""
    return {"VpnConnectionId": vpn_id, "State": "available", "Type": "ipsec.1", "Category": "VPN",
            "CustomerGatewayId": "cgw-1", "VpnGatewayId": "vgw-1",
            "CustomerGatewayConfiguration": "<vpn_connection><pre_shared_key>PSK-SECRET-1</pre_shared_key>"
                                            "</vpn_connection>",
            "Options": {"StaticRoutesOnly": False, "TunnelOptions": [
                {"OutsideIpAddress": f"203.0.113.{i}", "PreSharedKey": "PSK-SECRET-2"} for i in range(2)]},
            "VgwTelemetry": [{"OutsideIpAddress": f"203.0.113.{i}", "Status": status, "AcceptedRouteCount": 1,
                              "StatusMessage": ""} for i, status in enumerate(tunnels)],
            "Tags": [{"Key": "Name", "Value": vpn_id}]}


def dx(connection_id, location):
    return {"ownerAccount": ACCOUNT, "connectionId": connection_id, "connectionName": connection_id,
            "connectionState": "available", "region": REGION, "location": location, "bandwidth": "1Gbps"}


VIF = {"ownerAccount": ACCOUNT, "virtualInterfaceId": "dxvif-1", "location": "EqDC2", "connectionId": "dxcon-1",
       "virtualInterfaceType": "private", "virtualInterfaceName": "to-dc", "vlan": 101, "asn": 65000,
       "authKey": "BGP-SECRET", "virtualInterfaceState": "available", "virtualGatewayId": "vgw-1"}


def hybrid(vpns, connections=None, vifs=(), denied=False):
    def answer_ec2(stub):
        stub.add_response("describe_vpn_connections", {"VpnConnections": vpns})

    def answer_dx(stub):
        if denied:
            stub.add_client_error("describe_connections", **DENIED)
            return
        stub.add_response("describe_connections", {"connections": connections or []})
        stub.add_response("describe_virtual_interfaces", {"virtualInterfaces": list(vifs)})

    estate, _ = scan(None, ["vpn-connections", "directconnect"], {"ec2": answer_ec2, "directconnect": answer_dx})
    return estate, by_name(evaluate(estate, mine()))


def test_vpn_tunnels_and_secrets_dropped():
    estate, found = hybrid([vpn("vpn-one-up", "UP", "DOWN"), vpn("vpn-both-up", "UP", "UP")],
                           [dx("dxcon-1", "EqDC2")], [VIF])
    assert found[("vpn-tunnel-down", "vpn-one-up")].status == "FAIL"
    assert found[("vpn-tunnel-down", "vpn-both-up")].status == "PASS"
    assert found[("on-premises-single-path", f"{ACCOUNT} {REGION}")].status == "PASS"
    dumped = json.dumps([r.to_dict() for r in estate], default=str)
    assert "PSK-SECRET" not in dumped and "BGP-SECRET" not in dumped
    assert "UP" in dumped and "dxvif-1" in dumped  # what the checks read is kept


@pytest.mark.parametrize("vpns, connections, denied, status", [
    ([vpn("vpn-a", "UP", "UP")], [], False, "FAIL"),                               # one VPN, nothing else
    ([], [dx("dxcon-1", "EqDC2"), dx("dxcon-2", "EqDC2")], False, "FAIL"),         # two circuits, one location
    ([], [dx("dxcon-1", "EqDC2"), dx("dxcon-2", "CSVA1")], False, "PASS"),         # two locations
    ([vpn("vpn-a", "UP", "UP")], None, True, "NOT_ASSESSED"),                      # Direct Connect unread
])
def test_one_path_to_on_premises(vpns, connections, denied, status):
    estate, found = hybrid(vpns, connections, denied=denied)
    assert found[("on-premises-single-path", f"{ACCOUNT} {REGION}")].status == status


def test_denied_reads_are_not_assessed_never_passed(aws):
    """A denied route-table read or endpoint listing leaves the verdicts that rest on it unknown."""
    from denial import deny

    arrange(boto3.Session(region_name=REGION))
    deny(aws.session.events, ["GetTransitGatewayRouteTablePropagations", "DescribeVpcEndpoints"])
    estate = collect_account(aws, [REGION], services=["vpc", "ec2", "vpc-endpoints"])  # no transit gateway read
    found = by_name(evaluate(estate, mine()))
    assert {f.status for (check, _), f in found.items() if check.startswith("transit-gateway")} == {"NOT_ASSESSED"}
    assert found[("vpc-nat-without-s3-gateway-endpoint", "prod-nat-per-zone")].status == "NOT_ASSESSED"
    assert found[("nat-gateway-shared-across-zones", "prod-shared-nat")].status == "FAIL"  # its reads succeeded
    mesh = [f for (check, _), f in found.items() if check == "vpc-peering-mesh" and "4 VPCs" in f.evidence]
    assert [f.status for f in mesh] == ["NOT_ASSESSED"]  # no transit gateway read: no mesh verdict


def test_a_denied_route_table_read_is_not_assessed(aws):
    from denial import deny

    arrange(boto3.Session(region_name=REGION))
    deny(aws.session.events, ["GetTransitGatewayRouteTablePropagations"])
    estate = collect_account(aws, [REGION], services=["vpc", "transit-gateway"])
    found = by_name(evaluate(estate, mine()))
    for name in ("tgw-prod-to-dev", "tgw-prod-only"):
        verdict = found[("transit-gateway-links-production-with-non-production", name)]
        assert verdict.status == "NOT_ASSESSED" and "GetTransitGatewayRouteTablePropagations" in verdict.evidence
