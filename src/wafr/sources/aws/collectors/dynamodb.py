"""DynamoDB: tables, with their point-in-time recovery setting and tags."""

from wafr.sources.aws.declarative import Detail, Kind, List, at, declare

TABLE = "AWS::DynamoDB::Table"

declare("dynamodb", Kind(
    TABLE, List("list_tables", "TableNames", item="TableName"), id="TableName", arn="TableArn",
    details=[Detail("describe_table", "Table", into="", TableName=at("TableName")),
             Detail("describe_continuous_backups", "ContinuousBackupsDescription", TableName=at("TableName"))],
    tags=Detail("list_tags_of_resource", "Tags", ResourceArn=at("TableArn")),
))
