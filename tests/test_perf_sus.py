"""Database performance settings and the sustainability reading of idle resources and storage: RDS storage of a
previous generation (arranged in moto, read by the real rds collector), Performance Insights off in production
(moto's DescribeDBInstances leaves PerformanceInsightsEnabled out, so the scan's own rds client is answered by
botocore's Stubber in the shape of the RDS API reference's DBInstance), idle resources counted against SUS03-BP02,
and DynamoDB tables whose cost is mostly storage (an estate as the dynamodb collector and metric collection leave
it: DescribeTable's shape, hourly consumed capacity)."""

from __future__ import annotations

import pytest
from botocore.stub import Stubber

from twins import findings_of_arranged
from wafr.checks.registry import all_checks
from wafr.estate import Resource
from wafr.findings import evaluate
from wafr.metrics.synthetic import ACCOUNT as SYNTHETIC_ACCOUNT
from wafr.metrics.synthetic import REGION as SYNTHETIC_REGION
from wafr.metrics.synthetic import estate_with
from wafr.resource_types import DYNAMODB_TABLE
from wafr.sources.aws.collect import collect_account

REGION, ACCOUNT = "us-east-1", "123456789012"
PROD = [{"Key": "Environment", "Value": "prod"}]


def arrange_storage(boto):
    rds = boto.client("rds")
    for name, storage in (("gp2-db", "gp2"), ("io1-db", "io1"), ("gp3-db", "gp3"), ("io2-db", "io2")):
        extra = {"Iops": 3000} if storage.startswith("io") else {}
        rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.r6g.large", Engine="postgres",
                               MasterUsername="u", MasterUserPassword="password123", AllocatedStorage=200,
                               StorageType=storage, Tags=PROD, **extra)


@pytest.fixture(scope="module")
def storage_findings():
    return findings_of_arranged(arrange_storage, ["rds"], REGION)


@pytest.mark.parametrize("name, status, words", [
    ("gp2-db", "FAIL", "200 GiB of storage is gp2; gp3 serves"),
    ("io1-db", "FAIL", "is io1; io2 serves"),
    ("gp3-db", "PASS", "storage is gp3"),
    ("io2-db", "PASS", "storage is io2"),
])
def test_rds_storage_of_a_previous_generation_fails_and_current_passes(storage_findings, name, status, words):
    finding = storage_findings[("rds-storage-previous-generation", name)]
    assert finding.status == status and words in finding.evidence, finding.evidence
    assert finding.best_practices == ["PERF03-BP02"]


def db_instance(identifier, *, insights, environment="prod", instance_class="db.r6g.large", engine="postgres"):
    """A DBInstance as the RDS API reference documents it (the fields the checks and the collector read)."""
    found = {"DBInstanceIdentifier": identifier, "DBInstanceClass": instance_class, "Engine": engine,
             "DBInstanceStatus": "available", "AllocatedStorage": 100, "StorageType": "gp3", "MultiAZ": True,
             "DBInstanceArn": f"arn:aws:rds:{REGION}:{ACCOUNT}:db:{identifier}",
             "PerformanceInsightsEnabled": insights, "TagList": [{"Key": "Environment", "Value": environment}]}
    if insights:
        found["PerformanceInsightsRetentionPeriod"] = 7
    return found


def scan_insights(aws, answer):
    with Stubber(aws.client("rds", REGION)) as stub:
        answer(stub)
        estate = collect_account(aws, [REGION], services=["rds"])
        stub.assert_no_pending_responses()
    return {(f.check_id, f.resource["name"]): f for f in evaluate(estate)}


def test_performance_insights_off_in_production_fails_and_on_passes(aws):
    instances = [db_instance("orders", insights=False), db_instance("ledger", insights=True),
                 db_instance("sandbox", insights=False, environment="dev"),
                 db_instance("tiny", insights=False, instance_class="db.t3.micro")]

    def answer(stub):
        stub.add_response("describe_db_instances", {"DBInstances": instances})
        stub.add_response("describe_db_clusters", {"DBClusters": []})
    found = scan_insights(aws, answer)
    off = found[("rds-performance-insights-off", "orders")]
    assert off.status == "FAIL" and "Performance Insights is off" in off.evidence and off.risk == "MEDIUM"
    assert set(off.best_practices) == {"PERF05-BP02", "PERF03-BP03"}
    assert found[("rds-performance-insights-off", "ledger")].status == "PASS"
    assert ("rds-performance-insights-off", "sandbox") not in found  # production's load is the question
    assert ("rds-performance-insights-off", "tiny") not in found  # not offered on the class


def test_performance_insights_denied_read_is_not_assessed(aws):
    def answer(stub):
        stub.add_client_error("describe_db_instances", service_error_code="AccessDenied", http_status_code=403)
    found = scan_insights(aws, answer)
    verdicts = [f for (check, _), f in found.items() if check == "rds-performance-insights-off"]
    assert verdicts and {f.status for f in verdicts} == {"NOT_ASSESSED"}


def test_idle_and_unused_resources_count_against_removing_low_use_components():
    assert "SUS03-BP02" in all_checks()["resource-idle"].best_practices


def dynamodb_table(name, size_gib, *, on_demand=False, capacity=(5, 5), table_class=None):
    """A table as DescribeTable returns it (DynamoDB API reference, TableDescription)."""
    config = {"TableName": name, "TableSizeBytes": int(size_gib * 2**30), "ItemCount": 1000,
              "TableArn": f"arn:aws:dynamodb:{SYNTHETIC_REGION}:{SYNTHETIC_ACCOUNT}:table/{name}"}
    if on_demand:
        config["BillingModeSummary"] = {"BillingMode": "PAY_PER_REQUEST"}
        config["ProvisionedThroughput"] = {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    else:
        config["ProvisionedThroughput"] = {"ReadCapacityUnits": capacity[0], "WriteCapacityUnits": capacity[1]}
    if table_class:
        config["TableClassSummary"] = {"TableClass": table_class}
    return Resource(type=DYNAMODB_TABLE, id=name, account=SYNTHETIC_ACCOUNT, region=SYNTHETIC_REGION,
                    arn=config["TableArn"], name=name, tags={"Environment": "prod"}, config=config)


@pytest.fixture(scope="module")
def table_findings():
    hours = 14 * 24
    tables = [dynamodb_table("archive", 200), dynamodb_table("hot-orders", 1, on_demand=True),
              dynamodb_table("cold-events", 500, on_demand=True), dynamodb_table("silent", 50, on_demand=True),
              dynamodb_table("already-ia", 200, table_class="STANDARD_INFREQUENT_ACCESS")]
    series = {"hot-orders": {"ConsumedReadCapacityUnits:Sum": [1e6] * hours,
                             "ConsumedWriteCapacityUnits:Sum": [1e5] * hours},
              "cold-events": {"ConsumedReadCapacityUnits:Sum": [None, 200.0] * (hours // 2)}}
    estate = estate_with(tables, series, read=("cloudwatch-metrics", "dynamodb"))
    return {f.resource["name"]: f for f in evaluate(estate) if f.check_id == "dynamodb-table-class-mostly-storage"}


@pytest.mark.parametrize("name, status, words", [
    ("archive", "FAIL", ["stores 200.0 GiB ($50.00 a month)", "5 read and 5 write capacity units provisioned",
                         "save $29.29 a month"]),
    ("cold-events", "FAIL", ["500.0 GiB", "on demand", "indexes' units not counted"]),
    ("hot-orders", "PASS", ["Standard fits how it is used"]),
    ("silent", "NOT_ASSESSED", ["no consumed capacity datapoints"]),
])
def test_a_table_that_mostly_stores_belongs_in_standard_infrequent_access(table_findings, name, status, words):
    finding = table_findings[name]
    assert finding.status == status, finding.evidence
    for word in words:
        assert word in finding.evidence, (word, finding.evidence)
    assert set(finding.best_practices) == {"SUS04-BP02", "COST06-BP02"}


def test_a_table_already_on_standard_infrequent_access_is_not_judged(table_findings):
    assert "already-ia" not in table_findings
