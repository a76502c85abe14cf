"""The demo end to end, metric side: its 14 days of hourly series go through moto's CloudWatch and come out as
the sample review's four metric findings with their numbers, while the right-sized resources stay clean.
(One demo run, about 15 s: moto's GetMetricData grows with every stored datapoint.)"""

from __future__ import annotations

import re

import pytest

from wafr.checks.metrics import ANALYSIS_OF_CHECK

CLEAN = ["ledger-service", "staging-backend-service", "analytics-db", "dev-postgres", "dev-migration-runner"]
# The demo's story is about sizing; the checks it has no series for (read and write IOPS, request counts) or that
# judge schedules rather than sizes (a dev runner that never stops) are tested on their own estates.
NOT_IN_STORY = {"non-production-always-on", "rds-read-heavy-without-replica", "alb-busy-without-cdn",
                "api-busy-without-cdn-or-cache", "ec2-over-provisioned"}


@pytest.fixture(scope="module")
def demo():
    from wafr.demo.run import run_demo
    from wafr.findings import evaluate
    from wafr.review import review_of_estate

    estate = run_demo()
    findings = evaluate(estate)
    return {"estate": estate, "findings": findings, "review": review_of_estate(estate, findings)}


def metric_findings(demo, name):
    return {f.check_id: f for f in demo["findings"] if f.check_id in ANALYSIS_OF_CHECK and f.resource["name"] == name}


def test_backend_service_leaks_with_cycles_and_climb_rate(demo):
    leak = metric_findings(demo, "backend-service")["ecs-service-memory-leak"]
    assert (leak.status, leak.risk) == ("FAIL", "HIGH")
    cycles = int(re.search(r"dropped sharply (\d+) times", leak.evidence).group(1))
    assert cycles >= 5 and re.search(r"\+1\.\d+ points an hour", leak.evidence)
    sizing = metric_findings(demo, "backend-service")["ecs-service-over-provisioned"]
    assert sizing.status == "NOT_ASSESSED" and "leak" in sizing.evidence


@pytest.mark.parametrize("name,current", [("paymaster-service", "4096 CPU units"),
                                          ("dev-backend-service", "4096 CPU units"),
                                          ("dev-paymaster-service", "4096 CPU units")])
def test_over_provisioned_services_get_their_size_and_saving(demo, name, current):
    finding = metric_findings(demo, name)["ecs-service-over-provisioned"]
    assert finding.status == "FAIL" and current in finding.evidence
    assert re.search(r"; \d+ CPU / \d+ MiB keeps 20% headroom and saves \$\d+ a month", finding.evidence)


def test_the_production_database_is_over_provisioned(demo):
    finding = metric_findings(demo, "prod-postgres")["rds-instance-over-provisioned"]
    assert finding.status == "FAIL" and "db.r6g.large" in finding.evidence and "$164 a month" in finding.evidence


def test_backend_service_load_swings_on_fixed_capacity(demo):
    finding = metric_findings(demo, "backend-service")["ecs-service-load-varies-capacity-fixed"]
    assert finding.status == "FAIL" and "always runs 2 tasks" in finding.evidence


@pytest.mark.parametrize("name", CLEAN)
def test_right_sized_resources_stay_clean(demo, name):
    found = {k: f for k, f in metric_findings(demo, name).items() if k not in NOT_IN_STORY}
    assert found, f"{name} was not judged on metrics"
    assert {f.status for f in found.values()} == {"PASS"}, {k: f.evidence for k, f in found.items()}


def test_the_review_totals_the_savings_and_the_report_draws_the_series(demo):
    from wafr.report import html

    evidence = demo["review"].metric_evidence
    assert evidence.total_monthly_usd > 900  # three services and the database
    page = html.render(demo["review"])
    assert page.count('class="series"') == sum(len(f.charts) for f in evidence.findings) >= 10
