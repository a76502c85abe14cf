"""The metric analyses on synthetic series: each fires where it should and stays quiet on the look-alikes
(noise, seasonality, growth with traffic, sparse data, gaps, a single restart, a leak under seasonality)."""

from __future__ import annotations

import pytest

from wafr.metrics import analyze
from wafr.metrics.analyses import db_rightsizing
from wafr.metrics.fargate import VALID_SIZES, smallest_fit
from wafr.metrics.synthetic import (
    clamp,
    daily,
    ec2_instance,
    ecs_service,
    estate_with,
    every,
    flat,
    plus,
    rds_instance,
    sawtooth,
    scalable_target,
    values,
    with_gaps,
)

HOURS = 14 * 24
GIB = 2**30


def series(shape, seed=1, hours=HOURS):
    return values(clamp(shape), hours, seed)


def ecs_estate(*services, extra=(), read=("cloudwatch-metrics", "application-autoscaling")):
    """services: (name, cpu, memory, environment, {metric key: values})."""
    resources, data = list(extra), {}
    for name, cpu, memory, environment, metrics in services:
        resources.extend(ecs_service(name, cpu, memory, environment=environment))
        data[name] = metrics
    return estate_with(resources, data, read=read)


def ecs_metrics(cpu_shape, memory_shape, seed=1):
    cpu = series(cpu_shape, seed)
    return {"CPUUtilization": cpu, "CPUUtilization:Maximum": [min(100, v * 1.1) for v in cpu],
            "MemoryUtilization:Maximum": series(memory_shape, seed + 100)}


def result(estate, analysis, name):
    found = [r for r in analyze(estate) if r.analysis == analysis and r.resource.label == name]
    assert len(found) == 1, found
    return found[0]


def leak_of(memory, cpu=None):
    metrics = {"MemoryUtilization:Maximum": memory}
    if cpu is not None:
        metrics["CPUUtilization"] = cpu
    return result(ecs_estate(("svc", 1024, 2048, "prod", metrics)), "memory-leak", "svc")


# -- memory leak ---------------------------------------------------------------------------------------------
def test_a_leak_sawtooth_is_found_with_cycles_climb_rate_and_last_reset():
    found = leak_of(series(sawtooth(25, 1.2, 92, offset=20, noise=0.6)), series(flat(30, 2)))
    assert found.status == "FAIL"
    assert found.numbers["cycles"] == 6
    assert found.numbers["climb_rate_points_per_hour"] == pytest.approx(1.2, abs=0.05)
    assert found.numbers["hours_from_reset_to_exhaustion"] == pytest.approx(62, abs=3)
    assert found.numbers["last_reset"].startswith("2026-11-2")
    assert "dropped sharply 6 times" in found.evidence and "+1.2" in found.evidence
    assert found.charts[0] == "MemoryUtilization:Maximum"


def test_a_leak_hidden_under_daily_seasonality_is_found():
    memory = series(plus(sawtooth(30, 0.9, 85, noise=1.0), daily(-8, 8)))
    found = leak_of(memory, series(daily(20, 70, 3)))
    assert found.status == "FAIL" and found.numbers["cycles"] >= 4


def test_a_leak_with_a_gap_in_the_data_is_still_found():
    memory = with_gaps(series(sawtooth(20, 1.0, 80, noise=0.5)), [(100, 130)])
    assert leak_of(memory, series(flat(30, 2))).status == "FAIL"


def test_noise_is_not_a_leak():
    assert leak_of(series(flat(50, 4)), series(flat(30, 2))).status == "PASS"


def test_daily_seasonality_is_not_a_leak():
    found = leak_of(series(daily(35, 75, 1)), series(daily(20, 70, 2)))
    assert found.status == "PASS" and "no climb-and-reset" in found.evidence


def test_growth_that_follows_traffic_is_not_a_leak():
    traffic = sawtooth(10, 0.8, 70, noise=0.5)  # load builds for three days, then falls away at once
    memory = series(plus(flat(30), lambda h, rng: 0.6 * traffic(h, rng)), seed=3)
    cpu = series(traffic, seed=3)
    found = leak_of(memory, cpu)
    assert found.status == "PASS" and "CPU climbed with it" in found.evidence


def test_a_single_restart_is_not_a_leak():
    def once(hour, rng):
        return 40 + (hour - 100) if 100 <= hour < 150 else 40.0
    found = leak_of(series(plus(once, flat(0, 0.5))), series(flat(30, 2)))
    assert found.status == "PASS" and "once" in found.evidence


def test_sparse_memory_data_is_not_assessed():
    found = leak_of(every(series(sawtooth(25, 1.2, 92)), 8))
    assert found.status == "NOT_ASSESSED" and "datapoints" in found.evidence


def test_gaps_in_a_flat_series_stay_quiet():
    memory = with_gaps(series(flat(45, 1)), [(24, 60), (200, 230)])
    assert leak_of(memory, series(flat(30, 2))).status == "PASS"


# -- over-provisioned ECS service ---------------------------------------------------------------------------
def test_fargate_sizes_and_the_cheapest_fit():
    assert (256, 512) in VALID_SIZES and (4096, 30720) in VALID_SIZES and (256, 4096) not in VALID_SIZES
    assert smallest_fit(300, 900) == (512, 1024)
    assert smallest_fit(20000, 1024) is None


def test_an_over_provisioned_service_gets_a_smaller_size_and_its_saving():
    estate = ecs_estate(("paymaster-service", 4096, 16384, "prod", ecs_metrics(flat(7.27), flat(10))))
    found = result(estate, "ecs-over-provisioned", "paymaster-service")
    assert found.status == "FAIL" and found.risk == "HIGH"
    # CPU 8% (7.27 x 1.1) of 4096 with 20% headroom = 410 units; memory 10% of 16 GiB / 0.8 = 2048 MiB.
    assert (found.numbers["recommended_cpu_units"], found.numbers["recommended_memory_mib"]) == (512, 2048)
    # 2 tasks x 730 h x ((4 - 0.5) vCPU x 0.04048 + (16 - 2) GB x 0.004445)
    assert found.saving.monthly_usd == pytest.approx(2 * 730 * (3.5 * 0.04048 + 14 * 0.004445), rel=1e-6)
    assert "us-east-1" in found.saving.assumptions and "desiredCount" in found.saving.assumptions
    assert "512 CPU / 2048 MiB" in found.evidence and "$298 a month" in found.evidence


def test_a_right_sized_service_stays_clean():
    estate = ecs_estate(("ledger-service", 512, 1024, "prod", ecs_metrics(daily(30, 55, 2), flat(62, 1))))
    assert result(estate, "ecs-over-provisioned", "ledger-service").status == "PASS"


def test_dev_services_are_judged_too():
    estate = ecs_estate(("dev-backend-service", 4096, 8192, "dev", ecs_metrics(daily(1, 5), flat(12))))
    found = result(estate, "ecs-over-provisioned", "dev-backend-service")
    assert found.status == "FAIL" and found.saving.monthly_usd > 200


def test_right_sizing_waits_for_the_leak_fix():
    metrics = ecs_metrics(flat(5), sawtooth(20, 1.0, 80))
    found = result(ecs_estate(("backend-service", 4096, 8192, "prod", metrics)), "ecs-over-provisioned",
                   "backend-service")
    assert found.status == "NOT_ASSESSED" and "leak" in found.evidence and found.saving is None


def test_a_region_without_a_price_gets_the_size_but_no_saving():
    service, definition = ecs_service("api", 4096, 8192, region="ap-south-2")
    estate = estate_with([service, definition], {"api": ecs_metrics(flat(3), flat(10))})
    found = result(estate, "ecs-over-provisioned", "api")
    assert found.status == "FAIL" and found.saving is None and "not estimated" in found.evidence


def test_a_missing_task_definition_is_not_assessed():
    service, _ = ecs_service("orphan", 1024, 2048)
    estate = estate_with([service], {"orphan": ecs_metrics(flat(3), flat(10))})
    found = result(estate, "ecs-over-provisioned", "orphan")
    assert found.status == "NOT_ASSESSED" and "not in the collected estate" in found.evidence


def test_without_collected_metrics_every_analysis_says_why():
    estate = ecs_estate(("svc", 1024, 2048, "prod", ecs_metrics(flat(3), flat(10))), read=("application-autoscaling",))
    found = result(estate, "ecs-over-provisioned", "svc")
    assert found.status == "NOT_ASSESSED" and "cloudwatch-metrics was not collected" in found.evidence


# -- over-provisioned database --------------------------------------------------------------------------------
def db_estate(db, cpu, free_gib, connections):
    data = {db.id: {"CPUUtilization": series(cpu), "CPUUtilization:Maximum": series(cpu),
                    "FreeableMemory:Minimum": [v * GIB for v in values(free_gib, HOURS)],
                    "DatabaseConnections:Maximum": values(connections, HOURS)}}
    return estate_with([db], data)


def test_an_over_provisioned_database_gets_a_smaller_class_and_its_saving():
    estate = db_estate(rds_instance("prod-postgres", "db.r6g.xlarge"), daily(5, 14), flat(24), daily(20, 45))
    found = result(estate, "db-over-provisioned", "prod-postgres")
    assert found.status == "FAIL" and found.numbers["recommended_class"] == "db.r6g.large"
    assert found.saving.monthly_usd == pytest.approx((0.45 - 0.225) * 730)
    assert found.risk == "HIGH" and "db.r6g.large" in found.evidence and "$164 a month" in found.evidence


def test_multi_az_doubles_the_database_saving():
    db = rds_instance("prod-postgres", "db.r6g.xlarge", multi_az=True)
    found = result(db_estate(db, daily(5, 14), flat(24), daily(20, 45)), "db-over-provisioned", "prod-postgres")
    assert found.saving.monthly_usd == pytest.approx(2 * (0.45 - 0.225) * 730)


def test_the_smallest_size_of_a_family_stays_clean():
    estate = db_estate(rds_instance("analytics-db", "db.r6g.large"), daily(25, 50), flat(6), daily(30, 80))
    found = result(estate, "db-over-provisioned", "analytics-db")
    assert found.status == "PASS" and "smallest db.r6g size" in found.evidence


def test_many_connections_keep_a_database_at_its_size():
    estate = db_estate(rds_instance("busy", "db.m5.xlarge"), flat(10), flat(13), flat(1500))
    assert db_rightsizing.default_max_connections("postgres", 8) == 901
    found = result(estate, "db-over-provisioned", "busy")
    assert found.status == "PASS" and "no smaller db.m5 size" in found.evidence


def test_a_busy_database_stays_clean():
    estate = db_estate(rds_instance("orders", "db.m6g.xlarge"), daily(40, 70), flat(5), daily(50, 200))
    assert result(estate, "db-over-provisioned", "orders").status == "PASS"


# -- under-provisioned -----------------------------------------------------------------------------------------
def saturated_day(hour, rng):
    """Nine hours a day at 95% and more, the rest at 60%."""
    return 96.0 if 9 <= hour % 24 < 18 else 60.0


def test_sustained_cpu_saturation_fires():
    estate = ecs_estate(("hot", 512, 1024, "prod", ecs_metrics(saturated_day, flat(50))))
    found = result(estate, "under-provisioned", "hot")
    assert found.status == "FAIL" and "CPU was at 90% or more for 126 of 336 hours" in found.evidence
    assert "9 hours in a row" in found.evidence


def test_a_brief_daily_spike_is_not_saturation():
    def spike(hour, rng):
        return 97.0 if hour % 24 == 12 else 40.0
    estate = ecs_estate(("spiky", 512, 1024, "prod", ecs_metrics(spike, flat(50))))
    assert result(estate, "under-provisioned", "spiky").status == "PASS"


def test_a_database_short_of_memory_fires():
    estate = db_estate(rds_instance("tight", "db.t4g.medium"), flat(30), flat(0.2), flat(10))
    found = result(estate, "under-provisioned", "tight")
    assert found.status == "FAIL" and "memory" in found.evidence


# -- static capacity ---------------------------------------------------------------------------------------------
def test_daily_swings_on_a_fixed_task_count_fire():
    estate = ecs_estate(("backend-service", 1024, 2048, "prod", ecs_metrics(daily(15, 60, 2), flat(50))))
    found = result(estate, "static-capacity", "backend-service")
    assert found.status == "FAIL" and "always runs 2 tasks" in found.evidence
    assert found.numbers["daily_low_pct"] < 20 and found.numbers["daily_high_pct"] > 55


def test_daily_swings_with_autoscaling_stay_clean():
    service, definition = ecs_service("ledger-service", 512, 1024)
    estate = estate_with([service, definition, scalable_target(service, 2, 6)],
                         {"ledger-service": ecs_metrics(daily(15, 60, 2), flat(50))})
    found = result(estate, "static-capacity", "ledger-service")
    assert found.status == "PASS" and "between 2 and 6" in found.evidence


def test_a_steady_load_needs_no_scaling():
    estate = ecs_estate(("steady", 1024, 2048, "prod", ecs_metrics(daily(40, 50, 1), flat(50))))
    assert result(estate, "static-capacity", "steady").status == "PASS"


def test_a_running_task_count_that_moves_is_scaling():
    metrics = {**ecs_metrics(daily(15, 60, 2), flat(50)), "RunningTaskCount": series(daily(2, 5))}
    found = result(ecs_estate(("scaled", 1024, 2048, "prod", metrics)), "static-capacity", "scaled")
    assert found.status == "PASS" and "task count follows it" in found.evidence


def test_unknown_autoscaling_is_not_assessed():
    estate = ecs_estate(("svc", 1024, 2048, "prod", ecs_metrics(daily(15, 60, 2), flat(50))),
                        read=("cloudwatch-metrics",))
    found = result(estate, "static-capacity", "svc")
    assert found.status == "NOT_ASSESSED" and "application-autoscaling" in found.evidence


# -- idle ------------------------------------------------------------------------------------------------------
def test_an_idle_service_costs_its_whole_price():
    estate = ecs_estate(("forgotten", 1024, 2048, "dev", ecs_metrics(flat(0.4, 0.05), flat(12))))
    found = result(estate, "idle", "forgotten")
    assert found.status == "FAIL"
    assert found.saving.monthly_usd == pytest.approx(2 * 730 * (0.04048 + 2 * 0.004445))
    sizing = result(estate, "ecs-over-provisioned", "forgotten")
    assert sizing.status == "NOT_ASSESSED" and "idle" in sizing.evidence  # never counted twice


def test_a_database_nobody_connects_to_is_idle():
    estate = db_estate(rds_instance("old-reports", "db.t4g.medium"), flat(2), flat(3), flat(0))
    found = result(estate, "idle", "old-reports")
    assert found.status == "FAIL" and found.saving.monthly_usd == pytest.approx(0.065 * 730)


def test_an_idle_instance_fires_without_a_price():
    instance = ec2_instance("i-0abc")
    estate = estate_with([instance], {"i-0abc": {"CPUUtilization:Maximum": series(flat(0.3, 0.05))}})
    found = result(estate, "idle", "i-0abc")
    assert found.status == "FAIL" and found.saving is None and "network" in found.evidence


def test_a_used_resource_is_not_idle():
    estate = ecs_estate(("busy", 1024, 2048, "prod", ecs_metrics(daily(10, 40), flat(40))))
    assert result(estate, "idle", "busy").status == "PASS"
