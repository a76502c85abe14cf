"""The demo end to end: the sample review's findings come out of the demo estate, and its clean resources stay clean.

Findings are matched by best-practice ID and resource, never by check id, so checks can be renamed or split freely.
"""

from __future__ import annotations

import os

import pytest

from wafr.demo.estate import load_spec
from wafr.resource_types import ACCOUNT as ACCOUNT_TYPE

ACCOUNT = "the account"
EBS_DEFAULT = "EBS encryption by default"
EBS_DEFAULT_TYPE = "AWS::EC2::EBSEncryptionByDefault"  # our name for the account-level setting
CHECK_RAISED = "the check could not run"

SPEC = load_spec()
PROD_VPC = SPEC["vpcs"]["prod"]["name"]
VPCS = [v["name"] for v in SPEC["vpcs"].values()]
MISNAMED = [f"{PROD_VPC}/{s['name']}" for s in SPEC["subnets"]] + [
    f"{PROD_VPC}/{s['name']}/NATGateway" for s in SPEC["subnets"] if s.get("public")]
PROD_SERVICES = ["backend-service", "paymaster-service"]

# The sample review's findings (security, reliability, performance/cost/operations): any of these best
# practices, failed on each of these resources.
EXPECTED: list[tuple[tuple[str, ...], list[str]]] = [
    (("SEC01-BP01",), [ACCOUNT, PROD_VPC]),
    (("SEC02-BP02", "SEC02-BP05"), ["lambda-deployer", "temporaryCDKuser"]),
    (("SEC02-BP04",), [ACCOUNT]),
    (("SEC08-BP02",), ["prod-postgres", "prod-redis", "prod-postgres-dumps", EBS_DEFAULT]),
    (("SEC05-BP01", "SEC05-BP02"), ["prod-postgres", *PROD_SERVICES, "prod-sg"]),
    (("REL02-BP05",), VPCS),
    (("OPS02-BP01", "COST03-BP02"), MISNAMED),
    (("REL10-BP01",), ["prod-postgres", "prod-redis", *PROD_SERVICES]),
    (("REL10-BP01", "REL13-BP02"), [ACCOUNT]),  # workload protection: one Region, no copy of the data elsewhere
    (("REL09-BP03",), ["prod-postgres", ACCOUNT]),
    (("PERF02-BP05",), PROD_SERVICES),
    (("COST01-BP03",), [ACCOUNT]),
    (("COST03-BP02",), [ACCOUNT]),
    (("OPS06-BP04",), [*PROD_SERVICES, "prod-backend-deployments"]),
    (("OPS08-BP04",), PROD_SERVICES),
    (("OPS07-BP03",), [ACCOUNT]),
]
CASES = [(bps, target) for bps, targets in EXPECTED for target in targets]


@pytest.fixture(scope="module")
def demo():
    """The demo, run once, with a user environment that would send a careless demo somewhere else."""
    from wafr.demo.run import run_demo
    from wafr.findings import evaluate

    hostile = {"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_PROFILE": "no-such-profile-for-the-demo"}
    with pytest.MonkeyPatch.context() as env:
        for name, value in hostile.items():
            env.setenv(name, value)
        estate = run_demo()
        after = {name: os.environ.get(name) for name in hostile}
    return {"estate": estate, "findings": evaluate(estate), "summary": estate.metadata["demo"],
            "env_after": after, "hostile": hostile}


def identities(summary: dict, target: str) -> tuple[str | None, set[str]]:
    """(resource type or None, the names and ids a finding on ``target`` may carry)."""
    if target == ACCOUNT:
        return ACCOUNT_TYPE, {summary["account"]}
    if target == EBS_DEFAULT:
        return EBS_DEFAULT_TYPE, {summary["account"]}
    ids = {target} | {by_name[target] for by_name in summary["ids"].values() if target in by_name}
    return None, ids


def on(finding, resource_type: str | None, ids: set[str]) -> bool:
    resource = finding.resource
    if resource_type and resource["type"] != resource_type:
        return False
    return bool({resource["id"], resource["name"], resource["arn"]} & ids)


@pytest.mark.parametrize("bps,target", CASES, ids=[f"{'|'.join(b)}-{t}" for b, t in CASES])
def test_review_finding_is_reproduced(demo, bps, target):
    resource_type, ids = identities(demo["summary"], target)
    failed = [f for f in demo["findings"] if f.status == "FAIL" and on(f, resource_type, ids)]
    assert any(set(bps) & set(f.best_practices) for f in failed), (
        f"no FAIL with {' or '.join(bps)} on {target}; its FAILs: "
        f"{sorted((f.check_id, *f.best_practices) for f in failed)}")


@pytest.mark.parametrize("name", SPEC["clean"])
def test_clean_resource_draws_no_fail(demo, name):
    _, ids = identities(demo["summary"], name)
    failed = [f"{f.check_id}: {f.evidence}" for f in demo["findings"] if f.status == "FAIL" and on(f, None, ids)]
    assert not failed


@pytest.mark.parametrize("name", SPEC["clean"])
def test_clean_resource_is_collected(demo, name):
    """A clean resource nobody collects would pass the test above for the wrong reason."""
    _, ids = identities(demo["summary"], name)
    assert any({r.id, r.name, r.arn} & ids for r in demo["estate"]), f"{name} is not in the collected estate"


def test_no_check_raised(demo):
    raised = [f"{f.check_id}: {f.evidence}" for f in demo["findings"] if f.evidence.startswith(CHECK_RAISED)]
    assert not raised


def test_demo_reads_every_collector_and_marks_its_source(demo):
    from wafr.sources.aws.registry import all_collectors

    estate = demo["estate"]
    assert estate.metadata["source"] == "demo"
    # Metrics are read after the collectors, from what they found, under a coverage entry of their own.
    assert {c.service for c in estate.coverage} == set(all_collectors()) | {"cloudwatch-metrics"}


def test_demo_ignores_and_restores_the_users_aws_environment(demo):
    # The hostile endpoint and profile would have made the demo fail; they are back afterwards.
    assert demo["env_after"] == demo["hostile"]


def test_environments_follow_stacks_and_tags_not_misleading_names(demo):
    summary, estate = demo["summary"], demo["estate"]
    ids = summary["ids"]
    expected = {
        ids["vpcs"][PROD_VPC]: "prod",
        ids["subnets"][f"{PROD_VPC}/PublicSubnet2"]: "prod",
        ids["vpcs"]["stagingVpcStack/staging-VPC"]: "staging",
        ids["vpcs"]["devVpcStack/dev-VPC"]: "dev",
        ids["instances"]["dev-migration-runner"]: "dev",
    }
    assert {rid: estate.get(rid).environment for rid in expected} == expected
