"""Security / IAM: what identities may do and whether they are still used - wildcard grants (as far as a
permissions boundary lets them through), policies on users, roles other accounts may assume, unused users, keys and
roles, and the root user's access keys.

Read from GetAccountAuthorizationDetails (users', groups' and roles' inline and attached policies, managed
policies' default versions, roles' last use), the credential report and the account summary."""

from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

from wafr.checks.identity import as_of, days_since, parse_time
from wafr.checks.policies import NARROWING_KEYS
from wafr.checks.registry import Result, check, fail, not_assessed, passed
from wafr.estate import GLOBAL, Estate, Resource
from wafr.resource_types import ACCOUNT, IAM_ACCOUNT_SUMMARY, IAM_GROUP, IAM_POLICY, IAM_ROLE, IAM_USER, ORG_ACCOUNT

PRINCIPALS = (IAM_USER, IAM_GROUP, IAM_ROLE)
UNUSED_AFTER_DAYS = 90  # CIS AWS Foundations 1.12 and AWS's own guidance for credentials and roles
# Roles AWS creates and governs: service-linked roles, and Identity Center's roles, judged where they are defined
# (the permission set), not as IAM roles anyone can edit.
AWS_GOVERNED_PATHS = ("/aws-service-role/", "/aws-reserved/")
# Services whose every action on every resource hands out the account: whoever may change IAM, STS role trust
# or Organizations may grant themselves anything else.
ESCALATING_SERVICES = frozenset({"iam", "sts", "organizations"})
_ACCOUNT_IN_ARN = re.compile(r"^arn:[^:]+:iam::(\d{12}):")
_EXTERNAL_ID = "sts:externalid"
_INLINE = {IAM_USER: "UserPolicyList", IAM_GROUP: "GroupPolicyList", IAM_ROLE: "RolePolicyList"}


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _iam_gaps(estate: Estate) -> Iterator[Result]:
    for account in estate.accounts:
        if gap := estate.gap(account, GLOBAL, "iam"):
            yield not_assessed(estate.account_resource(account), gap)


# -- what a policy grants ------------------------------------------------------------------------------------
def wide_grants(document: Any) -> list[str]:
    """What an identity policy allows on every resource, service-wide: "*:*", "s3:*", or "all but iam:*"
    (an Allow with NotAction). Narrower actions ("s3:Get*") or resources are not wide."""
    if not isinstance(document, Mapping):
        return []
    found: list[str] = []
    for statement in _listed(document.get("Statement")):
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        if "*" not in [str(r) for r in _listed(statement.get("Resource"))]:
            continue
        if "NotAction" in statement:
            excluded = ", ".join(str(a) for a in _listed(statement["NotAction"]))
            found.append(f"every action but {excluded}")
            continue
        for action in (str(a) for a in _listed(statement.get("Action"))):
            if action == "*" or action == "*:*":
                found.append("*:*")
            elif action.endswith(":*") and "*" not in action[:-2]:
                found.append(action.lower())
    return list(dict.fromkeys(found))


def is_admin(grant: str) -> bool:
    return grant == "*:*" or grant.startswith("every action but")


def _managed_documents(estate: Estate) -> dict[tuple[str, str], Resource]:
    return {(p.account, p.arn or p.id): p for p in estate.of_type(IAM_POLICY)}


def principal_policies(principal: Resource, managed: Mapping[tuple[str, str], Resource]
                       ) -> tuple[list[tuple[str, Any]], list[str]]:
    """The principal's own policies as (label, document), and the attached ones whose document was not read."""
    policies = [(f"inline policy {p.get('PolicyName', '?')}", p.get("PolicyDocument"))
                for p in _listed(principal.config.get(_INLINE[principal.type]))]
    unread = []
    for attached in _listed(principal.config.get("AttachedManagedPolicies")):
        arn = attached.get("PolicyArn", "")
        policy = managed.get((principal.account, arn))
        if policy is None or policy.config.get("Document") is None:
            unread.append(attached.get("PolicyName") or arn)
        else:
            policies.append((f"managed policy {attached.get('PolicyName') or policy.label}", policy.config["Document"]))
    return policies, unread


def _aws_governed(role: Resource) -> bool:
    return role.type == IAM_ROLE and str(role.config.get("Path", "")).startswith(AWS_GOVERNED_PATHS)


def _judged_principals(estate: Estate) -> Iterator[Resource]:
    for principal in estate.of_type(*PRINCIPALS):
        if not _aws_governed(principal):
            yield principal


_ALL_BUT = "every action but "


def _service(grant: str) -> str:
    return grant.split(":", 1)[0]


def _intersect(grant: str, limit: str) -> str | None:
    """What of a wide grant a permissions boundary's wide grant lets through (the effective permission is both)."""
    if limit == "*:*":
        return grant
    if grant == "*:*":
        return limit
    if grant.startswith(_ALL_BUT):
        if limit.startswith(_ALL_BUT):
            return grant  # still every action but a few
        excluded = {_service(a.strip()) for a in grant[len(_ALL_BUT):].split(",")}
        return None if _service(limit) in excluded else limit
    if limit.startswith(_ALL_BUT):
        excluded = {_service(a.strip()) for a in limit[len(_ALL_BUT):].split(",")}
        return None if _service(grant) in excluded else grant
    return grant if _service(grant) == _service(limit) else None


def _bounded(principal: Resource, managed: Mapping[tuple[str, str], Resource],
             grants: dict[str, list[str]]) -> tuple[dict[str, list[str]], str]:
    """The grants a permissions boundary lets through, and a note naming the boundary where it narrowed any.
    A boundary whose document was not read narrows nothing (said in the note)."""
    arn = (principal.config.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    if not arn or not grants:
        return grants, ""
    boundary = managed.get((principal.account, arn))
    name = boundary.label if boundary else arn.rsplit("/", 1)[-1]
    if boundary is None or boundary.config.get("Document") is None:
        return grants, f" (its permissions boundary {name} could not be read)"
    limits = wide_grants(boundary.config["Document"])
    bounded = {label: list(dict.fromkeys(e for g in found for b in limits if (e := _intersect(g, b))))
               for label, found in grants.items()}
    bounded = {label: found for label, found in bounded.items() if found}
    narrowed = bounded != grants
    return bounded, (f" (permissions boundary {name} narrows its policies' "
                     f"{', '.join(dict.fromkeys(g for f in grants.values() for g in f))})" if narrowed else "")


def _grants(estate: Estate) -> Iterator[tuple[Resource, dict[str, list[str]], list[str], str]]:
    """Each judged principal, its wide grants by policy as its permissions boundary lets them through, the attached
    policies that could not be read, and a note on the boundary."""
    managed = _managed_documents(estate)
    for principal in _judged_principals(estate):
        policies, unread = principal_policies(principal, managed)
        grants = {label: found for label, document in policies if (found := wide_grants(document))}
        grants, note = _bounded(principal, managed, grants)
        yield principal, grants, unread, note


def _kind(principal: Resource) -> str:
    return {IAM_USER: "user", IAM_GROUP: "group", IAM_ROLE: "role"}[principal.type]


# -- checks --------------------------------------------------------------------------------------------------
@check(
    "iam-principal-full-admin",
    title="IAM user, group or role may do anything to everything (*:*)",
    pillar="security",
    focus_area="IAM",
    risk="HIGH",
    best_practices=["SEC03-BP02"],
    remediation="Replace the administrator grant with policies scoped to the actions and resources the identity "
                "uses (IAM Access Analyzer can generate one from its CloudTrail activity); keep full administrator "
                "access to a few break-glass roles behind MFA, and give people elevated access through IAM Identity "
                "Center permission sets for the time they need it.",
    resource_types=[IAM_USER, IAM_GROUP, IAM_ROLE],
    needs=("iam",),
    bullet="Replace the administrator (*:*) grants of {resources} with least-privilege policies",
)
def iam_principal_full_admin(estate: Estate) -> Iterator[Result]:
    yield from _iam_gaps(estate)
    for principal, grants, unread, note in _grants(estate):
        admin = {label: [g for g in found if is_admin(g)] for label, found in grants.items()}
        admin = {label: found for label, found in admin.items() if found}
        if admin:
            shown = "; ".join(f"{label} allows {', '.join(found)} on every resource" for label, found in admin.items())
            yield fail(principal, f"The {_kind(principal)}'s {shown}{note}.")
        elif unread:
            yield not_assessed(principal, f"attached managed polic{'y' if len(unread) == 1 else 'ies'} "
                                          f"{', '.join(unread)} could not be read")
        else:
            yield passed(principal, f"No policy of the {_kind(principal)} allows every action on every "
                                    f"resource{note}.")


@check(
    "iam-principal-service-wildcard",
    title="IAM user, group or role may use a whole service on every resource (e.g. s3:*)",
    pillar="security",
    focus_area="IAM",
    risk="MEDIUM",
    risk_up_to="HIGH",
    best_practices=["SEC03-BP02"],
    remediation="Replace each service-wide grant (s3:*, dynamodb:*) on \"*\" with the actions the identity calls "
                "on the resources it owns (by ARN or tag); iam:*, sts:* and organizations:* first, since they let "
                "the identity grant itself everything else.",
    resource_types=[IAM_USER, IAM_GROUP, IAM_ROLE],
    needs=("iam",),
    bullet="Scope the service-wide grants (s3:*, iam:*) of {resources} to the actions and resources they use",
)
def iam_principal_service_wildcard(estate: Estate) -> Iterator[Result]:
    yield from _iam_gaps(estate)
    for principal, grants, unread, note in _grants(estate):
        services = {label: [g for g in found if not is_admin(g)] for label, found in grants.items()}
        services = {label: found for label, found in services.items() if found}
        if services:
            shown = "; ".join(f"{label} allows {', '.join(found)}" for label, found in services.items())
            escalating = sorted({g.split(":")[0] for found in services.values() for g in found} & ESCALATING_SERVICES)
            why = (f" {', '.join(s + ':*' for s in escalating)} lets it grant itself any other permission."
                   if escalating else "")
            yield fail(principal, f"On every resource, the {_kind(principal)}'s {shown}{note}.{why}",
                       "HIGH" if escalating else None)
        elif unread:
            yield not_assessed(principal, f"attached managed polic{'y' if len(unread) == 1 else 'ies'} "
                                          f"{', '.join(unread)} could not be read")
        else:
            yield passed(principal, f"No policy of the {_kind(principal)} grants a whole service on every resource.")


@check(
    "iam-policy-attached-to-user",
    title="Permissions granted to an IAM user directly rather than through a group or role",
    pillar="security",
    focus_area="IAM",
    risk="LOW",
    best_practices=["SEC02-BP06"],
    remediation="Move the user's inline and attached policies to a group (or, better, a role people and pipelines "
                "assume) that grants them to everyone with the same job, and add the user to it; access then "
                "follows membership and is reviewed in one place.",
    resource_types=[IAM_USER],
    needs=("iam",),
    bullet="Move the policies on {resources} to groups or roles",
)
def iam_policy_attached_to_user(estate: Estate) -> Iterator[Result]:
    yield from _iam_gaps(estate)
    for user in estate.of_type(IAM_USER):
        inline = [p.get("PolicyName", "?") for p in _listed(user.config.get("UserPolicyList"))]
        attached = [p.get("PolicyName") or p.get("PolicyArn", "?") for p in
                    _listed(user.config.get("AttachedManagedPolicies"))]
        groups = _listed(user.config.get("GroupList"))
        via = f" (member of {', '.join(map(str, groups))})" if groups else ""
        if inline or attached:
            parts = ([f"inline {', '.join(inline)}"] if inline else []) + (
                [f"attached {', '.join(attached)}"] if attached else [])
            yield fail(user, f"Policies on the user itself: {'; '.join(parts)}{via}.")
        else:
            yield passed(user, f"No policy is attached to the user itself{via}.")


def _trusted_accounts(document: Any) -> list[tuple[str, Mapping[str, Any]]]:
    """(account or "*", statement) for each AWS principal a role's trust policy lets assume it."""
    found = []
    for statement in _listed(document.get("Statement") if isinstance(document, Mapping) else None):
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        values = ["*"] if principal == "*" else _listed(principal.get("AWS")) if isinstance(principal, Mapping) else []
        for value in map(str, values):
            if value == "*":
                found.append(("*", statement))
            elif match := _ACCOUNT_IN_ARN.match(value):
                found.append((match.group(1), statement))
            elif value.isdigit() and len(value) == 12:
                found.append((value, statement))
    return found


def _condition_keys(statement: Mapping[str, Any]) -> set[str]:
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return set()
    return {k.lower() for keys in condition.values() if isinstance(keys, Mapping) for k in keys}


def _known_accounts(estate: Estate) -> set[str]:
    """The accounts of the estate itself: those scanned and those its organization lists."""
    return set(estate.accounts) | {a.id for a in estate.of_type(ORG_ACCOUNT)}


@check(
    "iam-role-trusts-account-without-condition",
    title="IAM role can be assumed from another account without an external ID or condition",
    pillar="security",
    focus_area="IAM",
    risk="MEDIUM",
    risk_up_to="HIGH",
    best_practices=["SEC03-BP09", "SEC03-BP07"],
    remediation="Require sts:ExternalId (a value the third party gives you per customer) in the trust policy of "
                "every role another company assumes, or narrow it with aws:PrincipalOrgID or aws:PrincipalArn; "
                "remove trust in accounts nobody can name any more.",
    resource_types=[IAM_ROLE],
    needs=("iam",),
    bullet="Require an external ID or condition in the trust policies of {resources}",
)
def iam_role_trusts_account_without_condition(estate: Estate) -> Iterator[Result]:
    yield from _iam_gaps(estate)
    known = _known_accounts(estate)
    for role in estate.of_type(IAM_ROLE):
        if _aws_governed(role):
            continue
        outside = [(account, statement) for account, statement in
                   _trusted_accounts(role.config.get("AssumeRolePolicyDocument"))
                   if account != role.account and account not in known]
        if not outside:
            continue  # trusts services, federation, its own account or the organization's accounts
        open_to = []
        for account, statement in outside:
            keys = _condition_keys(statement)
            if _EXTERNAL_ID in keys or keys & NARROWING_KEYS:
                continue
            open_to.append("anyone" if account == "*" else f"account {account}")
        if not open_to:
            yield passed(role, "Every other account the role trusts must present an external ID or match a "
                               "condition on who calls.")
        elif "anyone" in open_to:
            yield fail(role, "The trust policy lets any AWS principal assume the role, with no condition on who "
                             "calls.", "HIGH")
        else:
            yield fail(role, f"The trust policy lets {', '.join(dict.fromkeys(open_to))} (outside the scanned "
                             f"accounts and their organization) assume the role without sts:ExternalId or another "
                             f"condition on who calls.")


def _unused_days(last: str | None, created: str | None, now) -> tuple[int | None, int | None]:
    return days_since(last, now), days_since(created, now)


@check(
    "iam-user-unused",
    title="IAM user has not signed in or used a key for 90 days",
    pillar="security",
    focus_area="IAM",
    risk="MEDIUM",
    best_practices=["SEC03-BP06"],
    remediation="Confirm with the owner, then remove the user's console password and access keys and delete the "
                "user; tie IAM access to the joiner/leaver process (or move people to IAM Identity Center, where "
                "leaving the directory ends their access).",
    resource_types=[IAM_USER],
    needs=("iam",),
    bullet=("Remove the unused IAM user {resources}",
            "Remove the unused IAM users {resources}"),
)
def iam_user_unused(estate: Estate) -> Iterator[Result]:
    yield from _iam_gaps(estate)
    now = as_of(estate)
    for user in estate.of_type(IAM_USER):
        config = user.config
        if "_access_keys" not in config:
            yield not_assessed(user, f"the credential report could not be read "
                                     f"({config.get('_errors', {}).get('GetCredentialReport', 'not collected')})")
            continue
        console = config.get("_login_profile")
        keys = [k for k in config["_access_keys"] if k.get("Status") == "Active"]
        if not console and not keys:
            yield passed(user, "The user has no console password and no active access key to sign in with.")
            continue
        uses = [d for d in [(console or {}).get("PasswordLastUsed"), *(k.get("LastUsedDate") for k in keys)] if d]
        last = max(uses, key=parse_time) if uses else None
        since_use, age = _unused_days(last, config.get("CreateDate"), now)
        if since_use is not None and since_use > UNUSED_AFTER_DAYS:
            yield fail(user, f"Last used {since_use} days ago ({last[:10]}) by password or access key.")
        elif since_use is None and age is not None and age > UNUSED_AFTER_DAYS:
            yield fail(user, f"Never used its password or access keys since it was created {age} days ago.")
        elif since_use is not None:
            yield passed(user, f"Last used {since_use} days ago.")
        else:
            yield passed(user, f"Created {age} days ago, within {UNUSED_AFTER_DAYS} days; not used yet.")


@check(
    "iam-access-key-unused",
    title="Active IAM access key unused for 90 days",
    pillar="security",
    focus_area="IAM",
    risk="MEDIUM",
    best_practices=["SEC02-BP05"],
    remediation="Deactivate the unused key, wait for anything that breaks, then delete it; a key nobody uses is a "
                "credential to leak with no one watching it.",
    resource_types=[IAM_USER],
    needs=("iam",),
    bullet="Delete the idle access keys of {resources}",
)
def iam_access_key_unused(estate: Estate) -> Iterator[Result]:
    yield from _iam_gaps(estate)
    now = as_of(estate)
    for user in estate.of_type(IAM_USER):
        keys = [k for k in user.config.get("_access_keys") or [] if k.get("Status") == "Active"]
        if not keys:
            continue  # nothing to judge; unread credentials are reported by iam-user-unused
        idle = []
        for key in keys:
            used, age = _unused_days(key.get("LastUsedDate"), key.get("CreateDate"), now)
            if used is not None and used > UNUSED_AFTER_DAYS:
                idle.append(f"key {key.get('Slot', '?')} last used {used} days ago")
            elif used is None and age is not None and age > UNUSED_AFTER_DAYS:
                idle.append(f"key {key.get('Slot', '?')} never used in the {age} days since it was created")
        if idle:
            yield fail(user, f"Active but idle: {'; '.join(idle)}.")
        else:
            yield passed(user, f"Every active key was used in the last {UNUSED_AFTER_DAYS} days or is newer.")


@check(
    "iam-role-unused",
    title="IAM role not assumed for 90 days",
    pillar="security",
    focus_area="IAM",
    risk="LOW",
    best_practices=["SEC03-BP04"],
    remediation="Confirm nothing still assumes the role (IAM's last-accessed data and CloudTrail), then delete it or "
                "remove its permissions; unused roles keep permissions nobody reviews.",
    resource_types=[IAM_ROLE],
    needs=("iam",),
    bullet=("Delete or empty the unused role {resources}",
            "Delete or empty the unused roles {resources}"),
)
def iam_role_unused(estate: Estate) -> Iterator[Result]:
    yield from _iam_gaps(estate)
    now = as_of(estate)
    for role in estate.of_type(IAM_ROLE):
        if _aws_governed(role):
            continue
        used, age = _unused_days((role.config.get("RoleLastUsed") or {}).get("LastUsedDate"),
                                 role.config.get("CreateDate"), now)
        if used is not None and used > UNUSED_AFTER_DAYS:
            yield fail(role, f"Last assumed {used} days ago.")
        elif used is None and age is not None and age > UNUSED_AFTER_DAYS:
            # IAM tracks role use for 400 days: "never" means not in that window.
            yield fail(role, f"Not assumed since it was created {age} days ago (IAM tracks the last 400 days).")
        elif used is not None:
            yield passed(role, f"Last assumed {used} days ago.")
        elif age is not None:
            yield passed(role, f"Created {age} days ago, within {UNUSED_AFTER_DAYS} days.")
        else:
            yield not_assessed(role, "IAM reported neither the role's last use nor its creation date.")


@check(
    "root-access-keys-present",
    title="Root user has access keys",
    pillar="security",
    focus_area="IAM",
    risk="HIGH",
    best_practices=["SEC01-BP02"],
    remediation="Delete the root user's access keys (after moving whatever uses them to a role); nothing needs "
                "them, and they carry the account's every permission without any policy to narrow them.",
    resource_types=[ACCOUNT],
    needs=("iam",),
    bullet="Delete the root user's access keys in {resources}",
)
def root_access_keys_present(estate: Estate) -> Iterator[Result]:
    for account in estate.accounts:
        target = estate.account_resource(account)
        summary = estate.get(account, type=IAM_ACCOUNT_SUMMARY, account=account)
        if summary is None or "AccountAccessKeysPresent" not in summary.config:
            yield not_assessed(target, estate.gap(account, GLOBAL, "iam") or "the IAM account summary could not "
                                                                             "be read")
            continue
        root = summary.config.get("_root") or {}
        used = [k["LastUsedDate"][:10] for k in root.get("AccessKeys", []) if k.get("LastUsedDate")]
        detail = f"; last used {max(used)}" if used else ""
        if summary.config["AccountAccessKeysPresent"]:
            yield fail(target, f"AccountAccessKeysPresent is 1: the root user has access keys{detail}.")
        else:
            yield passed(target, "AccountAccessKeysPresent is 0: the root user has no access keys.")

