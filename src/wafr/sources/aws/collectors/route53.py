"""Route 53: hosted zones with their record sets' routing (record values are not kept), health checks, and the
account's query logging configurations. A global service, read once per account."""

from wafr.resource_types import ROUTE53_HEALTH_CHECK, ROUTE53_HOSTED_ZONE, ROUTE53_QUERY_LOGGING_CONFIG
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare, tail


declare(
    "route53",
    Kind(ROUTE53_HOSTED_ZONE, List("list_hosted_zones", "HostedZones"), id=tail("Id", "/"), name="Name",
         details=[Detail("list_resource_record_sets", "ResourceRecordSets", HostedZoneId=tail("Id", "/"))],
         tags=Detail("list_tags_for_resource", "ResourceTagSet.Tags", ResourceType="hostedzone",
                     ResourceId=tail("Id", "/"))),
    Kind(ROUTE53_HEALTH_CHECK, List("list_health_checks", "HealthChecks"), id="Id",
         name=lambda c: (c.get("HealthCheckConfig") or {}).get("FullyQualifiedDomainName") or c.get("Id"),
         tags=Detail("list_tags_for_resource", "ResourceTagSet.Tags", ResourceType="healthcheck",
                     ResourceId=at("Id"))),
    # Listed once for the whole account rather than zone by zone: one call, whatever the number of zones.
    Kind(ROUTE53_QUERY_LOGGING_CONFIG, List("list_query_logging_configs", "QueryLoggingConfigs"), id="Id"),
    global_service=True,
)
