"""SQS: queues, with their attributes (encryption, redrive policy, access policy) and tags."""

from wafr.resource_types import SQS_QUEUE
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare, tail


declare("sqs", Kind(
    SQS_QUEUE, List("list_queues", "QueueUrls", item="QueueUrl"),
    details=[Detail("get_queue_attributes", "Attributes", into="", QueueUrl=at("QueueUrl"), AttributeNames=["All"])],
    id=tail("QueueUrl", "/"), arn="QueueArn",
    tags=Detail("list_queue_tags", "Tags", QueueUrl=at("QueueUrl")),
    json=["Policy", "RedrivePolicy", "RedriveAllowPolicy"],
))
