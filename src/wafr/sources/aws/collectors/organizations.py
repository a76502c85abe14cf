"""AWS Organizations: whether the account belongs to an organization, and (from the management account)
which accounts the organization holds."""

from __future__ import annotations

from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector

ACCOUNT = "AWS::Organizations::Account"
ORGANIZATION = "AWS::Organizations::Organization"


def _organization(org: Any) -> dict[str, Any] | None:
    """The organization the account belongs to; None for a standalone account."""
    try:
        return org.describe_organization()["Organization"]
    except ClientError as error:
        if error_code(error) == "AWSOrganizationsNotInUseException":
            return None
        raise


def _member_accounts(ctx: CollectContext, org: Any) -> list[dict[str, Any]]:
    try:
        return list(ctx.paginate(org, "list_accounts", "Accounts"))
    except ClientError as error:
        ctx.note(f"list_accounts: {error.response.get('Error', {}).get('Code', 'Error')}")
        return []


@collector(
    "organizations",
    resource_types=(ORGANIZATION, ACCOUNT),
    permissions=("organizations:DescribeOrganization", "organizations:ListAccounts"),
    global_service=True,
)
def collect_organizations(ctx: CollectContext) -> Iterator[Resource]:
    """Always yields the scanned account as an AWS::Organizations::Account whose ``_member`` says whether it
    belongs to an organization; a standalone account has no other record of that fact."""
    org = ctx.client("organizations")
    organization = _organization(org)
    if organization is None:
        yield ctx.resource(ACCOUNT, ctx.account, name=ctx.account, config={"_member": False})
        return
    yield ctx.resource(ORGANIZATION, organization["Id"], arn=organization.get("Arn", ""), name=organization["Id"],
                       config=organization)
    is_management = organization.get("MasterAccountId") == ctx.account
    # Only the management account (or a delegated administrator) may list the accounts.
    listed = {a["Id"]: a for a in _member_accounts(ctx, org)} if is_management else {}
    listed.setdefault(ctx.account, {"Id": ctx.account})
    for account_id, account in listed.items():
        config = {**account, "_member": True, "_organization_id": organization["Id"],
                  "_management": account_id == organization.get("MasterAccountId")}
        yield ctx.resource(ACCOUNT, account_id, arn=account.get("Arn", ""), name=account.get("Name") or account_id,
                           config=config)
