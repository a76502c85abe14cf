"""VPCs: address plans that overlap where networks are connected, and VPC flow logs."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterator

from wafr.checks.network import named, vpc_networks
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate
from wafr.resource_types import (EC2_NETWORK_INTERFACE, EC2_TRANSIT_GATEWAY_ATTACHMENT, EC2_VPC,
                                 EC2_VPC_PEERING_CONNECTION)

UNCONNECTED_PEERING = frozenset({"deleted", "rejected", "expired", "failed", "pending-acceptance"})


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
    resource_types=[EC2_VPC],
    needs=("vpc", "transit-gateway"),
    risk_up_to="HIGH",  # ranges that are already joined (peering, transit gateway) cannot route: HIGH,
    bullet=("Give the VPC {resources} an address range that overlaps no other",
            "Give the VPCs {resources} non-overlapping address ranges"),
)
def vpc_cidr_overlap(estate: Estate) -> Iterator[Result]:
    vpcs = estate.of_type(EC2_VPC)
    connected = _connected_pairs(estate)
    by_place: dict[tuple[str, str], list[_Range]] = defaultdict(list)
    for vpc in vpcs:
        for network in vpc_networks(vpc):
            by_place[(vpc.account, vpc.region)].append(
                _Range(int(network.network_address), int(network.broadcast_address), str(network), vpc.id))
    # Peered VPCs count wherever they are (another region or account): the peering joins their address spaces.
    for peering in estate.of_type(EC2_VPC_PEERING_CONNECTION):
        sides = [peering.config.get("RequesterVpcInfo") or {}, peering.config.get("AccepterVpcInfo") or {}]
        ranges = [[_Range(int(n.network_address), int(n.broadcast_address), str(n), side.get("VpcId", ""))
                   for n in _side_networks(side)] for side in sides]
        by_place[("peering", peering.id)] = ranges[0] + ranges[1]
    # So do VPCs attached to one transit gateway, whichever accounts of the organization own them.
    for gateway, vpc_ids in _gateway_members(estate).items():
        by_place[("transit-gateway", gateway)] = [
            _Range(int(n.network_address), int(n.broadcast_address), str(n), vpc.id)
            for vpc in (estate.get(v, EC2_VPC) for v in vpc_ids) if vpc for n in vpc_networks(vpc)]

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
            other = estate.get(other_id, EC2_VPC)
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
    for peering in estate.of_type(EC2_VPC_PEERING_CONNECTION):
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
    for attachment in estate.of_type(EC2_TRANSIT_GATEWAY_ATTACHMENT):
        config = attachment.config
        if config.get("ResourceType") == "vpc" and config.get("TransitGatewayId") and config.get("ResourceId"):
            members[config["TransitGatewayId"]].add(config["ResourceId"])
    return members


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
    resource_types=[EC2_VPC],
    needs=("vpc", "ec2"),
    bullet=("Turn on flow logs for the VPC {resources}",
            "Turn on flow logs for the VPCs {resources}"),
)
def vpc_flow_logs_missing(estate: Estate) -> Iterator[Result]:
    for vpc in estate.of_type(EC2_VPC):
        if "FlowLogs" not in vpc.config:
            why = vpc.errors.get("DescribeFlowLogs", "not collected")
            yield not_assessed(vpc, f"flow logs could not be read ({why})")
            continue
        if vpc.config.get("IsDefault") and not estate.linked_to("vpc", vpc.id, EC2_NETWORK_INTERFACE):
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
