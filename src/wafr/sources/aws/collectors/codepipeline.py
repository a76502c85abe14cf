"""CodePipeline: pipelines and their stages (how changes reach production; action settings keep their keys only)."""

from __future__ import annotations

from typing import Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import CODEPIPELINE_PIPELINE
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.redact import redact
from wafr.sources.aws.registry import collector



@collector(
    "codepipeline",
    resource_types=(CODEPIPELINE_PIPELINE,),
    operations=("codepipeline:ListPipelines", "codepipeline:GetPipeline"),
)
def collect_codepipeline(ctx: CollectContext) -> Iterator[Resource]:
    client = ctx.client("codepipeline")
    for summary in ctx.paginate(client, "list_pipelines", "pipelines"):
        name = summary["name"]
        arn = f"arn:{ctx.partition}:codepipeline:{ctx.region}:{ctx.account}:{name}"
        try:
            response = client.get_pipeline(name=name)
        except ClientError as error:  # keep the pipeline; say why its stages are unknown
            config = redact(CODEPIPELINE_PIPELINE, {**summary, "_errors": {"GetPipeline": error_code(error)}})
            yield ctx.resource(CODEPIPELINE_PIPELINE, name, arn=arn, name=name, config=config)
            continue
        metadata = response.get("metadata", {})
        yield ctx.resource(CODEPIPELINE_PIPELINE, name, arn=metadata.get("pipelineArn", arn), name=name,
                           config=redact(CODEPIPELINE_PIPELINE, {**response["pipeline"], "metadata": metadata}))
