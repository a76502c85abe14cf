"""WAFv2: web ACLs with their rules, logging configuration and tags; regional ones also with the load balancers
and API Gateway stages they protect. Web ACLs for CloudFront live in the CLOUDFRONT scope, answered only in
us-east-1, and are read once per account."""

from wafr.sources.aws.declarative import Detail, Kind, List, at, declare

WEB_ACL = "AWS::WAFv2::WebACL"


def web_acls(scope: str, *protected: Detail) -> Kind:
    return Kind(
        # One page of up to 100 web ACLs per scope and region: WAF's own quota is 100.
        WEB_ACL, List("list_web_acls", "WebACLs", Scope=scope, Limit=100), id="Id", name="Name", arn="ARN",
        details=[Detail("get_web_acl", "WebACL", into="", Name=at("Name"), Scope=scope, Id=at("Id")),
                 Detail("get_logging_configuration", "LoggingConfiguration", ResourceArn=at("ARN"),
                        absent=["WAFNonexistentItemException"]),
                 *protected],
        tags=Detail("list_tags_for_resource", "TagInfoForResource.TagList", ResourceARN=at("ARN")),
    )


def protecting(resource_type: str, into: str) -> Detail:
    return Detail("list_resources_for_web_acl", "ResourceArns", into=into, WebACLArn=at("ARN"),
                  ResourceType=resource_type)


declare("wafv2", web_acls("REGIONAL", protecting("APPLICATION_LOAD_BALANCER", "LoadBalancers"),
                          protecting("API_GATEWAY", "ApiGatewayStages")))
declare("wafv2-cloudfront", web_acls("CLOUDFRONT"), client="wafv2", global_service=True, region="us-east-1")
