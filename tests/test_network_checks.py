"""Network-security checks on an estate arranged in moto: each check FAILs on the bad resource and PASSes
(or stays quiet) on the good one."""

from dataclasses import replace

import boto3
import pytest
from moto import mock_aws

from wafr.checks.registry import all_checks
from wafr.estate import Coverage, Estate, Resource
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.session import open_session

REGION = "us-east-1"
# Every service the network checks need: one not read would withhold their passes (a gap is never a pass).
NETWORK_MODULES = {f"wafr.checks.{m}" for m in ("internet_exposure", "vpc", "security_groups", "environment_names",
                                                 "load_balancers", "block_storage")}
SERVICES = sorted({need for c in all_checks().values() if c.fn.__module__ in NETWORK_MODULES for need in c.needs})


def tagged(kind, name, **extra):
    tags = [{"Key": "Name", "Value": name}] + [{"Key": k, "Value": v} for k, v in extra.items()]
    return [{"ResourceType": kind, "Tags": tags}]


def arrange(boto):
    """Bad and good examples side by side; returns their ids by role."""
    ec2, elbv2 = boto.client("ec2"), boto.client("elbv2")
    ids = {}

    def vpc(role, cidr, name):
        ids[role] = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=tagged("vpc", name))["Vpc"]["VpcId"]
        return ids[role]

    def subnet(role, vpc_id, cidr, zone, name):
        ids[role] = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=zone,
                                      TagSpecifications=tagged("subnet", name))["Subnet"]["SubnetId"]
        return ids[role]

    def group(role, name, vpc_id, *permissions):
        ids[role] = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"]
        if permissions:
            ec2.authorize_security_group_ingress(GroupId=ids[role], IpPermissions=list(permissions))
        return ids[role]

    # The sample's production VPC: CDK stack prodVpcStack, construct named staging-VPC.
    prod = vpc("prod_vpc", "10.0.0.0/16", "prodVpcStack/staging-VPC")
    public = subnet("public", prod, "10.0.1.0/24", "us-east-1a", "prodVpcStack/staging-VPC/PublicSubnet1")
    private = subnet("private", prod, "10.0.2.0/24", "us-east-1b", "prodVpcStack/staging-VPC/PrivateSubnet1")
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=prod)
    table = ec2.create_route_table(VpcId=prod)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=table, SubnetId=public)
    nat_name = "prodVpcStack/staging-VPC/PublicSubnet1/NATGateway"
    nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=ec2.allocate_address(Domain="vpc")["AllocationId"],
                                 TagSpecifications=tagged("natgateway", nat_name))
    ids["nat"] = nat["NatGateway"]["NatGatewayId"]
    ids["nat_eni"] = nat["NatGateway"]["NatGatewayAddresses"][0]["NetworkInterfaceId"]

    # Overlapping ranges: staging (not peered) and dev (peered with prod); a shared-services VPC overlaps none.
    vpc("staging_vpc", "10.0.0.0/16", "stagingVpcStack/staging-VPC")
    dev = vpc("dev_vpc", "10.0.128.0/17", "devVpcStack/dev-VPC")
    peering = ec2.create_vpc_peering_connection(VpcId=prod, PeerVpcId=dev)["VpcPeeringConnection"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=peering["VpcPeeringConnectionId"])
    clean = vpc("clean_vpc", "10.50.0.0/16", "sharedServicesVpc")
    boto.client("logs").create_log_group(logGroupName="vpc-flow-logs")
    ec2.create_flow_logs(ResourceIds=[clean], ResourceType="VPC", TrafficType="ALL", LogGroupName="vpc-flow-logs",
                         DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow-logs")

    # Security groups: world-open database/SSH, a VPC-wide CIDR rule, and one that only references a group.
    group("open_sg", "db-open-sg", prod,
          {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
          {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]})
    group("wide_sg", "vpc-wide-sg", prod,
          {"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]})
    app_sg = group("app_sg", "app-sg", prod,
                   {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]})
    group("ref_sg", "peer-ref-sg", prod,
          {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": app_sg}]})
    lb_sg = group("lb_sg", "secure-alb-sg", prod)

    # Instances: a public web host in the public subnet, a private one behind it; both on app-sg.
    def instance(role, subnet_id, public_ip, name):
        reservation = ec2.run_instances(
            ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
            NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet_id, "Groups": [app_sg],
                                "AssociatePublicIpAddress": public_ip}],
            TagSpecifications=tagged("instance", name, Environment="prod"))
        ids[role] = reservation["Instances"][0]["InstanceId"]

    instance("public_instance", public, True, "prod-web")
    instance("private_instance", private, False, "prod-worker")
    eni = ec2.create_network_interface(SubnetId=public, Groups=[app_sg])["NetworkInterface"]["NetworkInterfaceId"]
    ec2.associate_address(AllocationId=ec2.allocate_address(Domain="vpc")["AllocationId"], NetworkInterfaceId=eni)
    ids["public_eni"] = eni
    ids["plain_volume"] = ec2.create_volume(AvailabilityZone="us-east-1a", Size=20)["VolumeId"]
    ec2.attach_volume(VolumeId=ids["plain_volume"], InstanceId=ids["public_instance"], Device="/dev/sdf")
    ids["encrypted_volume"] = ec2.create_volume(AvailabilityZone="us-east-1a", Size=20, Encrypted=True)["VolumeId"]

    # Load balancers: plain HTTP, HTTPS with an HTTP redirect, and an internal one.
    def balancer(role, name, group_id, scheme="internet-facing"):
        lb = elbv2.create_load_balancer(Name=name, Subnets=[public, private], SecurityGroups=[group_id], Scheme=scheme)
        ids[role] = lb["LoadBalancers"][0]["LoadBalancerArn"]
        return ids[role]

    forward = [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200"}}]
    plain = balancer("plain_lb", "prod-alb", app_sg)
    elbv2.create_listener(LoadBalancerArn=plain, Protocol="HTTP", Port=80, DefaultActions=forward)
    secure = balancer("secure_lb", "secure-alb", lb_sg)
    certificate = boto.client("acm").request_certificate(DomainName="shop.example.com")["CertificateArn"]
    elbv2.create_listener(LoadBalancerArn=secure, Protocol="HTTPS", Port=443, DefaultActions=forward,
                          Certificates=[{"CertificateArn": certificate}])
    elbv2.create_listener(LoadBalancerArn=secure, Protocol="HTTP", Port=80, DefaultActions=[
        {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}])
    internal = balancer("internal_lb", "internal-alb", lb_sg, scheme="internal")
    elbv2.create_listener(LoadBalancerArn=internal, Protocol="HTTP", Port=80, DefaultActions=forward)
    return ids


@pytest.fixture(scope="module")
def scanned():
    """One moto estate, collected and judged once (moto's EC2 start-up dominates a test's time)."""
    with mock_aws():
        aws = open_session(region=REGION)
        ids = arrange(boto3.Session(region_name=REGION))
        estate = collect_account(aws, [REGION], services=SERVICES)
        yield aws, ids, estate, evaluate(estate)


def results(findings, check_id):
    return {f.resource["id"]: f for f in findings if f.check_id == check_id}


def test_public_ip_on_instance_and_interface_fails_and_private_passes(scanned):
    _, ids, _, findings = scanned
    found = results(findings, "ec2-public-ip")
    bad = found[ids["public_instance"]]
    assert bad.status == "FAIL" and bad.risk == "HIGH" and "public IP" in bad.evidence
    assert found[ids["public_eni"]].status == "FAIL"
    assert found[ids["private_instance"]].status == "PASS"
    assert ids["nat_eni"] not in found  # a NAT gateway's address is its purpose


def test_workload_in_public_subnet(scanned):
    _, ids, _, findings = scanned
    found = results(findings, "workload-in-public-subnet")
    bad = found[ids["public_instance"]]
    assert bad.status == "FAIL" and "prodVpcStack/staging-VPC/PublicSubnet1" in bad.evidence
    assert found[ids["public_eni"]].status == "FAIL"
    assert found[ids["private_instance"]].status == "PASS"
    assert ids["nat_eni"] not in found


def test_no_private_admin_path_fails_and_says_client_vpn_could_not_be_read(scanned):
    aws, _, _, findings = scanned
    [finding] = results(findings, "no-private-admin-path").values()
    assert finding.status == "FAIL" and finding.resource["region"] == REGION
    assert "Client VPN endpoints could not be read" in finding.evidence and "prod-web" in finding.evidence


def test_a_vpn_gateway_is_a_private_admin_path(scanned):
    aws, ids, estate, _ = scanned
    gateway = Resource(type="AWS::EC2::VPNGateway", id="vgw-1", account=aws.account, region=REGION,
                       links={"vpc": [ids["prod_vpc"]]})
    with_vpn = Estate([replace(r) for r in estate.resources] + [gateway], list(estate.coverage), dict(estate.metadata))
    [finding] = results(evaluate(with_vpn), "no-private-admin-path").values()
    assert finding.status == "PASS"


def test_no_private_admin_path_is_not_assessed_without_vpc_coverage(scanned):
    aws, _, estate, _ = scanned
    coverage = [c for c in estate.coverage if c.service != "vpc"]
    coverage.append(Coverage(aws.account, REGION, "vpc", "denied", "UnauthorizedOperation"))
    blind = Estate([replace(r) for r in estate.resources], coverage, dict(estate.metadata))
    [finding] = results(evaluate(blind), "no-private-admin-path").values()
    assert finding.status == "NOT_ASSESSED" and "denied" in finding.evidence


def test_overlapping_vpc_ranges(scanned):
    _, ids, _, findings = scanned
    found = results(findings, "vpc-cidr-overlap")
    prod = found[ids["prod_vpc"]]
    assert prod.status == "FAIL" and prod.risk == "HIGH"  # overlapping and peered with dev
    assert "stagingVpcStack/staging-VPC" in prod.evidence and "devVpcStack/dev-VPC" in prod.evidence
    assert "10.0.0.0/16 with 10.0.128.0/17, peered" in prod.evidence
    staging = found[ids["staging_vpc"]]
    assert staging.status == "FAIL" and staging.risk == "MEDIUM" and "devVpcStack/dev-VPC" in staging.evidence
    assert found[ids["clean_vpc"]].status == "PASS"


def test_names_that_contradict_the_stack(scanned):
    _, ids, _, findings = scanned
    found = results(findings, "name-contradicts-environment")
    for role in ("prod_vpc", "public", "private", "nat"):
        assert found[ids[role]].status == "FAIL", role
    assert "says staging" in found[ids["public"]].evidence and "prodVpcStack" in found[ids["public"]].evidence
    assert found[ids["staging_vpc"]].status == "PASS"
    assert found[ids["dev_vpc"]].status == "PASS"


def test_security_group_shared_by_components(scanned):
    _, ids, _, findings = scanned
    found = results(findings, "security-group-shared-by-components")
    shared = found[ids["app_sg"]]
    assert shared.status == "FAIL"
    assert all(name in shared.evidence for name in ("prod-web", "prod-worker", "prod-alb"))
    assert found[ids["lb_sg"]].status == "FAIL"  # secure-alb and internal-alb
    assert ids["open_sg"] not in found  # attached to nothing


def test_cidr_rules_where_a_group_reference_would_do(scanned):
    _, ids, _, findings = scanned
    found = results(findings, "security-group-cidr-instead-of-group")
    bad = found[ids["wide_sg"]]
    assert bad.status == "FAIL" and "tcp 6379 from 10.0.0.0/16" in bad.evidence
    assert found[ids["ref_sg"]].status == "PASS"


def test_admin_ports_open_to_the_internet(scanned):
    _, ids, _, findings = scanned
    found = results(findings, "security-group-admin-port-open-to-internet")
    bad = found[ids["open_sg"]]
    assert bad.status == "FAIL" and "tcp 5432 (PostgreSQL)" in bad.evidence and "tcp 22 (SSH) from ::/0" in bad.evidence
    assert found[ids["app_sg"]].status == "PASS"  # 443 to the world is a web front door
    assert found[ids["ref_sg"]].status == "PASS"


def test_internet_facing_load_balancer_without_https(scanned):
    _, ids, _, findings = scanned
    found = results(findings, "load-balancer-without-https")
    bad = found[ids["plain_lb"]]
    assert bad.status == "FAIL" and "HTTP:80" in bad.evidence and "no HTTPS listener" in bad.evidence
    assert found[ids["secure_lb"]].status == "PASS"
    assert ids["internal_lb"] not in found


def test_unencrypted_ebs_volume(scanned):
    _, ids, _, findings = scanned
    found = results(findings, "ebs-volume-not-encrypted")
    bad = found[ids["plain_volume"]]
    assert bad.status == "FAIL" and bad.risk == "HIGH" and "prod-web" in bad.evidence  # risk of its prod instance
    assert found[ids["encrypted_volume"]].status == "PASS"


def test_ebs_encryption_by_default(scanned):
    aws, _, estate, findings = scanned
    [off] = results(findings, "ebs-encryption-by-default-off").values()
    assert off.status == "FAIL" and "EbsEncryptionByDefault is false" in off.evidence
    setting = estate.get(aws.account, "AWS::EC2::EBSEncryptionByDefault")
    on = Estate([replace(setting, config={"EbsEncryptionByDefault": True})], list(estate.coverage))
    [passed] = results(evaluate(on), "ebs-encryption-by-default-off").values()
    assert passed.status == "PASS"


def test_vpc_flow_logs(scanned):
    _, ids, _, findings = scanned
    found = results(findings, "vpc-flow-logs-missing")
    assert found[ids["prod_vpc"]].status == "FAIL"
    assert found[ids["clean_vpc"]].status == "PASS"


def test_no_network_check_raised(scanned):
    _, _, _, findings = scanned
    broken = [f for f in findings if f.evidence.startswith("the check could not run")]
    assert not broken, broken[0].evidence


# -- estates built from resources: other people's resource types, and AWS shapes moto does not produce -----------
ACCOUNT = "123456789012"


def resource(type_, id_, name="", links=None, config=None, tags=None):
    return Resource(type=type_, id=id_, account=ACCOUNT, region=REGION, name=name, links=links or {},
                    config=config or {}, tags=tags or {})


def test_one_security_group_on_every_production_component_fails_naming_them():
    sg = {"security_groups": ["sg-prod"]}
    estate = Estate([
        resource("AWS::EC2::SecurityGroup", "sg-prod", "prod-sg", config={"_rules": []}),
        resource("AWS::ElasticLoadBalancingV2::LoadBalancer", "arn:lb/prod-alb", "prod-alb", links=sg),
        resource("AWS::ECS::Service", "arn:svc/backend-service", "backend-service", links=sg),
        resource("AWS::ECS::Service", "arn:svc/paymaster-service", "paymaster-service", links=sg),
        resource("AWS::RDS::DBInstance", "prod-postgres", "prod-postgres", links=sg),
        resource("AWS::ElastiCache::ReplicationGroup", "prod-redis", "prod-redis", links=sg),
        resource("AWS::Lambda::Function", "prod-fn", "prod-fn", links=sg),
        resource("AWS::EC2::NetworkInterface", "eni-1", links=sg),  # duplicates its owner: not counted
    ])
    finding = results(evaluate(estate), "security-group-shared-by-components")["sg-prod"]
    assert finding.status == "FAIL" and finding.evidence.startswith("Attached to 6 components")
    assert all(n in finding.evidence for n in ("prod-alb", "backend-service", "paymaster-service", "prod-postgres",
                                               "prod-redis", "prod-fn"))


def test_members_of_one_cluster_are_one_component():
    sg = {"security_groups": ["sg-db"]}
    estate = Estate([
        resource("AWS::EC2::SecurityGroup", "sg-db", "aurora-sg", config={"_rules": []}),
        resource("AWS::RDS::DBCluster", "orders", "orders", links=sg),
        resource("AWS::RDS::DBInstance", "orders-1", "orders-1", links=sg, config={"DBClusterIdentifier": "orders"}),
        resource("AWS::RDS::DBInstance", "orders-2", "orders-2", links=sg, config={"DBClusterIdentifier": "orders"}),
    ])
    finding = results(evaluate(estate), "security-group-shared-by-components")["sg-db"]
    assert finding.status == "PASS" and "orders" in finding.evidence


def test_all_traffic_from_the_internet_opens_every_admin_port():
    rules = [{"IsEgress": False, "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv4": "0.0.0.0/0"}]
    estate = Estate([resource("AWS::EC2::SecurityGroup", "sg-any", "wide-open", config={"_rules": rules})])
    finding = results(evaluate(estate), "security-group-admin-port-open-to-internet")["sg-any"]
    assert finding.status == "FAIL" and "all traffic" in finding.evidence and "3389 RDP" in finding.evidence


def test_unreadable_rules_are_not_assessed_rather_than_passed():
    group = resource("AWS::EC2::SecurityGroup", "sg-x", "x",
                     config={"_errors": {"DescribeSecurityGroupRules": "UnauthorizedOperation"}})
    findings = evaluate(Estate([group]))
    for check_id in ("security-group-admin-port-open-to-internet", "security-group-cidr-instead-of-group"):
        finding = results(findings, check_id)["sg-x"]
        assert finding.status == "NOT_ASSESSED" and "UnauthorizedOperation" in finding.evidence


def test_service_owned_interfaces():
    """ENI shapes as AWS documents them for NAT gateways, load balancers and Fargate tasks."""
    public_subnet = resource("AWS::EC2::Subnet", "subnet-pub", "public",
                             config={"_public": True, "_route_table": "rtb-1"})
    on_subnet = {"subnets": ["subnet-pub"]}
    ip = {"Association": {"PublicIp": "203.0.113.10"}}
    estate = Estate([
        public_subnet,
        resource("AWS::EC2::NetworkInterface", "eni-nat", links=on_subnet,
                 config={**ip, "InterfaceType": "nat_gateway"}),
        resource("AWS::EC2::NetworkInterface", "eni-elb", links=on_subnet,
                 config={**ip, "InterfaceType": "interface", "Description": "ELB app/prod-alb/50dc6c495c0c9188",
                         "RequesterManaged": True}),
        resource("AWS::EC2::NetworkInterface", "eni-task", links=on_subnet,
                 config={**ip, "InterfaceType": "interface", "RequesterManaged": True,
                         "Description": "arn:aws:ecs:us-east-1:123456789012:attachment/1f2e3d4c"}),
    ])
    findings = evaluate(estate)
    public_ip, in_public = results(findings, "ec2-public-ip"), results(findings, "workload-in-public-subnet")
    assert not public_ip  # the NAT and ELB addresses are their purpose; the task's is the ECS check's
    assert set(in_public) == {"eni-task"} and in_public["eni-task"].status == "FAIL"


def test_load_balancer_whose_listeners_could_not_be_read_or_pass_tcp_through():
    estate = Estate([
        resource("AWS::ElasticLoadBalancingV2::LoadBalancer", "arn:lb/a", "a",
                 config={"Scheme": "internet-facing", "Type": "application",
                         "_errors": {"DescribeListeners": "AccessDenied"}}),
        resource("AWS::ElasticLoadBalancingV2::LoadBalancer", "arn:lb/n", "n",
                 config={"Scheme": "internet-facing", "Type": "network"}),
        resource("AWS::ElasticLoadBalancingV2::Listener", "arn:listener/n", links={"load_balancer": ["arn:lb/n"]},
                 config={"Protocol": "TCP", "Port": 443}),
    ])
    found = results(evaluate(estate), "load-balancer-without-https")
    assert found["arn:lb/a"].status == "NOT_ASSESSED" and "AccessDenied" in found["arn:lb/a"].evidence
    assert found["arn:lb/n"].status == "NOT_ASSESSED" and "TCP:443" in found["arn:lb/n"].evidence
