"""KMS keys: automatic rotation of customer managed keys, and key policies that let anyone use or manage a key."""

from __future__ import annotations

from typing import Any, Iterator

from wafr.checks.policies import actions_of, open_statements
from wafr.checks.registry import Result, check, fail, not_assessed, passed, unread
from wafr.estate import Estate
from wafr.resource_types import KMS_KEY


@check(
    "kms-key-policy-public",
    title="KMS key policy lets anyone use the key",
    pillar="security",
    focus_area="Data protection",
    risk="HIGH",
    best_practices=["SEC08-BP01", "SEC03-BP07"],
    remediation="Replace principal \"*\" in the key policy with the account root and the roles that use the key, or "
                "narrow the statement with kms:CallerAccount, kms:ViaService or aws:PrincipalOrgID conditions.",
    resource_types=[KMS_KEY],
    needs=("kms",),
    bullet="Close the key policy of {resources} to anyone outside the accounts that use the key",
)
def kms_key_policy_public(estate: Estate) -> Iterator[Result]:
    for key in estate.of_type(KMS_KEY):
        statements = open_statements(key.config.get("KeyPolicy"))
        if why := unread(key, "GetKeyPolicy") or unread(key, "GetKeyPolicy (not JSON)"):
            yield not_assessed(key, why)
        elif statements:
            yield fail(key, f"The key policy lets anyone ({len(statements)} statement(s) with principal \"*\" and no "
                            f"account, organization or source condition) call {actions_of(statements)}.")
        else:
            yield passed(key, "No statement of the key policy lets anyone in without a condition on who calls.")


@check(
    "kms-key-rotation-disabled",
    title="Customer managed KMS key without automatic rotation",
    pillar="security",
    focus_area="Encryption at rest",
    risk="MEDIUM",
    best_practices=["SEC08-BP01"],
    remediation="Turn on automatic key rotation for the key (yearly, or a shorter period where policy asks); KMS keeps "
                "the old key material so existing data stays readable.",
    resource_types=[KMS_KEY],
    needs=("kms",),
    bullet=("Turn on automatic rotation for the KMS key {resources}",
            "Turn on automatic rotation for the KMS keys {resources}"),
)
def kms_key_rotation_disabled(estate: Estate) -> Iterator[Result]:
    for key in estate.of_type(KMS_KEY):
        config = key.config
        if "DescribeKey" in key.errors:
            yield not_assessed(key, f"DescribeKey failed ({key.errors['DescribeKey']}); the key policy may not "
                                    "grant this account")
            continue
        if not _rotatable(config):
            continue
        if "KeyRotationEnabled" not in config:
            why = key.errors.get("GetKeyRotationStatus", "not read")
            yield not_assessed(key, f"GetKeyRotationStatus failed ({why})")
        elif config["KeyRotationEnabled"]:
            period = config.get("RotationPeriodInDays")
            yield passed(key, "Automatic rotation is on" + (f", every {period} days." if period else "."))
        else:
            since = f" since {str(config['CreationDate'])[:10]}" if config.get("CreationDate") else ""
            yield fail(key, f"Automatic rotation is off: the same key material has encrypted data{since}.")


def _rotatable(key: dict[str, Any]) -> bool:
    """Enabled symmetric keys with KMS-made material: the only ones KMS rotates automatically (disabled keys and
    keys pending deletion encrypt nothing new)."""
    return (key.get("KeyState") == "Enabled" and key.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
            and key.get("Origin", "AWS_KMS") == "AWS_KMS")
