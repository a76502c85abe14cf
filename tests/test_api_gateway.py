"""API Gateway (REST, HTTP and WebSocket): the collectors read what the checks judge, keep no stage variable's
value, and each check FAILs on the bad resource and PASSes on its clean twin, both arranged in moto; a read that
failed gives NOT_ASSESSED, never a pass."""

from __future__ import annotations

import json

import pytest

from denial import deny
from twins import by_name, checks_in, scan_arranged
from wafr.environment import classify_estate
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account

REGION, ACCOUNT = "us-east-1", "123456789012"
SERVICES = ["apigateway", "apigatewayv2"]
PROD = {"Environment": "prod"}
LITERAL = "stage-variable-token-hunter2"
CERT = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/abc"
INVOKE = {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}


def rest_api(apigw, name, *, authorization, endpoint="REGIONAL", policy=None):
    """A REST API with GET and POST /orders under ``authorization`` and an open CORS preflight."""
    api = apigw.create_rest_api(name=name, endpointConfiguration={"types": [endpoint]}, tags=PROD,
                                **({"policy": json.dumps(policy)} if policy else {}))["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    orders = apigw.create_resource(restApiId=api, parentId=root, pathPart="orders")["id"]
    for verb in ("GET", "POST"):
        apigw.put_method(restApiId=api, resourceId=orders, httpMethod=verb, authorizationType=authorization)
        apigw.put_integration(restApiId=api, resourceId=orders, httpMethod=verb, type="MOCK",
                              requestTemplates={"application/json": json.dumps({"apiKey": LITERAL})})
    apigw.put_method(restApiId=api, resourceId=orders, httpMethod="OPTIONS", authorizationType="NONE")
    apigw.create_deployment(restApiId=api, stageName="bootstrap")
    apigw.delete_stage(restApiId=api, stageName="bootstrap")
    return api


def arrange(boto):
    apigw = boto.client("apigateway")
    good = rest_api(apigw, "shop", authorization="AWS_IAM")
    bad = rest_api(apigw, "legacy", authorization="NONE")
    deployment = apigw.create_deployment(restApiId=good)["id"]
    apigw.create_stage(restApiId=good, stageName="prod", deploymentId=deployment, tracingEnabled=True,
                       cacheClusterEnabled=True, cacheClusterSize="0.5", variables={"token": LITERAL}, tags=PROD)
    apigw.update_stage(restApiId=good, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/*/*/logging/loglevel", "value": "ERROR"},
        {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "200"},
        {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "100"},
        {"op": "replace", "path": "/*/*/caching/dataEncrypted", "value": "true"},
        {"op": "replace", "path": "/accessLogSettings/destinationArn",
         "value": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:api-access"},
        {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"}])
    deployment = apigw.create_deployment(restApiId=bad)["id"]
    apigw.create_stage(restApiId=bad, stageName="prod", deploymentId=deployment, cacheClusterEnabled=True,
                       cacheClusterSize="0.5", tags=PROD)
    apigw.create_stage(restApiId=bad, stageName="v1", deploymentId=deployment, tags=PROD)  # no cache
    apigw.create_stage(restApiId=good, stageName="dev", deploymentId=deployment, tags={"Environment": "dev"})
    acl = boto.client("wafv2").create_web_acl(
        Name="api", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig={
            "SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "api"})["Summary"]["ARN"]
    boto.client("wafv2").associate_web_acl(
        WebACLArn=acl, ResourceArn=f"arn:aws:apigateway:{REGION}::/restapis/{good}/stages/prod")

    vpce = {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
            "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}}
    rest_api(apigw, "internal", authorization="AWS_IAM", endpoint="PRIVATE",
             policy={"Version": "2012-10-17", "Statement": [INVOKE, vpce]})
    rest_api(apigw, "internal-open", authorization="AWS_IAM", endpoint="PRIVATE",
             policy={"Version": "2012-10-17", "Statement": [INVOKE]})

    apigw.create_domain_name(domainName="api.example.com", securityPolicy="TLS_1_2", regionalCertificateArn=CERT,
                             endpointConfiguration={"types": ["REGIONAL"]}, tags=PROD)
    apigw.create_domain_name(domainName="old.example.com", securityPolicy="TLS_1_0", regionalCertificateArn=CERT,
                             endpointConfiguration={"types": ["REGIONAL"]}, tags=PROD)

    v2 = boto.client("apigatewayv2")
    for name, authorization in (("checkout", "JWT"), ("webhooks", "NONE")):
        api = v2.create_api(Name=name, ProtocolType="HTTP", Tags=PROD)["ApiId"]
        extra = {"AuthorizerId": "abc123"} if authorization == "JWT" else {}
        for key in ("GET /cart", "POST /cart"):
            v2.create_route(ApiId=api, RouteKey=key, AuthorizationType=authorization, **extra)
        v2.create_route(ApiId=api, RouteKey="OPTIONS /cart", AuthorizationType="NONE")
        settings = {"AccessLogSettings": {"DestinationArn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}",
                                          "Format": "$context.requestId"},
                    "DefaultRouteSettings": {"ThrottlingRateLimit": 50.0, "ThrottlingBurstLimit": 20}
                    } if authorization == "JWT" else {}
        v2.create_stage(ApiId=api, StageName="prod", Tags=PROD, StageVariables={"token": LITERAL}, **settings)
    for name, connect in (("chat", "AWS_IAM"), ("chat-open", "NONE")):
        api = v2.create_api(Name=name, ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action",
                            Tags=PROD)["ApiId"]
        v2.create_route(ApiId=api, RouteKey="$connect", AuthorizationType=connect)
        v2.create_route(ApiId=api, RouteKey="sendmessage", AuthorizationType="NONE")  # judged at $connect
    for name, policy in (("h.example.com", "TLS_1_2"), ("h-old.example.com", "TLS_1_0")):
        v2.create_domain_name(DomainName=name, Tags=PROD, DomainNameConfigurations=[
            {"CertificateArn": CERT, "SecurityPolicy": policy, "EndpointType": "REGIONAL"}])


@pytest.fixture(scope="module")
def scanned():
    estate, _ = scan_arranged(arrange, SERVICES, REGION)
    return estate, by_name(evaluate(estate))


CASES = [  # check, bad resource, its clean twin (by name)
    ("apigateway-rest-stage-access-logging-off", "legacy/prod", "shop/prod"),
    ("apigateway-rest-stage-execution-logging-off", "legacy/prod", "shop/prod"),
    ("apigateway-rest-stage-tracing-off", "legacy/prod", "shop/prod"),
    ("apigateway-rest-stage-throttling-unset", "legacy/prod", "shop/prod"),
    ("apigateway-rest-stage-cache-not-encrypted", "legacy/prod", "shop/prod"),
    ("apigateway-rest-stage-without-waf", "legacy/prod", "shop/prod"),
    ("apigateway-rest-method-without-authorization", "legacy", "shop"),
    ("apigateway-private-api-policy-open", "internal-open", "internal"),
    ("apigateway-domain-tls-outdated", "old.example.com", "api.example.com"),
    ("http-api-stage-access-logging-off", "webhooks/prod", "checkout/prod"),
    ("http-api-stage-throttling-unset", "webhooks/prod", "checkout/prod"),
    ("http-api-route-without-authorization", "webhooks", "checkout"),
    ("http-api-route-without-authorization", "chat-open", "chat"),
    ("http-api-domain-tls-outdated", "h-old.example.com", "h.example.com"),
]


@pytest.mark.parametrize(("check_id", "bad", "good"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_fires_on_the_bad_resource_and_not_on_its_clean_twin(scanned, check_id, bad, good):
    _, found = scanned
    assert found[(check_id, bad)].status == "FAIL", found[(check_id, bad)].evidence
    assert found[(check_id, good)].status == "PASS", found[(check_id, good)].evidence


def test_every_check_of_the_module_has_a_case():
    ours = checks_in("api_gateway")
    assert ours == {c[0] for c in CASES} | {"apigateway-rest-stage-cache-off"}


def test_a_production_stage_without_a_cache_is_a_low_performance_finding(scanned):
    """Only production stages are asked for a cache: in dev it is spend, so the dev stage gets no verdict."""
    _, found = scanned
    assert found[("apigateway-rest-stage-cache-off", "shop/prod")].status == "PASS"
    bare = found[("apigateway-rest-stage-cache-off", "legacy/v1")]
    assert (bare.status, bare.risk, bare.pillar) == ("FAIL", "LOW", "performance-efficiency")
    assert ("apigateway-rest-stage-cache-off", "shop/dev") not in found
    assert ("apigateway-rest-stage-cache-not-encrypted", "legacy/v1") not in found  # no cache, nothing stored


def test_evidence_names_the_open_methods_and_routes_but_not_the_preflight(scanned):
    _, found = scanned
    rest = found[("apigateway-rest-method-without-authorization", "legacy")].evidence
    assert "GET /orders" in rest and "POST /orders" in rest and "OPTIONS" not in rest
    http = found[("http-api-route-without-authorization", "webhooks")].evidence
    assert "GET /cart" in http and "OPTIONS" not in http
    assert "$connect" in found[("http-api-route-without-authorization", "chat-open")].evidence


def test_a_public_method_is_high_risk_in_production(scanned):
    _, found = scanned
    assert found[("apigateway-rest-method-without-authorization", "legacy")].risk == "HIGH"


def test_stages_read_their_api_and_environment_and_keep_no_literal(scanned):
    estate, _ = scanned
    stage = next(r for r in estate.of_type("AWS::ApiGateway::Stage") if r.name == "shop/prod")
    classify_estate(estate)
    assert estate.environment_of(stage) == "prod" and stage.config["apiName"] == "shop"
    assert stage.config["webAclArn"].startswith("arn:aws:wafv2:")
    dumped = json.dumps([r.config for r in estate.resources], default=str)
    assert LITERAL not in dumped  # stage variables and request templates keep no value
    assert "$context.requestId" not in dumped  # nor do access-log formats


def test_failed_reads_are_not_assessed_never_passed(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["GetResources", "GetRoutes"])
    estate = collect_account(aws, [REGION], services=SERVICES)
    found = {(f.check_id, f.resource["name"]): f.status for f in evaluate(estate)}
    assert found[("apigateway-rest-method-without-authorization", "shop")] == "NOT_ASSESSED"
    assert found[("http-api-route-without-authorization", "checkout")] == "NOT_ASSESSED"
    assert found[("apigateway-rest-stage-tracing-off", "shop/prod")] == "PASS"  # stages were read


def test_a_denied_service_leaves_its_checks_not_assessed(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["GetApis"])
    estate = collect_account(aws, [REGION], services=SERVICES)
    statuses = {f.status for f in evaluate(estate) if f.check_id.startswith("http-api-")}
    assert statuses == {"NOT_ASSESSED"}


def test_iam_authorises_every_read_of_both_collectors_as_apigateway_get():
    """API Gateway's IAM actions are HTTP methods on resource paths: "apigateway:GetRestApis" does not exist, so a
    policy naming it would grant nothing and the scan would be denied."""
    from wafr.sources.aws.registry import all_collectors

    for name in SERVICES:
        assert all_collectors()[name].permissions == ("apigateway:GET",), name
