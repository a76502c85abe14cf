"""CloudFront: distributions with their full configuration (origins, cache behaviors, viewer certificate, logging,
web ACL, origin groups) and tags. A global service, read once per account."""

from wafr.resource_types import CLOUDFRONT_DISTRIBUTION
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare



def _shown_as(config: dict) -> str:
    """The name a reader knows a distribution by: its first alternate domain name, else its cloudfront.net one."""
    return ((config.get("Aliases") or {}).get("Items") or [config.get("DomainName", "")])[0]


declare("cloudfront", Kind(
    CLOUDFRONT_DISTRIBUTION, List("list_distributions", "DistributionList.Items"), id="Id", arn="ARN", name=_shown_as,
    # The listing's summary lacks the logging settings; the configuration has everything the checks read.
    details=[Detail("get_distribution_config", "DistributionConfig", into="", Id=at("Id"))],
    tags=Detail("list_tags_for_resource", "Tags.Items", Resource=at("ARN")),
), global_service=True)
