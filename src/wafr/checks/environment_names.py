"""Misleading names: a resource whose name says another environment than the one it is in."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.network import named
from wafr.checks.registry import Result, by_environment, check, fail, passed
from wafr.environment import environment_of_name, own_signal
from wafr.estate import Estate, Resource
from wafr.resource_types import (EC2_INTERNET_GATEWAY, EC2_NAT_GATEWAY, EC2_ROUTE_TABLE, EC2_SECURITY_GROUP, EC2_SUBNET,
                                 EC2_VPC)
from wafr.vocabulary import UNKNOWN

# -- names ------------------------------------------------------------------------------------------------------
@check(
    "name-contradicts-environment",
    title="Resource name names a different environment than its stack or VPC",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="MEDIUM", staging="LOW", dev="LOW"),
    best_practices=["OPS02-BP01", "COST03-BP02"],
    remediation="Rename the resources (in the CDK/CloudFormation code, e.g. the VPC construct id) so their names "
                "carry the environment they serve, and tag every resource with Environment from the stack.",
    resource_types=[EC2_VPC, EC2_SUBNET, EC2_NAT_GATEWAY, EC2_ROUTE_TABLE, EC2_SECURITY_GROUP, EC2_INTERNET_GATEWAY],
    needs=("vpc", "ec2"),
    bullet="Fix names that contradict the environment: {resources}",
)
def name_contradicts_environment(estate: Estate) -> Iterator[Result]:
    for resource in estate.of_type(EC2_VPC):
        authority = _authority(resource)
        if authority:
            yield from _judge_name(resource, *authority)
    for resource in estate.of_type(EC2_SUBNET, EC2_NAT_GATEWAY, EC2_ROUTE_TABLE, EC2_SECURITY_GROUP,
                                   EC2_INTERNET_GATEWAY):
        authority = _authority(resource)
        if authority is None and resource.type == EC2_SECURITY_GROUP:
            continue  # a group belongs to its workload: a dev group in a prod VPC is mixing, not misnaming
        if authority is None:
            vpc = next((v for v in (estate.get(i, EC2_VPC, resource.account) for i in resource.link("vpc")) if v), None)
            env = estate.environment_of(vpc) if vpc else UNKNOWN
            if env == UNKNOWN:
                continue
            authority = env, f"its VPC {named(vpc)} is {env} ({estate.environment_basis_of(vpc)})", False
        yield from _judge_name(resource, *authority)


def _authority(resource: Resource) -> tuple[str, str, bool] | None:
    """(environment, why, from construct path) from the resource's tag or stack, never from its name."""
    signal = own_signal(resource)
    if signal is None or not signal[1].startswith(("tag ", "stack ")):
        return None
    env, basis = signal
    return env, f"its {basis} says {env}", "construct path" in basis


def _judge_name(resource: Resource, env: str, why: str, skip_stack: bool) -> Iterator[Result]:
    segments = (resource.name or "").split("/")
    if skip_stack:
        segments = segments[1:]
    named_envs = [(segment, environment_of_name(segment)) for segment in segments]
    named_envs = [(segment, e) for segment, e in named_envs if e]
    if not named_envs:
        return
    wrong = [(segment, e) for segment, e in named_envs if e != env]
    if wrong:
        segment, other = wrong[0]
        yield fail(resource, f"Its name {resource.name!r} says {other} ({segment!r}), but {why}.")
    else:
        yield passed(resource, f"Its name {resource.name!r} agrees: {why}.")
