"""IAM in bulk: users, groups, roles and managed policies from GetAccountAuthorizationDetails, every user's
credentials (keys, their age and last use, console password, MFA) from the credential report, identity providers,
the password policy and the account summary. No call is made per user: a few pages serve any number of them."""

from __future__ import annotations

import csv
import io
import time
from typing import Any, Callable, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import (IAM_ACCOUNT_PASSWORD_POLICY, IAM_ACCOUNT_SUMMARY, IAM_GROUP, IAM_OIDC_PROVIDER,
                                 IAM_POLICY, IAM_ROLE, IAM_SAML_PROVIDER, IAM_USER)
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector

ENTITIES = ["User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy"]
AWS_MANAGED_PREFIX = ":iam::aws:policy/"
ROOT_ROW = "<root_account>"
CREDENTIAL_REPORT = "GetCredentialReport"
# AWS builds the report in seconds; it keeps one for four hours and hands that one back within them.
REPORT_WAIT_SECONDS, REPORT_POLL_SECONDS = 60.0, 2.0
_NOT_YET = ("ReportInProgress", "ReportNotPresent", "ReportExpired")
# How the report says "nothing here": no key in the slot, no use yet, a field that does not apply to the row.
_NONE = ("N/A", "no_information", "not_supported", "")


# -- the credential report -----------------------------------------------------------------------------------
def _read_credential_report(iam: Any, sleep: Callable[[float], None] = time.sleep) -> dict[str, Any]:
    """The report's response; generated first when there is none (or only an expired one)."""
    deadline = time.monotonic() + REPORT_WAIT_SECONDS
    iam.generate_credential_report()
    while True:
        try:
            return iam.get_credential_report()
        except ClientError as error:
            if error_code(error) not in _NOT_YET or time.monotonic() > deadline:
                raise
        sleep(REPORT_POLL_SECONDS)
        iam.generate_credential_report()  # starts a new report if the last one expired meanwhile


def _value(row: dict[str, str], column: str) -> str | None:
    value = (row.get(column) or "").strip()
    return None if value in _NONE else value


def _keys(row: dict[str, str]) -> list[dict[str, Any]]:
    """The user's access keys (at most two: the report's slots 1 and 2), with when each was made and last used.
    The report names no key id: a key is told by its slot and creation date, as the console lists it."""
    keys = []
    for slot in (1, 2):
        created = _value(row, f"access_key_{slot}_last_rotated")  # when the key in the slot was created
        if created is None:
            continue  # the slot is empty
        keys.append({"Slot": slot, "Status": "Active" if _value(row, f"access_key_{slot}_active") == "true"
                     else "Inactive", "CreateDate": created,
                     "LastUsedDate": _value(row, f"access_key_{slot}_last_used_date"),
                     "LastUsedService": _value(row, f"access_key_{slot}_last_used_service"),
                     "LastUsedRegion": _value(row, f"access_key_{slot}_last_used_region")})
    return keys


def _credentials(row: dict[str, str], generated: str | None) -> dict[str, Any]:
    """A user's credential facts under ``_``-keys, as the checks read them."""
    console = _value(row, "password_enabled") == "true"
    return {
        "_access_keys": _keys(row),
        "_login_profile": {"UserName": row.get("user"), "PasswordLastChanged": _value(row, "password_last_changed"),
                           "PasswordLastUsed": _value(row, "password_last_used")} if console else None,
        "_mfa_active": _value(row, "mfa_active") == "true",
        "_credential_report_at": generated,
    }


def _credential_rows(ctx: CollectContext, iam: Any) -> tuple[dict[str, dict[str, str]], str | None, str | None]:
    """Report rows by user name (the root user's as ROOT_ROW), when the report was made, and why it could not
    be read (None when it was)."""
    try:
        report = _read_credential_report(iam)
    except ClientError as error:
        ctx.note(f"{CREDENTIAL_REPORT}: {error_code(error)}")
        return {}, None, error_code(error)
    content = report.get("Content") or b""
    text = content.decode("utf-8") if isinstance(content, bytes) else str(content)
    generated = report.get("GeneratedTime")
    generated = generated.isoformat() if hasattr(generated, "isoformat") else generated
    return {row["user"]: row for row in csv.DictReader(io.StringIO(text)) if row.get("user")}, generated, None


def _user_credentials(name: str, rows: dict[str, dict[str, str]], generated: str | None,
                      failure: str | None) -> dict[str, Any]:
    """The user's credentials, or ``_errors`` saying why they are unknown (never an empty list read as "none")."""
    if failure:
        return {"_errors": {CREDENTIAL_REPORT: failure}}
    if name not in rows:  # created after the report was generated (AWS reuses a report for four hours)
        return {"_errors": {CREDENTIAL_REPORT: f"NotInReport (report of {generated})"}}
    return _credentials(rows[name], generated)


# -- users, groups, roles and policies -----------------------------------------------------------------------
def _authorization_details(iam: Any) -> dict[str, list[dict[str, Any]]]:
    """Users, groups, roles and managed policies, with their policies, memberships and tags, in a few pages."""
    found: dict[str, list[dict[str, Any]]] = {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [],
                                              "Policies": []}
    for page in iam.get_paginator("get_account_authorization_details").paginate(Filter=ENTITIES):
        for key, items in found.items():
            items.extend(page.get(key, []) or [])
    return found


def _policy_config(policy: dict[str, Any]) -> dict[str, Any]:
    """A managed policy with its default version's document only: the one that grants anything."""
    config = {k: v for k, v in policy.items() if k != "PolicyVersionList"}
    default = [v for v in policy.get("PolicyVersionList") or [] if v.get("IsDefaultVersion")]
    config["Document"] = default[0].get("Document") if default else None
    return config


def _in_use(policy: dict[str, Any]) -> bool:
    """Every customer managed policy is kept; an AWS managed one only where something in the account uses it."""
    return (AWS_MANAGED_PREFIX not in policy.get("Arn", "") or bool(policy.get("AttachmentCount"))
            or bool(policy.get("PermissionsBoundaryUsageCount")))


def _identity_providers(ctx: CollectContext, iam: Any) -> Iterator[Resource]:
    """OIDC and SAML providers: the federation that replaces IAM users. A failure to list them propagates,
    since a missing provider list would read as "no federation"."""
    for item in iam.list_open_id_connect_providers().get("OpenIDConnectProviderList", []):
        arn, config = item["Arn"], {"Arn": item["Arn"]}
        try:
            config.update(iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn))
        except ClientError as error:
            config["_errors"] = {"GetOpenIDConnectProvider": error_code(error)}
        yield ctx.resource(IAM_OIDC_PROVIDER, arn, arn=arn, name=config.get("Url", arn.split("/", 1)[-1]),
                           tags=tags_from_list(config.get("Tags")), config=config)
    for item in iam.list_saml_providers().get("SAMLProviderList", []):
        arn = item["Arn"]
        yield ctx.resource(IAM_SAML_PROVIDER, arn, arn=arn, name=arn.split("/", 1)[-1], config=item)


def _account_setting(ctx: CollectContext, type: str, call: Callable[[], dict[str, Any]], field: str,
                     operation: str, extra: dict[str, Any] | None = None) -> Resource:
    """An account-wide IAM setting; kept (with why) even when it cannot be read, so checks can say so."""
    try:
        config = {**call().get(field, {}), **(extra or {})}
    except ClientError as error:
        code = error_code(error)
        config = {"_absent": True} if code == "NoSuchEntity" else {"_errors": {operation: code}}
    return ctx.resource(type, ctx.account, name=ctx.account, config=config)


def _root_credentials(rows: dict[str, dict[str, str]], generated: str | None) -> dict[str, Any]:
    """The root user's row of the credential report: when its password and keys were last used."""
    row = rows.get(ROOT_ROW)
    if row is None:
        return {}
    return {"_root": {"PasswordLastUsed": _value(row, "password_last_used"), "MfaActive": _value(row, "mfa_active")
                      == "true", "AccessKeys": _keys(row), "ReportGeneratedAt": generated}}


@collector(
    "iam",
    # AWS::IAM::AccountPasswordPolicy and AWS::IAM::AccountSummary are our names: AWS has no type for them.
    resource_types=(IAM_USER, IAM_GROUP, IAM_ROLE, IAM_POLICY, IAM_OIDC_PROVIDER, IAM_SAML_PROVIDER,
                    IAM_ACCOUNT_PASSWORD_POLICY, IAM_ACCOUNT_SUMMARY),
    operations=("iam:GetAccountAuthorizationDetails", "iam:GenerateCredentialReport", "iam:GetCredentialReport",
                "iam:ListOpenIDConnectProviders", "iam:GetOpenIDConnectProvider", "iam:ListSAMLProviders",
                "iam:GetAccountPasswordPolicy", "iam:GetAccountSummary"),
    global_service=True,
)
def collect_iam(ctx: CollectContext) -> Iterator[Resource]:
    iam = ctx.client("iam")
    details = _authorization_details(iam)
    rows, generated, failure = _credential_rows(ctx, iam)
    for user in details["UserDetailList"]:
        name = user["UserName"]
        yield ctx.resource(IAM_USER, name, arn=user.get("Arn", ""), name=name, tags=tags_from_list(user.get("Tags")),
                           config={**user, **_user_credentials(name, rows, generated, failure)})
    for group in details["GroupDetailList"]:
        yield ctx.resource(IAM_GROUP, group["GroupName"], arn=group.get("Arn", ""), name=group["GroupName"],
                           config=group)
    for role in details["RoleDetailList"]:
        # AssumeRolePolicyDocument stays: its Federated principals show OIDC/SAML federation in use.
        yield ctx.resource(IAM_ROLE, role["RoleName"], arn=role.get("Arn", ""), name=role["RoleName"],
                           tags=tags_from_list(role.get("Tags")), config=role)
    for policy in filter(_in_use, details["Policies"]):
        # The name is the ARN's last part, for an answer that leaves PolicyName out (moto's does).
        name = policy.get("PolicyName") or policy["Arn"].rsplit("/", 1)[-1]
        yield ctx.resource(IAM_POLICY, policy["Arn"], arn=policy["Arn"], name=name,
                           config=_policy_config(policy))
    yield from _identity_providers(ctx, iam)
    yield _account_setting(ctx, IAM_ACCOUNT_PASSWORD_POLICY, iam.get_account_password_policy,
                           "PasswordPolicy", "GetAccountPasswordPolicy")
    yield _account_setting(ctx, IAM_ACCOUNT_SUMMARY, iam.get_account_summary, "SummaryMap",
                           "GetAccountSummary", _root_credentials(rows, generated))
