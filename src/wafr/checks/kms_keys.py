"""KMS keys beyond rotation: key policies that let anyone use or manage a key."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.messaging import unread
from wafr.checks.policies import actions_of, open_statements
from wafr.checks.registry import Result, check, fail, not_assessed, passed
from wafr.estate import Estate

KEY = "AWS::KMS::Key"


@check(
    "kms-key-policy-public",
    title="KMS key policy lets anyone use the key",
    pillar="security",
    focus_area="Data protection",
    risk="HIGH",
    best_practices=["SEC08-BP01", "SEC03-BP07"],
    remediation="Replace principal \"*\" in the key policy with the account root and the roles that use the key, or "
                "narrow the statement with kms:CallerAccount, kms:ViaService or aws:PrincipalOrgID conditions.",
    resource_types=[KEY],
    needs=("kms",),
)
def kms_key_policy_public(estate: Estate) -> Iterator[Result]:
    for key in estate.of_type(KEY):
        statements = open_statements(key.config.get("KeyPolicy"))
        if why := unread(key, "GetKeyPolicy") or unread(key, "GetKeyPolicy (not JSON)"):
            yield not_assessed(key, why)
        elif statements:
            yield fail(key, f"The key policy lets anyone ({len(statements)} statement(s) with principal \"*\" and no "
                            f"account, organization or source condition) call {actions_of(statements)}.")
        else:
            yield passed(key, "No statement of the key policy lets anyone in without a condition on who calls.")
