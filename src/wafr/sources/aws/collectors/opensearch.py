"""OpenSearch Service: domains (OpenSearch and Elasticsearch), with encryption, endpoint TLS, network placement and
access policy, cluster layout, log publishing and tags."""

from wafr.sources.aws.declarative import Detail, Kind, List, at, declare

DOMAIN = "AWS::OpenSearchService::Domain"

declare("opensearch", Kind(
    DOMAIN, List("list_domain_names", "DomainNames"), id="DomainName", arn="ARN",
    details=[Detail("describe_domain", "DomainStatus", into="", DomainName=at("DomainName"))],
    tags=Detail("list_tags", "TagList", ARN=at("ARN")),
    json=["AccessPolicies"],
))
