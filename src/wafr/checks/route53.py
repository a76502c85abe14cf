"""Route 53: health checks behind the records that route between endpoints, and query logging of public zones."""

from __future__ import annotations

from typing import Any, Iterator

from wafr.checks.cloudfront import listed
from wafr.checks.registry import Result, by_environment, check, fail, passed
from wafr.estate import Estate
from wafr.resource_types import ROUTE53_HEALTH_CHECK, ROUTE53_HOSTED_ZONE, ROUTE53_QUERY_LOGGING_CONFIG

# Policies that choose between endpoints; without a health check they keep answering with a dead one.
ROUTING = {"Failover": "failover", "Weight": "weighted", "Region": "latency", "MultiValueAnswer": "multivalue"}


def routing_policy(record: dict[str, Any]) -> str | None:
    return next((policy for field, policy in ROUTING.items() if record.get(field) not in (None, False)), None)


def unchecked(record: dict[str, Any], disabled: set[str]) -> str | None:
    """Why Route 53 cannot tell this record's endpoint is down, or None when it can."""
    policy = routing_policy(record)
    if policy is None or record.get("Failover") == "SECONDARY":
        return None  # the last resort of a failover pair is served whatever its health
    if (record.get("AliasTarget") or {}).get("EvaluateTargetHealth"):
        return None  # the alias target's own health (a load balancer's targets) decides
    check_id, shown = record.get("HealthCheckId"), f"{record.get('Name')} {record.get('Type')}"
    if not check_id:
        return f"{shown} ({policy}, {record.get('SetIdentifier', '')}): no health check"
    if check_id in disabled:
        return f"{shown} ({policy}): its health check {check_id} is disabled"
    return None


@check(
    "route53-routing-record-without-health-check",
    title="Route 53 failover, weighted or latency record has no health check",
    pillar="reliability",
    focus_area="Service availability",
    risk=by_environment(prod="HIGH"),
    best_practices=["REL11-BP02", "REL02-BP01"],
    remediation="Attach an enabled health check to every primary failover, weighted, latency and multivalue record "
                "(or, for an alias to a load balancer, evaluate the target's health), so Route 53 stops answering "
                "with an endpoint that is down.",
    resource_types=[ROUTE53_HOSTED_ZONE],
    needs=("route53",),
    bullet="Attach health checks to the failover, weighted and latency records of {resources}",
)
def route53_routing_record_without_health_check(estate: Estate) -> Iterator[Result]:
    disabled = {hc.id for hc in estate.of_type(ROUTE53_HEALTH_CHECK)
                if (hc.config.get("HealthCheckConfig") or {}).get("Disabled")}
    for zone in estate.of_type(ROUTE53_HOSTED_ZONE):
        records = [r for r in zone.config.get("ResourceRecordSets") or [] if routing_policy(r)]
        if not records:
            continue  # simple routing: one answer, nothing to fail over between
        gaps = [why for r in records if (why := unchecked(r, disabled))]
        if gaps:
            yield fail(zone, f"{len(gaps)} of {len(records)} routing record(s) answer whatever the endpoint's "
                             f"health: {listed(gaps, 3)}.")
        else:
            yield passed(zone, f"All {len(records)} routing record(s) answer only with endpoints that pass a "
                               "health check.")


@check(
    "route53-public-zone-query-logging-off",
    title="Route 53 public hosted zone does not log DNS queries",
    pillar="security",
    focus_area="Detection",
    risk=by_environment(prod="LOW"),
    best_practices=["SEC04-BP01"],
    remediation="Create a query logging configuration for the zone, to a CloudWatch Logs group in us-east-1 with a "
                "retention period.",
    resource_types=[ROUTE53_HOSTED_ZONE],
    needs=("route53",),
    bullet="Log the DNS queries of the public zones {resources}",
)
def route53_public_zone_query_logging_off(estate: Estate) -> Iterator[Result]:
    logged = {str(c.config.get("HostedZoneId", "")).rsplit("/", 1)[-1]: c
              for c in estate.of_type(ROUTE53_QUERY_LOGGING_CONFIG)}
    for zone in estate.of_type(ROUTE53_HOSTED_ZONE):
        if (zone.config.get("Config") or {}).get("PrivateZone"):
            continue  # a private zone's queries are logged by Route 53 Resolver, not by the zone
        found = logged.get(zone.id)
        if found:
            group = found.config.get("CloudWatchLogsLogGroupArn") or "CloudWatch Logs"
            yield passed(zone, f"Queries are logged to {group}.")
        else:
            yield fail(zone, "No query logging configuration: who resolved which names, and when, is not recorded.")
