"""Security / network: what the internet can reach, how traffic flows between components, address plans,
misleading names, encryption in transit at the edge, EBS encryption and VPC flow logs."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.environment import environment_of_name, own_signal
from wafr.estate import ACCOUNT_TYPE, Estate, Resource

VPC, SUBNET, ROUTE_TABLE = "AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::RouteTable"
INTERNET_GATEWAY, NAT_GATEWAY = "AWS::EC2::InternetGateway", "AWS::EC2::NatGateway"
PEERING, VPN_GATEWAY = "AWS::EC2::VPCPeeringConnection", "AWS::EC2::VPNGateway"
CLIENT_VPN = "AWS::EC2::ClientVpnEndpoint"
TGW_ATTACHMENT = "AWS::EC2::TransitGatewayAttachment"
INSTANCE, VOLUME, ENI = "AWS::EC2::Instance", "AWS::EC2::Volume", "AWS::EC2::NetworkInterface"
SECURITY_GROUP, EBS_DEFAULT = "AWS::EC2::SecurityGroup", "AWS::EC2::EBSEncryptionByDefault"
LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"
ECS_SERVICE, RDS_INSTANCE, RDS_CLUSTER = "AWS::ECS::Service", "AWS::RDS::DBInstance", "AWS::RDS::DBCluster"
CACHE_CLUSTER, CACHE_GROUP = "AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ReplicationGroup"

PRODUCTION_LIKE = ("prod", "unknown")  # an unknown environment is treated as production until shown otherwise
WORLD = ("0.0.0.0/0", "::/0")
PRIVATE_RANGES = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
# Ports whose service should never face the internet: remote administration and data stores.
ADMIN_PORTS = {
    22: "SSH", 23: "Telnet", 3389: "RDP", 5985: "WinRM", 5986: "WinRM", 445: "SMB", 2375: "Docker",
    2376: "Docker", 2379: "etcd", 3306: "MySQL", 5432: "PostgreSQL", 1433: "SQL Server", 1521: "Oracle",
    6379: "Redis", 11211: "Memcached", 27017: "MongoDB", 9042: "Cassandra", 9200: "Elasticsearch",
    5601: "Kibana",
}
# ENIs of the edge: they belong in public subnets and are judged through their owners.
EDGE_INTERFACE_TYPES = frozenset({
    "nat_gateway", "network_load_balancer", "gateway_load_balancer", "gateway_load_balancer_endpoint",
    "vpc_endpoint", "transit_gateway", "global_accelerator_managed", "api_gateway_managed",
})
EDGE_OWNERS = frozenset({"NAT gateway", "load balancer", "endpoint"})
# Public IPs on these ENIs are judged by the ECS (assignPublicIp) and RDS (PubliclyAccessible) checks.
OWNERS_JUDGED_ELSEWHERE = frozenset({"instance", "ECS task", "RDS"})
UNCONNECTED_PEERING = frozenset({"deleted", "rejected", "expired", "failed", "pending-acceptance"})


# -- shared facts ---------------------------------------------------------------------------------------------
def named(resource: Resource) -> str:
    """``name (id)``, or just the id when it has no name."""
    return f"{resource.name} ({resource.id})" if resource.name and resource.name != resource.id else resource.id


def public_ips(resource: Resource) -> list[str]:
    """Public IPv4 addresses of an instance (all its interfaces) or of a network interface."""
    config = resource.config
    found = [config.get("PublicIpAddress"), (config.get("Association") or {}).get("PublicIp")]
    found += [(i.get("Association") or {}).get("PublicIp") for i in config.get("NetworkInterfaces", [])]
    return sorted({ip for ip in found if ip})


def eni_owner(eni: Resource, nat_interfaces: set[str]) -> str | None:
    """What an ENI belongs to, from its attachment, type and description; None for one nobody manages."""
    config = eni.config
    kind, description = config.get("InterfaceType", "interface"), config.get("Description") or ""
    if (config.get("Attachment") or {}).get("InstanceId"):
        return "instance"
    if kind == "nat_gateway" or eni.id in nat_interfaces:  # moto types NAT gateway ENIs as plain "interface"
        return "NAT gateway"
    if kind in ("network_load_balancer", "gateway_load_balancer") or description.startswith("ELB "):
        return "load balancer"
    if kind in EDGE_INTERFACE_TYPES:
        return "endpoint"
    if (description.startswith("arn:aws") and ":ecs:" in description) or kind in ("trunk", "branch"):
        return "ECS task"
    if description == "RDSNetworkInterface":
        return "RDS"
    if kind == "lambda" or description.startswith("AWS Lambda VPC ENI"):
        return "Lambda"
    if config.get("RequesterManaged"):
        return f"AWS-managed ({description[:60]})" if description else "AWS-managed"
    return None


def nat_interfaces(estate: Estate) -> set[str]:
    return {eni_id for nat in estate.of_type(NAT_GATEWAY) for eni_id in nat.link("network_interfaces")}


def vpc_networks(vpc: Resource) -> list[ipaddress.IPv4Network]:
    """The VPC's associated IPv4 ranges, primary and secondary."""
    blocks = [a["CidrBlock"] for a in vpc.config.get("CidrBlockAssociationSet", [])
              if (a.get("CidrBlockState") or {}).get("State", "associated") == "associated"]
    if not blocks and vpc.config.get("CidrBlock"):
        blocks = [vpc.config["CidrBlock"]]
    return [ipaddress.ip_network(b, strict=False) for b in dict.fromkeys(blocks)]


def subnet_of(estate: Estate, resource: Resource) -> Resource | None:
    for subnet_id in resource.link("subnets"):
        subnet = estate.get(subnet_id, SUBNET, resource.account)
        if subnet is not None:
            return subnet
    return None


def component_key(resource: Resource) -> tuple[str, str]:
    """The component a resource is part of: an Aurora member is its cluster, a cache node its replication
    group, an Auto Scaling instance its group."""
    config = resource.config
    if resource.type == RDS_INSTANCE and config.get("DBClusterIdentifier"):
        return RDS_CLUSTER, config["DBClusterIdentifier"]
    if resource.type == CACHE_CLUSTER and config.get("ReplicationGroupId"):
        return CACHE_GROUP, config["ReplicationGroupId"]
    if resource.type == INSTANCE and resource.tags.get("aws:autoscaling:groupName"):
        return "AWS::AutoScaling::AutoScalingGroup", resource.tags["aws:autoscaling:groupName"]
    return resource.type, resource.id


# How evidence names a kind of resource.
KIND_NAMES = {
    VPC: "vpc", SUBNET: "subnet", INSTANCE: "ec2", ENI: "network interface", LOAD_BALANCER: "load balancer",
    RDS_INSTANCE: "rds", RDS_CLUSTER: "rds cluster", CACHE_GROUP: "elasticache", CACHE_CLUSTER: "elasticache",
    "AWS::DynamoDB::Table": "dynamodb", "AWS::ECS::Cluster": "ecs cluster", ECS_SERVICE: "ecs service",
    "AWS::Lambda::Function": "lambda", "AWS::AutoScaling::AutoScalingGroup": "auto scaling group",
}


def kind_name(resource_type: str) -> str:
    """``AWS::RDS::DBInstance`` -> ``rds``; unlisted types as ``Service Type``."""
    if resource_type in KIND_NAMES:
        return KIND_NAMES[resource_type]
    parts = resource_type.split("::")
    return " ".join(parts[1:]) if len(parts) == 3 else resource_type


def _rules(group: Resource) -> list[dict[str, Any]] | None:
    rules = group.config.get("_rules")
    return None if rules is None else [r for r in rules if not r.get("IsEgress")]


def _rules_gap(group: Resource) -> str:
    errors = group.config.get("_errors") or {}
    why = errors.get("DescribeSecurityGroupRules", "they were not collected")
    return f"the group's rules could not be read ({why})"


def _ports(rule: dict[str, Any]) -> str:
    protocol = str(rule.get("IpProtocol", "-1"))
    if protocol == "-1":
        return "all traffic"
    start, end = rule.get("FromPort"), rule.get("ToPort")
    if start in (None, -1):
        return f"{protocol} all ports"
    return f"{protocol} {start}" if start == end else f"{protocol} {start}-{end}"


def _source(rule: dict[str, Any]) -> str | None:
    return rule.get("CidrIpv4") or rule.get("CidrIpv6")


# -- internet exposure ------------------------------------------------------------------------------------------
@check(
    "ec2-public-ip",
    title="Workload has a public IP address",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="HIGH"),
    best_practices=["SEC05-BP01", "SEC05-BP02"],
    remediation="Move the instance or interface into a private subnet and release its public or Elastic IP; publish "
                "services through a load balancer and reach hosts for administration through Client VPN or "
                "Systems Manager Session Manager instead of a public address.",
    resource_types=[INSTANCE, ENI],
    needs=("ec2", "vpc"),
)
def workload_public_ip(estate: Estate) -> Iterator[Result]:
    for instance in estate.of_type(INSTANCE):
        ips = public_ips(instance)
        if ips:
            yield fail(instance, f"The instance has public IP {', '.join(ips)} and is reachable from the internet "
                                 "wherever its security groups allow.")
        else:
            yield passed(instance, "The instance has no public IP address.")
    nats = nat_interfaces(estate)
    for eni in estate.of_type(ENI):
        owner = eni_owner(eni, nats)
        if owner in EDGE_OWNERS or owner in OWNERS_JUDGED_ELSEWHERE:
            continue
        ips = public_ips(eni)
        what = f"The network interface ({owner})" if owner else "The network interface"
        if ips:
            yield fail(eni, f"{what} has public IP {', '.join(ips)}.")
        else:
            yield passed(eni, f"{what} has no public IP address.")


@check(
    "workload-in-public-subnet",
    title="Workload placed in a public subnet",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC05-BP01"],
    remediation="Place instances, tasks and databases in private subnets (no route to the internet gateway, "
                "outbound through a NAT gateway) and keep public subnets for load balancers and NAT gateways only.",
    resource_types=[INSTANCE, ENI],
    needs=("ec2", "vpc"),
)
def workload_in_public_subnet(estate: Estate) -> Iterator[Result]:
    nats = nat_interfaces(estate)
    candidates = list(estate.of_type(INSTANCE))
    for eni in estate.of_type(ENI):
        owner = eni_owner(eni, nats)
        if owner not in EDGE_OWNERS and owner != "instance":  # an instance's ENIs are judged with the instance
            candidates.append(eni)
    for resource in candidates:
        subnet = subnet_of(estate, resource)
        if subnet is None:
            if resource.link("subnets"):
                yield not_assessed(resource, f"its subnet {resource.link('subnets')[0]} was not collected, so its "
                                             "routing is unknown")
            continue
        if subnet.config.get("_public"):
            yield fail(resource, f"It sits in public subnet {named(subnet)}, whose route table "
                                 f"{subnet.config.get('_route_table')} sends 0.0.0.0/0 to an internet gateway.")
        else:
            yield passed(resource, f"It sits in private subnet {named(subnet)}.")


def _reachable_workloads(estate: Estate) -> dict[tuple[str, str], list[str]]:
    """Production(-like) workloads the internet can address, per account x region, as evidence strings."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)

    def add(resource: Resource, why: str) -> None:
        if resource.environment in PRODUCTION_LIKE:
            found[(resource.account, resource.region)].append(f"{kind_name(resource.type)} {resource.label} ({why})")

    for instance in estate.of_type(INSTANCE):
        if public_ips(instance):
            add(instance, "public IP")
    nats = nat_interfaces(estate)
    for eni in estate.of_type(ENI):
        owner = eni_owner(eni, nats)
        if owner not in EDGE_OWNERS and owner != "instance" and public_ips(eni):
            add(eni, f"public IP on {owner or 'interface'}")
    for service in estate.of_type(ECS_SERVICE):
        network = (service.config.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
        if network.get("assignPublicIp") == "ENABLED":
            add(service, "assignPublicIp ENABLED")
    for db in estate.of_type(RDS_INSTANCE):
        if db.config.get("PubliclyAccessible"):
            add(db, "PubliclyAccessible")
    return found


@check(
    "no-private-admin-path",
    title="No private administration path: production is reached over the internet",
    pillar="security",
    focus_area="Network security",
    risk="HIGH",
    best_practices=["SEC05-BP01"],
    remediation="Put a private path in front of administration - an AWS Client VPN endpoint (or a site-to-site VPN, "
                "or Systems Manager Session Manager) - then remove the public IPs and move the workloads to private "
                "subnets.",
    resource_types=[ACCOUNT_TYPE, CLIENT_VPN, VPN_GATEWAY],
    needs=("ec2", "vpc", "client-vpn", "ecs", "rds"),
)
def no_private_admin_path(estate: Estate) -> Iterator[Result]:
    reachable = _reachable_workloads(estate)
    vpn_gateways = _count_by_place(r for r in estate.of_type(VPN_GATEWAY) if r.link("vpc"))
    client_vpns = _count_by_place(estate.of_type(CLIENT_VPN))
    for account, region in sorted(reachable):
        place = Resource(type=ACCOUNT_TYPE, id=account, account=account, region=region, name=f"{account} {region}")
        exposed = reachable[(account, region)]
        sample = "; ".join(exposed[:5]) + (f" and {len(exposed) - 5} more" if len(exposed) > 5 else "")
        clients, gateways = client_vpns.get((account, region), 0), vpn_gateways.get((account, region), 0)
        client_gap = estate.gap(account, region, "client-vpn")
        gateway_gap = estate.gap(account, region, "vpc")
        if clients or gateways:
            yield passed(place, f"{clients} Client VPN endpoint(s) and {gateways} attached VPN gateway(s) give a "
                                "private path, though these production workloads are still public: " + sample)
        elif gateway_gap:
            yield not_assessed(place, f"VPN gateways could not be read ({gateway_gap}); publicly reachable "
                                      f"production workloads: {sample}")
        else:
            vpn_text = (f"Client VPN endpoints could not be read ({client_gap}), and there is no VPN gateway"
                        if client_gap else "There is no Client VPN endpoint and no VPN gateway")
            yield fail(place, f"{vpn_text}, while production workloads are reachable from the internet: {sample}.")


def _count_by_place(resources: Iterable[Resource]) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for resource in resources:
        counts[(resource.account, resource.region)] += 1
    return counts


# -- address plan -----------------------------------------------------------------------------------------------
@dataclass(frozen=True, order=True)
class _Range:
    start: int
    end: int
    network: str
    vpc: str  # native id


def _sweep(ranges: list[_Range]) -> Iterator[tuple[_Range, _Range]]:
    """Overlapping pairs of ranges from different VPCs: sort by start, keep the ranges still open."""
    open_ranges: list[_Range] = []
    for current in sorted(ranges):
        open_ranges = [r for r in open_ranges if r.end >= current.start]
        for other in open_ranges:
            if other.vpc != current.vpc:
                yield other, current
        open_ranges.append(current)


@check(
    "vpc-cidr-overlap",
    title="VPC address ranges overlap",
    pillar="security",
    focus_area="Network security",
    risk="MEDIUM",
    best_practices=["REL02-BP05", "REL02-BP03"],
    remediation="Give every VPC its own range from one address plan (e.g. an IPAM pool per environment) so they can "
                "be peered or joined through a transit gateway later; re-create overlapping VPCs with new ranges "
                "as their workloads move.",
    resource_types=[VPC],
    needs=("vpc", "transit-gateway"),
    risk_up_to="HIGH",  # ranges that are already joined (peering, transit gateway) cannot route: HIGH
)
def vpc_cidr_overlap(estate: Estate) -> Iterator[Result]:
    vpcs = estate.of_type(VPC)
    connected = _connected_pairs(estate)
    by_place: dict[tuple[str, str], list[_Range]] = defaultdict(list)
    for vpc in vpcs:
        for network in vpc_networks(vpc):
            by_place[(vpc.account, vpc.region)].append(
                _Range(int(network.network_address), int(network.broadcast_address), str(network), vpc.id))
    # Peered VPCs count wherever they are (another region or account): the peering joins their address spaces.
    for peering in estate.of_type(PEERING):
        sides = [peering.config.get("RequesterVpcInfo") or {}, peering.config.get("AccepterVpcInfo") or {}]
        ranges = [[_Range(int(n.network_address), int(n.broadcast_address), str(n), side.get("VpcId", ""))
                   for n in _side_networks(side)] for side in sides]
        by_place[("peering", peering.id)] = ranges[0] + ranges[1]
    # So do VPCs attached to one transit gateway, whichever accounts of the organization own them.
    for gateway, vpc_ids in _gateway_members(estate).items():
        by_place[("transit-gateway", gateway)] = [
            _Range(int(n.network_address), int(n.broadcast_address), str(n), vpc.id)
            for vpc in (estate.get(v, VPC) for v in vpc_ids) if vpc for n in vpc_networks(vpc)]

    overlaps: dict[str, dict[str, set[tuple[str, str]]]] = defaultdict(lambda: defaultdict(set))
    for ranges in by_place.values():
        for a, b in _sweep(ranges):
            overlaps[a.vpc][b.vpc].add((a.network, b.network))
            overlaps[b.vpc][a.vpc].add((b.network, a.network))

    for vpc in vpcs:
        partners = overlaps.get(vpc.id)
        if not partners:
            ranges = ", ".join(str(n) for n in vpc_networks(vpc)) or "no IPv4 range"
            yield passed(vpc, f"Its range {ranges} overlaps no other VPC in the account or connected to it.")
            continue
        parts, any_connected = [], False
        for other_id, pairs in sorted(partners.items()):
            other = estate.get(other_id, VPC)
            how = connected.get(frozenset((vpc.id, other_id)), "")
            any_connected |= bool(how)
            ranges = ", ".join(f"{mine} with {theirs}" for mine, theirs in sorted(pairs))
            where = f" in account {other.account}" if other and other.account != vpc.account else ""
            parts.append(f"{named(other) if other else other_id}{where} ({ranges}{', ' + how if how else ''})")
        yield fail(vpc, f"Its range overlaps {'; '.join(parts)}.", risk="HIGH" if any_connected else None)


def _side_networks(side: dict[str, Any]) -> list[ipaddress.IPv4Network]:
    blocks = [b["CidrBlock"] for b in side.get("CidrBlockSet") or [] if b.get("CidrBlock")]
    blocks = blocks or ([side["CidrBlock"]] if side.get("CidrBlock") else [])
    return [ipaddress.ip_network(b, strict=False) for b in dict.fromkeys(blocks)]


def _connected_pairs(estate: Estate) -> dict[frozenset[str], str]:
    """VPC pairs that carry traffic between them, and how: a peering (not pending, rejected or gone) or a
    transit gateway both are attached to."""
    pairs: dict[frozenset[str], str] = {}
    for peering in estate.of_type(PEERING):
        if (peering.config.get("Status") or {}).get("Code") in UNCONNECTED_PEERING:
            continue
        ids = [(peering.config.get(k) or {}).get("VpcId") for k in ("RequesterVpcInfo", "AccepterVpcInfo")]
        if all(ids):
            pairs[frozenset(ids)] = "peered"
    for gateway, vpc_ids in _gateway_members(estate).items():
        members = sorted(vpc_ids)
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                pairs.setdefault(frozenset((a, b)), f"joined by transit gateway {gateway}")
    return pairs


def _gateway_members(estate: Estate) -> dict[str, set[str]]:
    """The VPCs attached to each transit gateway, across every account in the estate."""
    members: dict[str, set[str]] = defaultdict(set)
    for attachment in estate.of_type(TGW_ATTACHMENT):
        config = attachment.config
        if config.get("ResourceType") == "vpc" and config.get("TransitGatewayId") and config.get("ResourceId"):
            members[config["TransitGatewayId"]].add(config["ResourceId"])
    return members


# -- names ------------------------------------------------------------------------------------------------------
@check(
    "name-contradicts-environment",
    title="Resource name names a different environment than its stack or VPC",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="MEDIUM", staging="LOW", dev="LOW"),
    best_practices=["OPS02-BP01", "COST03-BP02"],
    remediation="Rename the resources (in the CDK/CloudFormation code, e.g. the VPC construct id) so their names "
                "carry the environment they serve, and tag every resource with Environment from the stack.",
    resource_types=[VPC, SUBNET, NAT_GATEWAY, ROUTE_TABLE, SECURITY_GROUP, INTERNET_GATEWAY],
    needs=("vpc", "ec2"),
)
def name_contradicts_environment(estate: Estate) -> Iterator[Result]:
    for resource in estate.of_type(VPC):
        authority = _authority(resource)
        if authority:
            yield from _judge_name(resource, *authority)
    for resource in estate.of_type(SUBNET, NAT_GATEWAY, ROUTE_TABLE, SECURITY_GROUP, INTERNET_GATEWAY):
        authority = _authority(resource)
        if authority is None and resource.type == SECURITY_GROUP:
            continue  # a group belongs to its workload: a dev group in a prod VPC is mixing, not misnaming
        if authority is None:
            vpc = next((v for v in (estate.get(i, VPC, resource.account) for i in resource.link("vpc")) if v), None)
            if vpc is None or vpc.environment == "unknown":
                continue
            authority = vpc.environment, f"its VPC {named(vpc)} is {vpc.environment} ({vpc.environment_basis})", False
        yield from _judge_name(resource, *authority)


def _authority(resource: Resource) -> tuple[str, str, bool] | None:
    """(environment, why, from construct path) from the resource's tag or stack, never from its name."""
    signal = own_signal(resource)
    if signal is None or not signal[1].startswith(("tag ", "stack ")):
        return None
    env, basis = signal
    return env, f"its {basis} says {env}", "construct path" in basis


def _judge_name(resource: Resource, env: str, why: str, skip_stack: bool) -> Iterator[Result]:
    segments = (resource.name or "").split("/")
    if skip_stack:
        segments = segments[1:]
    named_envs = [(segment, environment_of_name(segment)) for segment in segments]
    named_envs = [(segment, e) for segment, e in named_envs if e]
    if not named_envs:
        return
    wrong = [(segment, e) for segment, e in named_envs if e != env]
    if wrong:
        segment, other = wrong[0]
        yield fail(resource, f"Its name {resource.name!r} says {other} ({segment!r}), but {why}.")
    else:
        yield passed(resource, f"Its name {resource.name!r} agrees: {why}.")


# -- traffic between components ---------------------------------------------------------------------------------
@check(
    "security-group-shared-by-components",
    title="One security group shared by several components",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="HIGH"),
    best_practices=["SEC05-BP02"],
    remediation="Give each component (load balancer, each service, the database, the cache, each function) its own "
                "security group, and allow traffic between them by referencing the caller's group in the callee's "
                "ingress rules.",
    resource_types=[SECURITY_GROUP],
    needs=("ec2", "ecs", "rds", "elasticache", "lambda", "elbv2", "client-vpn"),
)
def security_group_shared(estate: Estate) -> Iterator[Result]:
    for group in estate.of_type(SECURITY_GROUP):
        components: dict[tuple[str, str], Resource] = {}
        for member in estate.linked_to("security_groups", group.id):
            if member.type in (ENI, SECURITY_GROUP) or member.account != group.account:
                continue  # an ENI duplicates the component that owns it
            components.setdefault(component_key(member), member)
        names = sorted(f"{kind_name(kind)} {_component_label(estate, kind, ident, member)}"
                       for (kind, ident), member in components.items())
        if len(names) > 1:
            yield fail(group, f"Attached to {len(names)} components: {', '.join(names)}.")
        elif names:
            yield passed(group, f"Attached to one component: {names[0]}.")


def _component_label(estate: Estate, kind: str, ident: str, member: Resource) -> str:
    """A component's name: the member's own label, or the owning cluster/group's when the member is part of one."""
    if (kind, ident) == (member.type, member.id):
        return member.label
    owner = estate.get(ident, kind, member.account)
    return owner.label if owner else ident


@check(
    "security-group-cidr-instead-of-group",
    title="Security group admits the whole VPC range instead of a peer security group",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC05-BP02"],
    remediation="Replace ingress rules from private CIDR ranges with rules that reference the security group of "
                "the component that calls this one, so only that component can connect.",
    resource_types=[SECURITY_GROUP],
    needs=("ec2", "vpc"),
)
def security_group_cidr_rules(estate: Estate) -> Iterator[Result]:
    for group in estate.of_type(SECURITY_GROUP):
        rules = _rules(group)
        if rules is None:
            yield not_assessed(group, _rules_gap(group))
            continue
        vpc = next((v for v in (estate.get(i, VPC, group.account) for i in group.link("vpc")) if v), None)
        if vpc is None:
            if any(_private_cidr(_source(r)) for r in rules):
                yield not_assessed(group, "its VPC was not collected, so whether its CIDR rules cover the VPC is "
                                          "unknown")
            continue
        networks = vpc_networks(vpc)
        wide = []
        for rule in rules:
            source = _private_cidr(_source(rule))
            covered = [n for n in networks if source is not None and source.supernet_of(n)]
            if covered:
                wide.append(f"{_ports(rule)} from {source} (covers the VPC's {covered[0]})")
        if wide:
            yield fail(group, f"Ingress {'; '.join(wide)} admits every address in the VPC rather than one "
                              "component's security group.")
        else:
            yield passed(group, "No ingress rule admits a private range covering the VPC.")


def _private_cidr(cidr: str | None) -> ipaddress.IPv4Network | None:
    if not cidr or ":" in cidr:
        return None
    network = ipaddress.ip_network(cidr, strict=False)
    return network if any(network.subnet_of(r) for r in PRIVATE_RANGES) else None


@check(
    "security-group-admin-port-open-to-internet",
    title="Administration or database port open to the internet",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="HIGH", staging="HIGH", dev="MEDIUM"),
    best_practices=["SEC05-BP02"],
    remediation="Remove the 0.0.0.0/0 and ::/0 ingress rules for administration and database ports; administer "
                "through Client VPN or Session Manager and let only the application's security group reach the "
                "database.",
    resource_types=[SECURITY_GROUP],
    needs=("ec2",),
)
def security_group_admin_ports(estate: Estate) -> Iterator[Result]:
    for group in estate.of_type(SECURITY_GROUP):
        rules = _rules(group)
        if rules is None:
            yield not_assessed(group, _rules_gap(group))
            continue
        open_ports = []
        for rule in rules:
            if _source(rule) in WORLD:
                exposed = _admin_ports(rule)
                if exposed:
                    open_ports.append(f"{_ports(rule)} ({', '.join(exposed)}) from {_source(rule)}")
        if open_ports:
            yield fail(group, f"Ingress {'; '.join(open_ports)} is open to the whole internet.")
        else:
            yield passed(group, "No administration or database port is open to 0.0.0.0/0 or ::/0.")


def _admin_ports(rule: dict[str, Any]) -> list[str]:
    protocol = str(rule.get("IpProtocol", "-1")).lower()
    if protocol not in ("-1", "tcp", "udp", "6", "17"):
        return []
    start, end = rule.get("FromPort"), rule.get("ToPort")
    if protocol == "-1" or start in (None, -1):
        start, end = 0, 65535
    if start == end:
        return [ADMIN_PORTS[start]] if start in ADMIN_PORTS else []
    return [f"{port} {name}" for port, name in sorted(ADMIN_PORTS.items()) if start <= port <= end]


# -- encryption in transit at the edge --------------------------------------------------------------------------
@check(
    "load-balancer-without-https",
    title="Internet-facing load balancer serves plain HTTP",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="HIGH"),
    best_practices=["SEC09-BP02"],
    remediation="Add an HTTPS listener with an ACM certificate and a current TLS policy, and change the HTTP "
                "listener's default action to a permanent redirect to HTTPS.",
    resource_types=[LOAD_BALANCER],
    needs=("elbv2",),
)
def load_balancer_without_https(estate: Estate) -> Iterator[Result]:
    for lb in estate.of_type(LOAD_BALANCER):
        # AWS always returns Scheme; when a record lacks it, it was created with AWS's default, internet-facing.
        if lb.config.get("Scheme", "internet-facing") != "internet-facing" or lb.config.get("Type") == "gateway":
            continue
        if "DescribeListeners" in (lb.config.get("_errors") or {}):
            yield not_assessed(lb, f"its listeners could not be read ({lb.config['_errors']['DescribeListeners']})")
            continue
        listeners = [item.config for item in estate.linked_to("load_balancer", lb.id)]
        secure = [f"{l.get('Protocol')}:{l.get('Port')}" for l in listeners if l.get("Protocol") in ("HTTPS", "TLS")]
        plain = [l for l in listeners if l.get("Protocol") == "HTTP" and not _redirects_to_https(l)]
        if plain:
            ports = ", ".join(f"HTTP:{l.get('Port')}" for l in plain)
            yield fail(lb, f"Listener {ports} serves plain HTTP without redirecting to HTTPS"
                           + (f" (HTTPS on {', '.join(secure)})." if secure else "; it has no HTTPS listener."))
        elif secure:
            yield passed(lb, f"Encrypted listeners {', '.join(secure)}; HTTP, if any, redirects to HTTPS.")
        elif listeners:
            kinds = ", ".join(sorted({f"{l.get('Protocol')}:{l.get('Port')}" for l in listeners}))
            yield not_assessed(lb, f"Only {kinds} listeners: the traffic passes through to the targets, so "
                                   "whether it is encrypted cannot be seen from the load balancer.")


def _redirects_to_https(listener: dict[str, Any]) -> bool:
    """Whether the listener's default action redirects to HTTPS (rules on paths are not read)."""
    return any(a.get("Type") == "redirect" and (a.get("RedirectConfig") or {}).get("Protocol") == "HTTPS"
               for a in listener.get("DefaultActions", []))


# -- encryption at rest -----------------------------------------------------------------------------------------
VOLUME_RISK = by_environment(prod="HIGH")


@check(
    "ebs-volume-not-encrypted",
    title="EBS volume is not encrypted",
    pillar="security",
    focus_area="Encryption at rest",
    risk=VOLUME_RISK,
    best_practices=["SEC08-BP02"],
    remediation="Snapshot the volume, copy the snapshot with encryption (KMS key), create a volume from it and swap "
                "it in; turn on EBS encryption by default so new volumes are encrypted.",
    resource_types=[VOLUME],
    needs=("ec2",),
)
def ebs_volume_not_encrypted(estate: Estate) -> Iterator[Result]:
    for volume in estate.of_type(VOLUME):
        if volume.config.get("Encrypted"):
            yield passed(volume, f"Encrypted with {volume.config.get('KmsKeyId') or 'a KMS key'}.")
            continue
        instances = [i for i in (estate.get(x, INSTANCE, volume.account) for x in volume.link("instances")) if i]
        attached = f", attached to {', '.join(named(i) for i in instances)}" if instances else ""
        # A volume carries no environment of its own; its instance's decides how much the risk weighs.
        env = volume.environment
        if env == "unknown" and instances:
            env = instances[0].environment
        size = f"{volume.config.get('Size', '?')} GiB {volume.config.get('VolumeType', '')}".strip()
        yield fail(volume, f"Encrypted is false ({size}{attached}).", risk=VOLUME_RISK[env])


@check(
    "ebs-encryption-by-default-off",
    title="EBS encryption by default is off",
    pillar="security",
    focus_area="Encryption at rest",
    risk="MEDIUM",
    best_practices=["SEC08-BP03", "SEC08-BP02"],
    remediation="Turn on EBS encryption by default in every region (EC2 settings, or `aws ec2 "
                "enable-ebs-encryption-by-default`) so every new volume and snapshot copy is encrypted.",
    resource_types=[EBS_DEFAULT],
    needs=("ec2",),
)
def ebs_encryption_by_default(estate: Estate) -> Iterator[Result]:
    for setting in estate.of_type(EBS_DEFAULT):
        if "EbsEncryptionByDefault" not in setting.config:
            why = (setting.config.get("_errors") or {}).get("GetEbsEncryptionByDefault", "not collected")
            yield not_assessed(setting, f"the setting could not be read ({why})")
        elif setting.config["EbsEncryptionByDefault"]:
            yield passed(setting, f"EbsEncryptionByDefault is true in {setting.region}.")
        else:
            yield fail(setting, f"EbsEncryptionByDefault is false in {setting.region}: new volumes are unencrypted "
                                "unless each launch asks for encryption.")


# -- detection --------------------------------------------------------------------------------------------------
@check(
    "vpc-flow-logs-missing",
    title="VPC has no flow logs",
    pillar="security",
    focus_area="Detection",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC04-BP01"],
    remediation="Enable VPC flow logs (to CloudWatch Logs or S3) on every VPC that carries workloads, so "
                "connections can be investigated after an incident.",
    resource_types=[VPC],
    needs=("vpc", "ec2"),
)
def vpc_flow_logs_missing(estate: Estate) -> Iterator[Result]:
    for vpc in estate.of_type(VPC):
        if "FlowLogs" not in vpc.config:
            why = (vpc.config.get("_errors") or {}).get("DescribeFlowLogs", "not collected")
            yield not_assessed(vpc, f"flow logs could not be read ({why})")
            continue
        if vpc.config.get("IsDefault") and not estate.linked_to("vpc", vpc.id, ENI):
            continue  # an unused default VPC carries no traffic worth logging
        active = [log for log in vpc.config["FlowLogs"] if log.get("FlowLogStatus", "ACTIVE") == "ACTIVE"]
        delivering = [log for log in active if log.get("DeliverLogsStatus") != "FAILED"]
        if delivering:
            where = ", ".join(sorted({log.get("LogDestinationType", "cloud-watch-logs") for log in delivering}))
            yield passed(vpc, f"{len(delivering)} active flow log(s) delivering to {where}.")
        elif active:
            log = active[0]
            yield fail(vpc, f"Flow log {log.get('FlowLogId')} is active but fails to deliver "
                            f"({log.get('DeliverLogsErrorMessage') or 'DeliverLogsStatus FAILED'}): connections leave "
                            "no record.")
        else:
            yield fail(vpc, "No active VPC flow log: connections in this VPC leave no record.")
