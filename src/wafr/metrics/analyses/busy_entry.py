"""Busy public entry points served straight from their Region: internet-facing Application Load Balancers and API
Gateway APIs with many requests an hour and no CloudFront distribution in front (nor, for a REST API, a stage cache).

"In front" means a distribution's origin names the load balancer's DNS name or the API's execute-api domain; a
distribution that reaches it through a custom domain name is not seen, and the evidence says so.
"""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Estate, Resource
from wafr.metrics.analyses.common import Context, need
from wafr.metrics.results import MetricResult, clean, fired, unknown
from wafr.metrics.series import median
from wafr.resource_types import APIGW_REST_API, APIGW_STAGE, APIGWV2_API, CLOUDFRONT_DISTRIBUTION, ELB_LOAD_BALANCER

ANALYSIS = "busy-entry-without-cdn"
REQUESTS = {ELB_LOAD_BALANCER: "RequestCount:Sum", APIGW_REST_API: "Count:Sum", APIGWV2_API: "Count:Sum"}
# Ten requests a second in the median hour: traffic where edge caching and connection reuse pay off.
BUSY_REQUESTS_PER_HOUR = 36_000
NOT_SEEN = ("wafr matches origins by the load balancer's or API's own domain, so a distribution reaching it "
            "through a custom domain name is not seen")


def domains_of(resource: Resource) -> set[str]:
    """The domain names a CloudFront origin would give to reach this entry point."""
    if resource.type == ELB_LOAD_BALANCER:
        return {str(resource.config.get("DNSName", "")).lower()} - {""}
    return {f"{resource.id}.execute-api.{resource.region}.amazonaws.com".lower()}


def origins_by_domain(estate: Estate, account: str) -> dict[str, list[str]]:
    """Origin domain -> the distributions (by name) that use it, in one account."""
    found: dict[str, list[str]] = {}
    for distribution in estate.of_type(CLOUDFRONT_DISTRIBUTION):
        if distribution.account != account:
            continue
        for origin in (distribution.config.get("Origins") or {}).get("Items") or []:
            found.setdefault(str(origin.get("DomainName", "")).lower(), []).append(distribution.label)
    return found


def cached_stages(estate: Estate, api: Resource) -> list[str]:
    return [stage.label for stage in estate.of_type(APIGW_STAGE)
            if stage.config.get("restApiId") == api.id and stage.account == api.account
            and stage.config.get("cacheClusterEnabled")]


def analyse(ctx: Context, resource: Resource, origins: dict[str, list[str]]) -> MetricResult:
    key = REQUESTS[resource.type]
    series, why = need(ctx, resource, key)
    if why:
        return unknown(ANALYSIS, resource, why)
    hourly = [v * 3600 / series[key].period for v in series[key].present]
    typical = median(hourly)
    numbers = {"requests_per_hour_median": round(typical), "requests_per_hour_max": round(max(hourly))}
    usage = f"{typical:,.0f} requests in the median hour (up to {max(hourly):,.0f})"
    fronted = sorted({d for domain in domains_of(resource) for d in origins.get(domain, [])})
    if fronted:
        return clean(ANALYSIS, resource, f"{usage}; CloudFront serves it ({', '.join(fronted)})", numbers=numbers)
    if "EDGE" in ((resource.config.get("endpointConfiguration") or {}).get("types") or []):
        return clean(ANALYSIS, resource, f"{usage}; it is edge-optimized, so requests enter at CloudFront's edge "
                                         "locations", numbers=numbers)
    if resource.type == APIGW_REST_API and (stages := cached_stages(ctx.estate, resource)):
        return clean(ANALYSIS, resource, f"{usage}; its stage cache is on ({', '.join(stages)})", numbers=numbers)
    if typical < BUSY_REQUESTS_PER_HOUR:
        return clean(ANALYSIS, resource, f"{usage}: fewer than {BUSY_REQUESTS_PER_HOUR:,} requests an hour, so the "
                                         "edge would add little", numbers=numbers)
    return fired(ANALYSIS, resource, f"{usage}, served from {resource.region} with no CloudFront distribution in front "
                                     f"({NOT_SEEN})", numbers=numbers, charts=(key,),
                 recommendation=f"Put a CloudFront distribution in front of {resource.label}: cache the responses "
                                "that repeat (with a TTL the data tolerates) and let the edge keep connections to "
                                "the origin for the rest.")


def run(ctx: Context, estate: Estate) -> Iterator[MetricResult]:
    origins: dict[str, dict[str, list[str]]] = {}
    for resource in estate.of_type(*REQUESTS):
        config = resource.config
        if resource.type == ELB_LOAD_BALANCER and (config.get("Type") != "application"
                                                   or config.get("Scheme") != "internet-facing"):
            continue
        if resource.type == APIGW_REST_API and "PRIVATE" in ((config.get("endpointConfiguration") or {})
                                                             .get("types") or []):
            continue
        if resource.type == APIGWV2_API and config.get("ProtocolType", "HTTP") != "HTTP":
            continue
        if resource.account not in origins:
            origins[resource.account] = origins_by_domain(estate, resource.account)
        yield analyse(ctx, resource, origins[resource.account])
