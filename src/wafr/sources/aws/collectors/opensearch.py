"""OpenSearch Service: domains (OpenSearch and Elasticsearch), with encryption, endpoint TLS, network placement and
access policy, cluster layout, log publishing and tags."""

from wafr.resource_types import OPENSEARCH_DOMAIN
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare


declare("opensearch", Kind(
    OPENSEARCH_DOMAIN, List("list_domain_names", "DomainNames"), id="DomainName", arn="ARN",
    details=[Detail("describe_domain", "DomainStatus", into="", DomainName=at("DomainName"))],
    tags=Detail("list_tags", "TagList", ARN=at("ARN")),
    json=["AccessPolicies"],
))
