"""DynamoDB: tables, with their point-in-time recovery setting and tags."""

from __future__ import annotations

from typing import Any, Callable, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector

TABLE = "AWS::DynamoDB::Table"


@collector(
    "dynamodb",
    resource_types=(TABLE,),
    permissions=(
        "dynamodb:ListTables", "dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups",
        "dynamodb:ListTagsOfResource",
    ),
)
def collect_dynamodb(ctx: CollectContext) -> Iterator[Resource]:
    dynamodb = ctx.client("dynamodb")
    failed: dict[str, int] = {}
    for name in ctx.paginate(dynamodb, "list_tables", "TableNames"):
        errors: dict[str, str] = {}
        described = _detail(errors, "DescribeTable", dynamodb.describe_table, TableName=name)
        config: dict[str, Any] = described["Table"] if described else {"TableName": name}
        backups = _detail(errors, "DescribeContinuousBackups", dynamodb.describe_continuous_backups, TableName=name)
        if backups is not None:
            config["ContinuousBackupsDescription"] = backups["ContinuousBackupsDescription"]
        arn = config.get("TableArn", "")
        tags = _detail(errors, "ListTagsOfResource", _all_tags, ctx, dynamodb, arn) if arn else []
        if errors:
            config["_errors"] = errors
            for operation, code in errors.items():
                failed[f"{operation}: {code}"] = failed.get(f"{operation}: {code}", 0) + 1
        yield ctx.resource(TABLE, name, arn=arn, name=name, tags=tags_from_list(tags), config=config)
    for failure, count in failed.items():
        ctx.note(f"{failure} for {count} table(s)")


def _all_tags(ctx: CollectContext, dynamodb: Any, arn: str) -> list[dict[str, str]]:
    return list(ctx.paginate(dynamodb, "list_tags_of_resource", "Tags", ResourceArn=arn))


def _detail(errors: dict[str, str], operation: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The result of one per-table call, or None with the AWS error code recorded under ``operation``."""
    try:
        return call(*args, **kwargs)
    except ClientError as error:
        errors[operation] = error_code(error)
        return None
