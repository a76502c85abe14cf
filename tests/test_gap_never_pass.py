"""A gap is never a pass: a check whose reads were denied says NOT_ASSESSED and why, never PASS.

The demo estate is provisioned in moto and scanned once. Then each collector in turn is run again with every call
refused the way IAM refuses it (HTTP 403 with the service's own error code, answered by a botocore ``before-call``
handler, so the real collector code meets the denial), its part of the estate is swapped for the denied read, and
no check may go from FAIL to PASS against the undenied scan.
"""

from __future__ import annotations

import copy
import dataclasses
import json

import pytest
from typer.testing import CliRunner

from wafr.checks.registry import FAIL, NOT_ASSESSED, PASS, Check, all_checks, by_environment, fail, passed
from wafr.estate import GLOBAL, Coverage, Estate, Resource
from wafr.findings import Finding, evaluate
from wafr.resource_types import ACCOUNT as ACCOUNT_TYPE

from denial import ACCOUNT, METRICS, REGION, collector_names, flips, scanned_demo, without_needs

OTHER_REGION = "eu-west-1"


@pytest.fixture(scope="module")
def scan():
    with scanned_demo() as scanned:
        yield scanned


@pytest.fixture(scope="module")
def undenied(scan):
    return evaluate(copy.deepcopy(scan.full))


# -- the two cases the issue names ----------------------------------------------------------------------------------
def test_denied_ecs_does_not_make_a_shared_security_group_pass(scan, undenied):
    denied, refused = scan.collector_denied("ecs")
    assert refused and all(call.startswith("ecs:") for call in refused)
    assert {c.status for c in denied.coverage if c.service == "ecs"} == {"denied"}
    check = "security-group-shared-by-components"
    assert [f for f in flips(undenied, evaluate(copy.deepcopy(denied), without_needs())) if f.startswith(check)], \
        "the demo estate should hold a group shared by an ECS service and one other component"

    after = evaluate(denied)
    assert not [f for f in flips(undenied, after) if f.startswith(check)]
    assert not [f for f in after if f.check_id == check and f.status == PASS]
    [marker] = [f for f in after if f.check_id == check and f.status == NOT_ASSESSED]
    assert marker.resource["type"] == ACCOUNT_TYPE and marker.resource["region"] == REGION
    assert f"ecs was denied in {REGION}: AccessDeniedException" in marker.evidence


@pytest.mark.parametrize("operation", ["DescribeInstances", "DescribeVolumes", "DescribeNetworkInterfaces"])
def test_denied_ec2_read_does_not_make_a_shared_network_pass(scan, undenied, operation):
    denied, refused = scan.collector_denied("ec2", [operation])
    assert refused == [f"ec2:{operation}"]
    [entry] = [c for c in denied.coverage if c.service == "ec2"]
    assert entry.status == "denied" and "UnauthorizedOperation" in entry.detail
    check = "environments-share-network"
    # Any one refused call loses the whole EC2 read, and with it the dev instance in the demo's prod VPC.
    assert [f for f in flips(undenied, evaluate(copy.deepcopy(denied), without_needs())) if f.startswith(check)], \
        "without needs the shared network would pass: the estate must exercise the flip"

    after = evaluate(denied)
    assert not [f for f in flips(undenied, after) if f.startswith(check)]
    assert not [f for f in after if f.check_id == check and f.status == PASS]
    assert any(f.check_id == check and f.status == NOT_ASSESSED and "ec2 was denied" in f.evidence for f in after)


# -- every collector in turn ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [*collector_names(), METRICS])
def test_no_check_flips_from_fail_to_pass_when_a_collector_is_denied(scan, undenied, name):
    denied, refused = scan.metrics_denied() if name == METRICS else scan.collector_denied(name)
    statuses = {c.status for c in denied.coverage if c.service == name}
    if refused:  # a collector with nothing to read in the demo may make no call at all
        assert statuses & {"denied"}, f"{name} made {len(refused)} refused call(s) but its coverage says {statuses}"
    after = evaluate(denied)
    assert flips(undenied, after) == []
    if "denied" in statuses:  # one region scanned: the denial costs every check that needs the service, everywhere
        needing = {c.id for c in all_checks().values() if name in c.needs}
        assert not [f.check_id for f in after if f.check_id in needing and f.status == PASS]
        told = {f.check_id for f in after if f.status in (NOT_ASSESSED, FAIL) and f"{name} " in f.evidence}
        assert needing <= told, f"findings do not say what the denial of {name} cost: {sorted(needing - told)}"


# -- the runner on estates built in code ----------------------------------------------------------------------------
def _check(fn, needs=("ecs",)) -> dict[str, Check]:
    return {"probe": Check(id="probe", title="Probe", pillar="security", focus_area="Network security",
                           risk=by_environment(prod="HIGH"), best_practices=("SEC05-BP02",), remediation="-",
                           resource_types=("AWS::ECS::Service",), fn=fn, needs=needs)}


def _service(name: str, region: str = REGION) -> Resource:
    return Resource(type="AWS::ECS::Service", id=name, account=ACCOUNT, region=region, name=name)


def _estate(*coverage: Coverage, regions=(REGION, OTHER_REGION)) -> Estate:
    resources = [_service("good"), _service("bad"), _service("far", OTHER_REGION)]
    return Estate(resources=resources, coverage=list(coverage),
                  metadata={"accounts": [ACCOUNT], "regions": list(regions)})


def _judge(estate: Estate) -> list:
    return [passed(r, "fine") if r.id != "bad" else fail(r, "broken") for r in estate.of_type("AWS::ECS::Service")]


def _by_resource(findings: list[Finding]) -> dict[tuple[str, str], str]:
    return {(f.resource["id"], f.resource["region"]): f.status for f in findings}


def test_a_denied_read_withholds_passes_and_says_why():
    estate = _estate(Coverage(ACCOUNT, REGION, "ecs", "denied", "AccessDeniedException: not authorized"),
                     Coverage(ACCOUNT, OTHER_REGION, "ecs", "assessed"))
    findings = evaluate(estate, _check(_judge))
    assert _by_resource(findings) == {("bad", REGION): FAIL, ("far", OTHER_REGION): PASS,
                                      (ACCOUNT, REGION): NOT_ASSESSED}
    [marker] = [f for f in findings if f.status == NOT_ASSESSED]
    assert "ecs was denied in us-east-1: AccessDeniedException: not authorized" in marker.evidence
    assert "1 passing result(s) here withheld" in marker.evidence
    [failed] = [f for f in findings if f.status == FAIL]
    assert failed.evidence.startswith("broken") and "partial data" in failed.evidence


@pytest.mark.parametrize("status", ["denied", "failed"])
def test_every_kind_of_failed_read_is_a_gap(status):
    estate = _estate(Coverage(ACCOUNT, REGION, "ecs", status, "why"), Coverage(ACCOUNT, OTHER_REGION, "ecs", "assessed"))
    findings = evaluate(estate, _check(_judge))
    assert _by_resource(findings)[(ACCOUNT, REGION)] == NOT_ASSESSED
    assert ("good", REGION) not in _by_resource(findings)


@pytest.mark.parametrize("status", ["skipped", "unsupported"])
def test_a_service_that_cannot_exist_there_is_not_a_gap(status):
    """Skipped or unsupported: the region is not enabled, or the service or API is not offered there, so nothing of
    that kind exists to judge."""
    estate = _estate(Coverage(ACCOUNT, REGION, "ecs", "assessed"), Coverage(ACCOUNT, OTHER_REGION, "ecs", status))
    assert NOT_ASSESSED not in _by_resource(evaluate(estate, _check(_judge))).values()


def test_a_service_not_collected_is_a_gap_across_the_account():
    """A scan with --services ecs read no Lambda: a check needing Lambda cannot pass anywhere in the account."""
    estate = _estate(Coverage(ACCOUNT, REGION, "ecs", "assessed"), Coverage(ACCOUNT, OTHER_REGION, "ecs", "assessed"))
    findings = evaluate(estate, _check(_judge, needs=("ecs", "lambda")))
    assert _by_resource(findings) == {("bad", REGION): FAIL, (ACCOUNT, GLOBAL): NOT_ASSESSED}
    assert "lambda was not collected in this account" in findings[-1].evidence


def test_a_region_not_collected_is_a_gap_there():
    estate = _estate(Coverage(ACCOUNT, REGION, "ecs", "assessed"))
    findings = evaluate(estate, _check(_judge))
    assert _by_resource(findings)[("good", REGION)] == PASS
    assert _by_resource(findings)[(ACCOUNT, OTHER_REGION)] == NOT_ASSESSED
    assert ("far", OTHER_REGION) not in _by_resource(findings)


def test_a_denied_global_service_costs_every_region_of_the_account():
    estate = _estate(Coverage(ACCOUNT, REGION, "ecs", "assessed"), Coverage(ACCOUNT, OTHER_REGION, "ecs", "assessed"),
                     Coverage(ACCOUNT, GLOBAL, "iam", "denied", "AccessDenied: no"))
    findings = evaluate(estate, _check(_judge, needs=("ecs", "iam")))
    assert _by_resource(findings) == {("bad", REGION): FAIL, (ACCOUNT, GLOBAL): NOT_ASSESSED}
    assert "iam was denied account-wide: AccessDenied: no" in [f for f in findings if f.status == NOT_ASSESSED][0].evidence


def test_an_account_wide_verdict_rests_on_every_region():
    def account_pass(estate: Estate) -> list:
        return [passed(estate.account_resource(ACCOUNT), "nothing wrong anywhere")]

    estate = _estate(Coverage(ACCOUNT, REGION, "ecs", "assessed"), Coverage(ACCOUNT, OTHER_REGION, "ecs", "denied", "x"))
    findings = evaluate(estate, _check(account_pass))
    assert _by_resource(findings) == {(ACCOUNT, OTHER_REGION): NOT_ASSESSED}


def test_the_checks_own_account_verdict_stands_over_the_marker():
    def account_fail(estate: Estate) -> list:
        return [fail(estate.account_resource(ACCOUNT), "bad everywhere")]

    estate = _estate(Coverage(ACCOUNT, GLOBAL, "iam", "denied", "x"), regions=(REGION,))
    [finding] = evaluate(estate, _check(account_fail, needs=("iam",)))
    assert finding.status == FAIL and finding.evidence.startswith("bad everywhere")


def test_an_estate_without_coverage_is_judged_as_given():
    """An estate built in code records no reads at all, so nothing can be called missing."""
    assert _by_resource(evaluate(_estate(), _check(_judge)))[("good", REGION)] == PASS


def test_metric_checks_are_not_assessed_without_metrics():
    """A scan with --no-metrics: every metric check says so instead of judging."""
    from wafr.checks.metrics import ANALYSIS_OF_CHECK

    estate = _estate(*(Coverage(ACCOUNT, r, s, "assessed") for r in (REGION, OTHER_REGION)
                       for s in ("ecs", "rds", "ec2", "elasticache")))
    findings = evaluate(estate, {cid: all_checks()[cid] for cid in ANALYSIS_OF_CHECK})
    assert {f.check_id for f in findings if f.status == NOT_ASSESSED
            and f"{METRICS} was not collected" in f.evidence} == set(ANALYSIS_OF_CHECK)
    assert not [f for f in findings if f.status == PASS]


# -- the declarations -----------------------------------------------------------------------------------------------
def test_every_check_declares_needs_that_name_collectors_yielding_its_resources():
    from wafr.sources.aws.registry import all_collectors

    collectors = all_collectors()
    yielded_by = {t: name for name, c in collectors.items() for t in c.resource_types}
    for check in all_checks().values():
        assert check.needs, f"{check.id} declares no needs"
        assert set(check.needs) <= set(collectors) | {METRICS}, check.id
        for resource_type in check.resource_types:
            if resource_type in yielded_by:
                assert yielded_by[resource_type] in check.needs, f"{check.id} judges {resource_type}"


def test_checks_json_shows_the_needs():
    from wafr.cli import app

    result = CliRunner().invoke(app, ["checks", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = {c["id"]: c["needs"] for c in json.loads(result.output)}
    assert listed["security-group-shared-by-components"] == list(all_checks()["security-group-shared-by-components"].needs)
    assert "ecs" in listed["security-group-shared-by-components"]


# -- what a denial cost, in the review --------------------------------------------------------------------------------
def test_the_review_shows_which_checks_a_denied_service_cost(scan):
    from wafr.report import html, markdown
    from wafr.review import review_of_estate
    from wafr.review.model import Review

    denied, _ = scan.collector_denied("ecs")
    review = review_of_estate(denied, evaluate(denied))
    [row] = [g for g in review.coverage.gaps if g.service == "ecs"]
    assert row.status == "denied"
    assert "security-group-shared-by-components" in row.checks_not_assessed
    assert "ecs-service-public-ip" in row.checks_not_assessed
    assert "iam-password-policy-weak" not in row.checks_not_assessed  # IAM was read; ECS does not touch it
    assert Review.from_dict(json.loads(json.dumps(dataclasses.asdict(review)))).coverage.gaps[0].checks_not_assessed \
        == review.coverage.gaps[0].checks_not_assessed
    page, text = html.render(review), markdown.render(review)
    assert "<th>Checks not assessed</th>" in page and "<code>security-group-shared-by-components</code>" in page
    assert "| Checks not assessed |" in text and "`security-group-shared-by-components`" in text


@pytest.mark.parametrize("read", [[], ["vpc"]], ids=["nothing-read", "only-vpc-read"])
def test_an_account_where_nothing_was_read_draws_no_verdict(read):
    """An absence ("no experiment", "no dashboard") is evidence only where the read that would show it happened: with
    nothing (or only the VPCs) read, no check may fail or pass the account."""
    estate = Estate(coverage=[Coverage("123456789012", "us-east-1", service, "assessed") for service in read],
                    metadata={"accounts": ["123456789012"], "regions": ["us-east-1"]})
    judged = [(f.check_id, f.status) for f in evaluate(estate) if f.status in (FAIL, PASS)]
    assert judged == []
