"""Each collector declares exactly what it calls: the guard's allowlist and `wafr iam-policy` come from those
declarations, so a call a collector did not declare fails here (and is refused by the guard in a scan)."""

import inspect
import json

import boto3
import pytest
from typer.testing import CliRunner

from calls import Recorder
from wafr.cli import app
from wafr.metrics.collect import OPERATIONS as METRIC_OPERATIONS
from wafr.sources.aws import guard, organization
from wafr.sources.aws.allowlist import scan_allowlist
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.guard import ReadOnlyViolation
from wafr.sources.aws.organization import ORGANIZATION_OPERATIONS
from wafr.sources.aws.policy import read_only_policy
from wafr.sources.aws.registry import COLLECTORS, all_collectors, collector
from wafr.sources.aws.session import SESSION_OPERATIONS


@pytest.fixture
def demo_estate_in_moto(aws, boto):
    """The demo estate, so every collector has something to describe (and its detail calls run)."""
    from wafr.demo.estate import provision

    provision(boto, "us-east-1")
    return aws


def undeclared(aws, recorder: Recorder, name: str) -> set[str]:
    """What collector ``name`` calls beyond its own declaration (another collector's operations included)."""
    called = recorder.during(lambda: collect_account(aws, ["us-east-1"], services=[name], max_workers=1))
    assert called, f"{name} made no call at all"
    return {f"{s}:{o}" for s, o in called - all_collectors()[name].operations}


def test_every_call_a_collector_makes_is_declared(demo_estate_in_moto):
    aws = demo_estate_in_moto
    recorder = Recorder(aws.session)
    found = {name: sorted(extra) for name in sorted(all_collectors()) if (extra := undeclared(aws, recorder, name))}
    assert not found, f"collectors call operations they do not declare: {found}"


@pytest.fixture
def sneaky():
    """Registers a test collector for the length of one test; the registry is restored afterwards, so no later
    test in the same worker meets it."""
    saved = dict(COLLECTORS)

    def register(name, calls, declared):
        def collect(ctx):
            ec2 = ctx.client("ec2")
            for call in calls:
                getattr(ec2, call)()
            return []

        collector(name, client="ec2", resource_types=("AWS::EC2::VPC",), operations=declared)(collect)

    yield register
    COLLECTORS.clear()
    COLLECTORS.update(saved)


def test_a_collector_calling_another_collectors_operation_is_caught(aws, sneaky):
    """The guard allows the whole scan's set, so borrowing a neighbour's operation is caught per collector."""
    sneaky("sneaky", ["describe_vpcs", "describe_subnets"], ("ec2:DescribeVpcs",))
    assert undeclared(aws, Recorder(aws.session), "sneaky") == {"ec2:DescribeSubnets"}


def test_a_collector_calling_an_operation_nobody_declared_is_refused(aws, sneaky):
    sneaky("sneakier", ["describe_vpcs", "describe_images"], ("ec2:DescribeVpcs",))
    with pytest.raises(ReadOnlyViolation, match="ec2:DescribeImages"):
        collect_account(aws, ["us-east-1"], services=["sneakier"], max_workers=1)


def test_organization_discovery_and_assume_role_call_only_what_they_declare(aws):
    boto3.client("organizations", region_name="us-east-1").create_organization(FeatureSet="ALL")
    member = boto3.client("organizations", region_name="us-east-1").create_account(
        AccountName="m", Email="m@example.com")["CreateAccountStatus"]["AccountId"]
    recorder = Recorder(aws.session)

    def discover_and_assume():
        assert member in {m.id for m in organization.discover_members(aws)}
        organization.assume(aws, member)

    called = recorder.during(discover_and_assume)
    assert ("sts", "AssumeRole") in called and called <= ORGANIZATION_OPERATIONS | SESSION_OPERATIONS, called


def test_the_allowlist_is_the_union_of_the_declarations():
    declared = set(SESSION_OPERATIONS) | set(ORGANIZATION_OPERATIONS) | set(METRIC_OPERATIONS)
    for c in all_collectors().values():
        declared |= c.operations
    assert scan_allowlist() == declared


def test_iam_policy_command_prints_the_declared_read_only_actions():
    result = CliRunner().invoke(app, ["iam-policy"])
    assert result.exit_code == 0
    policy = json.loads(result.output)
    assert policy == read_only_policy()
    actions = policy["Statement"][0]["Action"]
    for c in all_collectors().values():
        assert set(c.permissions) <= set(actions)
    verbs = {a.split(":")[1] for a in actions}
    # AssumeRole and GenerateCredentialReport are the reads whose names do not say so (guard.READ_OPERATIONS);
    # API Gateway names its IAM actions by HTTP method, and "apigateway:GET" is its read.
    assert all(v.startswith(("Describe", "List", "Get", "BatchGet", "View", "Lookup", "Search"))
               or v in guard.READ_OPERATIONS
               or v == "GET" for v in verbs), verbs
    assert "apigateway:GET" in actions and not any(a.startswith("apigateway:Get") for a in actions)


def test_every_declared_operation_is_called_somewhere_in_its_collector():
    """The other half of least privilege: a declaration no code calls widens the allowlist for nothing."""
    from botocore import xform_name

    unused = {}
    for name, c in sorted(all_collectors().items()):
        source = inspect.getsource(inspect.getmodule(c.fn))
        missing = sorted(f"{s}:{o}" for s, o in c.operations if xform_name(o) not in source)
        if missing:
            unused[name] = missing
    assert not unused, f"declared but never called: {unused}"
