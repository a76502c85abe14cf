"""Environment classification: prod, staging, dev or unknown, for every resource.

Signals, strongest first: an environment tag; the CloudFormation/CDK stack the resource was deployed by
(the stack-name tag, or the first segment of a CDK construct path used as its name); tokens of its name;
and last, the environment of the VPC, subnet or cluster it lives in. Names come after tags and stacks
because names lie: the sample review's production VPC has subnets named ``staging-VPC``.
"""

from __future__ import annotations

import re

from wafr.estate import Estate, Resource

PROD, STAGING, DEV, UNKNOWN = "prod", "staging", "dev", "unknown"

ENVIRONMENT_TAG_KEYS = ("environment", "env", "stage", "environment-name", "environmentname", "env-name",
                        "deployment-environment", "app-env", "tier-environment")
STACK_TAG_KEYS = ("aws:cloudformation:stack-name", "aws:cdk:path")
VALUE_TOKENS = {
    **dict.fromkeys(("prod", "production", "prd", "live", "prod1", "prod2"), PROD),
    **dict.fromkeys(("staging", "stg", "stage", "uat", "preprod", "pre-prod"), STAGING),
    **dict.fromkeys(("dev", "development", "test", "testing", "qa", "sandbox", "sbx", "devel"), DEV),
}
# Parents whose environment a resource inherits when it carries no signal of its own.
PARENT_LINKS = ("cluster", "vpc", "subnets", "instances")

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPLIT = re.compile(r"[^A-Za-z0-9]+")


def tokens(text: str) -> list[str]:
    """``prodVpcStack/staging-VPC`` → ``['prod', 'vpc', 'stack', 'staging', 'vpc']``."""
    return [t.lower() for part in _SPLIT.split(text) for t in _CAMEL.split(part) if t]


def environment_of_value(value: str) -> str | None:
    """The environment a tag value or name fragment names, if any."""
    value = value.strip().lower()
    if value in VALUE_TOKENS:
        return VALUE_TOKENS[value]
    return environment_of_name(value)


def environment_of_name(name: str) -> str | None:
    """The environment a name's tokens point to; None when it names none, or several."""
    found = {VALUE_TOKENS[t] for t in tokens(name) if t in VALUE_TOKENS}
    return found.pop() if len(found) == 1 else None


def own_signal(resource: Resource) -> tuple[str, str] | None:
    """(environment, basis) from the resource itself, without looking at its parents."""
    lowered = {k.lower(): (k, v) for k, v in resource.tags.items()}
    for key in ENVIRONMENT_TAG_KEYS:
        if key in lowered:
            original, value = lowered[key]
            env = environment_of_value(value)
            if env:
                return env, f"tag {original}={value}"
    for key in STACK_TAG_KEYS:
        if key in lowered:
            original, value = lowered[key]
            env = environment_of_name(value.split("/")[0]) or environment_of_name(value)
            if env:
                return env, f"stack {value.split('/')[0]}"
    name = resource.name or ""
    if "/" in name:  # a CDK construct path: its first segment is the stack
        env = environment_of_name(name.split("/")[0])
        if env:
            return env, f"stack {name.split('/')[0]} (construct path {name})"
    env = environment_of_name(name)
    if env:
        return env, f"name {name}"
    env = environment_of_name(resource.id) if resource.id != name else None
    if env:
        return env, f"identifier {resource.id}"
    return None


def classify_estate(estate: Estate) -> None:
    """Set ``environment`` and ``environment_basis`` on every resource of the estate."""
    memo: dict[int, tuple[str, str]] = {}

    def resolve(resource: Resource, depth: int = 0) -> tuple[str, str]:
        key = id(resource)
        if key in memo:
            return memo[key]
        found = own_signal(resource)
        if found is None and depth < 3:
            found = _inherited(resource, depth)
        memo[key] = found or (UNKNOWN, "no environment tag, stack or name token")
        return memo[key]

    def _inherited(resource: Resource, depth: int) -> tuple[str, str] | None:
        for link in PARENT_LINKS:
            for parent_id in resource.link(link):
                parent = estate.get(parent_id, account=resource.account)
                if parent is None or parent is resource:
                    continue
                env, _ = resolve(parent, depth + 1)
                if env != UNKNOWN:
                    return env, f"inherited from {parent.label}"
        return None

    for resource in estate.resources:
        resource.environment, resource.environment_basis = resolve(resource)
