"""Security / network: what the internet can reach (public IPs, workloads in public subnets) and whether
production has a private administration path."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator

from wafr.checks.network import eni_owner, kind_name, named, nat_interfaces, public_ips, subnet_of
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate, Resource
from wafr.phrases import first_few
from wafr.resource_types import (ACCOUNT, EC2_CLIENT_VPN_ENDPOINT, EC2_INSTANCE, EC2_NETWORK_INTERFACE, EC2_VPN_GATEWAY,
                                 ECS_SERVICE, RDS_DB_INSTANCE)

EDGE_OWNERS = frozenset({"NAT gateway", "load balancer", "endpoint"})
# Public IPs on these ENIs are judged by the ECS (assignPublicIp) and RDS (PubliclyAccessible) checks.
OWNERS_JUDGED_ELSEWHERE = frozenset({"instance", "ECS task", "RDS"})


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
    resource_types=[EC2_INSTANCE, EC2_NETWORK_INTERFACE],
    needs=("ec2", "vpc"),
    bullet=("Move {resources} to a private subnet without a public IP address",
            "Move {resources} to private subnets without public IP addresses"),
    absorbs=["workload-in-public-subnet"],
)
def workload_public_ip(estate: Estate) -> Iterator[Result]:
    for instance in estate.of_type(EC2_INSTANCE):
        ips = public_ips(instance)
        if ips:
            yield fail(instance, f"The instance has public IP {', '.join(ips)} and is reachable from the internet "
                                 "wherever its security groups allow.")
        else:
            yield passed(instance, "The instance has no public IP address.")
    nats = nat_interfaces(estate)
    for eni in estate.of_type(EC2_NETWORK_INTERFACE):
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
    resource_types=[EC2_INSTANCE, EC2_NETWORK_INTERFACE],
    needs=("ec2", "vpc"),
    bullet="Move {resources} to private subnets",
)
def workload_in_public_subnet(estate: Estate) -> Iterator[Result]:
    nats = nat_interfaces(estate)
    candidates = list(estate.of_type(EC2_INSTANCE))
    for eni in estate.of_type(EC2_NETWORK_INTERFACE):
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
        if estate.in_production(resource):
            found[(resource.account, resource.region)].append(f"{kind_name(resource.type)} {resource.label} ({why})")

    for instance in estate.of_type(EC2_INSTANCE):
        if public_ips(instance):
            add(instance, "public IP")
    nats = nat_interfaces(estate)
    for eni in estate.of_type(EC2_NETWORK_INTERFACE):
        owner = eni_owner(eni, nats)
        if owner not in EDGE_OWNERS and owner != "instance" and public_ips(eni):
            add(eni, f"public IP on {owner or 'interface'}")
    for service in estate.of_type(ECS_SERVICE):
        network = (service.config.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
        if network.get("assignPublicIp") == "ENABLED":
            add(service, "assignPublicIp ENABLED")
    for db in estate.of_type(RDS_DB_INSTANCE):
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
    resource_types=[ACCOUNT, EC2_CLIENT_VPN_ENDPOINT, EC2_VPN_GATEWAY],
    needs=("ec2", "vpc", "client-vpn", "ecs", "rds"),
    bullet="Put a Client VPN or Session Manager in front of administrative access ({resources})",
)
def no_private_admin_path(estate: Estate) -> Iterator[Result]:
    reachable = _reachable_workloads(estate)
    vpn_gateways = _count_by_place(r for r in estate.of_type(EC2_VPN_GATEWAY) if r.link("vpc"))
    client_vpns = _count_by_place(estate.of_type(EC2_CLIENT_VPN_ENDPOINT))
    for account, region in sorted(reachable):
        place = Resource(type=ACCOUNT, id=account, account=account, region=region, name=f"{account} {region}")
        exposed = reachable[(account, region)]
        sample = first_few(exposed, 5, sep="; ")
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
