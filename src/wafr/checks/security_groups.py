"""Security groups: traffic between components - groups shared by several, CIDR rules wider than the
network, administration ports open to the internet."""

from __future__ import annotations

from collections import defaultdict

import ipaddress
from typing import Any, Iterator

from wafr.checks.network import component_key, kind_name, vpc_networks
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate, Resource
from wafr.resource_types import EC2_NETWORK_INTERFACE, EC2_SECURITY_GROUP, EC2_VPC

WORLD = ("0.0.0.0/0", "::/0")
PRIVATE_RANGES = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
# Ports whose service should never face the internet: remote administration and data stores.
ADMIN_PORTS = {
    22: "SSH", 23: "Telnet", 3389: "RDP", 5985: "WinRM", 5986: "WinRM", 445: "SMB", 2375: "Docker",
    2376: "Docker", 2379: "etcd", 3306: "MySQL", 5432: "PostgreSQL", 1433: "SQL Server", 1521: "Oracle",
    6379: "Redis", 11211: "Memcached", 27017: "MongoDB", 9042: "Cassandra", 9200: "Elasticsearch",
    5601: "Kibana",
}


def _rules(group: Resource) -> list[dict[str, Any]] | None:
    rules = group.config.get("_rules")
    return None if rules is None else [r for r in rules if not r.get("IsEgress")]


def _rules_gap(group: Resource) -> str:
    errors = group.errors
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
    resource_types=[EC2_SECURITY_GROUP],
    needs=("ec2", "ecs", "rds", "elasticache", "lambda", "elbv2", "client-vpn"),
    bullet=("Give each component its own security group instead of the shared {resources}",
            "Give each component its own security group instead of the shared groups {resources}"),
)
def security_group_shared(estate: Estate) -> Iterator[Result]:
    for group in estate.of_type(EC2_SECURITY_GROUP):
        components: dict[tuple[str, str], Resource] = {}
        for member in estate.linked_to("security_groups", group.id):
            if member.type in (EC2_NETWORK_INTERFACE, EC2_SECURITY_GROUP) or member.account != group.account:
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
    resource_types=[EC2_SECURITY_GROUP],
    needs=("ec2", "vpc"),
    bullet="Allow traffic into {resources} from peer security groups, not from the whole VPC range",
)
def security_group_cidr_rules(estate: Estate) -> Iterator[Result]:
    for group in estate.of_type(EC2_SECURITY_GROUP):
        rules = _rules(group)
        if rules is None:
            yield not_assessed(group, _rules_gap(group))
            continue
        vpc = next((v for v in (estate.get(i, EC2_VPC, group.account) for i in group.link("vpc")) if v), None)
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
    resource_types=[EC2_SECURITY_GROUP],
    needs=("ec2",),
    bullet="Close administration and database ports to the internet on {resources}",
)
def security_group_admin_ports(estate: Estate) -> Iterator[Result]:
    for group in estate.of_type(EC2_SECURITY_GROUP):
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


# -- defaults and leftovers -------------------------------------------------------------------------------------
@check(
    "security-group-default-allows-traffic",
    title="A VPC's default security group has rules",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC05-BP02"],
    remediation="Remove every inbound and outbound rule from the default security group of each VPC and give each "
                "component a security group of its own: anything launched without a group lands in the default one "
                "and inherits what it allows (CIS AWS Foundations 5.4).",
    bullet="Empty the default security groups {resources}",
    each=EC2_SECURITY_GROUP,
)
def security_group_default_allows_traffic(group: Resource, estate: Estate) -> Result | None:
    if group.config.get("GroupName") != "default":
        return None
    rules = group.config.get("_rules")
    if rules is None:
        return not_assessed(group, _rules_gap(group))
    if not rules:
        return passed(group, "The default security group has no inbound or outbound rule.")
    inbound = [r for r in rules if not r.get("IsEgress")]
    outbound = [r for r in rules if r.get("IsEgress")]
    members = estate.linked_to("security_groups", group.id, EC2_NETWORK_INTERFACE)
    using = f"; {len(members)} network interface(s) use it" if members else ""
    allowed = "; ".join(filter(None, [
        f"inbound {', '.join(_ports(r) + ' from ' + _peer(r) for r in inbound)}" if inbound else "",
        f"outbound {', '.join(_ports(r) + ' to ' + _peer(r) for r in outbound)}" if outbound else ""]))
    # Only the allow-all egress AWS creates it with: what lands in it can call out, not be called.
    return fail(group, f"It allows {allowed}{using}.", risk=None if inbound else "LOW")


def _peer(rule: dict[str, Any]) -> str:
    return _source(rule) or (rule.get("ReferencedGroupInfo") or {}).get("GroupId") or rule.get("PrefixListId") or "?"


@check(
    "security-group-unused",
    title="Security group that opens ports is attached to nothing",
    pillar="security",
    focus_area="Network security",
    risk="LOW",
    # Its rules allow traffic to no one today; attached by mistake to the next component, they allow it there: the
    # rules in force should be only those a component needs.
    best_practices=["SEC05-BP02"],
    remediation="Delete security groups no network interface uses and no other group references, so the rules that "
                "remain are the ones in force and a forgotten permissive group cannot be attached by mistake.",
    bullet="Delete the unused security groups {resources}",
    resource_types=[EC2_SECURITY_GROUP],
)
def security_group_unused(estate: Estate) -> Iterator[Result]:
    referenced: dict[tuple[str, str], list[str]] = defaultdict(list)  # (account, group) -> groups whose rules name it
    for other in estate.of_type(EC2_SECURITY_GROUP):
        for rule in other.config.get("_rules") or []:
            target = (rule.get("ReferencedGroupInfo") or {}).get("GroupId")
            if target and target != other.id:
                referenced[(other.account, target)].append(other.id)
    for group in estate.of_type(EC2_SECURITY_GROUP):
        if group.config.get("GroupName") == "default" or not group.config.get("IpPermissions"):
            continue  # a default group cannot be deleted (the check above judges it); a group with no inbound rule opens nothing
        if estate.linked_to("security_groups", group.id, EC2_NETWORK_INTERFACE):
            yield passed(group, "Network interfaces use it.")
        elif by := sorted(set(referenced.get((group.account, group.id), ()))):
            yield passed(group, f"No network interface uses it, but the rules of {', '.join(by)} refer to it.")
        elif members := [m for m in estate.linked_to("security_groups", group.id) if m.type != EC2_SECURITY_GROUP]:
            yield passed(group, f"No network interface uses it now, but {members[0].label} names it.")
        else:
            yield fail(group, "It allows inbound traffic, yet no network interface uses it and no other security group "
                              "refers to it.")
