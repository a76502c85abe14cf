"""API Gateway: authorization on every method and route, logging, tracing, throttling, caching and a web ACL on
REST stages and HTTP/WebSocket stages, private APIs' resource policies, and TLS on custom domains."""

from __future__ import annotations

import json
from typing import Any, Iterator, Mapping

from wafr.checks.policies import NARROWING_KEYS, open_statements
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate, Resource
from wafr.phrases import first_few
from wafr.resource_types import (APIGWV2_API, APIGWV2_DOMAIN_NAME, APIGWV2_STAGE, APIGW_DOMAIN_NAME, APIGW_REST_API,
                                 APIGW_STAGE)

ALL_METHODS = "*/*"  # a REST stage's method settings for every method, as AWS keys them
# TLS policies that still accept TLS 1.0 or 1.1 (every other policy AWS offers requires TLS 1.2 or newer).
OLD_TLS = ("TLS_1_0", "SecurityPolicy_TLS10", "SecurityPolicy_TLS11")


def shown(items: list[str], limit: int = 5) -> str:
    return first_few(items, limit)


def stage_default(stage: Resource) -> Mapping[str, Any]:
    settings = (stage.config.get("methodSettings") or {}).get(ALL_METHODS)
    return settings if isinstance(settings, Mapping) else {}


def is_private(stage_or_api: Resource) -> bool:
    return "PRIVATE" in ((stage_or_api.config.get("endpointConfiguration") or {}).get("types") or [])


def access_logs(stage: Resource, key: str, arn: str) -> Result:
    destination = (stage.config.get(key) or {}).get(arn)
    if destination:
        return passed(stage, f"Access logs go to {destination.rsplit(':', 1)[-1]}.")
    return fail(stage, "No access log destination: who called the API, and with what result, is not recorded.")


@check(
    "apigateway-rest-stage-access-logging-off",
    title="API Gateway REST stage writes no access logs",
    pillar="operational-excellence",
    focus_area="Observability",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC04-BP01", "OPS04-BP02"],
    remediation="Turn on access logging for the stage (a CloudWatch Logs group or Firehose stream, with the caller, "
                "request id, status and latency in the format).",
    resource_types=[APIGW_STAGE],
    needs=("apigateway",),
)
def apigateway_rest_stage_access_logging_off(estate: Estate) -> Iterator[Result]:
    for stage in estate.of_type(APIGW_STAGE):
        yield access_logs(stage, "accessLogSettings", "destinationArn")


@check(
    "http-api-stage-access-logging-off",
    title="API Gateway HTTP or WebSocket stage writes no access logs",
    pillar="operational-excellence",
    focus_area="Observability",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC04-BP01", "OPS04-BP02"],
    remediation="Turn on access logging for the stage (AccessLogSettings with a CloudWatch Logs group and a format "
                "that records the caller, request id, status, latency and integration error).",
    resource_types=[APIGWV2_STAGE],
    needs=("apigatewayv2",),
)
def http_api_stage_access_logging_off(estate: Estate) -> Iterator[Result]:
    for stage in estate.of_type(APIGWV2_STAGE):
        yield access_logs(stage, "AccessLogSettings", "DestinationArn")


@check(
    "apigateway-rest-stage-execution-logging-off",
    title="API Gateway REST stage writes no execution logs",
    pillar="operational-excellence",
    focus_area="Observability",
    risk=by_environment(prod="LOW"),
    best_practices=["OPS04-BP02"],
    remediation="Set the stage's CloudWatch logging level to ERROR (or INFO while investigating) for all methods, "
                "leaving full request and response data logging off where payloads are sensitive.",
    resource_types=[APIGW_STAGE],
    needs=("apigateway",),
)
def apigateway_rest_stage_execution_logging_off(estate: Estate) -> Iterator[Result]:
    for stage in estate.of_type(APIGW_STAGE):
        level = stage_default(stage).get("loggingLevel") or "OFF"
        if level in ("ERROR", "INFO"):
            yield passed(stage, f"Execution logging is at {level} for all methods.")
        else:
            yield fail(stage, "Execution logging is off: authorizer, integration and mapping errors leave no trace.")


@check(
    "apigateway-rest-stage-tracing-off",
    title="API Gateway REST stage has X-Ray tracing off",
    pillar="operational-excellence",
    focus_area="Observability",
    risk=by_environment(prod="LOW"),
    best_practices=["OPS04-BP05", "REL06-BP07"],
    remediation="Turn on X-Ray tracing for the stage so a request can be followed from the API into the functions "
                "and services behind it.",
    resource_types=[APIGW_STAGE],
    needs=("apigateway",),
)
def apigateway_rest_stage_tracing_off(estate: Estate) -> Iterator[Result]:
    for stage in estate.of_type(APIGW_STAGE):
        if stage.config.get("tracingEnabled"):
            yield passed(stage, "X-Ray tracing is on.")
        else:
            yield fail(stage, "X-Ray tracing is off: a slow or failing request cannot be followed past the API.")


def throttling(stage: Resource, limits: Mapping[str, Any], rate: str, burst: str) -> Result:
    if limits.get(rate):
        return passed(stage, f"Requests are throttled at {limits[rate]:g} per second (burst {limits.get(burst, '?')}).")
    return fail(stage, "No stage throttling: one caller can take the account's whole API Gateway request quota, "
                       "and every request reaches the backend.")


@check(
    "apigateway-rest-stage-throttling-unset",
    title="API Gateway REST stage sets no throttling",
    pillar="reliability",
    focus_area="Load protection",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL05-BP02", "SUS02-BP06", "COST09-BP02"],
    remediation="Set a default rate and burst limit for the stage's methods sized to what the backend can serve, "
                "and per-client limits with usage plans where callers are known.",
    resource_types=[APIGW_STAGE],
    needs=("apigateway",),
)
def apigateway_rest_stage_throttling_unset(estate: Estate) -> Iterator[Result]:
    for stage in estate.of_type(APIGW_STAGE):
        yield throttling(stage, stage_default(stage), "throttlingRateLimit", "throttlingBurstLimit")


@check(
    "http-api-stage-throttling-unset",
    title="API Gateway HTTP or WebSocket stage sets no throttling",
    pillar="reliability",
    focus_area="Load protection",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL05-BP02", "SUS02-BP06", "COST09-BP02"],
    remediation="Set the stage's default route throttling (ThrottlingRateLimit and ThrottlingBurstLimit) to what the "
                "integrations behind it can serve.",
    resource_types=[APIGWV2_STAGE],
    needs=("apigatewayv2",),
)
def http_api_stage_throttling_unset(estate: Estate) -> Iterator[Result]:
    for stage in estate.of_type(APIGWV2_STAGE):
        yield throttling(stage, stage.config.get("DefaultRouteSettings") or {}, "ThrottlingRateLimit",
                         "ThrottlingBurstLimit")


@check(
    "apigateway-rest-stage-cache-off",
    title="Production API Gateway REST stage has no cache",
    pillar="performance-efficiency",
    focus_area="Caching",
    risk="LOW",
    best_practices=["PERF03-BP05"],
    remediation="Where GET responses repeat, turn on the stage cache with a TTL the data tolerates and cache keys for "
                "the parameters that change the answer; leave it off for APIs whose reads do not repeat.",
    resource_types=[APIGW_STAGE],
    needs=("apigateway",),
)
def apigateway_rest_stage_cache_off(estate: Estate) -> Iterator[Result]:
    for stage in estate.of_type(APIGW_STAGE):
        if not estate.in_production(stage):
            continue  # a cache is a production choice; in dev it is spend
        if stage.config.get("cacheClusterEnabled"):
            yield passed(stage, f"A {stage.config.get('cacheClusterSize', '?')} GB cache serves repeated reads.")
        else:
            yield fail(stage, "No stage cache: every repeated read goes to the backend.")


@check(
    "apigateway-rest-stage-cache-not-encrypted",
    title="API Gateway REST stage cache is not encrypted",
    pillar="security",
    focus_area="Encryption at rest",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC08-BP02"],
    remediation="Turn on cache data encryption for the stage's methods (caching/dataEncrypted) and flush the cache.",
    resource_types=[APIGW_STAGE],
    needs=("apigateway",),
)
def apigateway_rest_stage_cache_not_encrypted(estate: Estate) -> Iterator[Result]:
    for stage in estate.of_type(APIGW_STAGE):
        if not stage.config.get("cacheClusterEnabled"):
            continue  # nothing is stored
        if stage_default(stage).get("cacheDataEncrypted"):
            yield passed(stage, "Cached responses are encrypted at rest.")
        else:
            yield fail(stage, "The stage cache stores responses unencrypted.")


@check(
    "apigateway-rest-stage-without-waf",
    title="Public API Gateway REST stage has no web ACL",
    pillar="security",
    focus_area="Public entry points",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC05-BP03"],
    remediation="Associate an AWS WAF web ACL with the stage, with AWS managed rule groups (common rule set, known "
                "bad inputs, IP reputation) and a rate-based rule.",
    resource_types=[APIGW_STAGE],
    needs=("apigateway",),
)
def apigateway_rest_stage_without_waf(estate: Estate) -> Iterator[Result]:
    for stage in estate.of_type(APIGW_STAGE):
        if is_private(stage):
            continue  # reachable only through VPC endpoints: its resource policy is what guards it
        acl = stage.config.get("webAclArn")
        if acl:
            yield passed(stage, f"Web ACL {acl.rsplit('/', 2)[-2] if acl.count('/') >= 2 else acl} inspects requests.")
        else:
            yield fail(stage, "No web ACL: requests from the internet reach the API uninspected.")


@check(
    "apigateway-rest-method-without-authorization",
    title="API Gateway REST method has no authorization",
    pillar="security",
    focus_area="Public entry points",
    risk=by_environment(prod="HIGH"),
    best_practices=["SEC03-BP07"],
    remediation="Give every method an authorizer (IAM, a Cognito user pool or a Lambda authorizer); an API key is "
                "for usage plans, not for authorization. Leave only CORS preflight (OPTIONS) methods open.",
    resource_types=[APIGW_REST_API],
    needs=("apigateway",),
)
def apigateway_rest_method_without_authorization(estate: Estate) -> Iterator[Result]:
    for api in estate.of_type(APIGW_REST_API):
        resources = api.config.get("resources")
        if resources is None:
            code = api.errors.get("GetResources")
            yield not_assessed(api, f"GetResources failed ({code}), so its methods are unknown." if code
                               else "The API's methods were not read.")
            continue
        methods = [(r.get("path", "?"), verb, m or {}) for r in resources
                   for verb, m in (r.get("resourceMethods") or {}).items() if verb != "OPTIONS"]
        open_ = [f"{verb} {path}" for path, verb, m in methods if (m.get("authorizationType") or "NONE") == "NONE"]
        if open_:
            yield fail(api, f"{len(open_)} of {len(methods)} method(s) let anyone call them: {shown(open_)}.")
        elif methods:
            yield passed(api, f"All {len(methods)} method(s) require authorization.")


def _policy(api: Resource) -> Any:
    """The REST API's resource policy as data; AWS returns it as JSON with its quotes escaped."""
    policy = api.config.get("policy")
    if isinstance(policy, str):
        for text in (policy, policy.replace('\\"', '"')):
            try:
                return json.loads(text)
            except ValueError:
                continue
    return policy


def _denies_others(policy: Any) -> bool:
    """A Deny statement conditioned on who calls (aws:SourceVpce, aws:SourceVpc...): AWS's documented way to let
    only named VPC endpoints into a private API."""
    statements = policy.get("Statement") if isinstance(policy, Mapping) else None
    for statement in statements if isinstance(statements, list) else [statements]:
        if isinstance(statement, Mapping) and statement.get("Effect") == "Deny":
            condition = statement.get("Condition")
            if isinstance(condition, Mapping) and any(
                    isinstance(keys, Mapping) and any(k.lower() in NARROWING_KEYS for k in keys)
                    for keys in condition.values()):
                return True
    return False


@check(
    "apigateway-private-api-policy-open",
    title="Private API Gateway API lets any VPC endpoint in",
    pillar="security",
    focus_area="Public entry points",
    risk="HIGH",
    best_practices=["SEC03-BP07"],
    remediation="Limit the private API's resource policy to your VPC endpoints or VPCs: an aws:SourceVpce or "
                "aws:SourceVpc condition on the Allow, or a Deny for requests from any other endpoint.",
    resource_types=[APIGW_REST_API],
    needs=("apigateway",),
)
def apigateway_private_api_policy_open(estate: Estate) -> Iterator[Result]:
    for api in estate.of_type(APIGW_REST_API):
        if not is_private(api):
            continue  # a public API's policy narrows callers further; its authorization is judged above
        policy = _policy(api)
        if isinstance(policy, str):
            yield not_assessed(api, "The resource policy could not be read as JSON.")
        elif not policy:
            yield passed(api, "No resource policy: a private API without one cannot be invoked.")
        elif open_statements(policy) and not _denies_others(policy):
            yield fail(api, "The resource policy allows principal \"*\" with no VPC endpoint, VPC, account or "
                            "organization condition: a VPC endpoint in any AWS account can reach it.")
        else:
            yield passed(api, "The resource policy limits who may call by endpoint, network, account or organization.")


def domain_tls(domain: Resource, policies: list[str]) -> Result:
    old = [p for p in policies if p in OLD_TLS]
    if old:
        return fail(domain, f"TLS policy {old[0]} still accepts TLS 1.0: clients may connect with broken ciphers.")
    if policies:
        return passed(domain, f"TLS policy {policies[0]} requires TLS 1.2 or newer.")
    return not_assessed(domain, "The domain name's TLS security policy was not reported.")


@check(
    "apigateway-domain-tls-outdated",
    title="API Gateway custom domain accepts TLS 1.0",
    pillar="security",
    focus_area="Encryption in transit",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC09-BP02"],
    remediation="Set the custom domain's security policy to TLS_1_2 (or a TLS 1.3 policy) after checking that no "
                "client still needs TLS 1.0.",
    resource_types=[APIGW_DOMAIN_NAME],
    needs=("apigateway",),
)
def apigateway_domain_tls_outdated(estate: Estate) -> Iterator[Result]:
    for domain in estate.of_type(APIGW_DOMAIN_NAME):
        policy = domain.config.get("securityPolicy")
        yield domain_tls(domain, [policy] if policy else [])


@check(
    "http-api-domain-tls-outdated",
    title="API Gateway (v2) custom domain accepts TLS 1.0",
    pillar="security",
    focus_area="Encryption in transit",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC09-BP02"],
    remediation="Set the custom domain's security policy to TLS_1_2 (or a TLS 1.3 policy) after checking that no "
                "client still needs TLS 1.0.",
    resource_types=[APIGWV2_DOMAIN_NAME],
    needs=("apigatewayv2",),
)
def http_api_domain_tls_outdated(estate: Estate) -> Iterator[Result]:
    for domain in estate.of_type(APIGWV2_DOMAIN_NAME):
        configs = domain.config.get("DomainNameConfigurations") or []
        yield domain_tls(domain, [c["SecurityPolicy"] for c in configs if c.get("SecurityPolicy")])


@check(
    "http-api-route-without-authorization",
    title="API Gateway HTTP or WebSocket route has no authorization",
    pillar="security",
    focus_area="Public entry points",
    risk=by_environment(prod="HIGH"),
    best_practices=["SEC03-BP07"],
    remediation="Attach an authorizer (JWT, IAM or Lambda) to every HTTP API route, and to a WebSocket API's "
                "$connect route; leave only CORS preflight (OPTIONS) routes open.",
    resource_types=[APIGWV2_API],
    needs=("apigatewayv2",),
)
def http_api_route_without_authorization(estate: Estate) -> Iterator[Result]:
    for api in estate.of_type(APIGWV2_API):
        routes = api.config.get("Routes")
        if routes is None:
            code = api.errors.get("GetRoutes")
            yield not_assessed(api, f"GetRoutes failed ({code}), so its routes are unknown." if code
                               else "The API's routes were not read.")
            continue
        if api.config.get("ProtocolType") == "WEBSOCKET":  # authorization is checked once, when a client connects
            routes = [r for r in routes if r.get("RouteKey") == "$connect"]
            if not routes:
                yield fail(api, "No $connect route: anyone may open a connection without being authorized.")
                continue
        routes = [r for r in routes if not str(r.get("RouteKey", "")).startswith("OPTIONS ")]
        open_ = [str(r.get("RouteKey", "?")) for r in routes if (r.get("AuthorizationType") or "NONE") == "NONE"]
        if open_:
            yield fail(api, f"{len(open_)} of {len(routes)} route(s) let anyone call them: {shown(open_)}.")
        elif routes:
            yield passed(api, f"All {len(routes)} route(s) that admit callers require authorization.")
