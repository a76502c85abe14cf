"""Security / Detection: API activity recorded by CloudTrail, threats watched by GuardDuty, findings gathered
in Security Hub."""

from __future__ import annotations

from collections import defaultdict
from typing import Callable, Iterator

from wafr.checks.org_evidence import GUARDDUTY, SECURITY_HUB, delegated_administrator, organizations_by_account
from wafr.checks.registry import PASS, Result, check, fail, not_assessed, passed
from wafr.estate import Estate, Resource, by_account
from wafr.resource_types import ACCOUNT, CLOUDTRAIL_TRAIL, GUARDDUTY_DETECTOR, SECURITYHUB_HUB



def _by_account_region(resources: list[Resource]) -> dict[tuple[str, str], list[Resource]]:
    grouped: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    for resource in resources:
        grouped[(resource.account, resource.region)].append(resource)
    return grouped


def _is_logging(trail: Resource) -> bool:
    return bool(trail.config.get("TrailStatus", {}).get("IsLogging"))


def _trail_verdict(target: Resource, trails: list[Resource], regions_read: int) -> Result:
    """The account's verdict from its trails, every Region's copy of a shadow trail included."""
    by_arn: dict[str, list[Resource]] = defaultdict(list)
    for trail in trails:
        by_arn[trail.id].append(trail)
    multi = {arn: copies for arn, copies in by_arn.items() if copies[0].config.get("IsMultiRegionTrail")}
    for copies in multi.values():
        if any(_is_logging(c) for c in copies):
            home = copies[0].config.get("HomeRegion")
            return passed(target, f"multi-Region trail {copies[0].label} (home {home}) is logging")
    unread = [copies[0].label for copies in multi.values() if all(c.errors for c in copies)]
    if unread:
        return not_assessed(target, f"the logging status of multi-Region trail {unread[0]} could not be read")
    where = f"in the {regions_read} Region(s) read"
    if multi:
        return fail(target, f"multi-Region trail {', '.join(c[0].label for c in multi.values())} is not logging")
    if by_arn:
        single = ", ".join(f"{c[0].label} ({c[0].config.get('HomeRegion')})" for c in by_arn.values())
        return fail(target, f"only single-Region trails {where}: {single}; activity elsewhere is not recorded")
    return fail(target, f"no CloudTrail trail records API activity {where}")


def _organization_trails(estate: Estate, trails: dict[str, list[Resource]]) -> dict[str, Resource]:
    """Each member account -> a logging multi-Region organization trail of its management account, which records
    the member's API activity whether or not the member's own trails could be read."""
    found: dict[str, Resource] = {}
    for account, organization in organizations_by_account(estate).items():
        management = organization.account
        trail = next((t for t in trails.get(management, []) if t.config.get("IsOrganizationTrail")
                      and t.config.get("IsMultiRegionTrail") and _is_logging(t)
                      and t.arn.split(":")[4:5] == [management]), None)
        if trail is not None:
            found[account] = trail
    return found


@check(
    "cloudtrail-no-multi-region-trail",
    title="No multi-Region CloudTrail trail is logging",
    pillar="security",
    focus_area="Detection",
    risk="HIGH",
    best_practices=["SEC04-BP01"],
    remediation="Create one multi-Region trail (an organization trail from the management account where there is an "
                "organization) that delivers to an S3 bucket in a separate log-archive account, with log file "
                "validation and KMS encryption, and alarm when logging stops.",
    resource_types=[ACCOUNT],
    needs=("cloudtrail",),
    bullet="Record every Region's API activity in {resources} with a multi-Region CloudTrail trail",
)
def cloudtrail_no_multi_region_trail(estate: Estate) -> Iterator[Result]:
    trails = by_account(estate.of_type(CLOUDTRAIL_TRAIL))
    organization_trails = _organization_trails(estate, trails)
    for account in estate.accounts:
        target = estate.account_resource(account)
        # Any one Region read will do: a multi-Region trail shows in every Region it records, as a shadow.
        read = [r for r in estate.regions if estate.assessed(account, r, "cloudtrail")]
        if not read:
            why = estate.gap(account, estate.regions[0], "cloudtrail") if estate.regions else "no Region was scanned"
            verdict = not_assessed(target, why or "cloudtrail was not collected")
        else:
            verdict = _trail_verdict(target, trails.get(account, []), len(read))
        central = organization_trails.get(account)
        if verdict.status != PASS and central is not None:
            verdict = passed(target, f"organization trail {central.label} in management account {central.account} "
                                     "records this account's activity in every Region and is logging")
        yield verdict


Judge = Callable[[Resource, list[Resource]], Result]


def _administered(estate: Estate, service_principal: str, name: str) -> dict[str, str]:
    """Each account -> "delegated administrator A manages <name> for the organization", where one is registered."""
    found = {}
    for account, organization in organizations_by_account(estate).items():
        admin = delegated_administrator(organization, service_principal)
        if admin:
            found[account] = f"delegated administrator {admin} manages {name} for the organization"
    return found


def _regional_service(estate: Estate, service: str, grouped: dict[tuple[str, str], list[Resource]],
                      judge: Judge) -> Iterator[Result]:
    """One result per account x Region: NOT_ASSESSED where the service was not read, else ``judge``'s verdict."""
    for account in estate.accounts:
        for region in estate.regions:
            target = estate.account_resource(account, region)
            gap = estate.gap(account, region, service)
            yield not_assessed(target, gap) if gap else judge(target, grouped.get((account, region), []))


@check(
    "guardduty-not-enabled",
    title="GuardDuty threat detection is not enabled in the Region",
    pillar="security",
    focus_area="Detection",
    risk="MEDIUM",
    best_practices=["SEC04-BP03"],
    remediation="Enable GuardDuty in every Region, from a delegated administrator account that auto-enables it for "
                "all the organization's accounts, and route its findings to the team through EventBridge or "
                "Security Hub.",
    resource_types=[ACCOUNT],
    needs=("guardduty",),
    bullet="Enable GuardDuty threat detection in {resources}",
)
def guardduty_not_enabled(estate: Estate) -> Iterator[Result]:
    # A delegated administrator only manages members that have a detector: without one the member stays a FAIL.
    administered = _administered(estate, GUARDDUTY, "GuardDuty")

    def judge(target: Resource, detectors: list[Resource]) -> Result:
        enabled = [d for d in detectors if d.config.get("Status") == "ENABLED"]
        if enabled and target.account in administered:
            return passed(target, f"{administered[target.account]}; detector {enabled[0].id} is ENABLED here")
        if enabled:
            return passed(target, f"GuardDuty detector {enabled[0].id} is ENABLED")
        if detectors:
            status = detectors[0].config.get("Status", "not enabled")
            return fail(target, f"GuardDuty detector {detectors[0].id} is {status}")
        return fail(target, f"no GuardDuty detector exists in {target.region}")

    yield from _regional_service(estate, "guardduty", _by_account_region(estate.of_type(GUARDDUTY_DETECTOR)), judge)


@check(
    "securityhub-not-enabled",
    title="Security Hub is not enabled in the Region",
    pillar="security",
    focus_area="Detection",
    risk="MEDIUM",
    best_practices=["SEC04-BP02"],
    remediation="Enable Security Hub in every Region with the AWS Foundational Security Best Practices standard, "
                "aggregate its findings into one Region of a security account, and route high-severity findings "
                "to the team.",
    resource_types=[ACCOUNT],
    needs=("securityhub",),
    bullet="Enable Security Hub in {resources}",
)
def securityhub_not_enabled(estate: Estate) -> Iterator[Result]:
    administered = _administered(estate, SECURITY_HUB, "Security Hub")

    def judge(target: Resource, hubs: list[Resource]) -> Result:
        if hubs and target.account in administered:
            return passed(target, f"{administered[target.account]}; Security Hub is enabled here")
        if hubs:
            return passed(target, f"Security Hub is enabled (since {hubs[0].config.get('SubscribedAt', '?')[:10]})")
        return fail(target, f"Security Hub is not enabled in {target.region}")

    yield from _regional_service(estate, "securityhub", _by_account_region(estate.of_type(SECURITYHUB_HUB)), judge)
