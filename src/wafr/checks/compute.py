"""EC2 instances: the metadata service, monitoring, instance generation and Graviton, long-stopped instances,
interactive access without Session Manager, and Elastic IPs nobody uses. Public IPs and subnets are judged in
checks/internet_exposure.py; EBS volumes and snapshots in checks/block_storage.py."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterator

from wafr.checks import instance_families as families
from wafr.checks.identity import as_of
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate, Resource, by_account
from wafr.metrics.pricing import public_ipv4
from wafr.phrases import first_few
from wafr.resource_types import ACCOUNT, EC2_EIP, EC2_INSTANCE, EC2_SECURITY_GROUP, SSM_MANAGED_INSTANCE

LONG_STOPPED_DAYS = 30  # a month stopped: the volumes still bill, and the instance is likely forgotten
ADMIN_PORTS = {22: "SSH", 3389: "RDP"}
_STOPPED_AT = re.compile(r"\((\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})")
SAMPLE = 5


def state(instance: Resource) -> str:
    return (instance.config.get("State") or {}).get("Name", "")


def running(estate: Estate) -> list[Resource]:
    return [i for i in estate.of_type(EC2_INSTANCE) if state(i) == "running"]


def sample(items: list[str]) -> str:
    return first_few(items, SAMPLE)


@check(
    "ec2-imdsv2-not-required",
    title="EC2 instance accepts IMDSv1 metadata requests",
    pillar="security",
    focus_area="Compute protection",
    risk=by_environment(prod="HIGH"),
    best_practices=["SEC06-BP02"],
    remediation="Require IMDSv2 (HttpTokens=required) on the instance and in its launch template, and set the "
                "account's instance metadata defaults to IMDSv2 so new instances start hardened.",
    resource_types=[EC2_INSTANCE],
    needs=("ec2",),
)
def ec2_imdsv2_not_required(estate: Estate) -> Iterator[Result]:
    for instance in estate.of_type(EC2_INSTANCE):
        options = instance.config.get("MetadataOptions")
        if not options:
            yield not_assessed(instance, "The instance's metadata options were not reported.")
        elif options.get("HttpEndpoint") == "disabled":
            yield passed(instance, "The instance metadata service is turned off.")
        elif options.get("HttpTokens") == "required":
            yield passed(instance, "IMDSv2 is required (HttpTokens=required).")
        else:
            yield fail(instance, f"HttpTokens is {options.get('HttpTokens', 'optional')}: a server-side request "
                                 "forgery in any process on the instance can read its role's credentials with a "
                                 "plain GET (IMDSv1).")


@check(
    "ec2-detailed-monitoring-off",
    title="Production EC2 instance has only basic (5-minute) monitoring",
    pillar="performance-efficiency",
    focus_area="Workload efficiency",
    risk="LOW",
    best_practices=["PERF02-BP03"],
    remediation="Turn on detailed monitoring for production instances (or their launch template), so CPU, network "
                "and disk metrics arrive every minute for alarms, scaling and right-sizing.",
    resource_types=[EC2_INSTANCE],
    needs=("ec2",),
)
def ec2_detailed_monitoring_off(estate: Estate) -> Iterator[Result]:
    for instance in running(estate):
        if not estate.in_production(instance):
            continue  # a coarse view of dev is enough
        monitoring = (instance.config.get("Monitoring") or {}).get("State", "disabled")
        if monitoring == "enabled":
            yield passed(instance, "Detailed monitoring is enabled (1-minute metrics).")
        else:
            yield fail(instance, f"Monitoring is {monitoring}: its metrics arrive every 5 minutes, too coarse to "
                                 "see short saturation or to scale on it promptly.")


@check(
    "ec2-instance-previous-generation",
    title="EC2 instance runs on a previous-generation instance family",
    pillar="performance-efficiency",
    focus_area="Compute selection",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["PERF02-BP02"],
    remediation="Move the instance to a current-generation family of the same profile (m4 to m7g or m7i, c4 to "
                "c7g, t2 to t4g or t3): more performance per vCPU at a lower price.",
    resource_types=[EC2_INSTANCE],
    needs=("ec2",),
)
def ec2_instance_previous_generation(estate: Estate) -> Iterator[Result]:
    for instance in estate.of_type(EC2_INSTANCE):
        kind = str(instance.config.get("InstanceType", ""))
        if not kind:
            yield not_assessed(instance, "The instance type was not reported.")
        elif families.is_previous_generation(kind):
            better = families.graviton_equivalent(kind)
            yield fail(instance, f"{kind} is a previous-generation family"
                                 + (f"; {better} serves the same profile on Graviton." if better else "."))
        else:
            yield passed(instance, f"{kind} is a current-generation family.")


def _hardware_share(instances: list[Resource]) -> tuple[str, list[str]]:
    """The evidence sentence on vCPU shares, and the x86 instances that have a Graviton equivalent."""
    total = graviton = current = 0
    unsized, candidates = [], []
    for instance in sorted(instances, key=lambda i: i.label):
        kind = str(instance.config.get("InstanceType", ""))
        count = families.vcpus(instance.config)
        if count is None:
            unsized.append(kind)
            continue
        total += count
        graviton += count if families.is_graviton(kind) else 0
        current += 0 if families.is_previous_generation(kind) else count
        equivalent = None if families.is_graviton(kind) else families.graviton_equivalent(kind)
        if equivalent:
            candidates.append(f"{instance.label} ({kind} -> {equivalent})")
    if not total:
        return "", candidates
    share = (f"{graviton / total:.0%} of the {total} vCPU running on EC2 is Graviton and {current / total:.0%} is "
             f"current generation ({len(instances) - len(unsized)} instance(s))")
    if unsized:
        share += f"; {len(unsized)} instance(s) of unknown size left out ({sample(sorted(set(unsized)))})"
    return share, candidates


@check(
    "ec2-graviton-share-low",
    title="EC2 instances run on x86 where Graviton serves the same profile",
    pillar="sustainability",
    focus_area="Hardware efficiency",
    risk="LOW",
    best_practices=["SUS05-BP02", "PERF02-BP02"],
    remediation="Move instances whose family has a Graviton equivalent (m, c, r, t) to it, starting with "
                "stateless and interpreted workloads (Java, Python, Node.js, containers built for arm64): Graviton "
                "does the same work with up to 60% less energy, at a lower price.",
    resource_types=[ACCOUNT],
    needs=("ec2",),
)
def ec2_graviton_share_low(estate: Estate) -> Iterator[Result]:
    for account, instances in sorted(by_account(running(estate)).items()):
        target = estate.account_resource(account)
        share, candidates = _hardware_share(instances)
        if not share:
            yield not_assessed(target, "The size of the running instances is unknown, so no share can be given.")
        elif candidates:
            yield fail(target, f"{share}. {len(candidates)} x86 instance(s) have a Graviton equivalent: "
                               f"{sample(candidates)}.")
        else:
            yield passed(target, f"{share}; no x86 instance is in a family with a Graviton equivalent.")


def stopped_since(instance: Resource) -> dt.datetime | None:
    """When a stopped instance stopped, from its state transition reason ("User initiated (2024-01-05 ... GMT)")."""
    found = _STOPPED_AT.search(str(instance.config.get("StateTransitionReason", "")))
    if not found:
        return None
    return dt.datetime.fromisoformat(f"{found.group(1)}T{found.group(2)}+00:00")


@check(
    "ec2-instance-long-stopped",
    title="EC2 instance has been stopped for over a month",
    pillar="cost-optimization",
    focus_area="Unused resources",
    risk="LOW",
    best_practices=["COST04-BP03", "SUS02-BP03"],
    remediation="Terminate instances nobody has started for a month, after an AMI or a snapshot if their disks "
                "may be needed again; their EBS volumes and Elastic IPs bill while they are stopped.",
    resource_types=[EC2_INSTANCE],
    needs=("ec2",),
)
def ec2_instance_long_stopped(estate: Estate) -> Iterator[Result]:
    now = as_of(estate)
    for instance in estate.of_type(EC2_INSTANCE):
        if state(instance) != "stopped":
            yield passed(instance, f"It is {state(instance) or 'in an unknown state'}, not stopped.")
            continue
        since = stopped_since(instance)
        if since is None:
            yield not_assessed(instance, "It is stopped, but its state transition reason does not say since when.")
        elif (now - since).days > LONG_STOPPED_DAYS:
            yield fail(instance, f"It has been stopped since {since:%Y-%m-%d} ({(now - since).days} days); its "
                                 "volumes are still billed.")
        else:
            yield passed(instance, f"It was stopped {(now - since).days} day(s) ago.")


def _admin_ports(group: Resource) -> list[str]:
    """The administration ports (SSH, RDP) a security group admits, with from where."""
    found = []
    for permission in group.config.get("IpPermissions", []):
        protocol = str(permission.get("IpProtocol", ""))
        low, high = permission.get("FromPort", 0), permission.get("ToPort", 65535)
        if protocol not in ("tcp", "6", "-1"):
            continue
        sources = ([r.get("CidrIp") for r in permission.get("IpRanges", [])]
                   + [r.get("CidrIpv6") for r in permission.get("Ipv6Ranges", [])]
                   + [p.get("GroupId") for p in permission.get("UserIdGroupPairs", [])]
                   + [p.get("PrefixListId") for p in permission.get("PrefixListIds", [])])
        for port, name in ADMIN_PORTS.items():
            if protocol == "-1" or low <= port <= high:
                found += [f"{name} from {source}" for source in sources if source]
    return found


def _managed(estate: Estate) -> dict[tuple[str, str], Resource]:
    return {(m.account, m.id): m for m in estate.of_type(SSM_MANAGED_INSTANCE)}


@check(
    "ec2-admin-by-ssh-without-session-manager",
    title="EC2 instance is administered over SSH or RDP, not Session Manager",
    pillar="security",
    focus_area="Compute protection",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC06-BP03"],
    remediation="Install the SSM agent and give the instance profile AmazonSSMManagedInstanceCore, reach the "
                "instance through Session Manager (logged, IAM-authorized, no open port), then remove the SSH and "
                "RDP rules from its security groups.",
    resource_types=[EC2_INSTANCE],
    needs=("ec2", "ssm-managed-instances"),
)
def ec2_admin_by_ssh_without_session_manager(estate: Estate) -> Iterator[Result]:
    managed = _managed(estate)
    for instance in running(estate):
        agent = managed.get((instance.account, instance.id))
        if agent and agent.config.get("PingStatus", "Online") == "Online":
            yield passed(instance, "Systems Manager manages it (agent online): Session Manager can reach it.")
            continue
        unread = estate.gap(instance.account, instance.region, "ssm-managed-instances")
        if unread:  # its agent may well answer: an open port alone does not show Session Manager is missing
            yield not_assessed(instance, f"Systems Manager's managed instances were not read ({unread}).")
            continue
        groups = [estate.get(g, EC2_SECURITY_GROUP, instance.account) for g in instance.link("security_groups")]
        if any(g is None for g in groups):
            yield not_assessed(instance, "Not every security group of the instance was read.")
            continue
        ports = [f"{p} ({g.id})" for g in groups if g for p in _admin_ports(g)]
        status = f"its SSM agent is {agent.config.get('PingStatus')}" if agent else "Systems Manager does not manage it"
        if ports:
            yield fail(instance, f"{status}, and its security groups admit {sample(ports)}: administration "
                                 "depends on open ports and keys outside IAM.")
        else:
            yield passed(instance, f"{status}, and no security group admits SSH or RDP: no interactive access.")


@check(
    "ec2-elastic-ip-unattached",
    title="Elastic IP address is not associated with anything",
    pillar="cost-optimization",
    focus_area="Unused resources",
    risk="LOW",
    best_practices=["COST04-BP03"],
    remediation="Release Elastic IPs that no instance or network interface uses (after checking no allow-list "
                "outside AWS names the address); every public IPv4 address is billed by the hour.",
    resource_types=[EC2_EIP],
    needs=("elastic-ips",),
)
def ec2_elastic_ip_unattached(estate: Estate) -> Iterator[Result]:
    for address in estate.of_type(EC2_EIP):
        config: dict[str, Any] = address.config
        holder = config.get("InstanceId") or config.get("NetworkInterfaceId") or config.get("AssociationId")
        if holder:
            yield passed(address, f"It is associated with {holder}.")
        else:
            price = public_ipv4()
            yield fail(address, f"{config.get('PublicIp', 'The address')} is allocated but associated with no "
                                f"instance or network interface, and billed all the same: about ${price.monthly:.2f} "
                                f"a month at ${price.hourly} an hour ({price.basis}).")
