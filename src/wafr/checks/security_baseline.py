"""Security governance: whether GuardDuty and Security Hub reach every account of the organization by themselves,
as the account that administers them for the organization configures it."""

from __future__ import annotations

from wafr.checks.registry import Result, check, fail, judged, passed
from wafr.estate import Resource
from wafr.resource_types import GUARDDUTY_ORGANIZATION_CONFIGURATION, SECURITYHUB_ORGANIZATION_CONFIGURATION


def _guardduty(config: Resource) -> Result:
    members = config.config.get("AutoEnableOrganizationMembers") or ("NEW" if config.config.get("AutoEnable") else
                                                                      "NONE")
    return judged(config, members == "ALL",
                  "GuardDuty's organization configuration enables it in every member account (ALL).",
                  "GuardDuty's organization configuration enables it in " + (
                      "new member accounts only (NEW): accounts that joined before are left as they were."
                      if members == "NEW" else "no member account (NONE): each is enabled by hand, or not at all."))


def _securityhub(config: Resource) -> Result:
    organization = config.config.get("OrganizationConfiguration") or {}
    if organization.get("ConfigurationType") == "CENTRAL":
        return passed(config, "Security Hub uses central configuration: its policies turn it and its standards on "
                              "in the accounts they target.")
    if config.config.get("AutoEnable"):
        standards = config.config.get("AutoEnableStandards", "NONE")
        return passed(config, f"Security Hub is enabled in new member accounts by itself (default standards: "
                              f"{standards}).")
    return fail(config, "Security Hub is not enabled in member accounts by itself (AutoEnable false, local "
                        "configuration): each account's security controls depend on someone turning them on.")


@check(
    "security-services-not-auto-enabled",
    title="GuardDuty or Security Hub is not turned on across the organization automatically",
    pillar="security",
    focus_area="Detection",
    risk="MEDIUM",
    best_practices=["SEC01-BP06"],
    remediation="From the delegated administrator, set GuardDuty's auto-enable to ALL member accounts and use Security "
                "Hub central configuration (or auto-enable with the default standards), so every account, new or "
                "old, gets the same detection baseline without a manual step.",
    bullet="Turn on the security baseline in every account from the organization ({resources})",
    each=(GUARDDUTY_ORGANIZATION_CONFIGURATION, SECURITYHUB_ORGANIZATION_CONFIGURATION),
)
def security_services_not_auto_enabled(config: Resource) -> Result:
    return _guardduty(config) if config.type == GUARDDUTY_ORGANIZATION_CONFIGURATION else _securityhub(config)
