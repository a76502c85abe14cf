"""The network collectors (vpc, ec2, client-vpn, elbv2) read what was arranged in moto."""

import boto3
import pytest
from moto import mock_aws

from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.session import open_session

REGION = "us-east-1"


@pytest.fixture(scope="module")
def aws():
    """The conftest ``aws`` fixture at module scope: moto starts and seeds its EC2 backend once per file, which
    is most of a test's time, and the collectors only read."""
    with mock_aws():
        yield open_session(region=REGION)


def name_tag(kind, name, **extra):
    tags = [{"Key": "Name", "Value": name}] + [{"Key": k, "Value": v} for k, v in extra.items()]
    return [{"ResourceType": kind, "Tags": tags}]


@pytest.fixture(scope="module")
def network(aws):
    """A VPC with a public and a private subnet, an IGW, a NAT gateway, a peering, a VPN gateway, an instance
    with a public IP, an extra volume, a security group with rules and an ALB with one listener."""
    boto = boto3.Session(region_name=REGION)
    ec2 = boto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16",
                         TagSpecifications=name_tag("vpc", "prodVpcStack/staging-VPC"))["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a",
                               TagSpecifications=name_tag("subnet", "prodVpcStack/staging-VPC/PublicSubnet1"))
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1b")
    public, private = public["Subnet"]["SubnetId"], private["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=public_rt, SubnetId=public)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat_name = "prodVpcStack/staging-VPC/PublicSubnet1/NATGateway"
    nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=allocation,
                                 TagSpecifications=name_tag("natgateway", nat_name))
    other_vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    peering = ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=other_vpc)["VpcPeeringConnection"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    sg = ec2.create_security_group(GroupName="prod-sg", Description="prod", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                 NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": public, "Groups": [sg],
                                                     "AssociatePublicIpAddress": True}],
                                 TagSpecifications=name_tag("instance", "dev-migration-runner", Environment="dev"))
    instance_id = instance["Instances"][0]["InstanceId"]
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10)["VolumeId"]
    ec2.attach_volume(VolumeId=volume, InstanceId=instance_id, Device="/dev/sdf")
    elbv2 = boto.client("elbv2")
    lb = elbv2.create_load_balancer(Name="prod-alb", Subnets=[public, private], SecurityGroups=[sg],
                                    Scheme="internet-facing", Tags=[{"Key": "Environment", "Value": "prod"}])
    lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
    listener = elbv2.create_listener(LoadBalancerArn=lb_arn, Protocol="HTTP", Port=80, DefaultActions=[
        {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200"}}])["Listeners"][0]["ListenerArn"]
    # A target group, so the collector reads target health too (every call it declares is made).
    elbv2.create_target_group(Name="prod-web", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="instance")
    return dict(vpc=vpc, public=public, private=private, igw=igw, public_rt=public_rt,
                nat=nat["NatGateway"]["NatGatewayId"], other_vpc=other_vpc, peering=peering["VpcPeeringConnectionId"],
                vgw=vgw, sg=sg, instance=instance_id, volume=volume, lb=lb_arn, listener=listener)


def test_vpc_collector_reads_vpcs_subnets_routes_gateways_and_peering(aws, network):
    estate = collect_account(aws, [REGION], services=["vpc"])
    assert estate.coverage_of(aws.account, REGION, "vpc").status == "assessed"
    get = estate.get
    vpc = get(network["vpc"], "AWS::EC2::VPC")
    assert vpc.name == "prodVpcStack/staging-VPC" and vpc.config["CidrBlock"] == "10.0.0.0/16"
    assert vpc.config["FlowLogs"] == []
    public, private = get(network["public"], "AWS::EC2::Subnet"), get(network["private"], "AWS::EC2::Subnet")
    assert (public.config["_public"], public.config["_route_table"]) == (True, network["public_rt"])
    assert private.config["_public"] is False  # the main table has only the local route
    assert private.config["_route_table"] != network["public_rt"]
    assert public.links["vpc"] == [network["vpc"]]
    table = get(network["public_rt"], "AWS::EC2::RouteTable")
    assert table.links == {"vpc": [network["vpc"]], "subnets": [network["public"]]}
    assert get(network["igw"], "AWS::EC2::InternetGateway").links == {"vpc": [network["vpc"]]}
    nat = get(network["nat"], "AWS::EC2::NatGateway")
    assert nat.links["subnets"] == [network["public"]] and nat.name.endswith("/NATGateway")
    peering = get(network["peering"], "AWS::EC2::VPCPeeringConnection")
    assert sorted(peering.links["vpc"]) == sorted([network["vpc"], network["other_vpc"]])
    assert get(network["vgw"], "AWS::EC2::VPNGateway").links == {"vpc": [network["vpc"]]}


def test_ec2_collector_reads_instances_volumes_interfaces_groups_and_default_encryption(aws, network):
    estate = collect_account(aws, [REGION], services=["ec2"])
    assert estate.coverage_of(aws.account, REGION, "ec2").status == "assessed"
    instance = estate.get(network["instance"], "AWS::EC2::Instance")
    assert instance.name == "dev-migration-runner" and instance.tags["Environment"] == "dev"
    assert instance.links["vpc"] == [network["vpc"]] and instance.links["subnets"] == [network["public"]]
    assert instance.links["security_groups"] == [network["sg"]]
    eni = estate.get(instance.links["network_interfaces"][0], "AWS::EC2::NetworkInterface")
    assert eni.config["Association"]["PublicIp"]
    assert eni.links["instances"] == [network["instance"]] and eni.links["security_groups"] == [network["sg"]]
    volume = estate.get(network["volume"], "AWS::EC2::Volume")
    assert volume.config["Encrypted"] is False and volume.links == {"instances": [network["instance"]]}
    group = estate.get(network["sg"], "AWS::EC2::SecurityGroup")
    assert group.name == "prod-sg" and group.links == {"vpc": [network["vpc"]]}
    ingress = [r for r in group.config["_rules"] if not r["IsEgress"]]
    assert [(r["FromPort"], r["CidrIpv4"]) for r in ingress] == [(5432, "10.0.0.0/16")]
    default = estate.get(aws.account, "AWS::EC2::EBSEncryptionByDefault")
    assert default.region == REGION and default.config == {"EbsEncryptionByDefault": False}


def test_elbv2_collector_reads_load_balancers_listeners_and_tags(aws, network):
    estate = collect_account(aws, [REGION], services=["elbv2"])
    lb = estate.get(network["lb"], "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert lb.name == "prod-alb" and lb.tags == {"Environment": "prod"}
    assert lb.config["Scheme"] == "internet-facing"
    assert lb.links == {"vpc": [network["vpc"]], "subnets": [network["public"], network["private"]],
                        "security_groups": [network["sg"]]}
    listener = estate.get(network["listener"], "AWS::ElasticLoadBalancingV2::Listener")
    assert listener.config["Protocol"] == "HTTP" and listener.links == {"load_balancer": [network["lb"]]}


def test_client_vpn_is_unsupported_under_moto_and_says_so(aws, network):
    estate = collect_account(aws, [REGION], services=["client-vpn"])
    coverage = estate.coverage_of(aws.account, REGION, "client-vpn")
    assert coverage.status == "unsupported" and "describe_client_vpn_endpoints" in coverage.detail


def test_client_vpn_endpoints_are_collected_from_the_documented_response(aws):
    """moto lacks DescribeClientVpnEndpoints, so botocore's Stubber answers with AWS's documented shape."""
    from botocore.stub import Stubber

    from wafr.sources.aws.context import CollectContext
    from wafr.sources.aws.registry import all_collectors

    ec2 = aws.client("ec2", REGION)
    endpoint = {"ClientVpnEndpointId": "cvpn-endpoint-0123456789abcdef0", "Description": "admin access",
                "Status": {"Code": "available"}, "VpcId": "vpc-1", "SecurityGroupIds": ["sg-1"],
                "ClientCidrBlock": "172.16.0.0/22", "Tags": [{"Key": "Name", "Value": "prod-admin-vpn"}]}
    ctx = CollectContext(account=aws.account, region=REGION, partition="aws",
                         client_factory=lambda service, region: ec2)
    with Stubber(ec2) as stub:
        stub.add_response("describe_client_vpn_endpoints", {"ClientVpnEndpoints": [endpoint]})
        [resource] = list(all_collectors()["client-vpn"].collect(ctx))
    assert resource.type == "AWS::EC2::ClientVpnEndpoint" and resource.name == "prod-admin-vpn"
    assert resource.links == {"vpc": ["vpc-1"], "security_groups": ["sg-1"]}


def test_a_failing_detail_call_is_recorded_on_the_resource_not_dropped(aws, network):
    """A denied DescribeSecurityGroupRules (Stubber, AWS's error shape) leaves the groups with ``_errors``."""
    from botocore.stub import Stubber

    from wafr.sources.aws.context import CollectContext
    from wafr.sources.aws.registry import all_collectors

    ec2 = aws.client("ec2", REGION)
    groups = ec2.describe_security_groups(GroupIds=[network["sg"]])["SecurityGroups"]
    ctx = CollectContext(account=aws.account, region=REGION, partition="aws",
                         client_factory=lambda service, region: ec2)
    with Stubber(ec2) as stub:
        for operation in ("describe_instances", "describe_volumes", "describe_network_interfaces"):
            stub.add_response(operation, {})
        stub.add_client_error("describe_security_group_rules", "UnauthorizedOperation", http_status_code=403)
        stub.add_response("describe_security_groups", {"SecurityGroups": groups})
        stub.add_response("get_ebs_encryption_by_default", {"EbsEncryptionByDefault": True})
        resources = list(all_collectors()["ec2"].collect(ctx))
    [group] = [r for r in resources if r.type == "AWS::EC2::SecurityGroup"]
    assert group.config["_errors"] == {"DescribeSecurityGroupRules": "UnauthorizedOperation"}
    assert "_rules" not in group.config
    assert ctx.notes == ["describe_security_group_rules: UnauthorizedOperation"]


def test_each_collector_declares_exactly_the_calls_it_makes(aws, network):
    from wafr.sources.aws.policy import iam_action
    from wafr.sources.aws.registry import all_collectors

    seen = set()

    def record(model=None, **_):
        service = model.service_model
        seen.add(iam_action(service.service_name, service.signing_name, model.name))

    # The session's clients already exist (earlier tests), so listen on them rather than on the session.
    clients = [aws.client("ec2", REGION), aws.client("elbv2", REGION)]
    for client in clients:
        client.meta.events.register("before-parameter-build.*.*", record)
    try:
        for name in ("vpc", "ec2", "elbv2", "client-vpn"):
            seen.clear()
            collect_account(aws, [REGION], services=[name], max_workers=1)
            assert seen == set(all_collectors()[name].permissions), name
    finally:
        for client in clients:
            client.meta.events.unregister("before-parameter-build.*.*", record)
