"""IAM Access Analyzer: the Region's analyzers and, for each external-access analyzer, its active findings
(resources shared outside the zone of trust). Findings are summarized: what is shared, with whom, whether publicly."""

from __future__ import annotations

from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import ACCESS_ANALYZER_ANALYZER
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector

EXTERNAL_ACCESS = ("ACCOUNT", "ORGANIZATION")  # the other types find unused access, not sharing
MAX_FINDINGS = 200  # enough to name what is shared; the count says how many there are
_KEPT = ("id", "resource", "resourceType", "resourceOwnerAccount", "isPublic", "principal", "action", "updatedAt")


def _active_findings(ctx: CollectContext, client: Any, arn: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = []
    total = 0
    try:
        for finding in ctx.paginate(client, "list_findings", "findings", analyzerArn=arn,
                                    filter={"status": {"eq": ["ACTIVE"]}}):
            total += 1
            if len(found) < MAX_FINDINGS:
                found.append({k: finding[k] for k in _KEPT if k in finding})
    except ClientError as error:
        return {"_errors": {"ListFindings": error_code(error)}}
    return {"_active_findings": total, "_findings": found}


@collector(
    "access-analyzer",
    client="accessanalyzer",
    resource_types=(ACCESS_ANALYZER_ANALYZER,),
    operations=("accessanalyzer:ListAnalyzers", "accessanalyzer:ListFindings"),
)
def collect_access_analyzer(ctx: CollectContext) -> Iterator[Resource]:
    client = ctx.client("accessanalyzer")
    for analyzer in ctx.paginate(client, "list_analyzers", "analyzers"):
        config = dict(analyzer)
        if analyzer.get("type") in EXTERNAL_ACCESS and analyzer.get("status") == "ACTIVE":
            config.update(_active_findings(ctx, client, analyzer["arn"]))
        yield ctx.resource(ACCESS_ANALYZER_ANALYZER, analyzer["arn"], arn=analyzer["arn"],
                           name=analyzer.get("name", ""), tags=analyzer.get("tags") or {}, config=config)
