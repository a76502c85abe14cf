"""WAFv2: web ACLs with their rules, logging configuration and tags; regional ones also with the load balancers
they protect (an API Gateway stage names its own web ACL, a distribution its own). Web ACLs for CloudFront live in
the CLOUDFRONT scope, answered only in us-east-1, and are read once per account."""

from wafr.resource_types import WAFV2_WEB_ACL
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare



def web_acls(scope: str, *details: Detail) -> Kind:
    return Kind(
        # One page of up to 100 web ACLs per scope and region: WAF's default quota.
        WAFV2_WEB_ACL, List("list_web_acls", "WebACLs", Scope=scope, Limit=100), id="Id", name="Name", arn="ARN",
        details=[Detail("get_web_acl", "WebACL", into="", Name=at("Name"), Scope=scope, Id=at("Id")),
                 Detail("get_logging_configuration", "LoggingConfiguration", ResourceArn=at("ARN"),
                        absent=["WAFNonexistentItemException"]),
                 *details],
        tags=Detail("list_tags_for_resource", "TagInfoForResource.TagList", ResourceARN=at("ARN")),
    )


declare("wafv2", web_acls("REGIONAL", Detail("list_resources_for_web_acl", "ResourceArns", into="LoadBalancers",
                                             WebACLArn=at("ARN"), ResourceType="APPLICATION_LOAD_BALANCER")))
declare("wafv2-cloudfront", web_acls("CLOUDFRONT"), client="wafv2", global_service=True, region="us-east-1")
