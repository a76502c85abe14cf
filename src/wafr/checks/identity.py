"""Security / IAM: how people and machines sign in - long-lived keys, federation, MFA, the password policy, root."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

from wafr.checks.registry import Result, check, fail, not_assessed, passed
from wafr.estate import GLOBAL, Estate, Resource, by_account
from wafr.phrases import first_few
from wafr.resource_types import (ACCOUNT, IAM_ACCOUNT_PASSWORD_POLICY, IAM_ACCOUNT_SUMMARY, IAM_OIDC_PROVIDER,
                                 IAM_SAML_PROVIDER, IAM_USER, SSO_INSTANCE)

CREDENTIAL_REPORT = "GetCredentialReport"  # where the collector says a user's credentials could not be read

KEY_MAX_AGE_DAYS = 90  # AWS's and CIS's rotation period for access keys
# CIS AWS Foundations Benchmark 1.8 / 1.9: at least 14 characters, no reuse of the last 24 passwords.
PASSWORD_MIN_LENGTH = 14
PASSWORD_REUSE_PREVENTION = 24


# -- shared helpers ------------------------------------------------------------------------------------------
def as_of(estate: Estate) -> dt.datetime:
    """When the estate was read: key ages are judged then, so a snapshot reviewed later reads the same."""
    stamp = estate.metadata.get("collected_at")
    return parse_time(stamp) if stamp else dt.datetime.now(dt.timezone.utc)


def parse_time(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def days_since(value: str | None, now: dt.datetime) -> int | None:
    return (now - parse_time(value)).days if value else None


def _iam_gaps(estate: Estate) -> Iterator[Result]:
    """NOT_ASSESSED for each account whose IAM was not read, so a missing read never looks like a pass."""
    for account in estate.accounts:
        gap = estate.gap(account, GLOBAL, "iam")
        if gap:
            yield not_assessed(estate.account_resource(account), gap)


def _active_keys(user: Resource) -> list[dict[str, Any]]:
    return [k for k in user.config.get("_access_keys") or [] if k.get("Status") == "Active"]


def _describe_key(key: dict[str, Any], now: dt.datetime) -> str:
    age = days_since(key.get("CreateDate"), now)
    used = key.get("LastUsedDate")
    if key.get("_last_used_unknown"):
        last = "last use unknown"
    elif used:
        service = key.get("LastUsedService")
        last = f"last used {used[:10]}" + (f" by {service}" if service else "")
    else:
        last = "never used"
    # The credential report names a key by its slot, not its id; the console lists keys with their creation date.
    name = f"…{key['AccessKeyId'][-4:]}" if key.get("AccessKeyId") else f"key {key.get('Slot', '?')}"
    created = f"created {key['CreateDate'][:10]}, " if key.get("CreateDate") else ""
    return f"{name} ({created}{age if age is not None else '?'} days old, {last})"


# -- checks --------------------------------------------------------------------------------------------------
@check(
    "iam-user-long-lived-access-key",
    title="IAM user holds long-lived access keys",
    pillar="security",
    focus_area="IAM",
    risk="HIGH",
    best_practices=["SEC02-BP02", "SEC02-BP05"],
    remediation="Remove the user's access keys and then the user: deploy through OIDC-federated roles (e.g. GitHub "
                "Actions assuming an IAM role for short-lived credentials) and give people IAM Identity Center "
                "access. A key that must stay for now should be scoped to what it deploys and rotated every 90 days.",
    resource_types=[IAM_USER],
    needs=("iam",),
    bullet=("Remove the IAM user {resources}; deploy through OIDC-federated roles",
            "Remove the IAM users {resources}; deploy through OIDC-federated roles"),
    absorbs=["iam-access-key-not-rotated"],
)
def iam_user_long_lived_access_key(estate: Estate) -> Iterator[Result]:
    yield from _iam_gaps(estate)
    now = as_of(estate)
    for user in estate.of_type(IAM_USER):
        if "_access_keys" not in user.config:
            yield not_assessed(user, f"its access keys could not be read from the credential report "
                                     f"({user.config.get('_errors', {}).get(CREDENTIAL_REPORT, 'not collected')})")
            continue
        active = _active_keys(user)
        if not active:
            yield passed(user, "the user has no active access keys")
            continue
        keys = "; ".join(_describe_key(k, now) for k in active)
        yield fail(user, f"{len(active)} active access key{'s' if len(active) > 1 else ''}: {keys}")


@check(
    "iam-access-key-not-rotated",
    title="IAM access key not rotated in 90 days",
    pillar="security",
    focus_area="IAM",
    risk="MEDIUM",
    best_practices=["SEC02-BP05"],
    remediation="Rotate active access keys at least every 90 days (create a second key, move the consumer to it, "
                "deactivate and then delete the old one) and delete keys unused for 90 days; better, replace them "
                "with roles so there is nothing to rotate.",
    resource_types=[IAM_USER],
    needs=("iam",),
    bullet="Rotate or delete the stale access keys of {resources}",
)
def iam_access_key_not_rotated(estate: Estate) -> Iterator[Result]:
    yield from _iam_gaps(estate)
    now = as_of(estate)
    for user in estate.of_type(IAM_USER):
        active = _active_keys(user)
        if not active:
            continue  # nothing to rotate; missing key data is reported by iam-user-long-lived-access-key
        stale = [k for k in active if (days_since(k.get("CreateDate"), now) or 0) > KEY_MAX_AGE_DAYS]
        if stale:
            keys = "; ".join(_describe_key(k, now) for k in stale)
            yield fail(user, f"active key older than {KEY_MAX_AGE_DAYS} days: {keys}")
        else:
            yield passed(user, f"every active key is at most {KEY_MAX_AGE_DAYS} days old")


@check(
    "iam-console-user-without-mfa",
    title="IAM user can sign in to the console without MFA",
    pillar="security",
    focus_area="IAM",
    risk="HIGH",
    best_practices=["SEC02-BP01"],
    remediation="Register an MFA device (a FIDO2 security key or an authenticator app) for every console user and "
                "deny actions without aws:MultiFactorAuthPresent; better, move people to IAM Identity Center with "
                "MFA enforced there and remove their console passwords.",
    resource_types=[IAM_USER],
    needs=("iam",),
    bullet=("Require MFA for the console user {resources}",
            "Require MFA for the console users {resources}"),
)
def iam_console_user_without_mfa(estate: Estate) -> Iterator[Result]:
    yield from _iam_gaps(estate)
    for user in estate.of_type(IAM_USER):
        errors = user.errors
        if CREDENTIAL_REPORT in errors:
            yield not_assessed(user, f"the credential report could not be read ({errors[CREDENTIAL_REPORT]})")
            continue
        if not user.config.get("_login_profile"):
            continue  # no console password: nothing to sign in with
        # Snapshots collected before the credential report listed the user's MFA devices instead.
        if user.config.get("_mfa_active", bool(user.config.get("_mfa_devices"))):
            yield passed(user, "console password with MFA active")
        else:
            yield fail(user, "the user has a console password and no MFA device")


@check(
    "iam-no-centralized-identity-provider",
    title="No centralized identity provider: access is through IAM users",
    pillar="security",
    focus_area="IAM",
    risk="HIGH",
    best_practices=["SEC02-BP04"],
    remediation="Connect IAM Identity Center to the company directory (Google Workspace, Microsoft Entra ID/O365, "
                "Okta) and grant access through permission sets; add an OIDC identity provider for CI/CD (e.g. "
                "token.actions.githubusercontent.com) so pipelines assume roles; then remove the IAM users.",
    resource_types=[ACCOUNT],
    needs=("iam", "identity-center"),
    bullet="Centralize sign-in in IAM Identity Center backed by the company directory for {resources}",
)
def iam_no_centralized_identity_provider(estate: Estate) -> Iterator[Result]:
    users = by_account(estate.of_type(IAM_USER))
    providers = by_account(estate.of_type(IAM_OIDC_PROVIDER, IAM_SAML_PROVIDER))
    instances = by_account(estate.of_type(SSO_INSTANCE))
    for account in estate.accounts:
        target = estate.account_resource(account)
        gap = estate.gap(account, GLOBAL, "iam")
        if gap:
            yield not_assessed(target, gap)
            continue
        in_use = [("OIDC" if p.type == IAM_OIDC_PROVIDER else "SAML") + f" provider {p.label}"
                  for p in providers.get(account, [])]
        in_use += [f"IAM Identity Center instance {i.label} with {i.config['_permission_sets']} permission set(s)"
                   for i in instances.get(account, []) if i.config.get("_permission_sets")]
        if in_use:
            yield passed(target, f"federated sign-in is configured: {', '.join(in_use)}")
            continue
        names = sorted(u.label for u in users.get(account, []))
        if not names:
            yield passed(target, "the account has no IAM users")
            continue
        gap = estate.gap(account, GLOBAL, "identity-center")
        unread = [i.label for i in instances.get(account, []) if i.errors]
        if gap or unread:
            yield not_assessed(target, gap or f"Identity Center instance {unread[0]}'s permission sets could not be read")
            continue
        shown = first_few(names, 5)
        yield fail(target, f"{len(names)} IAM user(s) ({shown}) and no OIDC provider, SAML provider or IAM Identity "
                           f"Center permission set")


@check(
    "iam-password-policy-weak",
    title="Account password policy missing or weak",
    pillar="security",
    focus_area="IAM",
    risk="MEDIUM",
    best_practices=["SEC02-BP01"],
    remediation=f"Set an account password policy requiring at least {PASSWORD_MIN_LENGTH} characters and preventing "
                f"reuse of the last {PASSWORD_REUSE_PREVENTION} passwords, and keep console users few: people belong "
                f"in IAM Identity Center, where the directory's policy and MFA apply.",
    resource_types=[IAM_ACCOUNT_PASSWORD_POLICY],
    needs=("iam",),
    bullet="Strengthen the account password policy of {resources}",
)
def iam_password_policy_weak(estate: Estate) -> Iterator[Result]:
    yield from _iam_gaps(estate)
    console_users = {u.account for u in estate.of_type(IAM_USER) if u.config.get("_login_profile")}
    for policy in estate.of_type(IAM_ACCOUNT_PASSWORD_POLICY):
        config = policy.config
        if "_errors" in config:
            yield not_assessed(policy, f"the password policy could not be read ({config['_errors']})")
            continue
        # The policy governs IAM users' console passwords only; without such users it protects nobody today.
        risk = None if policy.account in console_users else "LOW"
        if config.get("_absent"):
            yield fail(policy, "no account password policy is set, so AWS's default (8 characters, no reuse "
                               "prevention) applies", risk)
            continue
        shortfalls = []
        length = config.get("MinimumPasswordLength")
        if (length or 0) < PASSWORD_MIN_LENGTH:
            shortfalls.append(f"MinimumPasswordLength is {length} (< {PASSWORD_MIN_LENGTH})")
        if (config.get("PasswordReusePrevention") or 0) < PASSWORD_REUSE_PREVENTION:
            shortfalls.append(f"PasswordReusePrevention is {config.get('PasswordReusePrevention', 'not set')} "
                              f"(< {PASSWORD_REUSE_PREVENTION})")
        if shortfalls:
            yield fail(policy, "; ".join(shortfalls), risk)
        else:
            yield passed(policy, f"MinimumPasswordLength is {config['MinimumPasswordLength']} and "
                                 f"PasswordReusePrevention is {config['PasswordReusePrevention']}")


@check(
    "root-account-mfa-disabled",
    title="Root user has no MFA",
    pillar="security",
    focus_area="IAM",
    risk="HIGH",
    best_practices=["SEC01-BP02"],
    remediation="Register a hardware or FIDO2 MFA device for the root user, delete any root access keys, and keep "
                "the root credentials in a documented break-glass procedure; in an organization, centralize root "
                "access so member accounts need no root credentials at all.",
    resource_types=[ACCOUNT],
    needs=("iam",),
    bullet="Protect the root user of {resources} with MFA and keep it for break-glass only",
)
def root_account_mfa_disabled(estate: Estate) -> Iterator[Result]:
    for account in estate.accounts:
        target = estate.account_resource(account)
        summary = estate.get(account, type=IAM_ACCOUNT_SUMMARY, account=account)
        if summary is None or "AccountMFAEnabled" not in summary.config:
            why = estate.gap(account, GLOBAL, "iam") or "the IAM account summary could not be read"
            yield not_assessed(target, why)
        elif summary.config["AccountMFAEnabled"]:
            yield passed(target, "AccountMFAEnabled is 1: the root user has MFA")
        else:
            yield fail(target, "AccountMFAEnabled is 0: the root user signs in without MFA")
