"""The organization's management policies beyond SCPs: tag policies (consistent cost-allocation tags) and backup
policies (backup plans every account gets), as the management account records them."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.org_evidence import is_management_copy
from wafr.checks.registry import Result, check, fail, not_assessed, passed
from wafr.estate import GLOBAL, Estate, Resource
from wafr.resource_types import ORGANIZATION, ORG_MANAGEMENT_POLICY



def _enabled_on_root(organization: Resource, kind: str) -> bool | None:
    """Whether the policy type is enabled on the organization's root; None when the roots could not be read."""
    roots = organization.config.get("_roots")
    if roots is None:
        return None
    return any(t.get("Type") == kind and t.get("Status") == "ENABLED" for root in roots
               for t in root.get("PolicyTypes") or [])


def _verdicts(estate: Estate, kind: str, noun: str) -> Iterator[Result]:
    """One verdict per organization, from its management account's read of ``kind`` policies."""
    seen: set[str] = set()
    for organization in sorted(estate.of_type(ORGANIZATION), key=lambda o: not is_management_copy(o)):
        if organization.id in seen:
            continue
        seen.add(organization.id)
        management = organization.config.get("MasterAccountId", "")
        if not is_management_copy(organization):
            yield not_assessed(organization, f"{noun} policies are read from the management account {management}, "
                                             f"which was not scanned")
            continue
        if gap := estate.gap(management, GLOBAL, "organizations"):
            yield not_assessed(organization, gap)
            continue
        errors = organization.errors
        unread = [op for op in (f"ListPolicies:{kind}", "ListRoots") if op in errors]
        if unread:
            yield not_assessed(organization, f"{' and '.join(unread)} failed ({', '.join(errors[o] for o in unread)})")
            continue
        policies = [p for p in estate.of_type(ORG_MANAGEMENT_POLICY)
                    if p.account == management and p.config.get("Type") == kind]
        attached = sorted(p.label for p in policies if p.config.get("Targets"))
        enabled = _enabled_on_root(organization, kind)
        if attached and enabled:
            yield passed(organization, f"{len(attached)} {noun} polic{'y' if len(attached) == 1 else 'ies'} "
                                       f"attached: {', '.join(attached[:5])}.")
        elif attached:
            yield fail(organization, f"{noun.capitalize()} policies {', '.join(attached[:5])} are attached, but the "
                                     f"{kind} type is not enabled on the root, so none applies.")
        elif policies:
            yield fail(organization, f"{noun.capitalize()} policies {', '.join(sorted(p.label for p in policies)[:5])}"
                                     f" exist but are attached to nothing.")
        else:
            yield fail(organization, f"The organization has no {noun} policy.")


@check(
    "org-no-tag-policy",
    title="No tag policy standardizes the organization's cost-allocation tags",
    pillar="cost-optimization",
    focus_area="Cloud financial management",
    risk="LOW",
    best_practices=["COST03-BP02"],
    remediation="Enable tag policies in AWS Organizations and attach one to the root (or the workload OUs) that "
                "fixes the keys and allowed values of the cost-allocation tags (team, project, environment) and "
                "enforces them for the resource types that carry cost.",
    resource_types=[ORGANIZATION],
    needs=("organizations",),
)
def org_no_tag_policy(estate: Estate) -> Iterator[Result]:
    yield from _verdicts(estate, "TAG_POLICY", "tag")


@check(
    "org-no-backup-policy",
    title="No backup policy gives the organization's accounts a backup plan",
    pillar="reliability",
    focus_area="Disaster recovery",
    risk="LOW",
    best_practices=["REL09-BP03"],
    remediation="Enable backup policies in AWS Organizations and attach one to the workload OUs, so every account "
                "gets the same AWS Backup plan (schedule, retention, copy to a second Region or account) for the "
                "resources tagged for backup.",
    resource_types=[ORGANIZATION],
    needs=("organizations",),
)
def org_no_backup_policy(estate: Estate) -> Iterator[Result]:
    yield from _verdicts(estate, "BACKUP_POLICY", "backup")
