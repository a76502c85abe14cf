"""Data Firehose: delivery streams, with their server-side encryption and tags. A destination's settings can carry
credentials (a Splunk HEC token), so data/redaction.yaml keeps only what the checks read."""

from wafr.resource_types import FIREHOSE_DELIVERY_STREAM
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare

NAME = at("DeliveryStreamName")

declare("firehose", Kind(
    # ListDeliveryStreams has no paginator: one call at its largest page (10,000) lists an account's streams.
    FIREHOSE_DELIVERY_STREAM,
    List("list_delivery_streams", "DeliveryStreamNames", item="DeliveryStreamName", Limit=10000),
    id="DeliveryStreamName", arn="DeliveryStreamARN",
    details=[Detail("describe_delivery_stream", "DeliveryStreamDescription", into="", DeliveryStreamName=NAME)],
    tags=Detail("list_tags_for_delivery_stream", "Tags", DeliveryStreamName=NAME),
))
