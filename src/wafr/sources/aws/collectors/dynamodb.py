"""DynamoDB: tables, with their point-in-time recovery setting and tags."""

from wafr.resource_types import DYNAMODB_TABLE
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare


declare("dynamodb", Kind(
    DYNAMODB_TABLE, List("list_tables", "TableNames", item="TableName"), id="TableName", arn="TableArn",
    details=[Detail("describe_table", "Table", into="", TableName=at("TableName")),
             Detail("describe_continuous_backups", "ContinuousBackupsDescription", TableName=at("TableName"))],
    tags=Detail("list_tags_of_resource", "Tags", ResourceArn=at("TableArn")),
))
