"""Observability: dashboards that show a production account's health, alarms that lead somewhere and still have
data to judge, log groups and traces that something analyses, and telemetry of what users experience."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Iterable, Iterator

from wafr.checks.identity import as_of, parse_time
from wafr.checks.registry import Result, by_environment, check, fail, judged, not_assessed, passed, unread
from wafr.estate import GLOBAL, Estate, Resource
from wafr.gaps import unread_where
from wafr.phrases import first_few
from wafr.resource_types import (ACCOUNT, APIGW_REST_API, APIGW_STAGE, APIGWV2_API, CLOUDFRONT_DISTRIBUTION,
                                 CLOUDWATCH_ALARM, CLOUDWATCH_COMPOSITE_ALARM, CLOUDWATCH_DASHBOARD,
                                 CODEDEPLOY_DEPLOYMENT_GROUP, DYNAMODB_TABLE, EC2_INSTANCE, ECS_SERVICE,
                                 ELASTICACHE_CACHE_CLUSTER, ELASTICACHE_REPLICATION_GROUP, ELB_LOAD_BALANCER,
                                 LAMBDA_FUNCTION, LOGS_LOG_GROUP, RDS_DB_CLUSTER, RDS_DB_INSTANCE, ROUTE53_HEALTH_CHECK,
                                 RUM_APP_MONITOR, SFN_STATE_MACHINE, SYNTHETICS_CANARY, XRAY_GROUP)

# What runs a workload: an account holding one in production owes its operators a view of its health. Networks
# alone (a default VPC) are not a workload.
WORKLOAD_TYPES = (EC2_INSTANCE, RDS_DB_INSTANCE, RDS_DB_CLUSTER, ELASTICACHE_REPLICATION_GROUP,
                  ELASTICACHE_CACHE_CLUSTER, DYNAMODB_TABLE, ECS_SERVICE, LAMBDA_FUNCTION, ELB_LOAD_BALANCER)

# Two weeks without data: longer than the gap of any weekly job's metric, so the metric is gone, not sparse.
STALE_INSUFFICIENT_DATA_DAYS = 14

# A canary created but never started (READY), stopped or failing measures nothing.
RUNNING_CANARY_STATES = ("RUNNING", "STARTING", "UPDATING")

# Log groups that AWS services write for audit, network or platform telemetry: analysed (if at all) by the
# detection and network checks, not application logs whose errors someone should be counting.
PLATFORM_LOG_PREFIXES = ("/aws/vpc", "vpc-flow", "aws-waf-logs-", "aws-cloudtrail-logs", "/aws/cloudtrail",
                         "/aws/route53", "/aws/rds/", "RDSOSMetrics", "/aws/containerinsights/", "/aws/events/",
                         "/aws/eks/", "/aws/codebuild/", "/aws/lambda-insights")


def production_workloads(estate: Estate) -> dict[str, list[Resource]]:
    """Account -> the workloads it runs in production (or in an environment nobody has shown is not)."""
    found: dict[str, list[Resource]] = defaultdict(list)
    for resource in estate.of_type(*WORKLOAD_TYPES):
        if estate.in_production(resource):
            found[resource.account].append(resource)
    return found


def _names(resources: Iterable[Resource], limit: int = 3) -> str:
    return first_few(sorted({r.label for r in resources}), limit)


# -- Dashboards ----------------------------------------------------------------------------------------------
@check(
    "no-cloudwatch-dashboard",
    title="Production account has no CloudWatch dashboard",
    pillar="operational-excellence",
    focus_area="Observability",
    risk="MEDIUM",
    best_practices=["OPS08-BP05"],
    remediation="Build CloudWatch dashboards per workload (or automatic dashboards as a start) that show its "
                "health at a glance: request rates, errors, latency and saturation of each component, shared with "
                "the team and its stakeholders.",
    bullet="Build CloudWatch dashboards that show the health of the production workloads in {resources}",
    resource_types=[ACCOUNT, CLOUDWATCH_DASHBOARD],
    needs=("cloudwatch",),
)
def no_cloudwatch_dashboard(estate: Estate) -> Iterator[Result]:
    # Dashboards are global to the account: every Region's ListDashboards answers the same list.
    dashboards: dict[str, set[str]] = defaultdict(set)
    for dashboard in estate.of_type(CLOUDWATCH_DASHBOARD):
        dashboards[dashboard.account].add(dashboard.label)
    for account, workloads in sorted(production_workloads(estate).items()):
        target = estate.account_resource(account)
        found = sorted(dashboards.get(account, ()))
        read = any(estate.assessed(account, region, "cloudwatch") for region in estate.regions)
        if not found and not read and (why := unread_where(estate, ["cloudwatch"], account)):
            yield not_assessed(target, f"Dashboards were not read: {why}.")
            continue
        yield judged(target, bool(found), f"{len(found)} dashboard(s): {first_few(found, 3)}.",
                     f"No CloudWatch dashboard, though it runs production workloads ({_names(workloads)}): their "
                     "health is seen only by opening each service's console.")


# -- Alarms ------------------------------------------------------------------------------------------------------
def consumed_alarms(estate: Estate) -> dict[tuple[str, str, str], str]:
    """(account, region, alarm name) -> what acts on the alarm without an action of its own: a composite alarm
    whose rule names it, a deployment that rolls back on it, a Route 53 health check that follows it."""
    consumers: dict[tuple[str, str, str], str] = {}
    for composite in estate.of_type(CLOUDWATCH_COMPOSITE_ALARM):
        rule = composite.config.get("AlarmRule") or ""
        for alarm in estate.of_type(CLOUDWATCH_ALARM):
            if alarm.account == composite.account and alarm.region == composite.region and (
                    f'"{alarm.name}"' in rule or f"({alarm.name})" in rule or alarm.arn and alarm.arn in rule):
                consumers[(alarm.account, alarm.region, alarm.name)] = f"composite alarm {composite.label}"
    for service in estate.of_type(ECS_SERVICE):
        alarms = ((service.config.get("deploymentConfiguration") or {}).get("alarms") or {})
        for name in alarms.get("alarmNames") or [] if alarms.get("enable") else []:
            consumers[(service.account, service.region, name)] = f"deployments of ECS service {service.label}"
    for group in estate.of_type(CODEDEPLOY_DEPLOYMENT_GROUP):
        config = group.config.get("alarmConfiguration") or {}
        for alarm in config.get("alarms") or [] if config.get("enabled") else []:
            consumers[(group.account, group.region, alarm.get("name", ""))] = f"deployment group {group.label}"
    for health_check in estate.of_type(ROUTE53_HEALTH_CHECK):
        identifier = (health_check.config.get("HealthCheckConfig") or {}).get("AlarmIdentifier") or {}
        if identifier.get("Name"):
            consumers[(health_check.account, identifier.get("Region", ""), identifier["Name"])] = (
                f"Route 53 health check {health_check.label}")
    return consumers


@check(
    "alarm-without-actions",
    title="CloudWatch alarm tells no one and triggers nothing",
    pillar="reliability",
    focus_area="Workload monitoring",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL06-BP03", "REL06-BP04"],
    remediation="Give each alarm an action: an SNS topic or incident that reaches the on-call person, and where the "
                "fix is known an automated one (scaling, EC2 recover or reboot, a Lambda function or SSM "
                "Automation runbook); delete alarms nobody needs, and turn actions back on where they were "
                "disabled and forgotten.",
    bullet=("Give the alarm {resources} an action that alerts someone or fixes the cause",
            "Give the alarms {resources} actions that alert someone or fix the cause"),
    resource_types=[CLOUDWATCH_ALARM, CLOUDWATCH_COMPOSITE_ALARM],
    needs=("cloudwatch",),
)
def alarm_without_actions(estate: Estate) -> Iterator[Result]:
    consumers = consumed_alarms(estate)  # once for the estate, not once per alarm
    for alarm in estate.of_type(CLOUDWATCH_ALARM, CLOUDWATCH_COMPOSITE_ALARM):
        yield _alarm_actions(alarm, consumers.get((alarm.account, alarm.region, alarm.name)))


def _alarm_actions(alarm: Resource, consumer: str | None) -> Result:
    actions = [a for key in ("AlarmActions", "OKActions", "InsufficientDataActions")
               for a in alarm.config.get(key) or []]
    if alarm.config.get("ActionsEnabled") is False:
        return fail(alarm, f"Its actions are disabled ({len(actions)} configured): it changes state and nothing "
                           "happens.")
    if actions:
        return passed(alarm, f"{len(actions)} action(s) on its state changes.")
    if consumer:
        return passed(alarm, f"No action of its own, but {consumer} acts on it.")
    return fail(alarm, "No alarm, OK or insufficient-data action, and no composite alarm, deployment or health "
                       "check acts on it: when it fires, no one is told and nothing is done.")


def _moment(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return parse_time(str(value)) if value else None


@check(
    "alarm-stuck-insufficient-data",
    title="CloudWatch alarm has had no data for weeks",
    pillar="reliability",
    focus_area="Workload monitoring",
    risk="LOW",
    best_practices=["REL06-BP06"],
    remediation="Review the alarm: point it at the metric that exists now (a renamed resource, a changed "
                "dimension), set how it treats missing data if the metric is sparse by design, or delete it if "
                "what it watched is gone; review alarm coverage and thresholds on a schedule.",
    bullet=("Fix or delete the alarm {resources}, which has had no data for weeks",
            "Fix or delete the alarms {resources}, which have had no data for weeks"),
    each=CLOUDWATCH_ALARM,
)
def alarm_stuck_insufficient_data(alarm: Resource, estate: Estate) -> Result | None:
    state = alarm.config.get("StateValue", "")
    if state != "INSUFFICIENT_DATA":
        return passed(alarm, f"State {state}: it has data to judge.") if state else None
    since = _moment(alarm.config.get("StateUpdatedTimestamp"))
    if since is None:
        return not_assessed(alarm, "Its state is INSUFFICIENT_DATA and the time it entered it is not known.")
    stale = (as_of(estate) - since).days
    return judged(alarm, stale <= STALE_INSUFFICIENT_DATA_DAYS,
                  f"INSUFFICIENT_DATA for {stale} day(s) only.",
                  f"INSUFFICIENT_DATA since {since:%Y-%m-%d} ({stale} days): the metric it watches no longer "
                  "arrives, so it would not fire when it should, and nobody has noticed.")


# -- Logs -------------------------------------------------------------------------------------------------------
def is_platform_log(group: Resource) -> bool:
    return group.id.startswith(PLATFORM_LOG_PREFIXES)


@check(
    "log-group-not-analysed",
    title="Production application logs are kept but nothing analyses them",
    pillar="reliability",
    focus_area="Workload monitoring",
    risk="LOW",
    best_practices=["REL06-BP05"],
    remediation="Turn what the logs say into signals: metric filters (with alarms) on errors and key events, or a "
                "subscription filter that streams them to the log analytics the team uses (OpenSearch, a SIEM, a "
                "Lambda function), or CloudWatch Logs anomaly detection.",
    bullet=("Add a metric filter or subscription to the log group {resources} so its errors are counted",
            "Add metric filters or subscriptions to the log groups {resources} so their errors are counted"),
    each=LOGS_LOG_GROUP,
)
def log_group_not_analysed(group: Resource, estate: Estate) -> Result | None:
    if is_platform_log(group) or not estate.in_production(group) or not group.config.get("storedBytes", 1):
        return None  # audit and network logs are judged elsewhere; an empty group has nothing to analyse
    metric_filters = group.config.get("metricFilterCount") or 0
    subscriptions = group.config.get("subscriptionFilters") or []
    why = unread(group, "DescribeSubscriptionFilters")
    if why and not metric_filters:
        return not_assessed(group, why)
    if metric_filters or subscriptions:
        parts = [f"{metric_filters} metric filter(s)"] if metric_filters else []
        parts += [f"a subscription to {subscriptions[0].get('destinationArn', '?')}"] if subscriptions else []
        return passed(group, f"Analysed through {' and '.join(parts)}.")
    return fail(group, "No metric filter and no subscription filter: its events are read only when someone "
                       "searches them, so error trends go unseen until an incident.")


# -- User experience ---------------------------------------------------------------------------------------------
def public_entry_points(estate: Estate) -> dict[str, list[Resource]]:
    """Account -> what customers reach from the internet: internet-facing load balancers, non-private APIs and
    CloudFront distributions."""
    found: dict[str, list[Resource]] = defaultdict(list)
    for lb in estate.of_type(ELB_LOAD_BALANCER):
        # AWS always returns Scheme; a record without it was created with the default, internet-facing.
        if lb.config.get("Scheme", "internet-facing") == "internet-facing" and lb.config.get("Type") != "gateway":
            found[lb.account].append(lb)
    for api in estate.of_type(APIGW_REST_API):
        if "PRIVATE" not in ((api.config.get("endpointConfiguration") or {}).get("types") or []):
            found[api.account].append(api)
    for resource in estate.of_type(APIGWV2_API, CLOUDFRONT_DISTRIBUTION):
        found[resource.account].append(resource)
    return found


@check(
    "no-user-experience-monitoring",
    title="Public entry points with no synthetic canary and no real-user monitoring",
    pillar="operational-excellence",
    focus_area="Observability",
    risk="MEDIUM",
    best_practices=["OPS04-BP03"],
    remediation="Measure what users experience: CloudWatch Synthetics canaries that run the key user journeys and "
                "API calls against each public endpoint every few minutes, and CloudWatch RUM on the web front "
                "end; alarm on their success rate and latency.",
    bullet="Add synthetic canaries or real-user monitoring for the public entry points of {resources}",
    resource_types=[ACCOUNT, SYNTHETICS_CANARY, RUM_APP_MONITOR],
    needs=("synthetics", "rum"),
)
def no_user_experience_monitoring(estate: Estate) -> Iterator[Result]:
    canaries = defaultdict(list)
    for canary in estate.of_type(SYNTHETICS_CANARY):
        if canary.config.get("State") in RUNNING_CANARY_STATES:
            canaries[canary.account].append(canary)
    monitors = defaultdict(list)
    for monitor in estate.of_type(RUM_APP_MONITOR):
        monitors[monitor.account].append(monitor)
    for account, entries in sorted(public_entry_points(estate).items()):
        target = estate.account_resource(account, GLOBAL)
        seen = [*(f"canary {c.label}" for c in canaries.get(account, [])),
                *(f"RUM app monitor {m.label}" for m in monitors.get(account, []))]
        if not seen and (why := unread_where(estate, ["synthetics", "rum"], account)):
            yield not_assessed(target, f"Canaries and app monitors were not all read: {why}.")
            continue
        yield judged(target, bool(seen), f"User experience is measured by {first_few(sorted(seen), 3)}.",
                     f"{len(entries)} public entry point(s) ({_names(entries)}) and no running Synthetics canary "
                     "or RUM app monitor: what users experience is known only from their complaints.")


# -- Traces -------------------------------------------------------------------------------------------------------
def traced(resource: Resource) -> bool:
    """Whether a function, API stage or state machine sends its requests' traces to X-Ray."""
    if resource.type == LAMBDA_FUNCTION:
        return (resource.config.get("TracingConfig") or {}).get("Mode") == "Active"
    if resource.type == APIGW_STAGE:
        return bool(resource.config.get("tracingEnabled"))
    return bool((resource.config.get("tracingConfiguration") or {}).get("enabled"))


@check(
    "traces-not-analysed",
    title="Traces are collected but X-Ray Insights does not analyse them",
    pillar="operational-excellence",
    focus_area="Observability",
    risk="LOW",
    best_practices=["OPS08-BP03"],
    remediation="Turn on X-Ray Insights for the default group (and for groups per workload, with notifications), "
                "so anomalies in latency, errors and faults across the traced services are found and reported "
                "without someone searching the traces first.",
    bullet="Turn on X-Ray Insights where traces are collected: {resources}",
    resource_types=[ACCOUNT, XRAY_GROUP],
    needs=("xray",),
)
def traces_not_analysed(estate: Estate) -> Iterator[Result]:
    sources: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    for resource in estate.of_type(LAMBDA_FUNCTION, APIGW_STAGE, SFN_STATE_MACHINE):
        if traced(resource):
            sources[(resource.account, resource.region)].append(resource)
    watched: dict[tuple[str, str], list[str]] = defaultdict(list)
    for group in estate.of_type(XRAY_GROUP):
        if (group.config.get("InsightsConfiguration") or {}).get("InsightsEnabled"):
            watched[(group.account, group.region)].append(group.label)
    for (account, region), resources in sorted(sources.items()):
        target = estate.account_resource(account, region)
        groups = sorted(watched.get((account, region), []))
        if not groups and (why := unread_where(estate, ["xray"], account, region)):
            yield not_assessed(target, f"X-Ray groups were not read: {why}.")
            continue
        coverage = estate.coverage_of(account, region, "xray")
        if not groups and coverage is not None and coverage.status != "assessed":
            # X-Ray not offered (or skipped) here: no group could be shown to exist or not.
            yield not_assessed(target, f"X-Ray groups could not be listed in {region} ({coverage.status}).")
            continue
        yield judged(target, bool(groups), f"X-Ray Insights analyses the traces of group(s) {first_few(groups, 3)}.",
                     f"{len(resources)} traced resource(s) ({_names(resources)}) send traces that no X-Ray Insights "
                     "group analyses: slow or failing steps are found only when someone searches the traces.")
