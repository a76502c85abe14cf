"""Security / IAM: the organization's permission guardrails, its service control policies."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from wafr.checks.org_evidence import is_management_copy
from wafr.checks.registry import Result, check, fail, not_assessed, passed
from wafr.estate import GLOBAL, Estate, Resource
from wafr.resource_types import ORGANIZATION, ORG_POLICY

FULL_ACCESS = "p-FullAWSAccess"  # the AWS-managed SCP that allows everything, attached by default


def _scp_verdict(organization: Resource, policies: list[Resource]) -> Result:
    if organization.config.get("FeatureSet") == "CONSOLIDATED_BILLING":
        return fail(organization, "the organization has only consolidated billing features enabled, so it cannot "
                                  "apply service control policies")
    if "ListPolicies" in organization.errors:
        return not_assessed(organization, "the service control policies could not be listed "
                                          f"({organization.errors['ListPolicies']})")
    own = [p for p in policies if p.id != FULL_ACCESS]
    attached = sorted(p.label for p in own if p.config.get("Targets"))
    if attached:
        return passed(organization, f"{len(attached)} service control polic{'y' if len(attached) == 1 else 'ies'} "
                                    f"beyond FullAWSAccess attached: {', '.join(attached[:5])}")
    unread = [p.label for p in own if p.errors]
    if unread:
        return not_assessed(organization, f"the attachments of SCP {unread[0]} could not be read")
    idle = sorted(p.label for p in own)
    detail = f"; {', '.join(idle[:5])} exist but are attached to nothing" if idle else ""
    return fail(organization, "no service control policy beyond FullAWSAccess is attached to the root, an OU or an "
                              f"account{detail}")


@check(
    "no-scp-guardrails",
    title="No service control policy beyond FullAWSAccess guards the organization",
    pillar="security",
    focus_area="IAM",
    risk="MEDIUM",
    best_practices=["SEC03-BP05"],
    remediation="Attach service control policies to the organization's OUs that deny leaving the organization, "
                "turning off CloudTrail, GuardDuty or Security Hub, using Regions the company does not operate in, "
                "and acting as the root user; test them on a sandbox OU first.",
    resource_types=[ORGANIZATION],
    needs=("organizations",),
    bullet="Guard the organization {resources} with service control policies beyond FullAWSAccess",
)
def no_scp_guardrails(estate: Estate) -> Iterator[Result]:
    policies: dict[str, list[Resource]] = defaultdict(list)
    for policy in estate.of_type(ORG_POLICY):
        policies[policy.account].append(policy)
    seen: dict[str, Resource] = {}
    for organization in sorted(estate.of_type(ORGANIZATION), key=lambda o: (not is_management_copy(o), o.account)):
        if organization.id in seen:
            continue
        seen[organization.id] = organization
        management = organization.config.get("MasterAccountId", "")
        if not is_management_copy(organization):
            yield not_assessed(organization, f"service control policies are read from the management account "
                                             f"{management}, which was not scanned")
        elif gap := estate.gap(management, GLOBAL, "organizations"):
            yield not_assessed(organization, gap)
        else:
            yield _scp_verdict(organization, policies.get(management, []))
