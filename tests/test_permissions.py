"""Each collector declares exactly what it calls: `wafr iam-policy` is built from those declarations."""

import json
import threading

import pytest
from typer.testing import CliRunner

from wafr.cli import app
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.policy import iam_action, read_only_policy
from wafr.sources.aws.registry import all_collectors


@pytest.fixture
def demo_estate_in_moto(aws, boto):
    """The demo estate, so every collector has something to describe (and its detail calls run)."""
    from wafr.demo.estate import provision

    provision(boto, "us-east-1")
    return aws


def test_every_call_a_collector_makes_is_declared(demo_estate_in_moto):
    aws = demo_estate_in_moto
    seen: list[tuple[str, str]] = []
    lock = threading.Lock()

    def record(model=None, **_):
        service = model.service_model
        with lock:
            seen.append((iam_action(service.service_name, service.signing_name, model.name), model.name))

    aws.session.events.register("before-parameter-build.*.*", record)
    undeclared = {}
    for name, collector in sorted(all_collectors().items()):
        seen.clear()
        collect_account(aws, ["us-east-1"], services=[name], max_workers=1)
        missing = {action for action, _ in seen} - set(collector.permissions)
        if missing:
            undeclared[name] = sorted(missing)
    assert not undeclared, f"collectors call actions they do not declare: {undeclared}"


def test_iam_policy_command_prints_the_declared_read_only_actions():
    result = CliRunner().invoke(app, ["iam-policy"])
    assert result.exit_code == 0
    policy = json.loads(result.output)
    assert policy == read_only_policy()
    actions = policy["Statement"][0]["Action"]
    for collector in all_collectors().values():
        assert set(collector.permissions) <= set(actions)
    verbs = {a.split(":")[1] for a in actions}
    assert all(v.startswith(("Describe", "List", "Get", "BatchGet", "Lookup", "Search", "View"))
               or v in {"GenerateCredentialReport"} for v in verbs), verbs
