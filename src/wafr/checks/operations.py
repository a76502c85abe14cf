"""Operational excellence checks: safe deployments, actionable alarms, runbooks and container telemetry."""

from __future__ import annotations

from typing import Any, Iterator

from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate, Resource
from wafr.resource_types import (CLOUDWATCH_ALARM, CODEDEPLOY_DEPLOYMENT_GROUP, ECS_CLUSTER, ECS_SERVICE,
                                 ELB_LOAD_BALANCER, RDS_DB_INSTANCE, SSM_DOCUMENT)

RUNBOOK_TYPES = ("Automation", "Command")


@check(
    "deployment-without-automatic-rollback",
    title="Deployments have no automatic rollback",
    pillar="operational-excellence",
    focus_area="Deployment processes",
    risk=by_environment(prod="HIGH", staging="MEDIUM", dev="LOW"),
    best_practices=["OPS06-BP04"],
    remediation="Turn on the ECS deployment circuit breaker with rollback (or CloudWatch-alarm rollback) for every "
                "service, and enable automatic rollback on deployment failure for every CodeDeploy deployment group, "
                "so a failing release returns to the last working version without anyone acting.",
    resource_types=[ECS_SERVICE, CODEDEPLOY_DEPLOYMENT_GROUP],
    needs=("ecs", "codedeploy"),
    bullet="Roll back failed deployments automatically for {resources}",
)
def deployment_without_automatic_rollback(estate: Estate) -> Iterator[Result]:
    for service in estate.of_type(ECS_SERVICE):
        controller = (service.config.get("deploymentController") or {}).get("type", "ECS")
        if controller != "ECS":
            continue  # CODE_DEPLOY services are judged on their deployment group; EXTERNAL ones are not ours to see
        yield _ecs_rollback(service)
    for group in estate.of_type(CODEDEPLOY_DEPLOYMENT_GROUP):
        error = group.errors.get("GetDeploymentGroup")
        if error:
            yield not_assessed(group, f"its settings could not be read ({error})")
            continue
        rollback = group.config.get("autoRollbackConfiguration") or {}
        if rollback.get("enabled") and "DEPLOYMENT_FAILURE" in rollback.get("events", []):
            yield passed(group, f"autoRollbackConfiguration is enabled for {', '.join(rollback['events'])}")
        elif rollback.get("enabled"):
            yield fail(group, "autoRollbackConfiguration is enabled but not for DEPLOYMENT_FAILURE "
                              f"(events: {', '.join(rollback.get('events', [])) or 'none'})")
        else:
            yield fail(group, "autoRollbackConfiguration is not enabled: a failed deployment stays in place")


def _ecs_rollback(service: Resource) -> Result:
    deployment = service.config.get("deploymentConfiguration") or {}
    breaker = deployment.get("deploymentCircuitBreaker") or {}
    alarms = deployment.get("alarms") or {}
    if breaker.get("enable") and breaker.get("rollback"):
        return passed(service, "the deployment circuit breaker is enabled with rollback")
    if alarms.get("enable") and alarms.get("rollback"):
        return passed(service, f"deployments roll back on alarm(s) {', '.join(alarms.get('alarmNames', []))}")
    if breaker.get("enable"):
        return fail(service, "the deployment circuit breaker stops failed deployments but rollback is off")
    return fail(service, "neither the deployment circuit breaker nor alarm-based rollback is enabled")


AlarmIndex = dict[tuple[str, str, str, str], list[Resource]]


def alarm_dimensions(alarm: Resource) -> list[dict[str, str]]:
    """Every dimension an alarm watches, including those inside metric-math queries."""
    dims = list(alarm.config.get("Dimensions") or [])
    for query in alarm.config.get("Metrics") or []:
        dims.extend((((query.get("MetricStat") or {}).get("Metric") or {}).get("Dimensions")) or [])
    return dims


# Alarm actions that act on the resource (scale it, stop or recover an instance) rather than tell a person.
SILENT_ACTION_SERVICES = ("autoscaling", "automate")


def notifies(alarm: Resource) -> bool:
    """Whether an alarm tells someone: actions enabled, and one of them is not a scaling or EC2 action."""
    if alarm.config.get("ActionsEnabled") is False:
        return False
    services = [(arn.split(":") + ["", "", ""])[2] for arn in alarm.config.get("AlarmActions") or []]
    return any(service not in SILENT_ACTION_SERVICES for service in services)


def index_alarms(estate: Estate) -> AlarmIndex:
    index: AlarmIndex = {}
    for alarm in estate.of_type(CLOUDWATCH_ALARM):
        for dim in alarm_dimensions(alarm):
            key = (alarm.account, alarm.region, dim.get("Name", ""), dim.get("Value", ""))
            index.setdefault(key, []).append(alarm)
    return index


def alarms_on(index: AlarmIndex, resource: Resource) -> list[Resource]:
    """Alarms whose dimensions name the resource (an ECS service, DB instance or load balancer)."""
    def named(name: str, value: str) -> list[Resource]:
        return index.get((resource.account, resource.region, name, value), [])

    if resource.type == ECS_SERVICE:
        cluster = resource.config.get("clusterArn", "").rsplit("/", 1)[-1]
        own = [a for a in named("ServiceName", resource.name)
               if any(d.get("Name") == "ClusterName" and d.get("Value") == cluster for d in alarm_dimensions(a))]
        # Its target groups' alarms (unhealthy hosts, 5xx from targets) watch it too: "targetgroup/<name>/<id>".
        return own + [a for arn in resource.link("target_groups") for a in named("TargetGroup", arn.split(":", 5)[-1])]
    if resource.type == RDS_DB_INSTANCE:  # an Aurora member is also watched through its cluster's alarms
        cluster = resource.config.get("DBClusterIdentifier")
        return named("DBInstanceIdentifier", resource.id) + (named("DBClusterIdentifier", cluster) if cluster else [])
    if resource.type == ELB_LOAD_BALANCER:
        # CloudWatch names a load balancer by the "app/<name>/<id>" tail of its ARN.
        arn = resource.arn or resource.id
        return named("LoadBalancer", arn.split(":loadbalancer/", 1)[-1])
    return []


@check(
    "production-resource-without-alarms",
    title="Production service has no alarm that alerts anyone",
    pillar="operational-excellence",
    focus_area="Observability",
    risk=by_environment(prod="HIGH", staging="MEDIUM", dev="LOW"),
    best_practices=["OPS08-BP04"],
    remediation="Create CloudWatch alarms on the signals that matter for each production service (errors, latency, "
                "CPU and memory, healthy hosts, database connections and storage) with an SNS, incident or chat "
                "action, so someone is told before customers notice.",
    resource_types=[ECS_SERVICE, RDS_DB_INSTANCE, ELB_LOAD_BALANCER],
    needs=("ecs", "rds", "elbv2", "cloudwatch"),
    bullet="Alarm on {resources} with an action that reaches a person",
)
def production_resource_without_alarms(estate: Estate) -> Iterator[Result]:
    index = index_alarms(estate)
    for resource in estate.of_type(ECS_SERVICE, RDS_DB_INSTANCE, ELB_LOAD_BALANCER):
        if not estate.in_production(resource):
            continue  # alerting is owed to production; an unproven environment is treated as production
        gap = estate.gap(resource.account, resource.region, "cloudwatch")
        if gap:
            yield not_assessed(resource, gap)
            continue
        alarms = list({a.name: a for a in alarms_on(index, resource)}.values())  # one alarm may name it twice
        alerting = sorted(a.name for a in alarms if notifies(a))
        if alerting:
            yield passed(resource, f"alarm(s) {', '.join(alerting[:3])}{' …' if len(alerting) > 3 else ''} "
                                   "watch it and notify")
        elif alarms:
            yield fail(resource, f"{len(alarms)} alarm(s) watch it but none notifies anyone "
                                 "(only scaling actions, or actions disabled)")
        else:
            yield fail(resource, "no CloudWatch alarm watches it")


@check(
    "no-runbooks-as-ssm-documents",
    title="No runbooks kept as Systems Manager documents",
    pillar="operational-excellence",
    focus_area="Service runbooks, playbooks and policies",
    risk="MEDIUM",
    best_practices=["OPS07-BP03", "REL08-BP01"],
    remediation="Write the routine procedures (restart a service, fail over the database, roll back a release, "
                "rotate a credential) as Systems Manager Automation runbooks, so they run the same way every time "
                "and can be triggered from alarms or incidents.",
    resource_types=[SSM_DOCUMENT],
    needs=("ssm",),
    bullet="Keep runbooks as Systems Manager documents in {resources}",
)
def no_runbooks_as_ssm_documents(estate: Estate) -> Iterator[Result]:
    runbooks: dict[str, list[Resource]] = {}
    for document in estate.of_type(SSM_DOCUMENT):
        if document.config.get("DocumentType") in RUNBOOK_TYPES:
            runbooks.setdefault(document.account, []).append(document)
    for account in estate.accounts:
        yield _runbooks_of(estate, account, runbooks.get(account, []))


def _runbooks_of(estate: Estate, account: str, documents: list[Resource]) -> Result:
    subject = estate.account_resource(account)
    read = [r for r in estate.regions if estate.assessed(account, r, "ssm")]
    if documents:
        names = ", ".join(sorted({d.name for d in documents})[:5])
        return passed(subject, f"{len(documents)} self-owned Automation/Command document(s), e.g. {names}")
    if not read:
        gaps = [estate.gap(account, r, "ssm") for r in estate.regions] or [f"ssm was not collected in {account}"]
        return not_assessed(subject, "; ".join(g for g in gaps if g))
    unread = [r for r in estate.regions if r not in read]
    suffix = f" (not read in {', '.join(unread)})" if unread else ""
    return fail(subject, f"no self-owned Automation or Command documents in {', '.join(read)}{suffix}")


def container_insights(cluster: Resource) -> str:
    settings: list[dict[str, Any]] = cluster.config.get("settings") or []
    return next((s.get("value", "") for s in settings if s.get("name") == "containerInsights"), "")


@check(
    "ecs-cluster-without-container-insights",
    title="ECS cluster without Container Insights",
    pillar="operational-excellence",
    focus_area="Observability",
    risk=by_environment(prod="MEDIUM", staging="LOW", dev="LOW"),
    best_practices=["OPS08-BP01"],
    remediation="Enable Container Insights (enhanced observability where available) on the cluster, so task- and "
                "service-level CPU, memory, network and restart metrics are there to analyse.",
    resource_types=[ECS_CLUSTER],
    needs=("ecs",),
    bullet="Turn on Container Insights for {resources}",
)
def ecs_cluster_without_container_insights(estate: Estate) -> Iterator[Result]:
    for cluster in estate.of_type(ECS_CLUSTER):
        value = container_insights(cluster)
        if value in ("enabled", "enhanced"):
            yield passed(cluster, f"containerInsights is {value}")
        else:
            yield fail(cluster, f"containerInsights is {value or 'not set (disabled)'}")
