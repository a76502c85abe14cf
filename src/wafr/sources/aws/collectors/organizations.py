"""AWS Organizations: whether the account belongs to an organization, and (from the management account)
which accounts the organization holds (with each account's tags and OU path, which say its environment), its
service control policies and its delegated administrators."""

from __future__ import annotations

from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import ORGANIZATION, ORG_ACCOUNT, ORG_MANAGEMENT_POLICY, ORG_POLICY
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector

SCP = "SERVICE_CONTROL_POLICY"
# What a management account that cannot read a part of the organization answers; the rest is still worth having.
_UNREADABLE = ("AccessDeniedException", "AccessDenied", "AWSOrganizationsNotInUseException")


def _organization(org: Any) -> dict[str, Any] | None:
    """The organization the account belongs to; None for a standalone account."""
    try:
        return org.describe_organization()["Organization"]
    except ClientError as error:
        if error_code(error) == "AWSOrganizationsNotInUseException":
            return None
        raise


LIST_ACCOUNTS = "organizations:ListAccounts"  # also read by organization discovery: made once per scan


def _member_accounts(ctx: CollectContext, org: Any) -> list[dict[str, Any]]:
    try:
        return ctx.read_once(LIST_ACCOUNTS, lambda: list(ctx.paginate(org, "list_accounts", "Accounts")))
    except ClientError as error:
        ctx.note(f"list_accounts: {error.response.get('Error', {}).get('Code', 'Error')}")
        return []


def _unreadable(ctx: CollectContext, operation: str, error: ClientError, errors: dict[str, str]) -> None:
    """A part of the organization the caller may not read: noted, and recorded for the checks that needed it."""
    if error_code(error) not in _UNREADABLE:
        raise error
    errors[operation] = error_code(error)
    ctx.note(f"{operation}: {error_code(error)}")


def _delegated_administrators(ctx: CollectContext, org: Any, errors: dict[str, str]) -> list[dict[str, Any]] | None:
    """Each delegated administrator with the services it administers; None when the list could not be read."""
    try:
        admins = list(ctx.paginate(org, "list_delegated_administrators", "DelegatedAdministrators"))
    except ClientError as error:
        _unreadable(ctx, "ListDelegatedAdministrators", error, errors)
        return None
    for admin in admins:
        try:
            admin["DelegatedServices"] = list(ctx.paginate(org, "list_delegated_services_for_account",
                                                           "DelegatedServices", AccountId=admin["Id"]))
        except ClientError as error:
            admin["_errors"] = {"ListDelegatedServicesForAccount": error_code(error)}
    return admins


def _service_control_policies(ctx: CollectContext, org: Any, errors: dict[str, str]) -> list[Resource]:
    """Every SCP with the roots, OUs and accounts it is attached to: an unattached SCP guards nothing."""
    try:
        policies = list(ctx.paginate(org, "list_policies", "Policies", Filter=SCP))
    except ClientError as error:
        _unreadable(ctx, "ListPolicies", error, errors)
        return []
    found = []
    for policy in policies:
        config = dict(policy)
        try:
            config["Targets"] = list(ctx.paginate(org, "list_targets_for_policy", "Targets", PolicyId=policy["Id"]))
        except ClientError as error:
            config["_errors"] = {"ListTargetsForPolicy": error_code(error)}
        found.append(ctx.resource(ORG_POLICY, policy["Id"], arn=policy.get("Arn", ""), name=policy.get("Name", ""),
                                  config=config))
    return found


# Tag and backup policies: kept apart from SCPs (a type of our own) so no SCP check takes one for a guardrail.
MANAGEMENT_POLICY_TYPES = ("TAG_POLICY", "BACKUP_POLICY")


def _management_policies(ctx: CollectContext, org: Any, errors: dict[str, str]) -> list[Resource]:
    """Tag and backup policies with their targets; a type that cannot be listed is recorded under ``_errors``
    as ``ListPolicies:<type>``."""
    found = []
    for kind in MANAGEMENT_POLICY_TYPES:
        try:
            policies = list(ctx.paginate(org, "list_policies", "Policies", Filter=kind))
        except ClientError as error:
            _unreadable(ctx, f"ListPolicies:{kind}", error, errors)
            continue
        for policy in policies:
            config = {**policy, "Type": policy.get("Type") or kind}
            try:
                config["Targets"] = list(ctx.paginate(org, "list_targets_for_policy", "Targets",
                                                      PolicyId=policy["Id"]))
            except ClientError as error:
                config["_errors"] = {"ListTargetsForPolicy": error_code(error)}
            found.append(ctx.resource(ORG_MANAGEMENT_POLICY, policy["Id"], arn=policy.get("Arn", ""),
                                      name=policy.get("Name", ""), config=config))
    return found


def _roots(ctx: CollectContext, org: Any, errors: dict[str, str]) -> list[dict[str, Any]] | None:
    """The organization's roots with the policy types enabled on them: a policy of a disabled type does nothing."""
    try:
        return list(ctx.paginate(org, "list_roots", "Roots"))
    except ClientError as error:
        _unreadable(ctx, "ListRoots", error, errors)
        return None


def _account_tags(ctx: CollectContext, org: Any, account_id: str, errors: dict[str, str]) -> dict[str, str]:
    """The account's own tags (they may say its environment); a refusal is recorded, not fatal."""
    try:
        return tags_from_list(list(ctx.paginate(org, "list_tags_for_resource", "Tags", ResourceId=account_id)))
    except ClientError as error:
        errors["ListTagsForResource"] = error_code(error)
        return {}


class OuPaths:
    """Where an account sits in the organization, as OU names from the root (``Workloads/Production``); each OU is
    described and climbed once per scan, however many accounts it holds."""

    MAX_DEPTH = 6  # AWS allows five levels of OUs under the root

    def __init__(self, ctx: CollectContext, org: Any) -> None:
        self._ctx, self._org = ctx, org
        # OU id -> (name, its parent), or the refusal that reading it met (not asked again for the next account)
        self._ous: dict[str, tuple[str, dict[str, str]] | ClientError] = {}

    def _parent(self, child_id: str) -> dict[str, str]:
        parents = list(self._ctx.paginate(self._org, "list_parents", "Parents", ChildId=child_id))
        return parents[0] if parents else {"Type": "ROOT"}

    def _ou(self, ou_id: str) -> tuple[str, dict[str, str]]:
        if ou_id not in self._ous:
            try:
                unit = self._org.describe_organizational_unit(OrganizationalUnitId=ou_id)["OrganizationalUnit"]
                self._ous[ou_id] = (unit.get("Name") or ou_id, self._parent(ou_id))
            except ClientError as error:
                self._ous[ou_id] = error
        found = self._ous[ou_id]
        if isinstance(found, ClientError):
            raise found
        return found

    def of(self, account_id: str, errors: dict[str, str]) -> str | None:
        """"" for an account directly under the root; None when the path could not be read (recorded)."""
        names: list[str] = []
        try:
            parent = self._parent(account_id)
            while parent.get("Type") == "ORGANIZATIONAL_UNIT" and len(names) < self.MAX_DEPTH:
                name, parent = self._ou(parent["Id"])
                names.append(name)
        except ClientError as error:
            errors[error.operation_name or "ListParents"] = error_code(error)
            return None
        return "/".join(reversed(names))


@collector(
    "organizations",
    resource_types=(ORGANIZATION, ORG_ACCOUNT, ORG_POLICY, ORG_MANAGEMENT_POLICY),
    operations=("organizations:DescribeOrganization", "organizations:ListAccounts",
                "organizations:ListPolicies", "organizations:ListTargetsForPolicy",
                "organizations:ListDelegatedAdministrators", "organizations:ListDelegatedServicesForAccount",
                "organizations:ListRoots", "organizations:ListTagsForResource", "organizations:ListParents",
                "organizations:DescribeOrganizationalUnit"),
    global_service=True,
)
def collect_organizations(ctx: CollectContext) -> Iterator[Resource]:
    """Always yields the scanned account as an AWS::Organizations::Account whose ``_member`` says whether it
    belongs to an organization; a standalone account has no other record of that fact."""
    org = ctx.client("organizations")
    organization = _organization(org)
    if organization is None:
        yield ctx.resource(ORG_ACCOUNT, ctx.account, name=ctx.account, config={"_member": False})
        return
    is_management = organization.get("MasterAccountId") == ctx.account
    policies: list[Resource] = []
    if is_management:  # only the management account answers for the organization's policies and administrators
        errors: dict[str, str] = {}
        admins = _delegated_administrators(ctx, org, errors)
        policies = _service_control_policies(ctx, org, errors)
        policies += _management_policies(ctx, org, errors)
        roots = _roots(ctx, org, errors)
        organization = {**organization, **({"DelegatedAdministrators": admins} if admins is not None else {}),
                        **({"_roots": roots} if roots is not None else {}),
                        **({"_errors": errors} if errors else {})}
    yield ctx.resource(ORGANIZATION, organization["Id"], arn=organization.get("Arn", ""), name=organization["Id"],
                       config=organization)
    yield from policies
    # Only the management account (or a delegated administrator) may list the accounts.
    listed = {a["Id"]: a for a in _member_accounts(ctx, org)} if is_management else {}
    listed.setdefault(ctx.account, {"Id": ctx.account})
    paths = OuPaths(ctx, org) if is_management else None
    for account_id, account in listed.items():
        config = {**account, "_member": True, "_organization_id": organization["Id"],
                  "_management": account_id == organization.get("MasterAccountId")}
        tags: dict[str, str] = {}
        if paths is not None:  # where the account sits and how it is tagged: what says its environment
            unread: dict[str, str] = {}
            tags = _account_tags(ctx, org, account_id, unread)
            path = paths.of(account_id, unread)
            if path is not None:
                config["_ou_path"] = path
            if unread:
                config["_errors"] = unread
        yield ctx.resource(ORG_ACCOUNT, account_id, arn=account.get("Arn", ""), name=account.get("Name") or account_id,
                           tags=tags, config=config)
