"""Security Hub findings: the active, FAILED findings of the controls listed in data/securityhub_controls.yaml,
as evidence for the best practices those controls address.

A Region where Security Hub is off is recorded as coverage ``not-enabled``; a denied read as ``denied``."""

from __future__ import annotations

from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.framework.securityhub_controls import controls
from wafr.resource_types import SECURITYHUB_FINDING
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import NotEnabled
from wafr.sources.aws.registry import collector

MAX_FINDINGS = 2000  # per Region: enough to judge; the note says when more were left unread


def _not_enabled(error: ClientError) -> bool:
    err = error.response.get("Error", {})
    return err.get("Code") == "InvalidAccessException" and "not subscribed" in err.get("Message", "").lower()


def _control(finding: dict[str, Any]) -> str:
    """The control id: consolidated findings carry it in Compliance; older ones in ProductFields."""
    return ((finding.get("Compliance") or {}).get("SecurityControlId")
            or (finding.get("ProductFields") or {}).get("ControlId", ""))


@collector(
    "securityhub-findings",
    client="securityhub",
    resource_types=(SECURITYHUB_FINDING,),
    operations=("securityhub:GetFindings",),
)
def collect_securityhub_findings(ctx: CollectContext) -> Iterator[Resource]:
    hub = ctx.client("securityhub")
    # This account's findings in this Region only: an administrator account or an aggregation Region also holds
    # its members' and linked Regions' findings, which their own reads report.
    filters = {
        "AwsAccountId": [{"Value": ctx.account, "Comparison": "EQUALS"}],
        "Region": [{"Value": ctx.region, "Comparison": "EQUALS"}],
        "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
        "ComplianceStatus": [{"Value": "FAILED", "Comparison": "EQUALS"}],
        "ComplianceSecurityControlId": [{"Value": c, "Comparison": "EQUALS"} for c in controls()],
    }
    count = 0
    try:
        for finding in ctx.paginate(hub, "get_findings", "Findings", Filters=filters):
            if count >= MAX_FINDINGS:
                ctx.note(f"only the first {MAX_FINDINGS} failed findings were read")
                return
            count += 1
            target = (finding.get("Resources") or [{}])[0]
            config = {"source": "AWS Security Hub", "controlId": _control(finding), "title": finding.get("Title", ""),
                      "severity": (finding.get("Severity") or {}).get("Label", ""),
                      "resourceType": target.get("Type", ""), "resourceId": target.get("Id", ""),
                      "resourceRegion": target.get("Region", ""), "updatedAt": finding.get("UpdatedAt", "")}
            yield ctx.resource(SECURITYHUB_FINDING, finding["Id"], name=f"{config['controlId']} {config['resourceId']}",
                               config=config)
    except ClientError as error:
        if _not_enabled(error):
            raise NotEnabled("Security Hub is not enabled in this Region") from None
        raise
