"""Systems Manager: the account's own documents (its runbooks: Automation and Command documents)."""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Resource
from wafr.resource_types import SSM_DOCUMENT
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.registry import collector



@collector(
    "ssm",
    resource_types=(SSM_DOCUMENT,),
    operations=("ssm:ListDocuments",),
)
def collect_ssm(ctx: CollectContext) -> Iterator[Resource]:
    client = ctx.client("ssm")
    # Owner=Self: Amazon's hundreds of shared documents say nothing about this team's runbooks.
    for document in ctx.paginate(client, "list_documents", "DocumentIdentifiers",
                                 Filters=[{"Key": "Owner", "Values": ["Self"]}]):
        name = document["Name"]
        yield ctx.resource(SSM_DOCUMENT, name, name=name, tags=tags_from_list(document.get("Tags")), config=document,
                           arn=f"arn:{ctx.partition}:ssm:{ctx.region}:{ctx.account}:document/{name}")
