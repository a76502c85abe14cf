"""Lambda: functions, their runtime and network placement, and per function its reserved concurrency, the failure
handling of its asynchronous invocations, its function URLs and its resource policy (environment values are never
kept: ListFunctions' answer is redacted, and GetFunction, which returns them and a code URL, is never called)."""

from __future__ import annotations

import json
from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.sources.aws.redact import redact
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector

FUNCTION = "AWS::Lambda::Function"
# Per function: the call, its response key, the configuration field it fills, and the error codes that mean
# "none configured" (kept as None). A failed call is recorded under _errors: unknown, not absent.
DETAILS = (
    ("get_function_concurrency", "ReservedConcurrentExecutions", "ReservedConcurrentExecutions", ()),
    ("list_function_event_invoke_configs", "FunctionEventInvokeConfigs", "EventInvokeConfigs", ()),
    ("list_function_url_configs", "FunctionUrlConfigs", "FunctionUrlConfigs", ()),
    ("get_policy", "Policy", "Policy", ("ResourceNotFoundException",)),
)


@collector(
    "lambda",
    resource_types=(FUNCTION,),
    operations=("lambda:ListFunctions", "lambda:ListTags", "lambda:GetFunctionConcurrency",
                "lambda:ListFunctionEventInvokeConfigs", "lambda:ListFunctionUrlConfigs", "lambda:GetPolicy"),
)
def collect_lambda(ctx: CollectContext) -> Iterator[Resource]:
    client = ctx.client("lambda")
    failed: dict[str, int] = {}
    for function in ctx.paginate(client, "list_functions", "Functions"):
        config = redact(FUNCTION, function)  # Environment.Variables: the same name-only list ECS uses
        tags = _tags(client, function["FunctionArn"], config)
        for failure in _details(ctx, client, function["FunctionName"], config):
            failed[failure] = failed.get(failure, 0) + 1
        vpc = function.get("VpcConfig") or {}
        yield ctx.resource(
            FUNCTION, function["FunctionName"], arn=function["FunctionArn"], name=function["FunctionName"],
            tags=tags, config=config,
            links={"vpc": [vpc.get("VpcId", "")], "subnets": vpc.get("SubnetIds", []),
                   "security_groups": vpc.get("SecurityGroupIds", [])},
        )
    for failure, count in failed.items():
        ctx.note(f"{failure} for {count} function(s)")


def _details(ctx: CollectContext, client: Any, name: str, config: dict[str, Any]) -> Iterator[str]:
    """Fill the per-function settings of DETAILS into the configuration; yield each failed call ("Op: Code")."""
    for call, key, field, absent in DETAILS:
        operation = client.meta.method_to_api_mapping[call]
        try:
            if client.can_paginate(call):
                value: Any = list(ctx.paginate(client, call, key, FunctionName=name))
            else:
                value = getattr(client, call)(FunctionName=name).get(key)
            if field == "Policy" and isinstance(value, str):
                value = json.loads(value)
        except ClientError as error:
            code, value = error_code(error), None
            if code not in absent:
                config.setdefault("_errors", {})[operation] = code
                yield f"{operation}: {code}"
        except ValueError:
            code, value = "Unreadable", None
            config.setdefault("_errors", {})[operation] = code
            yield f"{operation}: {code}"
        config[field] = value


def _tags(client: Any, arn: str, config: dict[str, Any]) -> dict[str, str]:
    """Tags carry the environment; a refusal is recorded on the function, which is kept."""
    try:
        return client.list_tags(Resource=arn).get("Tags", {})
    except ClientError as error:
        config.setdefault("_errors", {})["ListTags"] = error_code(error)
        return {}
