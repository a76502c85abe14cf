"""CodeDeploy: applications and their deployment groups (with how a failed deployment is rolled back)."""

from __future__ import annotations

from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import CODEDEPLOY_APPLICATION, CODEDEPLOY_DEPLOYMENT_GROUP
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.redact import redact
from wafr.sources.aws.registry import collector

BATCH_GET_APPLICATIONS = 100  # the API's limit per call


@collector(
    "codedeploy",
    resource_types=(CODEDEPLOY_APPLICATION, CODEDEPLOY_DEPLOYMENT_GROUP),
    operations=("codedeploy:ListApplications", "codedeploy:BatchGetApplications",
                "codedeploy:ListDeploymentGroups", "codedeploy:GetDeploymentGroup"),
)
def collect_codedeploy(ctx: CollectContext) -> Iterator[Resource]:
    client = ctx.client("codedeploy")
    names = list(ctx.paginate(client, "list_applications", "applications"))
    for start in range(0, len(names), BATCH_GET_APPLICATIONS):
        batch = names[start:start + BATCH_GET_APPLICATIONS]
        for app in client.batch_get_applications(applicationNames=batch).get("applicationsInfo", []):
            name = app["applicationName"]
            yield ctx.resource(CODEDEPLOY_APPLICATION, name, name=name, config=app,
                               arn=f"arn:{ctx.partition}:codedeploy:{ctx.region}:{ctx.account}:application:{name}")
            yield from _deployment_groups(ctx, client, name)


def _deployment_groups(ctx: CollectContext, client: Any, application: str) -> Iterator[Resource]:
    # batch_get_deployment_groups would save calls, but one call per group works on every endpoint.
    for group in ctx.paginate(client, "list_deployment_groups", "deploymentGroups", applicationName=application):
        ident = f"{application}/{group}"
        arn = f"arn:{ctx.partition}:codedeploy:{ctx.region}:{ctx.account}:deploymentgroup:{ident}"
        try:
            config = client.get_deployment_group(applicationName=application,
                                                 deploymentGroupName=group)["deploymentGroupInfo"]
        except ClientError as error:  # keep the group; say why its settings are unknown
            config = {"applicationName": application, "deploymentGroupName": group,
                      "_errors": {"GetDeploymentGroup": error_code(error)}}
        yield ctx.resource(CODEDEPLOY_DEPLOYMENT_GROUP, ident, arn=arn, name=group,
                           config=redact(CODEDEPLOY_DEPLOYMENT_GROUP, config))
