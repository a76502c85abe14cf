"""Links to on-premises: Site-to-Site VPN tunnels that are down, and networks joined to on-premises by one path
only (one VPN connection, or Direct Connect at one location)."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from wafr.checks.registry import Result, check, fail, not_assessed, passed
from wafr.estate import Estate, Resource
from wafr.phrases import first_few
from wafr.resource_types import ACCOUNT, DIRECTCONNECT_CONNECTION, EC2_VPN_CONNECTION

GONE_VPN_STATES = frozenset({"deleting", "deleted"})
LIVE_DX_STATES = frozenset({"available", "ordering", "pending", "requested", "down"})


def _live_vpns(estate: Estate) -> list[Resource]:
    return [v for v in estate.of_type(EC2_VPN_CONNECTION) if v.config.get("State") not in GONE_VPN_STATES]


@check(
    "vpn-tunnel-down",
    title="Site-to-Site VPN connection runs on fewer than two tunnels",
    pillar="reliability",
    focus_area="Network topology",
    risk="MEDIUM",
    risk_up_to="HIGH",  # both tunnels down: the link is already lost
    best_practices=["REL02-BP02"],
    remediation="Configure both tunnels on the customer gateway device (each to its own AWS endpoint) and run "
                "BGP on both, so AWS maintenance on one endpoint or one failed tunnel does not cut the link; alarm "
                "on the TunnelState metric.",
    bullet="Bring both tunnels of {resources} up",
    each=EC2_VPN_CONNECTION,
)
def vpn_tunnel_down(vpn: Resource) -> Result | None:
    if vpn.config.get("State") in GONE_VPN_STATES:
        return None
    tunnels = vpn.config.get("VgwTelemetry") or []
    if not tunnels:
        return not_assessed(vpn, "DescribeVpnConnections returned no tunnel telemetry, so the tunnels' state is "
                                 "unknown")
    up = [t for t in tunnels if t.get("Status") == "UP"]
    if len(up) >= 2:
        return passed(vpn, f"{len(up)} of {len(tunnels)} tunnels are UP.")
    down = [t.get("OutsideIpAddress") or "?" for t in tunnels if t.get("Status") != "UP"]
    return fail(vpn, f"{len(up)} of {len(tunnels)} tunnels are UP (down: {', '.join(down)}): "
                     f"{'the link is down' if not up else 'one more failure cuts the link'}.",
                risk="HIGH" if not up else None)


@check(
    "on-premises-single-path",
    title="On-premises is reached over a single connection",
    pillar="reliability",
    focus_area="Network topology",
    risk="HIGH",
    best_practices=["REL02-BP02"],
    remediation="Add a second path to on-premises: a second Site-to-Site VPN connection to another customer gateway "
                "device, a Direct Connect connection at a second location, or a VPN as backup to Direct Connect; "
                "test failover between them.",
    bullet="Add a second path to on-premises in {resources}",
    resource_types=[ACCOUNT, EC2_VPN_CONNECTION, DIRECTCONNECT_CONNECTION],
)
def on_premises_single_path(estate: Estate) -> Iterator[Result]:
    vpns: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    for vpn in _live_vpns(estate):
        vpns[(vpn.account, vpn.region)].append(vpn)
    circuits: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    for connection in estate.of_type(DIRECTCONNECT_CONNECTION):
        if connection.config.get("connectionState") in LIVE_DX_STATES:
            circuits[(connection.account, connection.region)].append(connection)
    for account, region in sorted(set(vpns) | set(circuits)):
        place = Resource(type=ACCOUNT, id=account, account=account, region=region, name=f"{account} {region}")
        mine_vpn, mine_dx = vpns.get((account, region), []), circuits.get((account, region), [])
        locations = sorted({c.config.get("location") or "?" for c in mine_dx})
        gaps = [g for g in (estate.gap(account, region, s) for s in ("vpn-connections", "directconnect")) if g]
        paths = len(mine_vpn) + len(locations)
        described = ", ".join(filter(None, [
            f"{len(mine_vpn)} VPN connection(s) ({first_few([v.id for v in mine_vpn], 3)})" if mine_vpn else "",
            f"{len(mine_dx)} Direct Connect connection(s) at {', '.join(locations)}" if mine_dx else ""]))
        if paths >= 2:
            yield passed(place, f"On-premises is reached over {described}.")
        elif gaps:
            yield not_assessed(place, f"Only {described} was read, and {'; '.join(gaps)}.")
        elif len(mine_dx) > 1:
            yield fail(place, f"{described}: one location is one point of failure, and no VPN backs it up.")
        else:
            yield fail(place, f"On-premises is reached over {described} only: its failure cuts the link.")
