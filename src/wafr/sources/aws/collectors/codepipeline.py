"""CodePipeline: pipelines and their stages (how changes reach production; action settings keep their keys only)."""

from __future__ import annotations

from typing import Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.redact import redact
from wafr.sources.aws.registry import collector

PIPELINE = "AWS::CodePipeline::Pipeline"


@collector(
    "codepipeline",
    resource_types=(PIPELINE,),
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
            config = redact(PIPELINE, {**summary, "_errors": {"GetPipeline": error_code(error)}})
            yield ctx.resource(PIPELINE, name, arn=arn, name=name, config=config)
            continue
        metadata = response.get("metadata", {})
        yield ctx.resource(PIPELINE, name, arn=metadata.get("pipelineArn", arn), name=name,
                           config=redact(PIPELINE, {**response["pipeline"], "metadata": metadata}))
