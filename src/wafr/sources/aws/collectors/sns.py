"""SNS: topics, with their attributes (encryption, access policy, delivery policy) and tags."""

from wafr.resource_types import SNS_TOPIC
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare, tail


declare("sns", Kind(
    SNS_TOPIC, List("list_topics", "Topics"),
    details=[Detail("get_topic_attributes", "Attributes", into="", TopicArn=at("TopicArn"))],
    id=tail("TopicArn", ":"), arn="TopicArn",
    tags=Detail("list_tags_for_resource", "Tags", ResourceArn=at("TopicArn")),
    json=["Policy", "EffectiveDeliveryPolicy"],
))
