"""Security / IAM: resources the account shares through AWS RAM, and whether they reach outside its organization."""

from __future__ import annotations

import re

from wafr.checks.org_evidence import organizations_by_account
from wafr.checks.registry import Result, check, fail, not_assessed, passed, unread
from wafr.estate import Estate, Resource
from wafr.phrases import first_few
from wafr.resource_types import ORG_ACCOUNT, RAM_RESOURCE_SHARE

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_IAM_ARN = re.compile(r"^arn:[^:]+:iam::(\d{12}):")
_ORG_ID = re.compile(r"(o-[a-z0-9]+)")


def _organization(estate: Estate, account: str) -> tuple[bool | None, str | None, set[str] | None]:
    """(member?, organization id, its accounts if the management account listed them) for the account; member is
    None where the account's organizations read is missing."""
    record = estate.get(account, ORG_ACCOUNT, account)  # the account's own organizations read
    if record is None:
        return None, None, None
    if not record.config.get("_member"):
        return False, None, None
    org_id = record.config.get("_organization_id")
    members = {a.id for a in estate.of_type(ORG_ACCOUNT) if a.config.get("_organization_id") == org_id} \
        if account in organizations_by_account(estate) else None
    return True, org_id, members


def _outside(principal: dict, account: str, member: bool | None, org_id: str | None,
             members: set[str] | None) -> bool | None:
    """Whether a principal is outside the sharing account's organization; None when that cannot be told."""
    if principal.get("external") is True:  # RAM's own answer, where it gives one
        return True
    entity = str(principal.get("associatedEntity", ""))
    if entity.endswith(".amazonaws.com"):
        return False  # a service principal acts inside the account
    if ":organizations::" in entity:
        found = _ORG_ID.search(entity)
        return None if member is None else (not member or (found is not None and found.group(1) != org_id))
    match = _IAM_ARN.match(entity)
    other = match.group(1) if match else entity if _ACCOUNT_ID.match(entity) else None
    if other is None or other == account:
        return False if other == account else None
    if member is False:
        return True  # a standalone account has no organization to share within
    return None if members is None else other not in members


@check(
    "ram-share-outside-organization",
    title="A RAM resource share reaches principals outside the organization",
    pillar="security",
    focus_area="IAM",
    risk="MEDIUM",
    best_practices=["SEC03-BP08"],
    remediation="Share with the organization or its OUs rather than with account IDs, turn off "
                "allowExternalPrincipals on the share, and remove the associations with accounts outside the "
                "organization (or move those accounts into it).",
    bullet="Keep the RAM shares {resources} inside the organization",
    each=RAM_RESOURCE_SHARE,
    needs=("ram", "organizations"),
)
def ram_share_outside_organization(share: Resource, estate: Estate) -> Result:
    if why := unread(share, "GetResourceShareAssociations"):
        return not_assessed(share, why)
    member, org_id, members = _organization(estate, share.account)
    principals = share.config.get("_principals") or []
    verdicts = [(p.get("associatedEntity", "?"), _outside(p, share.account, member, org_id, members))
                for p in principals]
    outside = [entity for entity, out in verdicts if out]
    unknown = [entity for entity, out in verdicts if out is None]
    external = share.config.get("allowExternalPrincipals", True)
    if outside:
        return fail(share, f"Shared with {len(outside)} principal(s) outside the organization "
                           f"({first_few(outside, 3)}); allowExternalPrincipals is {str(external).lower()}.")
    if unknown and external:
        return not_assessed(share, f"Shared with {first_few(unknown, 3)}, and the organization's member accounts "
                                   "were not read (scan the management account), so whether they are inside it is "
                                   "unknown.")
    if not external:
        return passed(share, f"allowExternalPrincipals is false: RAM refuses any principal outside the organization "
                             f"({len(principals)} principal(s) associated).")
    return passed(share, f"All {len(principals)} principal(s) are inside the organization.")
