"""Cost management from the billing tools: budgets that notify, Cost Anomaly Detection, Cost and Usage Reports and
Data Exports, Cost Optimization Hub, Cost Explorer, and licence-included databases outside production.

Budgets and RDS are arranged in moto and read by the real collectors. moto implements none of Cost Anomaly
Detection, Cost and Usage Reports, Data Exports or Cost Optimization Hub, so those are answered by botocore's Stubber
on the scan's own (guarded) client, with responses shaped as each API reference documents them; each such source
has a test for "present", "not enabled" where the account can leave it off, and "denied"."""

from __future__ import annotations

import datetime as dt
from contextlib import ExitStack

import pytest
from botocore.stub import Stubber

from twins import by_name, findings_of_arranged
from wafr.findings import evaluate
from wafr.resource_types import BUDGET
from wafr.sources.aws.collect import collect_account

REGION, ACCOUNT = "us-east-1", "123456789012"
DENIED = {"service_error_code": "AccessDeniedException", "http_status_code": 403,
          "service_message": f"User: arn:aws:iam::{ACCOUNT}:user/scanner is not authorized to perform this action"}
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)


def scan(aws, service, answers, also=()):
    """Collect ``service`` (and ``also``, from moto) with each client in ``answers`` (client name -> function of
    its Stubber) answered; every stubbed answer must be used."""
    with ExitStack() as stack:
        stubs = {name: stack.enter_context(Stubber(aws.client(name, REGION))) for name in answers}
        for name, answer in answers.items():
            answer(stubs[name])
        estate = collect_account(aws, [REGION], services=[service, *also])
        for stub in stubs.values():
            stub.assert_no_pending_responses()
    return estate


def verdicts(estate, check_id):
    return {f.resource["name"] or f.resource["id"]: f for f in evaluate(estate) if f.check_id == check_id}


# -- moto: budgets and RDS --------------------------------------------------------------------------------------
def arrange(boto):
    budgets = boto.client("budgets")
    budget = {"BudgetLimit": {"Amount": "1000", "Unit": "USD"}, "TimeUnit": "MONTHLY", "BudgetType": "COST"}
    budgets.create_budget(AccountId=ACCOUNT, Budget={"BudgetName": "silent", **budget})
    budgets.create_budget(AccountId=ACCOUNT, Budget={"BudgetName": "watched", **budget}, NotificationsWithSubscribers=[
        {"Notification": {"NotificationType": "FORECASTED", "ComparisonOperator": "GREATER_THAN", "Threshold": 100.0,
                          "ThresholdType": "PERCENTAGE"},
         "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "finops@example.com"}]}])
    rds = boto.client("rds")
    common = {"DBInstanceClass": "db.m5.large", "MasterUsername": "admin", "MasterUserPassword": "password123",
              "AllocatedStorage": 20}
    rds.create_db_instance(DBInstanceIdentifier="dev-sqlserver", Engine="sqlserver-se",
                           LicenseModel="license-included", Tags=[{"Key": "Environment", "Value": "dev"}], **common)
    rds.create_db_instance(DBInstanceIdentifier="dev-postgres", Engine="postgres",
                           Tags=[{"Key": "Environment", "Value": "dev"}], **common)
    rds.create_db_instance(DBInstanceIdentifier="prod-sqlserver", Engine="sqlserver-se",
                           LicenseModel="license-included", Tags=[{"Key": "Environment", "Value": "prod"}], **common)


@pytest.fixture(scope="module")
def moto_findings():
    return findings_of_arranged(arrange, ["budgets", "rds"], REGION)


@pytest.mark.parametrize("check_id,bad,clean", [
    ("budget-without-notifications", "silent", "watched"),
    ("rds-license-included-outside-production", "dev-sqlserver", "dev-postgres"),
])
def test_bad_resource_fails_and_its_clean_twin_passes(moto_findings, check_id, bad, clean):
    assert moto_findings[(check_id, bad)].status == "FAIL"
    assert moto_findings[(check_id, clean)].status == "PASS"


def test_a_budget_names_the_notifications_it_sends(moto_findings):
    evidence = moto_findings[("budget-without-notifications", "watched")].evidence
    assert "forecasted spend greater_than 100.0%" in evidence


def test_a_production_database_is_not_judged_for_its_licence(moto_findings):
    assert ("rds-license-included-outside-production", "prod-sqlserver") not in moto_findings


def test_a_budget_whose_notifications_could_not_be_read_is_not_assessed():
    from wafr.estate import Estate, Resource

    budget = Resource(type=BUDGET, id="b", account=ACCOUNT, region="global", name="b",
                      config={"_errors": {"DescribeNotificationsForBudget": "AccessDeniedException"}})
    found = by_name(evaluate(Estate(resources=[budget])))
    assert found[("budget-without-notifications", "b")].status == "NOT_ASSESSED"


# -- Cost Anomaly Detection -------------------------------------------------------------------------------------
MONITOR_ARN = f"arn:aws:ce::{ACCOUNT}:anomalymonitor/0aa1bb2c-3dd4-4eee-8fff-999aaa000bbb"


def monitor():
    # The shape of an AnomalyMonitor in the Cost Explorer API reference.
    return {"MonitorArn": MONITOR_ARN, "MonitorName": "services", "MonitorType": "DIMENSIONAL",
            "MonitorDimension": "SERVICE", "CreationDate": "2026-01-01", "DimensionalValueCount": 12}


def subscription():
    # The shape of an AnomalySubscription in the Cost Explorer API reference.
    return {"SubscriptionArn": f"arn:aws:ce::{ACCOUNT}:anomalysubscription/sub-1", "AccountId": ACCOUNT,
            "MonitorArnList": [MONITOR_ARN], "Frequency": "DAILY", "SubscriptionName": "finops-daily",
            "Subscribers": [{"Address": "finops@example.com", "Type": "EMAIL", "Status": "CONFIRMED"}],
            "ThresholdExpression": {"Dimensions": {"Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE", "Values": ["100"],
                                                   "MatchOptions": ["GREATER_THAN_OR_EQUAL"]}}}


def anomaly_answers(monitors, subscriptions):
    def answer(stub):
        stub.add_response("get_anomaly_monitors", {"AnomalyMonitors": monitors})
        stub.add_response("get_anomaly_subscriptions", {"AnomalySubscriptions": subscriptions})
    return answer


@pytest.mark.parametrize("monitors,subscriptions,status,words", [
    ([monitor()], [subscription()], "PASS", "monitor services alerts 1 subscriber(s) through finops-daily (daily)"),
    ([monitor()], [], "FAIL", "1 monitor(s) (services), but no alert subscription"),
    ([], [], "FAIL", "no cost monitor watches"),
])
def test_cost_anomaly_detection_present(aws, monitors, subscriptions, status, words):
    estate = scan(aws, "cost-anomaly-detection", {"ce": anomaly_answers(monitors, subscriptions)})
    assert estate.coverage_of(aws.account, "global", "cost-anomaly-detection").status == "assessed"
    found = verdicts(estate, "cost-anomaly-detection-off")[aws.account]
    assert found.status == status and words in found.evidence


def test_cost_anomaly_detection_without_cost_explorer_is_not_enabled_and_fails(aws):
    estate = scan(aws, "cost-anomaly-detection", {"ce": lambda stub: stub.add_client_error(
        "get_anomaly_monitors", service_error_code="AccessDeniedException", http_status_code=400,
        service_message="User not enabled for cost explorer access")})
    assert estate.coverage_of(aws.account, "global", "cost-anomaly-detection").status == "not-enabled"
    found = verdicts(estate, "cost-anomaly-detection-off")[aws.account]
    assert found.status == "FAIL" and "cannot run" in found.evidence


def test_cost_anomaly_detection_denied_is_a_gap(aws):
    estate = scan(aws, "cost-anomaly-detection", {"ce": lambda stub: stub.add_client_error(
        "get_anomaly_monitors", **DENIED)})
    assert estate.coverage_of(aws.account, "global", "cost-anomaly-detection").status == "denied"
    assert verdicts(estate, "cost-anomaly-detection-off")[aws.account].status == "NOT_ASSESSED"


# -- Cost and Usage Reports / Data Exports ----------------------------------------------------------------------
def report():
    # The shape of a ReportDefinition in the Cost and Usage Reports API reference.
    return {"ReportName": "hourly-cur", "TimeUnit": "HOURLY", "Format": "Parquet", "Compression": "Parquet",
            "AdditionalSchemaElements": ["RESOURCES"], "S3Bucket": "billing-data", "S3Prefix": "cur",
            "S3Region": "us-east-1", "RefreshClosedReports": True, "ReportVersioning": "OVERWRITE_REPORT"}


def export():
    # The shape of an ExportReference in the Data Exports API reference.
    return {"ExportArn": f"arn:aws:bcm-data-exports:us-east-1:{ACCOUNT}:export/cur2-0aa1bb2c",
            "ExportName": "cur2", "ExportStatus": {"StatusCode": "HEALTHY"}}


def billing_answers(reports, exports):
    def answers(kind, found):
        call, key = {"cur": ("describe_report_definitions", "ReportDefinitions"),
                     "bcm-data-exports": ("list_exports", "Exports")}[kind]
        return lambda stub: (stub.add_client_error(call, **DENIED) if found == "denied"
                             else stub.add_response(call, {key: found}))
    return {"cur": answers("cur", reports), "bcm-data-exports": answers("bcm-data-exports", exports)}


@pytest.mark.parametrize("reports,exports,coverage,status,words", [
    ([report()], [], "assessed", "PASS", "Cost and Usage Report hourly-cur (hourly)"),
    ([], [export()], "assessed", "PASS", "data export cur2"),
    ("denied", [export()], "assessed", "PASS", "data export cur2"),
    ([], [], "assessed", "FAIL", "No Cost and Usage Report or data export"),
    ("denied", [], "denied", "NOT_ASSESSED", ""),
])
def test_detailed_billing_data(aws, reports, exports, coverage, status, words):
    estate = scan(aws, "billing-exports", billing_answers(reports, exports))
    assert estate.coverage_of(aws.account, "global", "billing-exports").status == coverage
    found = verdicts(estate, "no-detailed-billing-data")[aws.account]
    assert found.status == status and words in found.evidence


# -- Cost Optimization Hub --------------------------------------------------------------------------------------
def hub_recommendation(resource_id, arn, action, saving, current="", recommended=""):
    # The shape of a Recommendation in the Cost Optimization Hub API reference.
    return {"recommendationId": f"rec-{resource_id}", "accountId": ACCOUNT, "region": REGION,
            "resourceId": resource_id, "resourceArn": arn, "currentResourceType": "Ec2Instance",
            "recommendedResourceType": "Ec2Instance", "actionType": action, "estimatedMonthlySavings": saving,
            "estimatedSavingsPercentage": 40.0, "estimatedMonthlyCost": saving * 2.5, "currencyCode": "USD",
            "currentResourceSummary": current, "recommendedResourceSummary": recommended,
            "implementationEffort": "Medium", "restartNeeded": True, "rollbackPossible": True,
            "source": "ComputeOptimizer", "lastRefreshTimestamp": NOW, "recommendationLookbackPeriodInDays": 14}


def hub_answers(status, recommendations=None):
    def answer(stub):
        stub.add_response("list_enrollment_statuses", {"items": [
            {"accountId": ACCOUNT, "status": status, "lastUpdatedTimestamp": NOW, "createdTimestamp": NOW}]})
        if recommendations is not None:
            stub.add_response("list_recommendations", {"items": recommendations})
    return answer


def test_cost_optimization_hub_savings_land_on_the_resources_with_their_saving(aws, boto):
    ec2 = boto.client("ec2")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    big = ec2.run_instances(ImageId=image, InstanceType="m5.4xlarge", MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"]
    arn = f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{big}"
    estate = scan(aws, "cost-optimization-hub", {"cost-optimization-hub": hub_answers("Active", [
        hub_recommendation(big, arn, "Rightsize", 412.5, "m5.4xlarge", "m5.xlarge"),
        hub_recommendation("sp-compute", "", "PurchaseSavingsPlans", 60.0)])}, also=["ec2"])
    assert estate.coverage_of(aws.account, "global", "cost-optimization-hub").status == "assessed"
    rightsizing = verdicts(estate, "cost-optimization-hub-rightsizing")[big]
    assert rightsizing.status == "FAIL" and rightsizing.resource["type"] == "AWS::EC2::Instance"
    assert "AWS Cost Optimization Hub: Rightsize" in rightsizing.evidence
    assert "412.50 USD a month" in rightsizing.evidence
    assert rightsizing.measurements["estimatedMonthlySavings"] == 412.5 and rightsizing.risk == "MEDIUM"
    commitment = verdicts(estate, "cost-optimization-hub-commitments")["sp-compute"]
    assert commitment.status == "FAIL" and commitment.risk == "LOW"
    assert commitment.measurements["estimatedMonthlySavings"] == 60.0


def test_cost_optimization_hub_without_recommendations_passes(aws):
    estate = scan(aws, "cost-optimization-hub", {"cost-optimization-hub": hub_answers("Active", [])})
    for check_id in ("cost-optimization-hub-rightsizing", "cost-optimization-hub-commitments"):
        assert verdicts(estate, check_id)[aws.account].status == "PASS"


def test_cost_optimization_hub_not_enrolled_is_not_enabled_not_a_pass(aws):
    estate = scan(aws, "cost-optimization-hub", {"cost-optimization-hub": hub_answers("Inactive")})
    cover = estate.coverage_of(aws.account, "global", "cost-optimization-hub")
    assert cover.status == "not-enabled" and "not enrolled" in cover.detail
    assert not verdicts(estate, "cost-optimization-hub-rightsizing")


def test_cost_optimization_hub_denied_is_a_gap(aws):
    estate = scan(aws, "cost-optimization-hub", {"cost-optimization-hub": lambda stub: stub.add_client_error(
        "list_enrollment_statuses", **DENIED)})
    assert estate.coverage_of(aws.account, "global", "cost-optimization-hub").status == "denied"
    assert {f.status for f in verdicts(estate, "cost-optimization-hub-rightsizing").values()} == {"NOT_ASSESSED"}


# -- Cost Explorer set up ---------------------------------------------------------------------------------------
def test_cost_explorer_never_enabled_fails_and_enabled_passes(aws):
    off = scan(aws, "cost-explorer", {"ce": lambda stub: stub.add_client_error(
        "get_savings_plans_coverage", service_error_code="AccessDeniedException", http_status_code=400,
        service_message="User not enabled for cost explorer access")})
    assert verdicts(off, "cost-explorer-not-enabled")[aws.account].status == "FAIL"

    def enabled(stub):
        stub.add_response("get_savings_plans_coverage", {"SavingsPlansCoverages": []})
        stub.add_client_error("get_savings_plans_utilization", service_error_code="DataUnavailableException")
        stub.add_response("get_reservation_coverage", {"CoveragesByTime": [], "Total": {}})
    on = scan(aws, "cost-explorer", {"ce": enabled})
    assert verdicts(on, "cost-explorer-not-enabled")[aws.account].status == "PASS"
