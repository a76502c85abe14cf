"""ECS: clusters, services and the task definitions they run (with every plaintext value redacted)."""

from __future__ import annotations

from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import ECS_CLUSTER, ECS_SERVICE, ECS_TASK_DEFINITION
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.redact import redact
from wafr.sources.aws.registry import collector

DESCRIBE_CLUSTERS_BATCH = 100  # the API's limit per call
DESCRIBE_SERVICES_BATCH = 10  # the API's limit per call

def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@collector(
    "ecs",
    resource_types=(ECS_CLUSTER, ECS_SERVICE, ECS_TASK_DEFINITION),
    operations=("ecs:ListClusters", "ecs:DescribeClusters", "ecs:ListServices", "ecs:DescribeServices",
                "ecs:ListTaskDefinitionFamilies", "ecs:DescribeTaskDefinition"),
)
def collect_ecs(ctx: CollectContext) -> Iterator[Resource]:
    ecs = ctx.client("ecs")
    in_use: set[str] = set()
    cluster_arns = list(ctx.paginate(ecs, "list_clusters", "clusterArns"))
    for batch in _batches(cluster_arns, DESCRIBE_CLUSTERS_BATCH):
        for cluster in ecs.describe_clusters(clusters=batch, include=["SETTINGS", "TAGS"])["clusters"]:
            yield ctx.resource(ECS_CLUSTER, cluster["clusterArn"], arn=cluster["clusterArn"],
                               name=cluster["clusterName"], tags=tags_from_list(cluster.get("tags"), "key", "value"), config=cluster)
            for service in _services(ctx, ecs, cluster["clusterArn"]):
                in_use.add(service.config.get("taskDefinition", ""))
                yield service
    yield from _task_definitions(ctx, ecs, in_use)


def _services(ctx: CollectContext, ecs: Any, cluster_arn: str) -> Iterator[Resource]:
    arns = list(ctx.paginate(ecs, "list_services", "serviceArns", cluster=cluster_arn))
    for batch in _batches(arns, DESCRIBE_SERVICES_BATCH):
        response = ecs.describe_services(cluster=cluster_arn, services=batch, include=["TAGS"])
        for failure in response.get("failures", []):
            ctx.note(f"describe_services: {failure.get('arn')}: {failure.get('reason')}")
        for service in response["services"]:
            network = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
            # The event log is up to 100 status messages: history, not configuration.
            config = {k: v for k, v in service.items() if k != "events"}
            yield ctx.resource(
                ECS_SERVICE, service["serviceArn"], arn=service["serviceArn"], name=service["serviceName"],
                tags=tags_from_list(service.get("tags"), "key", "value"), config=config,
                links={
                    "cluster": [cluster_arn],
                    "subnets": network.get("subnets", []),
                    "security_groups": network.get("securityGroups", []),
                    "target_groups": [lb.get("targetGroupArn", "") for lb in service.get("loadBalancers", [])],
                },
            )


def _task_definitions(ctx: CollectContext, ecs: Any, in_use: set[str]) -> Iterator[Resource]:
    """The revisions services run, plus the latest ACTIVE revision of every family."""
    wanted = sorted(arn for arn in in_use if arn)
    wanted += list(ctx.paginate(ecs, "list_task_definition_families", "families", status="ACTIVE"))
    seen: set[str] = set()
    for reference in wanted:
        try:
            response = ecs.describe_task_definition(taskDefinition=reference, include=["TAGS"])
        except ClientError as error:  # one unreadable revision must not cost the clusters and services
            ctx.note(f"describe_task_definition {reference}: {error.response['Error'].get('Code', error)}")
            continue
        definition = response["taskDefinition"]
        arn = definition["taskDefinitionArn"]
        if arn in seen:
            continue
        seen.add(arn)
        config = redact(ECS_TASK_DEFINITION, definition)
        yield ctx.resource(ECS_TASK_DEFINITION, arn, arn=arn, name=f"{definition['family']}:{definition['revision']}",
                           tags=tags_from_list(response.get("tags"), "key", "value"), config=config)
