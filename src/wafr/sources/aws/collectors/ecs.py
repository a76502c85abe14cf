"""ECS: clusters, services and the task definitions they run (with every plaintext value redacted)."""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.registry import collector

CLUSTER, SERVICE, TASK_DEFINITION = "AWS::ECS::Cluster", "AWS::ECS::Service", "AWS::ECS::TaskDefinition"
DESCRIBE_CLUSTERS_BATCH = 100  # the API's limit per call
DESCRIBE_SERVICES_BATCH = 10  # the API's limit per call

REDACTED = "<redacted>"
# Names that say "this holds a credential" ...
_SECRET_NAME = re.compile(r"PASS(WORD|WD)|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH_?KEY|SIGNING_?KEY",
                          re.IGNORECASE)
# ... unless the variable only points at where the secret is kept (a reference is the good practice).
_REFERENCE_NAME = re.compile(r"_(ARN|NAME|ID|PATH|FILE|PARAM|PARAMETER|REF|URL|LOCATION)$", re.IGNORECASE)
_REFERENCE_VALUE = re.compile(r"^(arn:|\{\{resolve:|ssm:|secretsmanager:)", re.IGNORECASE)
# Values shaped like a credential whatever the variable is called.
_SECRET_VALUE = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----"  # PEM private keys
    r"|\b(AKIA|ASIA)[A-Z0-9]{16}\b"  # AWS access key ids (their secret is usually beside them)
    r"|^(?=.*[A-Z])(?=.*[a-z])[A-Za-z0-9/+]{40}$"  # AWS secret access keys (mixed case: not a git SHA)
    r"|://[^/\s:@]+:[^/\s@]+@"  # URLs with a password in them
    r"|\b(ghp|gho|ghs|github_pat|glpat|xox[abprs]|sk_live|rk_live)[-_][A-Za-z0-9_-]{10,}"  # well-known token prefixes
)
# Log-driver options that never carry credentials; every other option value is redacted.
_SAFE_OPTION = re.compile(r"^(awslogs-.*|mode|max-buffer-size|Name|region|log_group_name|log_stream_prefix"
                          r"|log_stream_name|auto_create_group|delivery_stream|stream|tag)$")


def looks_secret(name: str, value: str) -> bool:
    """A cheap hint that a plaintext variable holds a credential, from its name or the shape of its value."""
    value = value or ""
    if not value.strip() or _REFERENCE_VALUE.match(value):
        return False
    if _SECRET_VALUE.search(value):
        return True
    return bool(_SECRET_NAME.search(name)) and not _REFERENCE_NAME.search(name)


def redact_variables(pairs: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """Environment variables as names only; the secret hint is computed before the value is dropped."""
    return [{"name": name, "valueRedacted": True, "_looksSecret": looks_secret(name, value)} for name, value in pairs]


def _redact_options(options: dict[str, str] | None) -> dict[str, str]:
    return {k: (v if _SAFE_OPTION.match(k) else REDACTED) for k, v in (options or {}).items()}


def redact_container(container: dict[str, Any]) -> dict[str, Any]:
    """A container definition without any value that could carry a secret (``secrets`` are references: kept)."""
    clean = dict(container)
    clean["environment"] = redact_variables((e.get("name", ""), e.get("value", ""))
                                            for e in container.get("environment", []))
    for key in ("command", "entryPoint"):  # arguments often carry passwords; their count is kept
        if key in clean:
            clean[key] = [REDACTED] * len(clean[key])
    if "healthCheck" in clean:
        command = clean["healthCheck"].get("command", [])
        clean["healthCheck"] = {**clean["healthCheck"], "command": command[:1] + [REDACTED] * len(command[1:])}
    if "dockerLabels" in clean:
        clean["dockerLabels"] = dict.fromkeys(clean["dockerLabels"], REDACTED)
    for key in ("logConfiguration", "firelensConfiguration"):
        if clean.get(key, {}).get("options"):
            clean[key] = {**clean[key], "options": _redact_options(clean[key]["options"])}
    return clean


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@collector(
    "ecs",
    resource_types=(CLUSTER, SERVICE, TASK_DEFINITION),
    permissions=("ecs:ListClusters", "ecs:DescribeClusters", "ecs:ListServices", "ecs:DescribeServices",
                 "ecs:ListTaskDefinitionFamilies", "ecs:DescribeTaskDefinition"),
)
def collect_ecs(ctx: CollectContext) -> Iterator[Resource]:
    ecs = ctx.client("ecs")
    in_use: set[str] = set()
    cluster_arns = list(ctx.paginate(ecs, "list_clusters", "clusterArns"))
    for batch in _batches(cluster_arns, DESCRIBE_CLUSTERS_BATCH):
        for cluster in ecs.describe_clusters(clusters=batch, include=["SETTINGS", "TAGS"])["clusters"]:
            yield ctx.resource(CLUSTER, cluster["clusterArn"], arn=cluster["clusterArn"], name=cluster["clusterName"],
                               tags=tags_from_list(cluster.get("tags"), "key", "value"), config=cluster)
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
                SERVICE, service["serviceArn"], arn=service["serviceArn"], name=service["serviceName"],
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
        config = {**definition, "containerDefinitions": [redact_container(c)
                                                         for c in definition.get("containerDefinitions", [])]}
        yield ctx.resource(TASK_DEFINITION, arn, arn=arn, name=f"{definition['family']}:{definition['revision']}",
                           tags=tags_from_list(response.get("tags"), "key", "value"), config=config)
