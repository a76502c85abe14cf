"""IAM: users with their credentials, roles, identity providers, the password policy and the account summary."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector

# Credential detail is three to four calls per user; a few in flight at once keeps a large account's scan
# short without provoking IAM's throttling (adaptive retries absorb the rest).
USER_DETAIL_WORKERS = 4



def _access_keys(iam: Any, user_name: str, errors: dict[str, str]) -> list[dict[str, Any]] | None:
    """The user's access keys with when and where each was last used."""
    try:
        keys = iam.list_access_keys(UserName=user_name).get("AccessKeyMetadata", [])
    except ClientError as error:
        errors["ListAccessKeys"] = error_code(error)
        return None
    found = []
    for key in keys:
        entry = {k: key.get(k) for k in ("AccessKeyId", "Status", "CreateDate")}
        try:
            used = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"]).get("AccessKeyLastUsed", {})
        except ClientError as error:
            errors["GetAccessKeyLastUsed"] = error_code(error)
            entry["_last_used_unknown"] = True
            used = {}
        # AWS answers "N/A" for a key that has never been used.
        entry["LastUsedDate"] = used.get("LastUsedDate")
        entry["LastUsedService"] = None if used.get("ServiceName") in (None, "N/A") else used["ServiceName"]
        entry["LastUsedRegion"] = None if used.get("Region") in (None, "N/A") else used["Region"]
        found.append(entry)
    return found


def _login_profile(iam: Any, user_name: str, errors: dict[str, str]) -> dict[str, Any] | None:
    """The console password's profile; None when the user has no console password."""
    try:
        return iam.get_login_profile(UserName=user_name).get("LoginProfile")
    except ClientError as error:
        if error_code(error) != "NoSuchEntity":
            errors["GetLoginProfile"] = error_code(error)
        return None


def _mfa_devices(iam: Any, user_name: str, errors: dict[str, str]) -> list[dict[str, Any]] | None:
    try:
        return iam.list_mfa_devices(UserName=user_name).get("MFADevices", [])
    except ClientError as error:
        errors["ListMFADevices"] = error_code(error)
        return None


def _user_detail(iam: Any, user: dict[str, Any]) -> dict[str, Any]:
    """The credential facts GetAccountAuthorizationDetails leaves out, under ``_``-keys."""
    name, errors = user["UserName"], {}
    detail: dict[str, Any] = {
        "_access_keys": _access_keys(iam, name, errors),
        "_login_profile": _login_profile(iam, name, errors),
        "_mfa_devices": _mfa_devices(iam, name, errors),
    }
    if errors:
        detail["_errors"] = errors
    # A list that could not be read is left out (``_errors`` says why), so no check takes it for an empty one.
    return {k: v for k, v in detail.items() if v is not None or k == "_login_profile"}


def _in_parallel(fn: Callable[[dict[str, Any]], dict[str, Any]], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(items) < 2:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=USER_DETAIL_WORKERS, thread_name_prefix="wafr-iam") as pool:
        return list(pool.map(fn, items))


def _authorization_details(iam: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Users and roles, with their policies, groups and tags, in one paginated call."""
    users: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []
    for page in iam.get_paginator("get_account_authorization_details").paginate(Filter=["User", "Role"]):
        users.extend(page.get("UserDetailList", []))
        roles.extend(page.get("RoleDetailList", []))
    return users, roles


def _identity_providers(ctx: CollectContext, iam: Any) -> Iterator[Resource]:
    """OIDC and SAML providers: the federation that replaces IAM users. A failure to list them propagates,
    since a missing provider list would read as "no federation"."""
    for item in iam.list_open_id_connect_providers().get("OpenIDConnectProviderList", []):
        arn, config = item["Arn"], {"Arn": item["Arn"]}
        try:
            config.update(iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn))
        except ClientError as error:
            config["_errors"] = {"GetOpenIDConnectProvider": error_code(error)}
        yield ctx.resource("AWS::IAM::OIDCProvider", arn, arn=arn, name=config.get("Url", arn.split("/", 1)[-1]),
                           tags=tags_from_list(config.get("Tags")), config=config)
    for item in iam.list_saml_providers().get("SAMLProviderList", []):
        arn = item["Arn"]
        yield ctx.resource("AWS::IAM::SAMLProvider", arn, arn=arn, name=arn.split("/", 1)[-1], config=item)


def _account_setting(ctx: CollectContext, type: str, call: Callable[[], dict[str, Any]], field: str,
                     operation: str) -> Resource:
    """An account-wide IAM setting; kept (with why) even when it cannot be read, so checks can say so."""
    try:
        config = call().get(field, {})
    except ClientError as error:
        code = error_code(error)
        config = {"_absent": True} if code == "NoSuchEntity" else {"_errors": {operation: code}}
    return ctx.resource(type, ctx.account, name=ctx.account, config=config)


@collector(
    "iam",
    # AWS::IAM::AccountPasswordPolicy and AWS::IAM::AccountSummary are our names: AWS has no type for them.
    resource_types=("AWS::IAM::User", "AWS::IAM::Role", "AWS::IAM::OIDCProvider", "AWS::IAM::SAMLProvider",
                    "AWS::IAM::AccountPasswordPolicy", "AWS::IAM::AccountSummary"),
    operations=("iam:GetAccountAuthorizationDetails", "iam:ListAccessKeys", "iam:GetAccessKeyLastUsed",
                "iam:GetLoginProfile", "iam:ListMFADevices", "iam:ListOpenIDConnectProviders",
                "iam:GetOpenIDConnectProvider", "iam:ListSAMLProviders", "iam:GetAccountPasswordPolicy",
                "iam:GetAccountSummary"),
    global_service=True,
)
def collect_iam(ctx: CollectContext) -> Iterator[Resource]:
    iam = ctx.client("iam")
    users, roles = _authorization_details(iam)
    details = _in_parallel(lambda user: _user_detail(iam, user), users)
    for user, detail in zip(users, details):
        yield ctx.resource("AWS::IAM::User", user["UserName"], arn=user.get("Arn", ""), name=user["UserName"],
                           tags=tags_from_list(user.get("Tags")), config={**user, **detail})
    for role in roles:
        # AssumeRolePolicyDocument stays: its Federated principals show OIDC/SAML federation in use.
        yield ctx.resource("AWS::IAM::Role", role["RoleName"], arn=role.get("Arn", ""), name=role["RoleName"],
                           tags=tags_from_list(role.get("Tags")), config=role)
    yield from _identity_providers(ctx, iam)
    yield _account_setting(ctx, "AWS::IAM::AccountPasswordPolicy", iam.get_account_password_policy,
                           "PasswordPolicy", "GetAccountPasswordPolicy")
    yield _account_setting(ctx, "AWS::IAM::AccountSummary", iam.get_account_summary, "SummaryMap",
                           "GetAccountSummary")
