"""Security / account separation: a workload its owner tagged production inside a non-production account, or the
reverse. The account's environment comes from the organization (account tag, OU path, account name)."""

from __future__ import annotations

from wafr.checks.account_separation import WORKLOAD_TYPES
from wafr.checks.registry import Result, by_environment, check, judged, not_assessed
from wafr.environment import tag_signal
from wafr.estate import Estate, Resource
from wafr.resource_types import ORG_ACCOUNT, services_of
from wafr.vocabulary import PROD, UNKNOWN

# The reads that place an account: a refused one leaves the account's environment unknown for want of data.
_ACCOUNT_READS = ("ListTagsForResource", "ListParents", "DescribeOrganizationalUnit")


def _unread_account(estate: Estate, account: str) -> str | None:
    """Why the organization's record of the account is incomplete, when a read that places it failed."""
    for record in estate.with_id(account, ORG_ACCOUNT):  # every copy: the management account's places it
        failed = [op for op in _ACCOUNT_READS if op in record.errors]
        if failed:
            return f"{failed[0]} failed for account {account} ({record.errors[failed[0]]})"
    return None


@check(
    "workload-in-wrong-account",
    title="A workload tagged for one environment runs in another environment's account",
    pillar="security",
    focus_area="Account separation",
    risk=by_environment(prod="HIGH", staging="MEDIUM", dev="MEDIUM"),
    best_practices=["SEC01-BP01"],
    remediation="Move the workload into an account of its own environment (or correct its environment tag, or the "
                "account's tag or OU, whichever is wrong), so production's access, guardrails and blast radius are "
                "not shared with development and staging.",
    bullet=("Move {resources} to an account of its own environment",
            "Move {resources} to accounts of their own environments"),
    each=WORKLOAD_TYPES,
    needs=("organizations", *(s for t in WORKLOAD_TYPES for s in services_of(t))),
)
def workload_in_wrong_account(resource: Resource, estate: Estate) -> Result | None:
    tagged = tag_signal(resource)
    if tagged is None:  # only what the owner declared is compared; a name or a stack is too weak to accuse
        return None
    place = estate.account_resource(resource.account)
    account_env, account_basis = estate.environment_of(place), estate.environment_basis_of(place)
    if account_env == UNKNOWN:
        why = _unread_account(estate, resource.account)
        return not_assessed(resource, f"Not assessed: {why}, so the account's environment is unknown.") if why else None
    env, basis = tagged
    production, account_production = env == PROD, account_env == PROD
    return judged(
        resource, production == account_production,
        f"Its {basis} agrees with its account: {account_basis} is {account_env}.",
        f"Its {basis} says {env}, but it runs in a {account_env} account: {account_basis}."
        + (" Production shares the weaker guardrails and wider access of a non-production account."
           if production else " Non-production work runs beside production, with access to it."))
