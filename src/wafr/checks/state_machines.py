"""Step Functions state machines: failure handling in their Task states, and execution logging and tracing."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate, Resource
from wafr.phrases import first_few
from wafr.resource_types import SFN_STATE_MACHINE

NESTED = ("Branches", "ItemProcessor", "Iterator")  # where Parallel and Map states hold states of their own


def task_states(states: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every Task state of a definition, nested ones (Parallel branches, Map processors) named by their path."""
    for name, state in states.items():
        if not isinstance(state, Mapping):
            continue
        if state.get("Type") == "Task":
            yield f"{prefix}{name}", state
        for key in NESTED:
            inner = state.get(key)
            for branch in inner if isinstance(inner, list) else [inner]:
                if isinstance(branch, Mapping) and isinstance(branch.get("States"), Mapping):
                    yield from task_states(branch["States"], f"{prefix}{name}/")


def definition_states(machine: Resource) -> Mapping[str, Any] | None:
    definition = machine.config.get("definition")
    states = definition.get("States") if isinstance(definition, Mapping) else None
    return states if isinstance(states, Mapping) else None


def tasks_lacking(estate: Estate, field: str, consequence: str) -> Iterator[Result]:
    for machine in estate.of_type(SFN_STATE_MACHINE):
        states = definition_states(machine)
        if states is None:
            code = machine.errors.get("DescribeStateMachine")
            yield not_assessed(machine, f"DescribeStateMachine failed ({code})" if code
                               else "The state machine's definition could not be read.")
            continue
        tasks = list(task_states(states))
        lacking = [name for name, state in tasks if not state.get(field)]
        if lacking:
            shown = first_few(lacking, 6)
            yield fail(machine, f"{len(lacking)} of {len(tasks)} Task state(s) have no {field}: {shown}. {consequence}")
        elif tasks:
            yield passed(machine, f"All {len(tasks)} Task state(s) declare {field}.")


@check(
    "stepfunctions-task-without-retry",
    title="Step Functions Task state has no retrier",
    pillar="reliability",
    focus_area="Failure handling",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL05-BP03"],
    remediation="Give each Task state a Retry with a limited MaxAttempts, exponential BackoffRate and JitterStrategy "
                "FULL for the transient errors of the service it calls (States.TaskFailed, Lambda.TooManyRequests...).",
    resource_types=[SFN_STATE_MACHINE],
    needs=("stepfunctions",),
    bullet="Retry the Task states of {resources} with a limit, backoff and jitter",
)
def stepfunctions_task_without_retry(estate: Estate) -> Iterator[Result]:
    yield from tasks_lacking(estate, "Retry", "A transient error in the called service fails the execution.")


@check(
    "stepfunctions-task-without-catch",
    title="Step Functions Task state has no catcher",
    pillar="reliability",
    focus_area="Failure handling",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL05-BP01"],
    remediation="Give each Task state a Catch that routes failures to a fallback or compensation state, so an "
                "execution degrades or cleans up instead of stopping half done.",
    resource_types=[SFN_STATE_MACHINE],
    needs=("stepfunctions",),
    bullet="Catch the failures of the Task states of {resources}",
)
def stepfunctions_task_without_catch(estate: Estate) -> Iterator[Result]:
    yield from tasks_lacking(estate, "Catch", "When its retries run out, the execution fails where it stands.")


@check(
    "stepfunctions-logging-off",
    title="Step Functions execution logging is off",
    pillar="operational-excellence",
    focus_area="Observability",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["OPS04-BP02", "SEC04-BP01"],
    remediation="Send the state machine's execution history to CloudWatch Logs (loggingConfiguration level ERROR or "
                "ALL), leaving includeExecutionData off where inputs are sensitive.",
    resource_types=[SFN_STATE_MACHINE],
    needs=("stepfunctions",),
    bullet="Log the executions of {resources} to CloudWatch Logs",
)
def stepfunctions_logging_off(estate: Estate) -> Iterator[Result]:
    for machine in estate.of_type(SFN_STATE_MACHINE):
        logging = machine.config.get("loggingConfiguration")
        level = (logging or {}).get("level", "OFF")
        if logging is None and "DescribeStateMachine" in machine.errors:
            yield not_assessed(machine, "DescribeStateMachine failed, so the logging settings are unknown.")
        elif level == "OFF" or not logging.get("destinations"):
            yield fail(machine, f"Logging level is {level}: failed executions leave no log to investigate.")
        else:
            yield passed(machine, f"Executions are logged at level {level}.")


@check(
    "stepfunctions-tracing-off",
    title="Step Functions X-Ray tracing is off",
    pillar="operational-excellence",
    focus_area="Observability",
    risk=by_environment(prod="LOW"),
    best_practices=["OPS04-BP05", "REL06-BP07"],
    remediation="Turn on X-Ray tracing for the state machine (tracingConfiguration enabled) so a request can be "
                "followed through the services its states call.",
    resource_types=[SFN_STATE_MACHINE],
    needs=("stepfunctions",),
    bullet="Turn on X-Ray tracing for {resources}",
)
def stepfunctions_tracing_off(estate: Estate) -> Iterator[Result]:
    for machine in estate.of_type(SFN_STATE_MACHINE):
        tracing = machine.config.get("tracingConfiguration")
        if tracing is None and "DescribeStateMachine" in machine.errors:
            yield not_assessed(machine, "DescribeStateMachine failed, so the tracing setting is unknown.")
        elif (tracing or {}).get("enabled"):
            yield passed(machine, "X-Ray tracing is on.")
        else:
            yield fail(machine, "X-Ray tracing is off: requests cannot be followed through the states' services.")
