"""CloudWatch Logs: log groups, with their retention, KMS key, class and tags."""

from wafr.resource_types import LOGS_LOG_GROUP
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare


declare("logs", Kind(
    LOGS_LOG_GROUP, List("describe_log_groups", "logGroups"), id="logGroupName", arn="logGroupArn",
    tags=Detail("list_tags_for_resource", "tags", resourceArn=at("logGroupArn")),
))
