"""Lambda: functions, their runtime and network placement, and per function its reserved concurrency, the failure
handling of its asynchronous invocations, the event sources that poll for it, its function URLs and its resource
policy (environment values are never kept: ListFunctions' answer is redacted, and GetFunction, which returns them
and a code URL, is never called)."""

from __future__ import annotations

import json
from typing import Any, Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import LAMBDA_FUNCTION
from wafr.sources.aws.redact import redact
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector

# Per function: the call, its response key, the configuration field it fills, and the error codes that mean
# "none configured" (kept as None). A failed call is recorded under _errors: unknown, not absent.
DETAILS = (
    ("get_function_concurrency", "ReservedConcurrentExecutions", "ReservedConcurrentExecutions", ()),
    ("list_function_event_invoke_configs", "FunctionEventInvokeConfigs", "EventInvokeConfigs", ()),
    ("list_function_url_configs", "FunctionUrlConfigs", "FunctionUrlConfigs", ()),
    ("get_policy", "Policy", "Policy", ("ResourceNotFoundException",)),
)
# What an event source mapping says about failure handling (its filter patterns, which can hold literals, are not kept).
MAPPING_FIELDS = ("UUID", "EventSourceArn", "State", "BatchSize", "MaximumRetryAttempts", "FunctionResponseTypes",
                  "DestinationConfig", "BisectBatchOnFunctionError", "MaximumRecordAgeInSeconds")


@collector(
    "lambda",
    resource_types=(LAMBDA_FUNCTION,),
    operations=("lambda:ListFunctions", "lambda:ListTags", "lambda:GetFunctionConcurrency",
                "lambda:ListFunctionEventInvokeConfigs", "lambda:ListFunctionUrlConfigs", "lambda:GetPolicy",
                "lambda:ListEventSourceMappings"),
)
def collect_lambda(ctx: CollectContext) -> Iterator[Resource]:
    client = ctx.client("lambda")
    failed: dict[str, int] = {}
    sources: dict[str, list[dict[str, Any]]] | str | None = None  # read once, with the region's first function
    for function in ctx.paginate(client, "list_functions", "Functions"):
        config = redact(LAMBDA_FUNCTION, function)  # Environment.Variables: the same name-only list ECS uses
        tags = _tags(client, function["FunctionArn"], config)
        for failure in _details(ctx, client, function["FunctionName"], config):
            failed[failure] = failed.get(failure, 0) + 1
        sources = _event_sources(ctx, client) if sources is None else sources
        if isinstance(sources, str):
            config.setdefault("_errors", {})["ListEventSourceMappings"] = sources
            config["EventSourceMappings"] = None
        else:
            config["EventSourceMappings"] = sources.get(function["FunctionArn"], [])
        vpc = function.get("VpcConfig") or {}
        yield ctx.resource(
            LAMBDA_FUNCTION, function["FunctionName"], arn=function["FunctionArn"], name=function["FunctionName"],
            tags=tags, config=config,
            links={"vpc": [vpc.get("VpcId", "")], "subnets": vpc.get("SubnetIds", []),
                   "security_groups": vpc.get("SecurityGroupIds", [])},
        )
    for failure, count in failed.items():
        ctx.note(f"{failure} for {count} function(s)")
    if isinstance(sources, str):
        ctx.note(f"ListEventSourceMappings: {sources}")


def _event_sources(ctx: CollectContext, client: Any) -> dict[str, list[dict[str, Any]]] | str:
    """The region's event source mappings by (unqualified) function ARN, or the error code that refused them."""
    found: dict[str, list[dict[str, Any]]] = {}
    try:
        for mapping in ctx.paginate(client, "list_event_source_mappings", "EventSourceMappings"):
            arn = ":".join(str(mapping.get("FunctionArn", "")).split(":")[:7])  # an alias or version points here too
            found.setdefault(arn, []).append({k: mapping[k] for k in MAPPING_FIELDS if k in mapping})
    except ClientError as error:
        return error_code(error)
    return found


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
