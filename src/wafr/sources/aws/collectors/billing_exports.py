"""Detailed billing data: the account's Cost and Usage Reports (legacy) and its Data Exports (CUR 2.0 and the other
exports), both answered from us-east-1. Either one is the line-item data a cost analysis starts from.

When one of the two reads fails and the other finds nothing, nothing can be concluded: the failure is the
coverage. When the other finds an export, the failure is a note."""

from __future__ import annotations

from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import BCM_DATA_EXPORT, CUR_REPORT_DEFINITION
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector

BILLING_REGION = "us-east-1"  # both APIs' only endpoint in the aws partition


def _read(ctx: CollectContext, service: str, call: str, key: str) -> list[dict[str, Any]] | ClientError:
    client = ctx.client(service, BILLING_REGION if ctx.partition == "aws" else None)
    try:
        return list(ctx.paginate(client, call, key))
    except ClientError as error:
        return error


@collector(
    "billing-exports",
    client="cur",
    resource_types=(CUR_REPORT_DEFINITION, BCM_DATA_EXPORT),
    operations=("cur:DescribeReportDefinitions", "bcm-data-exports:ListExports"),
    global_service=True,
)
def collect_billing_exports(ctx: CollectContext) -> Iterator[Resource]:
    reports = _read(ctx, "cur", "describe_report_definitions", "ReportDefinitions")
    exports = _read(ctx, "bcm-data-exports", "list_exports", "Exports")
    failed = [r for r in (reports, exports) if isinstance(r, ClientError)]
    found = [r for r in (reports, exports) if not isinstance(r, ClientError)]
    if failed and not any(found):
        raise failed[0]
    for what, error in (("Cost and Usage Reports", reports), ("Data Exports", exports)):
        if isinstance(error, ClientError):
            ctx.note(f"{what} not read ({error_code(error)})")
    for report in reports if isinstance(reports, list) else []:
        name = report.get("ReportName", "")
        yield ctx.resource(CUR_REPORT_DEFINITION, name, name=name,
                           arn=report.get("ReportArn", "") or f"arn:{ctx.partition}:cur:{BILLING_REGION}:"
                                                             f"{ctx.account}:definition/{name}",
                           config={"source": "AWS Cost and Usage Reports", **report})
    for export in exports if isinstance(exports, list) else []:
        arn = export.get("ExportArn", "")
        yield ctx.resource(BCM_DATA_EXPORT, arn, arn=arn, name=export.get("ExportName", ""),
                           config={"source": "AWS Data Exports", **export})
