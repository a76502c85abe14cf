"""API Gateway REST APIs: each API with its methods' authorization and its resource policy, its stages (logging,
tracing, throttling, caching, web ACL) and its custom domains' TLS policy. Stage variables and integrations'
request templates can hold literals: data/redaction.yaml keeps none of their values."""

from wafr.sources.aws.declarative import Detail, Kind, List, at, declare

REST_API, STAGE, DOMAIN = "AWS::ApiGateway::RestApi", "AWS::ApiGateway::Stage", "AWS::ApiGateway::DomainName"

declare(
    "apigateway",
    Kind(REST_API, List("get_rest_apis", "items"), id="id", name="name", tags="tags",
         details=[Detail("get_resources", "items", into="resources", restApiId=at("id"), embed=["methods"])]),
    Kind(STAGE, List("get_stages", "item", within=REST_API, restApiId=at("id"),
                     carry={"restApiId": "id", "apiName": "name", "endpointConfiguration": "endpointConfiguration"}),
         id=lambda c: f"{c['restApiId']}/{c['stageName']}", name=lambda c: f"{c['apiName']}/{c['stageName']}",
         tags="tags"),
    Kind(DOMAIN, List("get_domain_names", "items"), id="domainName", arn="domainNameArn", tags="tags"),
)
