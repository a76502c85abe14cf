"""The metric checks: analyses become findings with best-practice IDs and risk, NOT_ASSESSED says why, and a
snapshot reviewed offline gives the same metric findings."""

from __future__ import annotations

from wafr.findings import evaluate
from wafr.metrics.synthetic import (
    daily,
    ecs_service,
    estate_with,
    flat,
    rds_instance,
    sawtooth,
    values,
)
from wafr.sources import snapshot

HOURS = 14 * 24
GIB = 2**30
METRIC_CHECKS = {
    "ecs-service-over-provisioned": {"COST06-BP02", "PERF02-BP04"},
    "ecs-service-memory-leak": {"OPS08-BP01", "OPS05-BP07"},
    "rds-instance-over-provisioned": {"COST06-BP02"},
    "resource-under-provisioned": {"PERF02-BP04"},
    "ecs-service-load-varies-capacity-fixed": {"PERF02-BP05", "COST09-BP03"},
    "resource-idle": {"COST06-BP02", "SUS03-BP02"},
}


def ecs(cpu, memory, seed=1):
    cpu_values = values(cpu, HOURS, seed)
    return {"CPUUtilization": cpu_values, "CPUUtilization:Maximum": [v * 1.1 for v in cpu_values],
            "MemoryUtilization:Maximum": values(memory, HOURS, seed + 1)}


def busy(hour, rng):
    """Twelve hours a day at 96%, the rest at 70%."""
    return 96.0 if 8 <= hour % 24 < 20 else 70.0


def sample_estate(read=("cloudwatch-metrics", "application-autoscaling")):
    """The sample review's metric story in miniature, plus one idle and one saturated service."""
    resources = [*ecs_service("backend-service", 1024, 2048), *ecs_service("paymaster-service", 4096, 16384),
                 *ecs_service("ledger-service", 512, 1024), *ecs_service("old-batch", 1024, 2048, environment="dev"),
                 *ecs_service("hot-api", 512, 1024), rds_instance("prod-postgres", "db.r6g.xlarge")]
    series = {
        "backend-service": ecs(daily(15, 60, 2), sawtooth(25, 1.2, 92, noise=0.5)),
        "paymaster-service": ecs(daily(2, 7, 0.3), flat(10, 0.3)),
        "ledger-service": ecs(daily(35, 50, 1), flat(60, 1)),
        "old-batch": ecs(flat(0.3, 0.05), flat(8, 0.1)),
        "hot-api": ecs(busy, flat(60, 1)),
        "prod-postgres": {"CPUUtilization": values(daily(5, 12), HOURS),
                          "CPUUtilization:Maximum": values(daily(6, 15), HOURS),
                          "FreeableMemory:Minimum": [v * GIB for v in values(flat(24, 0.2), HOURS)],
                          "DatabaseConnections:Maximum": values(daily(20, 45), HOURS)},
    }
    return estate_with(resources, series, read=read)


def by_check(findings):
    out = {}
    for f in findings:
        if f.check_id in METRIC_CHECKS:
            out[(f.check_id, f.resource["name"])] = f
    return out


def test_each_metric_check_fails_with_its_best_practices_and_passes_where_clean():
    found = by_check(evaluate(sample_estate()))
    failing = {
        ("ecs-service-memory-leak", "backend-service"): "HIGH",
        ("ecs-service-over-provisioned", "paymaster-service"): "HIGH",
        ("rds-instance-over-provisioned", "prod-postgres"): "HIGH",
        ("ecs-service-load-varies-capacity-fixed", "backend-service"): "MEDIUM",
        ("resource-idle", "old-batch"): "MEDIUM",
        ("resource-under-provisioned", "hot-api"): "HIGH",
    }
    for key, risk in failing.items():
        finding = found[key]
        assert (finding.status, finding.risk) == ("FAIL", risk), (key, finding.evidence)
        assert set(finding.best_practices) == METRIC_CHECKS[key[0]]
    for check in set(METRIC_CHECKS) - {"rds-instance-over-provisioned"}:
        assert found[(check, "ledger-service")].status == "PASS", found[(check, "ledger-service")].evidence
    assert found[("ecs-service-over-provisioned", "backend-service")].status == "NOT_ASSESSED"


def test_the_findings_carry_the_numbers_a_finops_lead_acts_on():
    found = by_check(evaluate(sample_estate()))
    leak = found[("ecs-service-memory-leak", "backend-service")].evidence
    assert "dropped sharply" in leak and "points an hour" in leak and "last reset" in leak
    paymaster = found[("ecs-service-over-provisioned", "paymaster-service")].evidence
    assert "4096 CPU units" in paymaster and "512 CPU / 3072 MiB" in paymaster and "a month" in paymaster
    database = found[("rds-instance-over-provisioned", "prod-postgres")].evidence
    assert "db.r6g.large" in database and "$164 a month" in database
    assert found[("ecs-service-over-provisioned", "paymaster-service")].focus_area == "Right-sizing"


def test_without_metric_coverage_every_metric_check_is_not_assessed_with_the_reason():
    found = by_check(evaluate(sample_estate(read=("application-autoscaling",))))
    assert found and {f.status for f in found.values()} == {"NOT_ASSESSED"}
    assert all("cloudwatch-metrics was not collected" in f.evidence for f in found.values())


def test_an_estate_scanned_without_metrics_says_so():
    estate = sample_estate()
    estate.metrics = {}
    found = by_check(evaluate(estate))
    assert {f.status for f in found.values()} == {"NOT_ASSESSED"}
    assert "--no-metrics" in next(iter(found.values())).evidence


def test_a_snapshot_reviewed_offline_gives_the_same_metric_findings(tmp_path):
    estate = sample_estate()
    path = tmp_path / "estate.json.gz"
    snapshot.write(estate, path)
    again = snapshot.read(path)
    assert by_check(evaluate(again)) == by_check(evaluate(estate))
