"""API Gateway HTTP and WebSocket APIs: each API with its routes' authorization, its stages (access logging,
throttling) and its custom domains' TLS policy. Stage variables can hold literals: data/redaction.yaml keeps none
of their values."""

from wafr.resource_types import APIGWV2_API, APIGWV2_DOMAIN_NAME, APIGWV2_STAGE
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare

declare(
    "apigatewayv2",
    Kind(APIGWV2_API, List("get_apis", "Items"), id="ApiId", name="Name", tags="Tags",
         details=[Detail("get_routes", "Items", into="Routes", ApiId=at("ApiId"))]),
    Kind(APIGWV2_STAGE, List("get_stages", "Items", within=APIGWV2_API, ApiId=at("ApiId"),
                     carry={"ApiId": "ApiId", "ApiName": "Name", "ProtocolType": "ProtocolType"}),
         id=lambda c: f"{c['ApiId']}/{c['StageName']}", name=lambda c: f"{c['ApiName']}/{c['StageName']}",
         tags="Tags"),
    Kind(APIGWV2_DOMAIN_NAME, List("get_domain_names", "Items"), id="DomainName", arn="DomainNameArn", tags="Tags"),
)
