"""What an organization provides centrally, as its management account records it: the evidence that keeps a
member account from failing for a control the organization runs for it (organization trail, delegated
administrators, consolidated budgets)."""

from __future__ import annotations

from wafr.estate import Estate, Resource
from wafr.resource_types import ORGANIZATION, ORG_ACCOUNT

GUARDDUTY = "guardduty.amazonaws.com"
SECURITY_HUB = "securityhub.amazonaws.com"


def is_management_copy(organization: Resource) -> bool:
    """Whether this organization record was read from the management account (only that copy lists SCPs)."""
    return organization.account == organization.config.get("MasterAccountId")


def organizations_by_account(estate: Estate) -> dict[str, Resource]:
    """Each account whose organization's management account was read -> that account's organization record.

    Membership comes from any account's listing (the management account lists every member), so a member whose
    own organizations read failed is still known to belong."""
    managed = {o.id: o for o in estate.of_type(ORGANIZATION) if is_management_copy(o)}
    found: dict[str, Resource] = {}
    for record in estate.of_type(ORG_ACCOUNT):
        organization = managed.get(record.config.get("_organization_id", ""))
        if organization is not None:
            found[record.id] = organization
    return found


def delegated_administrator(organization: Resource, service_principal: str) -> str | None:
    """The account the organization delegated this service's administration to, if any."""
    for admin in organization.config.get("DelegatedAdministrators", []):
        if any(s.get("ServicePrincipal") == service_principal for s in admin.get("DelegatedServices", [])):
            return admin.get("Id")
    return None
