"""API Gateway REST APIs: each API with its methods' authorization and its resource policy, its stages (logging,
tracing, throttling, caching, web ACL) and its custom domains' TLS policy. Stage variables and integrations'
request templates can hold literals: data/redaction.yaml keeps none of their values."""

from wafr.resource_types import APIGW_DOMAIN_NAME, APIGW_REST_API, APIGW_STAGE
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare

declare(
    "apigateway",
    Kind(APIGW_REST_API, List("get_rest_apis", "items"), id="id", name="name", tags="tags",
         details=[Detail("get_resources", "items", into="resources", restApiId=at("id"), embed=["methods"])]),
    Kind(APIGW_STAGE, List("get_stages", "item", within=APIGW_REST_API, restApiId=at("id"),
                     carry={"restApiId": "id", "apiName": "name", "endpointConfiguration": "endpointConfiguration"}),
         id=lambda c: f"{c['restApiId']}/{c['stageName']}", name=lambda c: f"{c['apiName']}/{c['stageName']}",
         tags="tags"),
    Kind(APIGW_DOMAIN_NAME, List("get_domain_names", "items"), id="domainName", arn="domainNameArn", tags="tags"),
)
