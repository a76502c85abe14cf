"""CodePipeline: pipelines and their stages (how changes reach production; action settings keep their keys and the
names of what they deploy to only), and the dates and outcomes of their recent executions (how often they ship)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import CODEPIPELINE_PIPELINE
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.redact import redact
from wafr.sources.aws.registry import collector

# How far back executions are read: the window the release-frequency check counts in.
EXECUTION_WINDOW = dt.timedelta(days=90)
# Executions read whatever their age, so a pipeline's recent outcomes are known even when it ran long ago.
RECENT_EXECUTIONS = 20
# A pipeline that ran more than this in the window ships often whatever the exact count: reading stops there.
MAX_EXECUTIONS = 500
# Of an execution summary only its outcome, kind (a release or a rollback) and dates are kept: its status summary
# and source revisions are free text (commit messages).
EXECUTION_FIELDS = ("status", "executionType", "startTime", "lastUpdateTime")
# The settings of a deploy action that name what it deploys to (CloudFormation, CodeDeploy, ECS, Elastic Beanstalk,
# EKS, Lambda and S3 deploy actions), and CloudFormation's mode (whether it deploys or only prepares a change set).
# They are copied to the action's ``deployTarget``: the rest of its configuration keeps its keys only.
DEPLOY_TARGET_SETTINGS = ("ActionMode", "StackName", "StackSetName", "DeploymentGroupName", "EnvironmentName",
                          "ClusterName", "ServiceName", "FunctionName", "BucketName", "ApplicationName")


@collector(
    "codepipeline",
    resource_types=(CODEPIPELINE_PIPELINE,),
    operations=("codepipeline:ListPipelines", "codepipeline:GetPipeline", "codepipeline:ListPipelineExecutions"),
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
        config: dict[str, Any] = {**response["pipeline"], "metadata": metadata}
        for stage in config.get("stages") or []:
            for action in stage.get("actions") or []:
                if (action.get("actionTypeId") or {}).get("category") == "Deploy":
                    settings = action.get("configuration") or {}
                    action["deployTarget"] = {k: settings[k] for k in DEPLOY_TARGET_SETTINGS
                                              if isinstance(settings.get(k), str)}
        try:
            config.update(executions(client, name))
        except ClientError as error:  # its stages are known; how often it ran is not
            config["_errors"] = {"ListPipelineExecutions": error_code(error)}
        yield ctx.resource(CODEPIPELINE_PIPELINE, name, arn=metadata.get("pipelineArn", arn), name=name,
                           config=redact(CODEPIPELINE_PIPELINE, config))


def executions(client: Any, name: str) -> dict[str, Any]:
    """The pipeline's executions, newest first: every one started in the window (at least the latest twenty), as
    status and dates; ``executionsComplete`` is false where reading stopped at the cap."""
    since = dt.datetime.now(dt.timezone.utc) - EXECUTION_WINDOW
    kept: list[dict[str, Any]] = []
    pages = client.get_paginator("list_pipeline_executions").paginate(pipelineName=name,
                                                                      PaginationConfig={"PageSize": 100})
    for page in pages:
        for item in page.get("pipelineExecutionSummaries") or []:
            started = item.get("startTime")
            if len(kept) >= RECENT_EXECUTIONS and started and started < since:
                return {"executions": kept, "executionsComplete": True}
            if len(kept) >= MAX_EXECUTIONS:
                return {"executions": kept, "executionsComplete": False}
            kept.append({key: item[key] for key in EXECUTION_FIELDS if key in item})
    return {"executions": kept, "executionsComplete": True}
