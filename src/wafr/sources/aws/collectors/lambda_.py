"""Lambda: functions, their runtime and network placement (environment values are never kept)."""

from __future__ import annotations

from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.sources.aws.redact import REDACTED, redact_variables
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector

FUNCTION = "AWS::Lambda::Function"


def redact_function(function: dict[str, Any]) -> dict[str, Any]:
    """The function without plaintext values: Environment.Variables becomes the same name-only list ECS uses."""
    clean = dict(function)
    environment = function.get("Environment")
    if environment:
        variables = (environment.get("Variables") or {}).items()
        clean["Environment"] = {**environment, "Variables": redact_variables(variables)}
    image = (function.get("ImageConfigResponse") or {}).get("ImageConfig")
    if image:  # container-image functions: arguments can carry passwords too
        redacted = {k: [REDACTED] * len(v) if k in ("Command", "EntryPoint") else v for k, v in image.items()}
        clean["ImageConfigResponse"] = {**function["ImageConfigResponse"], "ImageConfig": redacted}
    return clean


@collector(
    "lambda",
    resource_types=(FUNCTION,),
    permissions=("lambda:ListFunctions", "lambda:ListTags"),
)
def collect_lambda(ctx: CollectContext) -> Iterator[Resource]:
    client = ctx.client("lambda")
    for function in ctx.paginate(client, "list_functions", "Functions"):
        config = redact_function(function)
        tags = _tags(client, function["FunctionArn"], config)
        vpc = function.get("VpcConfig") or {}
        yield ctx.resource(
            FUNCTION, function["FunctionName"], arn=function["FunctionArn"], name=function["FunctionName"],
            tags=tags, config=config,
            links={"vpc": [vpc.get("VpcId", "")], "subnets": vpc.get("SubnetIds", []),
                   "security_groups": vpc.get("SecurityGroupIds", [])},
        )


def _tags(client: Any, arn: str, config: dict[str, Any]) -> dict[str, str]:
    """Tags carry the environment; a refusal is recorded on the function, which is kept."""
    try:
        return client.list_tags(Resource=arn).get("Tags", {})
    except ClientError as error:
        config.setdefault("_errors", {})["ListTags"] = error_code(error)
        return {}
