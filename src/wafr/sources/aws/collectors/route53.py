"""Route 53: hosted zones with their record sets' routing (values are not kept) and query logging configurations,
and health checks. A global service, read once per account."""

from wafr.sources.aws.declarative import Detail, Kind, List, at, declare, tail

ZONE, HEALTH_CHECK = "AWS::Route53::HostedZone", "AWS::Route53::HealthCheck"

declare(
    "route53",
    Kind(ZONE, List("list_hosted_zones", "HostedZones"), id=tail("Id", "/"), name="Name",
         details=[Detail("list_resource_record_sets", "ResourceRecordSets", HostedZoneId=tail("Id", "/")),
                  Detail("list_query_logging_configs", "QueryLoggingConfigs", HostedZoneId=tail("Id", "/"))],
         tags=Detail("list_tags_for_resource", "ResourceTagSet.Tags", ResourceType="hostedzone",
                     ResourceId=tail("Id", "/"))),
    Kind(HEALTH_CHECK, List("list_health_checks", "HealthChecks"), id="Id",
         name=lambda c: (c.get("HealthCheckConfig") or {}).get("FullyQualifiedDomainName") or c.get("Id"),
         tags=Detail("list_tags_for_resource", "ResourceTagSet.Tags", ResourceType="healthcheck",
                     ResourceId=at("Id"))),
    global_service=True,
)
