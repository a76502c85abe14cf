"""Systems Manager Patch Manager: each managed node's patch compliance, and the associations that run patching.

ListResourceComplianceSummaries (compliance type Patch) answers for every node in one listing: whether its last
patch scan or install left it COMPLIANT or NON_COMPLIANT, with the missing patches counted by severity. The
associations say what runs on a schedule (AWS-RunPatchBaseline and its variants) and on which targets.
"""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Resource
from wafr.resource_types import SSM_ASSOCIATION, SSM_PATCH_COMPLIANCE
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import NotEnabled
from wafr.sources.aws.registry import collector

PATCH_FILTER = [{"Key": "ComplianceType", "Values": ["Patch"], "Type": "EQUAL"}]


@collector(
    "ssm-patching",
    client="ssm",
    resource_types=(SSM_PATCH_COMPLIANCE, SSM_ASSOCIATION),
    operations=("ssm:ListResourceComplianceSummaries", "ssm:ListAssociations"),
)
def collect_ssm_patching(ctx: CollectContext) -> Iterator[Resource]:
    ssm = ctx.client("ssm")
    summaries = list(ctx.paginate(ssm, "list_resource_compliance_summaries", "ResourceComplianceSummaryItems",
                                  Filters=PATCH_FILTER))
    associations = list(ctx.paginate(ssm, "list_associations", "Associations"))
    if not summaries and not associations:
        # No node has ever reported a patch scan and nothing is scheduled: Patch Manager is not in use here.
        raise NotEnabled("Patch Manager is not set up in this Region: no node reports patch compliance and no "
                         "Systems Manager association runs")
    for summary in summaries:
        yield ctx.resource(SSM_PATCH_COMPLIANCE, summary["ResourceId"], config=summary)
    for association in associations:
        ident = association["AssociationId"]
        name = association.get("AssociationName") or association.get("Name", "")
        yield ctx.resource(SSM_ASSOCIATION, ident, name=name, config=association,
                           arn=f"arn:{ctx.partition}:ssm:{ctx.region}:{ctx.account}:association/{ident}")
