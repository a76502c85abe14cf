"""Network paths: how private subnets reach the internet (NAT gateways per zone, gateway endpoints that keep S3
traffic off them), how VPCs are joined (a mesh of peerings or a hub) and whether a join links production with
development or staging."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterator

from wafr.checks.network import named
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed, unread
from wafr.checks.vpc import UNCONNECTED_PEERING
from wafr.estate import Estate, Resource
from wafr.phrases import first_few
from wafr.resource_types import (EC2_NAT_GATEWAY, EC2_ROUTE_TABLE, EC2_SUBNET, EC2_TRANSIT_GATEWAY_ATTACHMENT,
                                 EC2_TRANSIT_GATEWAY_ROUTE_TABLE, EC2_VPC, EC2_VPC_ENDPOINT, EC2_VPC_PEERING_CONNECTION)
from wafr.vocabulary import DEV, PRODUCTION_LIKE, STAGING, UNKNOWN

DEFAULT_ROUTE = "0.0.0.0/0"
NON_PRODUCTION = (STAGING, DEV)
# A peering graph this large, joined without a hub, is the mesh REL02-BP04 warns of: n VPCs need up to n(n-1)/2
# peerings, none transitive, each with its own routes.
MESH_MIN_VPCS = 4


# -- shared facts -----------------------------------------------------------------------------------------------
def nat_routes(estate: Estate, vpc: Resource) -> dict[str, tuple[Resource, str]]:
    """The VPC's private subnets whose default route goes to a NAT gateway: subnet id -> (subnet, NAT gateway id)."""
    found: dict[str, tuple[Resource, str]] = {}
    for subnet in estate.linked_to("vpc", vpc.id, EC2_SUBNET):
        if subnet.account != vpc.account or subnet.config.get("_public"):
            continue
        table = estate.get(subnet.config.get("_route_table") or "", EC2_ROUTE_TABLE, subnet.account)
        nat = _default_nat(table.config) if table else None
        if nat:
            found[subnet.id] = (subnet, nat)
    return found


def _default_nat(table: dict[str, Any]) -> str | None:
    for route in table.get("Routes", []):
        if (route.get("DestinationCidrBlock") == DEFAULT_ROUTE and route.get("NatGatewayId")
                and route.get("State") != "blackhole"):
            return route["NatGatewayId"]
    return None


def _nat_zone(estate: Estate, nat_id: str, account: str) -> str | None:
    nat = estate.get(nat_id, EC2_NAT_GATEWAY, account)
    subnet = estate.get(nat.config.get("SubnetId", ""), EC2_SUBNET, account) if nat else None
    return subnet.config.get("AvailabilityZone") if subnet else None


def _zones_by_nat(estate: Estate, vpc: Resource) -> tuple[dict[str, set[str]], dict[str, str | None]]:
    """For the NAT gateways the VPC's private subnets use: NAT id -> zones of the subnets it serves, NAT id -> its
    own zone (None when its subnet was not read)."""
    served: dict[str, set[str]] = defaultdict(set)
    for subnet, nat in nat_routes(estate, vpc).values():
        served[nat].add(subnet.config.get("AvailabilityZone", "?"))
    return served, {nat: _nat_zone(estate, nat, vpc.account) for nat in served}


# -- NAT gateways per zone --------------------------------------------------------------------------------------
@check(
    "nat-gateway-shared-across-zones",
    title="Private subnets in several Availability Zones leave through one zone's NAT gateway",
    pillar="reliability",
    focus_area="Service availability",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL10-BP01"],
    remediation="Create a NAT gateway in a public subnet of every Availability Zone the workload uses and point each "
                "zone's private route table at the NAT gateway of its own zone, so losing one zone does not cut the "
                "others off from the internet (and their traffic stops crossing zones).",
    bullet=("Give {resources} a NAT gateway in each Availability Zone", "Give each of {resources} a NAT gateway in "
                                                                         "each Availability Zone"),
    each=EC2_VPC,
)
def nat_gateway_shared_across_zones(vpc: Resource, estate: Estate) -> Result | None:
    if not estate.in_production(vpc):
        return None  # outside production one NAT gateway is the economical choice (see the next check)
    served, own_zone = _zones_by_nat(estate, vpc)
    zones = set().union(*served.values()) if served else set()
    if len(zones) < 2:
        return None  # private subnets in one zone (or none): nothing to spread
    shared = {nat: sorted(z) for nat, z in served.items() if len(z) > 1 or own_zone[nat] not in z}
    if not shared:
        return passed(vpc, f"Private subnets in {len(zones)} zones each leave through a NAT gateway in their own zone.")
    if any(own_zone[nat] is None for nat in shared):
        return not_assessed(vpc, "the subnet of a NAT gateway its private subnets use was not read, so the NAT "
                                 "gateway's zone is unknown")
    parts = [f"{nat} (in {own_zone[nat]}) serves {', '.join(z)}" for nat, z in sorted(shared.items())]
    return fail(vpc, f"{'; '.join(parts)}: an outage of one zone takes away internet access from private subnets "
                     "in the others.")


@check(
    "nat-gateway-per-zone-outside-production",
    title="A development or staging VPC pays for a NAT gateway in every Availability Zone",
    pillar="cost-optimization",
    focus_area="Right-sizing",
    risk="LOW",
    best_practices=["COST06-BP04"],
    remediation="Outside production, route the private subnets of every zone through one shared NAT gateway and "
                "delete the others: each NAT gateway is billed by the hour whether traffic flows or not, and zone "
                "isolation is rarely needed for development.",
    bullet="Share one NAT gateway between the zones of {resources}",
    each=EC2_VPC,
)
def nat_gateway_per_zone_outside_production(vpc: Resource, estate: Estate) -> Result | None:
    if estate.environment_of(vpc) not in NON_PRODUCTION:
        return None
    served, _ = _zones_by_nat(estate, vpc)
    if not served:
        return None
    nats = sorted(served)
    if len(nats) > 1:
        return fail(vpc, f"{estate.environment_of(vpc)} VPC with {len(nats)} NAT gateways for its private subnets "
                         f"({', '.join(nats)}): one shared gateway would do.")
    return passed(vpc, f"Its private subnets share one NAT gateway ({nats[0]}).")


# -- gateway endpoints ------------------------------------------------------------------------------------------
def _gateway_endpoints(estate: Estate, vpc: Resource, service: str) -> list[Resource]:
    """Available gateway endpoints of the VPC for ``service`` (s3, dynamodb)."""
    return [e for e in estate.of_type(EC2_VPC_ENDPOINT)
            if e.account == vpc.account and e.config.get("VpcId") == vpc.id
            and e.config.get("VpcEndpointType") == "Gateway" and e.config.get("State", "available") == "available"
            and str(e.config.get("ServiceName", "")).rsplit(".", 1)[-1] == service]


@check(
    "vpc-nat-without-s3-gateway-endpoint",
    title="S3 traffic from private subnets goes through a NAT gateway: no S3 gateway endpoint",
    pillar="cost-optimization",
    focus_area="Data transfer cost",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["COST08-BP03"],
    remediation="Create an S3 gateway endpoint (and a DynamoDB one where tables are used) in the VPC and associate "
                "it with the private subnets' route tables: gateway endpoints cost nothing, and traffic to S3 stops "
                "paying the NAT gateway's per-GB processing charge.",
    bullet="Add S3 gateway endpoints to the private route tables of {resources}",
    each=EC2_VPC,
    needs=("vpc", "vpc-endpoints"),
)
def vpc_nat_without_s3_gateway_endpoint(vpc: Resource, estate: Estate) -> Result | None:
    routed = nat_routes(estate, vpc)
    if not routed:
        return None  # nothing leaves through a NAT gateway
    gap = estate.gap(vpc.account, vpc.region, "vpc-endpoints")
    if gap:
        return not_assessed(vpc, f"its endpoints could not be read ({gap})")
    tables = {s.config.get("_route_table") for s, _ in routed.values()}
    endpoints = _gateway_endpoints(estate, vpc, "s3")
    covered = {t for e in endpoints for t in e.config.get("RouteTableIds") or []}
    missing = sorted(t for t in tables if t not in covered)
    dynamodb = "; a DynamoDB gateway endpoint is there too" if _gateway_endpoints(estate, vpc, "dynamodb") else ""
    if not missing:
        return passed(vpc, f"S3 gateway endpoint {first_few([e.id for e in endpoints], 3)} serves the route tables of "
                           f"its NAT-routed subnets{dynamodb}.")
    what = (f"S3 gateway endpoint {first_few([e.id for e in endpoints], 3)} is not associated with route table(s) "
            f"{first_few(missing, 3)}" if endpoints else "The VPC has no S3 gateway endpoint")
    return fail(vpc, f"{what}: {len(routed)} private subnet(s) reach S3 through NAT gateway(s) "
                     f"{first_few(sorted({n for _, n in routed.values()}), 3)}, paying per GB processed.")


# -- how VPCs are joined ----------------------------------------------------------------------------------------
def active_peerings(estate: Estate) -> Iterator[tuple[Resource, str, str]]:
    """Peering connections that carry traffic, with their requester and accepter VPC ids."""
    for peering in estate.of_type(EC2_VPC_PEERING_CONNECTION):
        if (peering.config.get("Status") or {}).get("Code") in UNCONNECTED_PEERING:
            continue
        a, b = ((peering.config.get(k) or {}).get("VpcId") for k in ("RequesterVpcInfo", "AccepterVpcInfo"))
        if a and b:
            yield peering, a, b


def _attached_to_gateway(estate: Estate) -> set[str]:
    return {a.config.get("ResourceId", "") for a in estate.of_type(EC2_TRANSIT_GATEWAY_ATTACHMENT)
            if a.config.get("ResourceType") == "vpc"}


@check(
    "vpc-peering-mesh",
    title="Many VPCs joined by a mesh of peerings instead of a transit gateway hub",
    pillar="reliability",
    focus_area="Network topology",
    risk="MEDIUM",
    best_practices=["REL02-BP04"],
    remediation="Attach the VPCs to a transit gateway (or a Cloud WAN core network) and route through it, then "
                "delete the peerings one by one: one hub scales to new VPCs with one attachment each, while a mesh "
                "needs a new peering and routes in every VPC for every VPC added.",
    bullet="Join the VPCs peered with {resources} through a transit gateway",
    resource_types=[EC2_VPC, EC2_VPC_PEERING_CONNECTION, EC2_TRANSIT_GATEWAY_ATTACHMENT],
    needs=("vpc", "transit-gateway"),
)
def vpc_peering_mesh(estate: Estate) -> Iterator[Result]:
    links: dict[str, set[str]] = defaultdict(set)
    for _, a, b in active_peerings(estate):
        links[a].add(b)
        links[b].add(a)
    on_gateway = _attached_to_gateway(estate)
    seen: set[str] = set()
    for start in sorted(links):
        if start in seen:
            continue
        group, todo = set(), [start]
        while todo:
            current = todo.pop()
            if current not in group:
                group.add(current)
                todo.extend(links[current] - group)
        seen |= group
        # The group's busiest VPC that this scan read carries the verdict.
        members = [v for v in (estate.get(i, EC2_VPC) for i in group) if v]
        if not members:
            continue
        hub = max(members, key=lambda v: (len(links[v.id]), v.id))
        peerings = sum(len(links[v]) for v in group) // 2
        unread_gateways = [g for g in {estate.gap(v.account, v.region, "transit-gateway") for v in members} if g]
        if len(group) >= MESH_MIN_VPCS and not group & on_gateway and unread_gateways:
            yield not_assessed(hub, f"{len(group)} VPCs are joined by {peerings} peerings, and whether a transit "
                                    f"gateway joins them is unknown ({'; '.join(sorted(unread_gateways))})")
        elif len(group) >= MESH_MIN_VPCS and not group & on_gateway:
            names = sorted(named(v) for v in members) + sorted(group - {v.id for v in members})
            yield fail(hub, f"{len(group)} VPCs ({first_few(names, 5)}) are joined by {peerings} peerings "
                            "and none is attached to a transit gateway; routes must be kept in every VPC for every "
                            "other.")
        else:
            via = " and attached to a transit gateway" if group & on_gateway else ""
            yield passed(hub, f"Its peering group holds {len(group)} VPC(s) joined by {peerings} peering(s){via}.")


# -- production linked with other environments ------------------------------------------------------------------
def _environment_pair(estate: Estate, ends: list[Resource]) -> tuple[str, str] | None:
    """(production-like end's environment, other's) when the link joins production with staging or development."""
    environments = [estate.environment_of(v) for v in ends]
    for mine, theirs in (environments, environments[::-1]):
        if mine in PRODUCTION_LIKE and theirs in NON_PRODUCTION:
            return mine, theirs
    return None


def _ends(estate: Estate, vpc_ids: list[str]) -> tuple[list[Resource], list[str]]:
    found = {i: estate.get(i, EC2_VPC) for i in vpc_ids}
    return [v for v in found.values() if v], [i for i, v in found.items() if v is None]


def _described(estate: Estate, vpc: Resource) -> str:
    return f"{named(vpc)} ({estate.environment_of(vpc)}, {estate.environment_basis_of(vpc)})"


@check(
    "peering-links-production-with-non-production",
    title="A VPC peering connection links production with development or staging",
    pillar="security",
    focus_area="Network security",
    risk="HIGH",
    best_practices=["SEC05-BP01"],
    remediation="Delete the peering between the production VPC and the development or staging VPC; move what "
                "both need (artifacts, shared services) behind an endpoint service or a shared-services VPC with "
                "narrow routes, so a compromised development host has no network path into production.",
    bullet="Remove the peerings that join production with other environments ({resources})",
    each=EC2_VPC_PEERING_CONNECTION,
    needs=("vpc",),
)
def peering_links_environments(peering: Resource, estate: Estate) -> Result | None:
    if (peering.config.get("Status") or {}).get("Code") in UNCONNECTED_PEERING:
        return None
    ids = [(peering.config.get(k) or {}).get("VpcId", "") for k in ("RequesterVpcInfo", "AccepterVpcInfo")]
    ends, unread_ids = _ends(estate, ids)
    if unread_ids:
        return not_assessed(peering, f"VPC {', '.join(unread_ids)} at the other end was not read (another account "
                                     "or Region outside the scan), so its environment is unknown")
    pair = _environment_pair(estate, ends)
    if pair:
        return fail(peering, f"It joins {_described(estate, ends[0])} with {_described(estate, ends[1])}.",
                    risk="HIGH" if pair[0] != UNKNOWN else "MEDIUM")
    environments = {estate.environment_of(v) for v in ends}
    if UNKNOWN in environments:
        return None  # an end of unknown environment: nothing shown either way
    return passed(peering, f"Both ends are {' and '.join(sorted(environments))}: "
                           f"{', '.join(named(v) for v in ends)}.")


def _table_vpcs(table: Resource, field: str, live: str) -> list[str]:
    return sorted({e.get("ResourceId", "") for e in table.config.get(field) or []
                   if e.get("ResourceType") == "vpc" and e.get("State", live) == live and e.get("ResourceId")})


def _routed_vpcs(table: Resource) -> list[str]:
    """The VPCs a route table leads to: the attachments propagated into it and those its static routes name."""
    static = [a for route in table.config.get("StaticRoutes") or []
              for a in route.get("TransitGatewayAttachments") or []]
    return sorted(set(_table_vpcs(table, "Propagations", "enabled"))
                  | {a.get("ResourceId", "") for a in static if a.get("ResourceType") == "vpc" and a.get("ResourceId")})


@check(
    "transit-gateway-links-production-with-non-production",
    title="A transit gateway route table routes between production and development or staging",
    pillar="security",
    focus_area="Network security",
    risk="HIGH",
    best_practices=["SEC05-BP01"],
    remediation="Give production and non-production attachments route tables of their own: associate each "
                "environment's VPCs with its own table and propagate into it only that environment's attachments "
                "(and shared services), so no route leads from development into production.",
    bullet="Separate the transit gateway routes of production from other environments ({resources})",
    each=EC2_TRANSIT_GATEWAY_ROUTE_TABLE,
    needs=("transit-gateway", "vpc"),
)
def transit_gateway_links_environments(table: Resource, estate: Estate) -> Result | None:
    gap = unread(table)
    if gap:
        return not_assessed(table, gap)
    senders, targets = _table_vpcs(table, "Associations", "associated"), _routed_vpcs(table)
    if not senders or not targets:
        return None  # no VPC routes by it, or it leads to no VPC
    (send, missing_send), (reach, missing_reach) = _ends(estate, senders), _ends(estate, targets)
    for a in send:
        for b in reach:
            if a.id != b.id and _environment_pair(estate, [a, b]):
                prod_side = a if estate.in_production(a) else b
                return fail(table, f"VPCs associated with it reach the VPCs it routes to: "
                                   f"{_described(estate, a)} routes to {_described(estate, b)}.",
                            risk="HIGH" if estate.environment_of(prod_side) != UNKNOWN else "MEDIUM")
    if missing_send or missing_reach:
        return not_assessed(table, f"VPC(s) {first_few(sorted(set(missing_send + missing_reach)), 3)} on it were "
                                   "not read (another account or Region outside the scan), so their environments "
                                   "are unknown")
    environments = {estate.environment_of(v) for v in send + reach}
    if UNKNOWN in environments:
        return None
    return passed(table, f"The VPCs associated with it and those it routes to are all "
                         f"{' or '.join(sorted(environments))}.")
