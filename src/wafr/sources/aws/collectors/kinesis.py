"""Kinesis Data Streams: streams, with their encryption, retention, capacity mode, shard-level metrics and tags."""

from wafr.resource_types import KINESIS_STREAM
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare

NAME = at("StreamName")

declare("kinesis", Kind(
    KINESIS_STREAM, List("list_streams", "StreamSummaries"), id="StreamName", arn="StreamARN",
    details=[Detail("describe_stream_summary", "StreamDescriptionSummary", into="", StreamName=NAME)],
    tags=Detail("list_tags_for_stream", "Tags", StreamName=NAME),
))
