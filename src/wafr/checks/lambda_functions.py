"""Lambda functions: failure handling of asynchronous invocations and stream event sources, concurrency, zones,
tracing, Graviton (arm64), function URLs and resource policies open to anyone, and alarms on errors and throttles.
Runtime deprecation is judged in checks/workloads.py."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from wafr.checks.operations import alarm_dimensions, notifies
from wafr.checks.policies import actions_of, open_statements
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed, unread
from wafr.estate import Estate, Resource
from wafr.resource_types import CLOUDWATCH_ALARM, EC2_SUBNET, LAMBDA_FUNCTION

# Runtimes with no arm64 build (AWS's runtime table): the move to Graviton starts with a runtime upgrade.
NO_ARM64 = ("python2.7", "python3.6", "python3.7", "nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x",
            "java8", "go1.x", "provided", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "ruby2.5")
WATCHED = ("Errors", "Throttles")  # the AWS/Lambda metrics a production function is alarmed on


def polled_only(function: Resource) -> bool:
    """Fed only by SQS event source mappings, with no resource policy through which a service (S3, SNS,
    EventBridge) could invoke it asynchronously: its failures are the queue's to keep."""
    mappings = function.config.get("EventSourceMappings")
    return (bool(mappings) and all(str(m.get("EventSourceArn", "")).split(":")[2:3] == ["sqs"] for m in mappings)
            and function.config.get("Policy") is None and not unread(function, "GetPolicy"))


@check(
    "lambda-async-failures-dropped",
    title="Lambda function drops asynchronous events that fail",
    pillar="reliability",
    focus_area="Failure handling",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL05-BP04"],
    remediation="Give the function an on-failure destination (SQS, SNS, EventBridge or another function) in its "
                "asynchronous invocation configuration, or a dead-letter queue, and alarm on what arrives there.",
    resource_types=[LAMBDA_FUNCTION],
    needs=("lambda",),
)
def lambda_async_failures_dropped(estate: Estate) -> Iterator[Result]:
    for function in estate.of_type(LAMBDA_FUNCTION):
        dlq = (function.config.get("DeadLetterConfig") or {}).get("TargetArn")
        configs = function.config.get("EventInvokeConfigs")
        destinations = [((c.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
                        for c in configs or []]
        if dlq:
            yield passed(function, f"Failed asynchronous events go to the dead-letter queue {dlq.rsplit(':', 1)[-1]}.")
        elif any(destinations):
            target = next(d for d in destinations if d)
            yield passed(function, f"Failed asynchronous events go to the on-failure destination "
                                   f"{target.rsplit(':', 1)[-1]}.")
        elif configs is None:
            yield not_assessed(function, unread(function, "ListFunctionEventInvokeConfigs")
                               or "Its asynchronous invocation configuration was not read.")
        elif unread(function, "ListEventSourceMappings"):  # an SQS consumer needs no failure destination
            yield not_assessed(function, unread(function, "ListEventSourceMappings") or "")
        elif polled_only(function):
            queues = [m["EventSourceArn"].rsplit(":", 1)[-1] for m in function.config["EventSourceMappings"]]
            yield passed(function, f"It is fed by polling {', '.join(queues)} and no resource policy lets a service "
                                   "invoke it asynchronously: a failed message returns to its queue and that "
                                   "queue's redrive policy.")
        else:
            yield fail(function, "No dead-letter queue and no on-failure destination: an event invoked "
                                 "asynchronously (S3, SNS, EventBridge...) that still fails after two retries is "
                                 "discarded.")


def stream_of(mapping: Mapping[str, Any]) -> str | None:
    """What a mapping reads when it is a Kinesis or DynamoDB stream, whose records are retried in order: the
    stream's name (stream/NAME) or its table's (table/NAME/stream/LABEL); None for any other source."""
    parts = str(mapping.get("EventSourceArn", "")).split(":", 5)
    if len(parts) < 6 or parts[2] not in ("kinesis", "dynamodb"):
        return None
    path = parts[5].split("/")
    return path[1] if len(path) > 1 else parts[5]


@check(
    "lambda-stream-failures-unhandled",
    title="Lambda stream event source keeps no failed records",
    pillar="reliability",
    focus_area="Failure handling",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL05-BP04"],
    remediation="Give each Kinesis or DynamoDB stream mapping an on-failure destination (SQS or SNS), a bounded "
                "MaximumRetryAttempts and BisectBatchOnFunctionError, so a bad record is set aside instead of "
                "holding up its shard until it expires.",
    resource_types=[LAMBDA_FUNCTION],
    needs=("lambda",),
)
def lambda_stream_failures_unhandled(estate: Estate) -> Iterator[Result]:
    for function in estate.of_type(LAMBDA_FUNCTION):
        mappings = function.config.get("EventSourceMappings")
        why = unread(function, "ListEventSourceMappings")
        if why:
            yield not_assessed(function, why)
            continue
        streams = [(stream_of(m), m) for m in mappings or [] if stream_of(m) and m.get("State") != "Disabled"]
        unkept = [name for name, m in streams
                  if not ((m.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")]
        endless = [name for name, m in streams if m.get("MaximumRetryAttempts") in (None, -1)]
        if unkept:
            yield fail(function, f"No on-failure destination on its mapping(s) from {', '.join(unkept)}: a record "
                                 "that keeps failing is " + ("retried until it expires, holding up its shard, and is "
                                 "then lost." if set(unkept) & set(endless) else "dropped when its retries run out."))
        elif streams:
            yield passed(function, f"Records that still fail go to an on-failure destination for all {len(streams)} "
                                   "stream mapping(s).")


@check(
    "lambda-vpc-single-az",
    title="Lambda function in a VPC uses subnets of one Availability Zone",
    pillar="reliability",
    focus_area="Service availability",
    risk=by_environment(prod="HIGH", staging="MEDIUM", dev="LOW"),
    best_practices=["REL10-BP01"],
    remediation="Give the function subnets in at least two Availability Zones, so it keeps running when one zone "
                "fails.",
    resource_types=[LAMBDA_FUNCTION],
    needs=("lambda", "vpc"),
)
def lambda_vpc_single_az(estate: Estate) -> Iterator[Result]:
    for function in estate.of_type(LAMBDA_FUNCTION):
        subnets = [s for s in function.link("subnets") if s]
        if not subnets:
            continue  # not in a VPC: Lambda runs it across the Region's zones
        zones, unknown = set(), []
        for subnet_id in subnets:
            subnet = estate.get(subnet_id, type=EC2_SUBNET, account=function.account)
            zone = subnet.config.get("AvailabilityZone") if subnet else None
            if zone:
                zones.add(zone)
            else:
                unknown.append(subnet_id)
        if len(zones) >= 2:
            yield passed(function, f"Its {len(subnets)} subnets span {len(zones)} zones ({', '.join(sorted(zones))}).")
        elif unknown:
            yield not_assessed(function, f"The zone of subnet(s) {', '.join(unknown)} is unknown.")
        else:
            yield fail(function, f"All {len(subnets)} of its subnets are in {', '.join(zones)}: an outage of that "
                                 "zone stops the function.")


@check(
    "lambda-reserved-concurrency-unset",
    title="Production Lambda function has no reserved concurrency",
    pillar="reliability",
    focus_area="Load protection",
    risk=by_environment(prod="LOW"),
    best_practices=["REL05-BP02"],
    remediation="Reserve concurrency for each production function, sized to what its downstream services can serve: "
                "the function is guaranteed that much of the account's pool and cannot exhaust it for the others.",
    resource_types=[LAMBDA_FUNCTION],
    needs=("lambda",),
)
def lambda_reserved_concurrency_unset(estate: Estate) -> Iterator[Result]:
    for function in estate.of_type(LAMBDA_FUNCTION):
        if not estate.in_production(function):
            continue
        reserved = function.config.get("ReservedConcurrentExecutions")
        why = unread(function, "GetFunctionConcurrency")
        if why:
            yield not_assessed(function, why)
        elif reserved == 0:
            yield passed(function, "Reserved concurrency is 0: the function is switched off on purpose.")
        elif reserved:
            yield passed(function, f"{reserved} concurrent executions are reserved for it, and it can use no more.")
        else:
            yield fail(function, "No reserved concurrency: a burst of this function can take the account's whole "
                                 "concurrency pool, or be starved by another function's burst.")


@check(
    "lambda-tracing-off",
    title="Lambda function has X-Ray active tracing off",
    pillar="operational-excellence",
    focus_area="Observability",
    risk=by_environment(prod="LOW"),
    best_practices=["OPS04-BP05", "REL06-BP07"],
    remediation="Set the function's tracing mode to Active (and give its role the X-Ray write permissions) so a "
                "request can be followed through the function and the services it calls.",
    resource_types=[LAMBDA_FUNCTION],
    needs=("lambda",),
)
def lambda_tracing_off(estate: Estate) -> Iterator[Result]:
    for function in estate.of_type(LAMBDA_FUNCTION):
        mode = (function.config.get("TracingConfig") or {}).get("Mode") or "PassThrough"
        if mode == "Active":
            yield passed(function, "X-Ray active tracing is on.")
        else:
            yield fail(function, f"Tracing mode is {mode}: requests that do not arrive traced are not followed.")


@check(
    "lambda-not-on-graviton",
    title="Lambda function runs on x86_64 instead of Graviton (arm64)",
    pillar="sustainability",
    focus_area="Hardware efficiency",
    risk="LOW",
    best_practices=["SUS05-BP02", "PERF02-BP02"],
    remediation="Build the function (and its layers and native dependencies) for arm64 and switch its architecture: "
                "Graviton runs the same work with less energy, at a duration price about 20% lower.",
    resource_types=[LAMBDA_FUNCTION],
    needs=("lambda",),
)
def lambda_not_on_graviton(estate: Estate) -> Iterator[Result]:
    for function in estate.of_type(LAMBDA_FUNCTION):
        architectures = function.config.get("Architectures") or ["x86_64"]
        if "arm64" in architectures:
            yield passed(function, "It runs on Graviton (arm64).")
        elif function.config.get("Runtime") in NO_ARM64:
            continue  # no arm64 build of its runtime: the deprecated-runtime check asks for the upgrade first
        else:
            yield fail(function, f"It runs on {', '.join(architectures)}.")


@check(
    "lambda-function-url-without-auth",
    title="Lambda function URL lets anyone invoke it",
    pillar="security",
    focus_area="Public entry points",
    risk=by_environment(prod="HIGH"),
    best_practices=["SEC03-BP07"],
    remediation="Set the function URL's auth type to AWS_IAM and sign requests (or put the function behind API "
                "Gateway with an authorizer); delete function URLs nobody uses.",
    resource_types=[LAMBDA_FUNCTION],
    needs=("lambda",),
)
def lambda_function_url_without_auth(estate: Estate) -> Iterator[Result]:
    for function in estate.of_type(LAMBDA_FUNCTION):
        urls = function.config.get("FunctionUrlConfigs")
        if urls is None:
            yield not_assessed(function, unread(function, "ListFunctionUrlConfigs")
                               or "Its function URLs were not read.")
            continue
        open_ = [u.get("FunctionUrl", "?") for u in urls if u.get("AuthType") == "NONE"]
        if open_:
            yield fail(function, f"{len(open_)} function URL(s) with auth type NONE: {', '.join(open_)}.")
        elif urls:
            yield passed(function, f"Its {len(urls)} function URL(s) require IAM authentication.")
        else:
            yield passed(function, "It has no function URL.")


def _not_for_url(statement: Mapping[str, Any]) -> bool:
    """A statement that opens a function URL (condition lambda:FunctionUrlAuthType) is judged with the URL."""
    condition = statement.get("Condition")
    keys = [k.lower() for op in (condition.values() if isinstance(condition, Mapping) else [])
            if isinstance(op, Mapping) for k in op]
    return "lambda:functionurlauthtype" not in keys


@check(
    "lambda-policy-public",
    title="Lambda function policy lets anyone invoke it",
    pillar="security",
    focus_area="Public entry points",
    risk="HIGH",
    best_practices=["SEC03-BP07"],
    remediation="Name the calling account or service in the function's policy and add an aws:SourceArn or "
                "aws:SourceAccount condition, so no other account can invoke the function through it.",
    resource_types=[LAMBDA_FUNCTION],
    needs=("lambda",),
)
def lambda_policy_public(estate: Estate) -> Iterator[Result]:
    for function in estate.of_type(LAMBDA_FUNCTION):
        why = unread(function, "GetPolicy")
        policy = function.config.get("Policy")
        if why:
            yield not_assessed(function, why)
            continue
        statements = [s for s in open_statements(policy) if _not_for_url(s)]
        if statements:
            yield fail(function, f"{len(statements)} statement(s) allow principal \"*\" with no source or account "
                                 f"condition: anyone may call {actions_of(statements)}.")
        else:
            yield passed(function, "No statement of its policy lets anyone in without a condition on who calls."
                         if policy else "It has no resource policy: only its own account's principals may invoke it.")


def alarmed_metrics(estate: Estate) -> dict[tuple[str, str, str], dict[str, list[Resource]]]:
    """(account, region, function name) -> metric (Errors, Throttles) -> the alarms watching it."""
    index: dict[tuple[str, str, str], dict[str, list[Resource]]] = {}
    for alarm in estate.of_type(CLOUDWATCH_ALARM):
        metrics = [(alarm.config.get("Namespace"), alarm.config.get("MetricName"))]
        metrics += [((q.get("MetricStat") or {}).get("Metric") or {}) for q in alarm.config.get("Metrics") or []]
        names = {m[1] if isinstance(m, tuple) else m.get("MetricName") for m in metrics
                 if (m[0] if isinstance(m, tuple) else m.get("Namespace")) == "AWS/Lambda"}
        for dim in alarm_dimensions(alarm):
            if dim.get("Name") == "FunctionName":
                for metric in names & set(WATCHED):
                    index.setdefault((alarm.account, alarm.region, dim.get("Value", "")), {}).setdefault(
                        metric, []).append(alarm)
    return index


@check(
    "lambda-without-error-alarms",
    title="Production Lambda function has no alarm on errors or throttles",
    pillar="operational-excellence",
    focus_area="Observability",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["OPS08-BP04", "REL06-BP03"],
    remediation="Create CloudWatch alarms on the function's Errors and Throttles metrics (AWS/Lambda, dimension "
                "FunctionName) with an action that reaches a person: an SNS topic, incident tool or chat channel.",
    resource_types=[LAMBDA_FUNCTION],
    needs=("lambda", "cloudwatch"),
)
def lambda_without_error_alarms(estate: Estate) -> Iterator[Result]:
    index = alarmed_metrics(estate)
    for function in estate.of_type(LAMBDA_FUNCTION):
        if not estate.in_production(function):
            continue
        gap = estate.gap(function.account, function.region, "cloudwatch")
        if gap:  # no alarm read is no alarm found
            yield not_assessed(function, gap)
            continue
        watched = index.get((function.account, function.region, function.name), {})
        missing = [m for m in WATCHED if not any(notifies(a) for a in watched.get(m, []))]
        if not missing:
            yield passed(function, "Alarms on its Errors and Throttles notify someone.")
        else:
            silent = [m for m in missing if watched.get(m)]
            yield fail(function, f"No alarm that notifies anyone watches its {' or '.join(missing)}"
                                 + (f" ({', '.join(silent)} watched, but no alarm action tells a person)."
                                    if silent else "."))
