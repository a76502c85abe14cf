"""Metric collection against moto: batched GetMetricData, series stored compactly in the estate, coverage per
region, declared permissions. moto has no percentiles, so wafr reads Average/Maximum/Minimum and computes them."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from botocore.stub import Stubber

from wafr.errors import WafrError
from wafr.findings import evaluate
from wafr.metrics import collect as metrics_collect
from wafr.metrics.collect import PERMISSIONS, collect_metrics, plan_window
from wafr.metrics.series import metric_key, series_of
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.policy import iam_action

NOW = dt.datetime(2026, 11, 26, 12, 30, tzinfo=dt.timezone.utc)
END = NOW.replace(minute=0)
HOURS = 72  # sparse on purpose: moto's GetMetricData costs periods x stored points


def database(boto, identifier, region="us-east-1"):
    boto.client("rds", region_name=region).create_db_instance(
        DBInstanceIdentifier=identifier, DBInstanceClass="db.r6g.xlarge", Engine="postgres", MasterUsername="u",
        MasterUserPassword="password123", AllocatedStorage=20)


def seed(boto, dimensions, namespace, name, average, maximum, region="us-east-1", hours=HOURS):
    """Hourly StatisticValues on period boundaries (moto buckets from the first datapoint)."""
    start = END - dt.timedelta(hours=hours)
    data = [{"MetricName": name, "Dimensions": dimensions, "Timestamp": start + dt.timedelta(hours=h),
             "StatisticValues": {"SampleCount": 60, "Sum": average(h) * 60, "Minimum": average(h) / 2,
                                 "Maximum": maximum(h)}} for h in range(hours)]
    boto.client("cloudwatch", region_name=region).put_metric_data(Namespace=namespace, MetricData=data)


def seed_database(boto, identifier, region="us-east-1"):
    dims = [{"Name": "DBInstanceIdentifier", "Value": identifier}]
    seed(boto, dims, "AWS/RDS", "CPUUtilization", lambda h: 10 + h % 24, lambda h: 20 + h % 24, region)
    seed(boto, dims, "AWS/RDS", "FreeableMemory", lambda h: 24 * 2**30, lambda h: 25 * 2**30, region)
    seed(boto, dims, "AWS/RDS", "DatabaseConnections", lambda h: 30, lambda h: 40 + h % 5, region)


def ecs_service(boto, cluster="prod-cluster", name="paymaster-service"):
    ec2, ecs = boto.client("ec2"), boto.client("ecs")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="svc", Description="svc", VpcId=vpc)["GroupId"]
    ecs.create_cluster(clusterName=cluster)
    ecs.register_task_definition(family=name, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="4096",
                                 memory="16384", containerDefinitions=[{"name": "app", "image": "x", "memory": 512}])
    ecs.create_service(cluster=cluster, serviceName=name, taskDefinition=name, desiredCount=2, launchType="FARGATE",
                       networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}})
    dims = [{"Name": "ClusterName", "Value": cluster}, {"Name": "ServiceName", "Value": name}]
    seed(boto, dims, "AWS/ECS", "CPUUtilization", lambda h: 4.0, lambda h: 7.5)
    seed(boto, dims, "AWS/ECS", "MemoryUtilization", lambda h: 9.0, lambda h: 10.0)


def test_series_are_read_and_stored_per_resource_and_statistic(aws, boto):
    database(boto, "prod-postgres")
    seed_database(boto, "prod-postgres")
    ecs_service(boto)
    estate = collect_account(aws, ["us-east-1"], services=["rds", "ecs"])
    collect_metrics(aws, estate, lookback_days=3, now=NOW)

    db = estate.get("prod-postgres", type="AWS::RDS::DBInstance")
    series = series_of(estate, db)
    assert set(series) == {"CPUUtilization", "CPUUtilization:Maximum", "FreeableMemory:Minimum",
                           "DatabaseConnections:Maximum"}
    cpu = series["CPUUtilization"]
    assert cpu.period == 3600 and len(cpu.present) == HOURS
    assert cpu.values[:3] == (10.0, 11.0, 12.0) and series["CPUUtilization:Maximum"].values[:2] == (20.0, 21.0)
    assert series["FreeableMemory:Minimum"].values[0] == 12 * 2**30  # Minimum, stored as whole bytes
    assert estate.metrics["window"]["end"] == "2026-11-26T12:00:00Z"

    service = next(s for s in estate.of_type("AWS::ECS::Service"))
    ecs_series = series_of(estate, service)
    assert ecs_series["CPUUtilization:Maximum"].values[0] == 7.5
    assert ecs_series["MemoryUtilization:Maximum"].values[0] == 10.0
    coverage = estate.coverage_of(aws.account, "us-east-1", "cloudwatch-metrics")
    assert coverage.status == "assessed" and coverage.detail == ""


def test_collected_series_feed_the_checks(aws, boto):
    ecs_service(boto)
    estate = collect_account(aws, ["us-east-1"], services=["ecs"])
    collect_metrics(aws, estate, lookback_days=3, now=NOW)
    found = {f.check_id: f for f in evaluate(estate) if f.resource["name"] == "paymaster-service"}
    sizing = found["ecs-service-over-provisioned"]
    assert sizing.status == "FAIL" and "512 CPU / 2048 MiB" in sizing.evidence, sizing.evidence


def test_queries_are_batched_within_the_datapoint_limit_and_regions_read_in_parallel(aws, boto, monkeypatch):
    for region in ("us-east-1", "eu-west-1"):
        database(boto, f"db-{region}", region)
        seed_database(boto, f"db-{region}", region)
    calls: list[int] = []
    lock = threading.Lock()

    def count(params=None, **_):
        with lock:
            calls.append(len(params["MetricDataQueries"]))

    aws.session.events.register("provide-client-params.monitoring.GetMetricData", count)
    # 73 hourly points a query: a limit of 200 datapoints allows 2 queries a call, 3 calls for a database's 6.
    monkeypatch.setattr(metrics_collect, "MAX_DATAPOINTS_PER_CALL", 200)
    estate = collect_account(aws, ["us-east-1", "eu-west-1"], services=["rds"])
    collect_metrics(aws, estate, lookback_days=3, now=NOW)
    assert sorted(calls) == [2] * 6 and max(calls) * 73 <= 200
    for region in ("us-east-1", "eu-west-1"):
        db = estate.get(f"db-{region}")
        assert len(series_of(estate, db)) == 4
        assert estate.coverage_of(aws.account, region, "cloudwatch-metrics").status == "assessed"


def test_every_call_metric_collection_makes_is_declared(aws, boto):
    database(boto, "prod-postgres")
    estate = collect_account(aws, ["us-east-1"], services=["rds"])
    seen: set[str] = set()

    def record(model=None, **_):
        service = model.service_model
        seen.add(iam_action(service.service_name, service.signing_name, model.name))

    aws.session.events.register("before-parameter-build.*.*", record)
    collect_metrics(aws, estate, lookback_days=3, now=NOW)
    assert seen and seen <= set(PERMISSIONS)


def test_a_region_without_data_is_assessed_and_says_which_resources_had_none(aws, boto):
    database(boto, "quiet-db")
    estate = collect_account(aws, ["us-east-1"], services=["rds"])
    collect_metrics(aws, estate, lookback_days=3, now=NOW)
    coverage = estate.coverage_of(aws.account, "us-east-1", "cloudwatch-metrics")
    assert coverage.status == "assessed" and coverage.detail == "no datapoints for 1 of 1 resources"
    assert metric_key(estate.get("quiet-db")) not in estate.metrics["series"]
    finding = next(f for f in evaluate(estate) if f.check_id == "rds-instance-over-provisioned")
    assert finding.status == "NOT_ASSESSED" and "no CPUUtilization:Maximum datapoints" in finding.evidence


def test_a_denied_region_is_recorded_and_its_metric_checks_are_not_assessed(aws, boto):
    """moto cannot deny a call, so botocore's Stubber answers GetMetricData with AWS's AccessDenied error."""
    database(boto, "prod-postgres")
    estate = collect_account(aws, ["us-east-1"], services=["rds"])
    client = aws.client("cloudwatch", "us-east-1")
    with Stubber(client) as stub:
        stub.add_client_error("get_metric_data", service_error_code="AccessDenied",
                              service_message="User is not authorized to perform: cloudwatch:GetMetricData",
                              http_status_code=403)
        collect_metrics(aws, estate, lookback_days=3, now=NOW)
    assert estate.coverage_of(aws.account, "us-east-1", "cloudwatch-metrics").status == "denied"
    finding = next(f for f in evaluate(estate) if f.check_id == "rds-instance-over-provisioned")
    assert finding.status == "NOT_ASSESSED" and "denied" in finding.evidence


@pytest.mark.parametrize("lookback,period,words", [
    (14, 30, "multiple of 60"),
    (30, 60, "--period 300"),
    (90, 300, "--period 3600"),
    (500, 3600, "455 days"),
    (0, 3600, "positive"),
])
def test_windows_cloudwatch_cannot_serve_are_refused(lookback, period, words):
    with pytest.raises(WafrError, match=words.replace("-", r"\-")):
        plan_window(lookback, period, NOW)


def test_the_window_ends_on_the_last_whole_period():
    window = plan_window(14, 3600, NOW)
    assert window.end == END and window.start == END - dt.timedelta(days=14) and window.points == 336
    assert metrics_collect.queries_per_call(window) == 299  # 100,800 datapoints / 337 a query
