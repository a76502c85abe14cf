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
    # AWS's advisors (sample answers in the demo): Compute Optimizer's right-sizing lands on the demo's resources.
    (("COST06-BP02",), ["paymaster-service", "prod-postgres", "dev-migration-runner"]),
    (("PERF02-BP04",), ["backend-service"]),
]
PILLARS = ("security", "reliability", "operational-excellence", "performance-efficiency", "cost-optimization",
           "sustainability")
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
    excepted = set((SPEC.get("clean_except") or {}).get(name, ()))
    failed = [f"{f.check_id}: {f.evidence}" for f in demo["findings"]
              if f.status == "FAIL" and on(f, None, ids) and f.check_id not in excepted]
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
    # Environments are an index on the estate, filled in when the checks run (the fixture evaluated it).
    assert {rid: estate.environment_of(estate.get(rid)) for rid in expected} == expected


@pytest.mark.parametrize("pillar", PILLARS)
def test_every_pillar_has_failed_findings(demo, pillar):
    failed = [f for f in demo["findings"] if f.status == "FAIL" and f.pillar == pillar]
    assert len(failed) >= 2, f"{pillar}: {[f.check_id for f in failed]}"


def test_the_review_names_the_advisors_it_used_and_says_their_answers_are_samples(demo):
    from wafr.report import markdown
    from wafr.review import review_of_estate

    review = review_of_estate(demo["estate"], demo["findings"], generated_at="2026-11-29T00:00:00Z")
    used = {s.name: s for s in review.advisors.used}
    assert {"AWS Compute Optimizer", "AWS Trusted Advisor", "AWS Health", "AWS Cost Explorer"} <= set(used)
    assert all(s.sample for s in used.values() if s.service != "securityhub-findings")
    assert used["AWS Compute Optimizer"].failed >= 3 and used["AWS Trusted Advisor"].failed >= 2
    assert "compute-optimizer-over-provisioned" in used["AWS Compute Optimizer"].checks
    section = markdown.render(review).split("## Advisor evidence")[1].split("## Coverage")[0]
    assert "AWS Compute Optimizer, AWS Trusted Advisor" in section and "are sample responses" in section
    optimized = [f for f in demo["findings"] if f.check_id.startswith("compute-optimizer-") and f.status == "PASS"]
    assert {"ledger-service", "analytics-db"} <= {f.resource["name"] for f in optimized}, "the clean twins pass"


class _Clients:
    """The one method of the scan's session the demo's advisor answers use: a client per service and Region."""

    def __init__(self):
        import boto3

        self.session, self.clients = boto3.Session(aws_access_key_id="demo", aws_secret_access_key="demo"), {}

    def client(self, service, region):
        return self.clients.setdefault((service, region), self.session.client(service, region_name=region))


def test_demo_advisor_answers_are_checked_against_the_api_model(monkeypatch):
    import datetime as dt

    from botocore.exceptions import ParamValidationError

    from wafr.demo import advisors

    from collections import defaultdict

    ids = defaultdict(lambda: defaultdict(lambda: "arn:aws:ecs:us-east-1:123456789012:service/c/s"))
    ids["instances"]["dev-migration-runner"] = "i-0abc"
    provisioned = {"account": "123456789012", "ids": ids}
    now = dt.datetime(2026, 11, 29, 12, tzinfo=dt.timezone.utc)
    aws = _Clients()
    assert "health" in advisors.answer_advisors(aws, provisioned, "us-east-1", now)
    # Answered without a network: the hook returns the sample before any request is sent.
    events = aws.client("health", "us-east-1").describe_events()["events"]
    assert events[0]["startTime"] == dt.datetime(2026, 12, 20, 6, tzinfo=dt.timezone.utc), "a timestamp, as parsed"
    recommendation = aws.client("compute-optimizer", "us-east-1").get_ec2_instance_recommendations()
    assert recommendation["instanceRecommendations"][0]["instanceArn"].endswith(":123456789012:instance/i-0abc")

    misspelt = {"health": {"client": "health", "region": "us-east-1",
                           "answers": {"DescribeEvents": {"events": [{"eventTypeCod": "AWS_EC2_X"}]}}}}
    monkeypatch.setattr(advisors, "load_answers", lambda: misspelt)
    with pytest.raises(ParamValidationError):
        advisors.answer_advisors(_Clients(), provisioned, "us-east-1", now)
    unknown = {"health": {"client": "health", "region": "us-east-1",
                          "answers": {"DescribeEvents": {"events": [{"arn": "{ids[nothing]}"}]}}}}
    monkeypatch.setattr(advisors, "load_answers", lambda: unknown)
    with pytest.raises(ValueError, match="which the demo did not provision"):
        advisors.answer_advisors(_Clients(), {"account": "123456789012", "ids": {}}, "us-east-1", now)
