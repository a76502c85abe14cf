"""Automated network protection: internet-facing production VPCs inspected by AWS Network Firewall, or covered by
Firewall Manager policies that deploy network protections on their own."""

from __future__ import annotations

from wafr.checks.network import named
from wafr.checks.registry import Result, check, fail, not_assessed, passed
from wafr.estate import Estate, Resource
from wafr.phrases import first_few
from wafr.resource_types import EC2_SUBNET, EC2_VPC, FMS_POLICY, NETWORK_FIREWALL

# Firewall Manager policy types that put network protections in front of VPCs (WAF and Shield policies protect
# endpoints and are judged with them).
NETWORK_POLICY_TYPES = frozenset({
    "NETWORK_FIREWALL", "THIRD_PARTY_FIREWALL", "DNS_FIREWALL", "NETWORK_ACL_COMMON", "SECURITY_GROUPS_COMMON",
    "SECURITY_GROUPS_CONTENT_AUDIT", "SECURITY_GROUPS_USAGE_AUDIT",
})


def _firewalls(estate: Estate, vpc: Resource) -> list[Resource]:
    return [f for f in estate.of_type(NETWORK_FIREWALL) if f.account == vpc.account
            and (f.config.get("Firewall") or {}).get("VpcId") == vpc.id]


def _network_policies(estate: Estate, region: str) -> list[Resource]:
    """Firewall Manager network policies in the Region, from whichever account administers them: they apply to the
    organization's accounts."""
    return [p for p in estate.of_type(FMS_POLICY)
            if p.region == region and p.config.get("SecurityServiceType") in NETWORK_POLICY_TYPES]


@check(
    "internet-facing-vpc-without-managed-firewall",
    title="Internet-facing production VPC with neither Network Firewall nor Firewall Manager policies",
    pillar="security",
    focus_area="Network security",
    risk="LOW",
    best_practices=["SEC05-BP03", "SEC05-BP04"],
    remediation="Inspect the VPC's internet traffic with AWS Network Firewall (a firewall subnet per zone, routes "
                "through its endpoints) and deploy it, with security group baselines, through Firewall Manager "
                "policies so every new VPC and account gets the same protections without a manual step.",
    bullet="Put Network Firewall, deployed through Firewall Manager, in front of {resources}",
    each=EC2_VPC,
    needs=("vpc", "network-firewall"),  # Firewall Manager is read where the account administers it (below)
)
def internet_facing_vpc_without_managed_firewall(vpc: Resource, estate: Estate) -> Result | None:
    if not estate.in_production(vpc):
        return None
    public = [s for s in estate.linked_to("vpc", vpc.id, EC2_SUBNET) if s.config.get("_public")]
    if not public:
        return None  # no route to an internet gateway: not internet-facing
    firewalls = _firewalls(estate, vpc)
    if firewalls:
        return passed(vpc, f"Network Firewall {first_few([named(f) for f in firewalls], 3)} inspects the VPC.")
    firewall_gap = estate.gap(vpc.account, vpc.region, "network-firewall")
    policies = _network_policies(estate, vpc.region)
    if policies:
        kinds = sorted({p.config.get("SecurityServiceType", "") for p in policies})
        return passed(vpc, f"Firewall Manager policies {first_few([p.label for p in policies], 3)} "
                           f"({', '.join(kinds)}) deploy network protections in {vpc.region}.")
    if firewall_gap:
        return not_assessed(vpc, f"Network Firewall firewalls could not be read ({firewall_gap})")
    administrators = [a for a in estate.accounts if estate.assessed(a, vpc.region, "fms")]
    if not administrators:
        why = estate.gap(vpc.account, vpc.region, "fms")
        return not_assessed(vpc, f"No Network Firewall inspects it, and Firewall Manager policies could not be listed "
                                 f"({why}), so whether they protect it is unknown")
    return fail(vpc, f"{len(public)} public subnet(s) ({first_few([s.id for s in public], 3)}) route to the internet, "
                     "no Network Firewall inspects the VPC, and Firewall Manager (read in "
                     f"{', '.join(administrators)}) has no network policy in {vpc.region}.")
