"""Cognito user pools: how the application's users sign in (MFA, passwords, threat protection) and whether the
pool, with every user in it, can be deleted in one call."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed, unread
from wafr.estate import Estate, Resource
from wafr.resource_types import COGNITO_USER_POOL

CHARACTER_CLASSES = ("RequireUppercase", "RequireLowercase", "RequireNumbers", "RequireSymbols")
# A password policy is strong when it is long, or of reasonable length with every character class.
LONG_ENOUGH, MIN_LENGTH = 12, 8


def pools(estate: Estate) -> Iterator[tuple[Resource, str | None]]:
    """Each user pool, with why it cannot be judged (its DescribeUserPool failed) or None."""
    for pool in estate.of_type(COGNITO_USER_POOL):
        yield pool, unread(pool, "DescribeUserPool")


@check(
    "cognito-mfa-off",
    title="Cognito user pool does not require MFA",
    pillar="security",
    focus_area="IAM",
    risk=by_environment(prod="HIGH", staging="MEDIUM", dev="LOW"),
    best_practices=["SEC02-BP01"],
    remediation="Set the pool's MFA to ON (or OPTIONAL with adaptive authentication asking for it on risky "
                "sign-ins), with authenticator apps, passkeys or email rather than SMS codes.",
    resource_types=[COGNITO_USER_POOL],
    needs=("cognito-idp",),
)
def cognito_mfa_off(estate: Estate) -> Iterator[Result]:
    for pool, why in pools(estate):
        mfa = pool.config.get("MfaConfiguration")
        if why or mfa is None:
            yield not_assessed(pool, why or "MfaConfiguration is not in the response.")
        elif mfa == "ON":
            yield passed(pool, "MFA is required for every user.")
        elif mfa == "OPTIONAL":
            yield fail(pool, "MFA is OPTIONAL: only users who turn it on are protected by it.", risk="LOW")
        else:
            yield fail(pool, "MFA is OFF: a stolen or guessed password is enough to sign in as any user.")


def weaknesses(policy: dict) -> list[str]:
    length = policy.get("MinimumLength", 8)
    missing = [c.removeprefix("Require").lower() for c in CHARACTER_CLASSES if not policy.get(c)]
    if length >= LONG_ENOUGH:
        return []
    if length < MIN_LENGTH:
        return [f"a minimum length of {length}"] + ([f"no {', '.join(missing)} required"] if missing else [])
    return [f"a minimum length of {length} without {', '.join(missing)}"] if missing else []


@check(
    "cognito-password-policy-weak",
    title="Cognito user pool accepts weak passwords",
    pillar="security",
    focus_area="IAM",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC02-BP01"],
    remediation=f"Require at least {LONG_ENOUGH} characters (or {MIN_LENGTH} with upper and lower case, numbers and "
                "symbols), and prevent the reuse of recent passwords.",
    resource_types=[COGNITO_USER_POOL],
    needs=("cognito-idp",),
)
def cognito_password_policy_weak(estate: Estate) -> Iterator[Result]:
    for pool, why in pools(estate):
        policy = (pool.config.get("Policies") or {}).get("PasswordPolicy")
        if why or not isinstance(policy, dict):
            yield not_assessed(pool, why or "The pool's password policy is not in the response.")
        elif weak := weaknesses(policy):
            yield fail(pool, f"The password policy allows {'; '.join(weak)}.")
        else:
            yield passed(pool, f"Passwords need at least {policy.get('MinimumLength', 8)} characters"
                               + ("." if policy.get("MinimumLength", 8) >= LONG_ENOUGH else ", of every class."))


@check(
    "cognito-threat-protection-off",
    title="Cognito user pool does not block compromised credentials and risky sign-ins",
    pillar="security",
    focus_area="IAM",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC02-BP01"],
    remediation="Turn on threat protection (advanced security) in ENFORCED mode, so sign-ins with leaked passwords "
                "are blocked and risky ones must pass MFA; start in AUDIT mode to see what it would do.",
    resource_types=[COGNITO_USER_POOL],
    needs=("cognito-idp",),
)
def cognito_threat_protection_off(estate: Estate) -> Iterator[Result]:
    for pool, why in pools(estate):
        mode = (pool.config.get("UserPoolAddOns") or {}).get("AdvancedSecurityMode", "OFF")
        if why:
            yield not_assessed(pool, why)
        elif mode == "ENFORCED":
            yield passed(pool, "Threat protection is ENFORCED: compromised credentials and risky sign-ins are "
                               "blocked or challenged.")
        elif mode == "AUDIT":
            yield fail(pool, "Threat protection is in AUDIT mode: risky sign-ins are recorded but let through.",
                       risk="LOW")
        else:
            yield fail(pool, "Threat protection is OFF: sign-ins with leaked passwords are not detected.")


@check(
    "cognito-deletion-protection-off",
    title="Production Cognito user pool can be deleted without first lifting deletion protection",
    pillar="security",
    focus_area="Data protection",
    risk=by_environment(prod="MEDIUM", staging="LOW", dev="LOW"),
    best_practices=["SEC08-BP04"],
    remediation="Set DeletionProtection to ACTIVE on production user pools, in the infrastructure code, so a stack "
                "deletion cannot remove every user's account.",
    resource_types=[COGNITO_USER_POOL],
    needs=("cognito-idp",),
)
def cognito_deletion_protection_off(estate: Estate) -> Iterator[Result]:
    for pool, why in pools(estate):
        state = pool.config.get("DeletionProtection", "INACTIVE")
        if why:
            yield not_assessed(pool, why)
        elif state == "ACTIVE":
            yield passed(pool, "Deletion protection is ACTIVE.")
        elif not estate.in_production(pool):
            yield passed(pool, f"Deletion protection is {state}, acceptable in {estate.environment_of(pool)}.")
        else:
            yield fail(pool, f"Deletion protection is {state} on a {estate.environment_of(pool)} pool: one call deletes it "
                             f"with its {pool.config.get('EstimatedNumberOfUsers', 'unknown number of')} users, "
                             "who cannot be restored.")
