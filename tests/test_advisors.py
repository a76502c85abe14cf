"""AWS's own advisors as evidence: Compute Optimizer, Trusted Advisor, AWS Health, Security Hub findings and Cost
Explorer. moto implements none of these reads, so each is answered by botocore's Stubber on the scan's own
(guarded) client, with responses shaped as AWS documents them in each API reference; everything else (EC2, the
session, the collectors, the checks) is the real code against moto. Each source has a test for "present",
"not enabled" and "denied"."""

from __future__ import annotations

import datetime as dt

import pytest
from botocore.stub import ANY, Stubber

from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account

REGION, ACCOUNT = "us-east-1", "123456789012"
DENIED = {"service_error_code": "AccessDeniedException", "http_status_code": 403,
          "service_message": f"User: arn:aws:iam::{ACCOUNT}:user/scanner is not authorized to perform this action"}


def scan(aws, service, answer, client=None, also=()):
    """Collect ``service`` (and ``also``, from moto) with its client answered by ``answer(stubber)``; every
    stubbed answer must be used."""
    with Stubber(aws.client(client or service, REGION)) as stub:
        answer(stub)
        estate = collect_account(aws, [REGION], services=[service, *also])
        stub.assert_no_pending_responses()
    return estate


def findings(estate, prefix):
    return [f for f in evaluate(estate) if f.check_id.startswith(prefix)]


# -- Compute Optimizer ------------------------------------------------------------------------------------------
CO_LISTS = ("get_ec2_instance_recommendations", "get_auto_scaling_group_recommendations",
            "get_ebs_volume_recommendations", "get_lambda_function_recommendations",
            "get_ecs_service_recommendations", "get_rds_database_recommendations")
CO_KEYS = ("instanceRecommendations", "autoScalingGroupRecommendations", "volumeRecommendations",
           "lambdaFunctionRecommendations", "ecsServiceRecommendations", "rdsDBRecommendations")


def ec2_recommendation(arn, finding, current, recommended, savings=None, reasons=()):
    # The shape of an InstanceRecommendation in the Compute Optimizer API reference.
    option = {"instanceType": recommended, "rank": 1, "performanceRisk": 1.0}
    if savings is not None:
        option["savingsOpportunity"] = {"savingsOpportunityPercentage": 50.0,
                                        "estimatedMonthlySavings": {"currency": "USD", "value": savings}}
    return {"instanceArn": arn, "accountId": ACCOUNT, "instanceName": arn.rsplit("/", 1)[-1],
            "currentInstanceType": current, "finding": finding, "findingReasonCodes": list(reasons),
            "utilizationMetrics": [{"name": "CPU", "statistic": "MAXIMUM", "value": 12.0}],
            "lookBackPeriodInDays": 14.0, "recommendationOptions": [option]}


def test_compute_optimizer_present_lands_on_the_instances_it_judges(aws, boto):
    ec2 = boto.client("ec2")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    big, small, fine = (ec2.run_instances(ImageId=image, InstanceType=t, MinCount=1, MaxCount=1)["Instances"][0]
                        ["InstanceId"] for t in ("m5.4xlarge", "t3.nano", "m5.large"))
    arn = f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/"
    recommendations = [
        ec2_recommendation(arn + big, "Overprovisioned", "m5.4xlarge", "m5.xlarge", 420.5, ["CPUOverprovisioned"]),
        ec2_recommendation(arn + small, "Underprovisioned", "t3.nano", "t3.medium", None, ["MemoryUnderprovisioned"]),
        ec2_recommendation(arn + fine, "Optimized", "m5.large", "m5.large")]

    def answer(stub):
        stub.add_response("get_enrollment_status", {"status": "Active", "memberAccountsEnrolled": False})
        for call, key in zip(CO_LISTS, CO_KEYS):
            stub.add_response(call, {key: recommendations if call == CO_LISTS[0] else []})
    estate = scan(aws, "compute-optimizer", answer, also=["ec2"])
    cover = estate.coverage_of(aws.account, REGION, "compute-optimizer")
    assert cover.status == "assessed"
    verdicts = {(f.check_id, f.resource["id"]): f for f in findings(estate, "compute-optimizer-")}
    over = verdicts[("compute-optimizer-over-provisioned", big)]
    assert over.status == "FAIL" and over.resource["type"] == "AWS::EC2::Instance"
    assert "AWS Compute Optimizer" in over.evidence and "m5.4xlarge -> m5.xlarge" in over.evidence
    assert "420.50 USD" in over.evidence
    assert verdicts[("compute-optimizer-under-provisioned", small)].status == "FAIL"
    assert verdicts[("compute-optimizer-over-provisioned", fine)].status == "PASS"
    assert verdicts[("compute-optimizer-under-provisioned", fine)].status == "PASS"
    assert ("compute-optimizer-over-provisioned", small) not in verdicts


def test_compute_optimizer_not_opted_in_is_not_enabled_not_denied(aws):
    estate = scan(aws, "compute-optimizer", lambda stub: stub.add_response(
        "get_enrollment_status", {"status": "Inactive", "memberAccountsEnrolled": False}))
    cover = estate.coverage_of(aws.account, REGION, "compute-optimizer")
    assert cover.status == "not-enabled" and "not opted in" in cover.detail
    assert not findings(estate, "compute-optimizer-"), "no advisor, no verdict either way"


def test_compute_optimizer_denied_is_a_gap(aws):
    estate = scan(aws, "compute-optimizer", lambda stub: stub.add_client_error("get_enrollment_status", **DENIED))
    assert estate.coverage_of(aws.account, REGION, "compute-optimizer").status == "denied"
    found = findings(estate, "compute-optimizer-")
    assert found and {f.status for f in found} == {"NOT_ASSESSED"}


def test_compute_optimizer_one_kind_unread_is_a_note(aws):
    def answer(stub):
        stub.add_response("get_enrollment_status", {"status": "Active"})
        for call, key in zip(CO_LISTS, CO_KEYS):
            if call == "get_rds_database_recommendations":
                stub.add_client_error(call, **DENIED)
            else:
                stub.add_response(call, {key: []})
    cover = scan(aws, "compute-optimizer", answer).coverage_of(aws.account, REGION, "compute-optimizer")
    assert cover.status == "assessed" and "RDS database recommendations not read" in cover.detail


# -- Trusted Advisor --------------------------------------------------------------------------------------------
def ta_check(check_id, name, category):
    # The shape of a TrustedAdvisorCheckDescription in the AWS Support API reference.
    return {"id": check_id, "name": name, "description": "<p>Checks your usage.</p>", "category": category,
            "metadata": ["Region", "Status"]}


def ta_summary(check_id, status, flagged, savings=None):
    # The shape of a TrustedAdvisorCheckSummary in the AWS Support API reference.
    summary = {"checkId": check_id, "timestamp": "2026-11-28T10:00:00Z", "status": status,
               "hasFlaggedResources": flagged > 0,
               "resourcesSummary": {"resourcesProcessed": 40, "resourcesFlagged": flagged,
                                    "resourcesIgnored": 0, "resourcesSuppressed": 0},
               "categorySpecificSummary": {}}
    if savings is not None:
        summary["categorySpecificSummary"] = {"costOptimizing": {"estimatedMonthlySavings": savings,
                                                                 "estimatedPercentMonthlySavings": 10.0}}
    return summary


def test_trusted_advisor_present_flags_limits_and_idle_resources(aws):
    checks = [ta_check("eW7HH0l7J9", "VPC", "service_limits"), ta_check("jL7PP0l7J9", "EBS Active Volumes",
                                                                          "service_limits"),
              ta_check("Qch7DwouX1", "Low Utilization Amazon EC2 Instances", "cost_optimizing"),
              ta_check("Pfx0RwqBli", "Amazon S3 Bucket Permissions", "security")]

    def answer(stub):
        stub.add_response("describe_trusted_advisor_checks", {"checks": checks}, {"language": "en"})
        stub.add_response("describe_trusted_advisor_check_summaries", {"summaries": [
            ta_summary("eW7HH0l7J9", "warning", 1), ta_summary("jL7PP0l7J9", "ok", 0),
            ta_summary("Qch7DwouX1", "error", 6, 812.4), ta_summary("Pfx0RwqBli", "warning", 2)]},
            {"checkIds": [c["id"] for c in checks]})
    estate = scan(aws, "trusted-advisor", answer, client="support")
    assert estate.coverage_of(aws.account, "global", "trusted-advisor").status == "assessed"
    verdicts = {(f.check_id, f.resource["id"]): f for f in findings(estate, "trusted-advisor-")}
    limit = verdicts[("trusted-advisor-service-limits", "eW7HH0l7J9")]
    assert limit.status == "FAIL" and "AWS Trusted Advisor" in limit.evidence and '"VPC" is warning' in limit.evidence
    assert verdicts[("trusted-advisor-service-limits", "jL7PP0l7J9")].status == "PASS"
    idle = verdicts[("trusted-advisor-cost-optimizing", "Qch7DwouX1")]
    assert idle.status == "FAIL" and idle.risk == "HIGH" and "812.40 USD" in idle.evidence
    assert not any(rid == "Pfx0RwqBli" for _, rid in verdicts), "a category no check maps is not judged"


def test_trusted_advisor_on_a_basic_plan_is_not_enabled_not_denied(aws):
    estate = scan(aws, "trusted-advisor", lambda stub: stub.add_client_error(
        "describe_trusted_advisor_checks", service_error_code="SubscriptionRequiredException",
        service_message="AWS Premium Support Subscription is required to use this service.", http_status_code=400),
        client="support")
    cover = estate.coverage_of(aws.account, "global", "trusted-advisor")
    assert cover.status == "not-enabled" and "needs a Business" in cover.detail
    assert not findings(estate, "trusted-advisor-")


def test_trusted_advisor_denied_is_a_gap(aws):
    estate = scan(aws, "trusted-advisor", lambda stub: stub.add_client_error(
        "describe_trusted_advisor_checks", **DENIED), client="support")
    assert estate.coverage_of(aws.account, "global", "trusted-advisor").status == "denied"
    assert {f.status for f in findings(estate, "trusted-advisor-")} == {"NOT_ASSESSED"}


# -- AWS Health -------------------------------------------------------------------------------------------------
def health_event(code, category, status, region="us-east-1"):
    # The shape of an Event in the AWS Health API reference.
    return {"arn": f"arn:aws:health:{region}::event/EC2/{code}/{code}_1", "service": code.split("_")[1],
            "eventTypeCode": code, "eventTypeCategory": category, "region": region,
            "startTime": dt.datetime(2026, 12, 14, tzinfo=dt.timezone.utc), "statusCode": status,
            "eventScopeCode": "ACCOUNT_SPECIFIC"}


# What the collector asks for (maxResults: the scan's sessions ask for botocore's largest page).
WANTED = {"filter": {"eventStatusCodes": ["open", "upcoming"], "eventTypeCategories": ["scheduledChange"]},
          "maxResults": 100}


def test_health_present_reports_scheduled_changes(aws):
    events = [health_event("AWS_EKS_PLANNED_LIFECYCLE_EVENT", "scheduledChange", "upcoming"),
              health_event("AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED", "scheduledChange", "closed")]
    estate = scan(aws, "health", lambda stub: stub.add_response("describe_events", {"events": events}, WANTED))
    assert estate.coverage_of(aws.account, "global", "health").status == "assessed"
    found = findings(estate, "health-")
    assert [f.status for f in found] == ["FAIL"], "a closed change needs no action"
    assert "AWS Health: AWS_EKS_PLANNED_LIFECYCLE_EVENT" in found[0].evidence and "2026-12-14" in found[0].evidence


def test_health_without_scheduled_changes_passes_the_account(aws):
    estate = scan(aws, "health", lambda stub: stub.add_response("describe_events", {"events": []}, WANTED))
    found = findings(estate, "health-")
    assert [(f.status, f.resource["type"]) for f in found] == [("PASS", "AWS::::Account")]


def test_health_on_a_basic_plan_is_not_enabled_not_denied(aws):
    estate = scan(aws, "health", lambda stub: stub.add_client_error(
        "describe_events", service_error_code="SubscriptionRequiredException",
        service_message="The AWS Premium Support Subscription is required to use this service.",
        http_status_code=400))
    cover = estate.coverage_of(aws.account, "global", "health")
    assert cover.status == "not-enabled" and "needs a Business" in cover.detail
    assert not findings(estate, "health-")


def test_health_denied_is_a_gap(aws):
    estate = scan(aws, "health", lambda stub: stub.add_client_error("describe_events", **DENIED))
    assert estate.coverage_of(aws.account, "global", "health").status == "denied"
    assert {f.status for f in findings(estate, "health-")} == {"NOT_ASSESSED"}


# -- Security Hub findings --------------------------------------------------------------------------------------
def sh_finding(control, resource_id, resource_type, severity="MEDIUM"):
    # The shape of an AwsSecurityFinding (AWS Security Finding Format) with consolidated control findings.
    return {"SchemaVersion": "2018-10-08", "Id": f"arn:aws:securityhub:{REGION}:{ACCOUNT}:security-control/"
                                                f"{control}/finding/0a1b2c3d",
            "ProductArn": f"arn:aws:securityhub:{REGION}::product/aws/securityhub",
            "GeneratorId": f"security-control/{control}", "AwsAccountId": ACCOUNT,
            "CreatedAt": "2026-11-01T00:00:00Z", "UpdatedAt": "2026-11-28T00:00:00Z",
            "Title": f"{control} failed", "Description": "A control failed.",
            "Severity": {"Label": severity}, "Compliance": {"Status": "FAILED", "SecurityControlId": control},
            "Resources": [{"Type": resource_type, "Id": resource_id, "Region": REGION}],
            "RecordState": "ACTIVE"}


def test_securityhub_present_maps_failed_controls_to_practices(aws, boto):
    bucket = boto.client("s3")
    bucket.create_bucket(Bucket="open-data")
    found = [sh_finding("S3.8", "arn:aws:s3:::open-data", "AwsS3Bucket", "HIGH"),
             sh_finding("KMS.4", f"arn:aws:kms:{REGION}:{ACCOUNT}:key/abc", "AwsKmsKey")]
    # Only this account's findings in this Region: an administrator or aggregation Region holds others' too.
    asked = {"MaxResults": 100, "Filters": {
        "AwsAccountId": [{"Value": ACCOUNT, "Comparison": "EQUALS"}],
        "Region": [{"Value": REGION, "Comparison": "EQUALS"}],
        "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
        "ComplianceStatus": [{"Value": "FAILED", "Comparison": "EQUALS"}], "ComplianceSecurityControlId": ANY}}
    estate = scan(aws, "securityhub-findings",
                  lambda stub: stub.add_response("get_findings", {"Findings": found}, asked),
                  client="securityhub", also=["s3"])
    verdicts = {f.check_id: f for f in findings(estate, "securityhub-failed-controls-") if f.status == "FAIL"}
    s3 = verdicts["securityhub-failed-controls-sec03-bp07"]
    assert s3.resource["type"] == "AWS::S3::Bucket" and s3.risk == "HIGH"
    assert "AWS Security Hub: control S3.8" in s3.evidence and s3.best_practices == ["SEC03-BP07"]
    assert verdicts["securityhub-failed-controls-sec08-bp01"].resource["type"] == "AWS::SecurityHub::Finding"
    assert set(verdicts) == {"securityhub-failed-controls-sec03-bp07", "securityhub-failed-controls-sec08-bp01"}


def test_securityhub_off_in_the_region_is_not_enabled_not_denied(aws):
    estate = scan(aws, "securityhub-findings", lambda stub: stub.add_client_error(
        "get_findings", service_error_code="InvalidAccessException", http_status_code=401,
        service_message=f"Account {ACCOUNT} is not subscribed to AWS Security Hub"), client="securityhub")
    cover = estate.coverage_of(aws.account, REGION, "securityhub-findings")
    assert cover.status == "not-enabled" and "not enabled" in cover.detail
    assert not [f for f in findings(estate, "securityhub-failed-controls-") if f.status != "PASS"]


def test_securityhub_findings_denied_is_a_gap(aws):
    estate = scan(aws, "securityhub-findings", lambda stub: stub.add_client_error("get_findings", **DENIED),
                  client="securityhub")
    assert estate.coverage_of(aws.account, REGION, "securityhub-findings").status == "denied"
    assert {f.status for f in findings(estate, "securityhub-failed-controls-")} == {"NOT_ASSESSED"}


# -- Cost Explorer ----------------------------------------------------------------------------------------------
def sp_coverage(covered, on_demand):
    # The shape of a SavingsPlansCoverage in the Cost Explorer API reference.
    return {"TimePeriod": {"Start": "2026-10-30", "End": "2026-11-01"},
            "Coverage": {"SpendCoveredBySavingsPlans": str(covered), "OnDemandCost": str(on_demand),
                         "TotalCost": str(covered + on_demand), "CoveragePercentage": "0"}}


def cost_answers(coverage, utilization):
    def answer(stub):
        stub.add_response("get_savings_plans_coverage", {"SavingsPlansCoverages": coverage})
        stub.add_response("get_savings_plans_utilization", {
            "SavingsPlansUtilizationsByTime": [], "Total": {"Utilization": {
                "TotalCommitment": "1000", "UsedCommitment": str(10 * utilization),
                "UnusedCommitment": str(1000 - 10 * utilization), "UtilizationPercentage": str(utilization)}}})
        stub.add_response("get_reservation_coverage", {"CoveragesByTime": [], "Total": {"CoverageHours": {
            "OnDemandHours": "600", "ReservedHours": "120", "TotalRunningHours": "720",
            "CoverageHoursPercentage": "16.67"}}})
    return answer


@pytest.mark.parametrize("coverage,utilization,failed", [
    ([sp_coverage(200, 500), sp_coverage(100, 400)], 72.5, {"savings-plans-coverage-low", "savings-plans-under-used"}),
    ([sp_coverage(900, 100)], 98.0, set()),
])
def test_cost_explorer_present_judges_coverage_and_utilization(aws, coverage, utilization, failed):
    estate = scan(aws, "cost-explorer", cost_answers(coverage, utilization), client="ce")
    assert estate.coverage_of(aws.account, "global", "cost-explorer").status == "assessed"
    verdicts = {f.check_id: f for f in findings(estate, "savings-plans-")}
    assert {c for c, f in verdicts.items() if f.status == "FAIL"} == failed
    assert {f.status for f in verdicts.values()} <= {"FAIL", "PASS"} and len(verdicts) == 2
    if failed:
        low = verdicts["savings-plans-coverage-low"].evidence
        assert "AWS Cost Explorer: Savings Plans cover 25.0%" in low and "16.7% of instance hours" in low


def test_cost_explorer_never_enabled_is_not_enabled_not_denied(aws):
    estate = scan(aws, "cost-explorer", lambda stub: stub.add_client_error(
        "get_savings_plans_coverage", service_error_code="AccessDeniedException", http_status_code=400,
        service_message="User not enabled for cost explorer access"), client="ce")
    cover = estate.coverage_of(aws.account, "global", "cost-explorer")
    assert cover.status == "not-enabled" and "not enabled" in cover.detail
    assert not findings(estate, "savings-plans-")


def test_cost_explorer_denied_is_a_gap(aws):
    estate = scan(aws, "cost-explorer", lambda stub: stub.add_client_error("get_savings_plans_coverage", **DENIED),
                  client="ce")
    assert estate.coverage_of(aws.account, "global", "cost-explorer").status == "denied"
    assert {f.status for f in findings(estate, "savings-plans-")} == {"NOT_ASSESSED"}


# -- Compute Optimizer beside wafr's own metric analysis --------------------------------------------------------
def rds_recommendation(db, finding, recommended, savings):
    # The shape of an RDSDBRecommendation in the Compute Optimizer API reference, through the collector's own
    # normalisation (moto has no Compute Optimizer, and the series are synthetic).
    from wafr.sources.aws.collectors.compute_optimizer import normalized

    item = {"resourceArn": db.arn, "accountId": ACCOUNT, "engine": "postgres",
            "currentDBInstanceClass": db.config["DBInstanceClass"], "instanceFinding": finding,
            "instanceFindingReasonCodes": ["CPUOverprovisioned"] if finding == "Overprovisioned" else [],
            "instanceRecommendationOptions": [{"dbInstanceClass": recommended, "rank": 1, "savingsOpportunity": {
                "estimatedMonthlySavings": {"currency": "USD", "value": savings}}}]}
    config = normalized(item, "resourceArn", "RDS database", "instanceFinding", "instanceFindingReasonCodes",
                        "instanceRecommendationOptions")
    from wafr.estate import Resource
    return Resource(type="AWS::ComputeOptimizer::Recommendation", id=db.arn, account=db.account, region=db.region,
                    name=f"{db.id} (recommendation)", config=config)


def test_both_figures_are_shown_and_whether_they_agree():
    from wafr.metrics.synthetic import daily, estate_with, flat, rds_instance, values

    hours = 14 * 24
    idle, busy = rds_instance("prod-postgres", "db.r6g.xlarge"), rds_instance("orders", "db.m6g.xlarge")
    data = {"prod-postgres": (daily(5, 14), flat(24), daily(20, 45)),  # (CPU %, free GiB, connections)
            "orders": (daily(40, 70), flat(5), daily(50, 200))}
    series = {name: {"CPUUtilization": values(cpu, hours), "CPUUtilization:Maximum": values(cpu, hours),
                     "FreeableMemory:Minimum": [v * 2**30 for v in values(free, hours)],
                     "DatabaseConnections:Maximum": values(conns, hours)}
              for name, (cpu, free, conns) in data.items()}
    estate = estate_with([idle, busy, rds_recommendation(idle, "Overprovisioned", "db.r6g.large", 160.0),
                          rds_recommendation(busy, "Overprovisioned", "db.m6g.large", 120.0)], series,
                         read=("cloudwatch-metrics", "compute-optimizer"))
    verdicts = {f.resource["id"]: f for f in findings(estate, "compute-optimizer-over-provisioned")}
    agreed, disputed = verdicts["prod-postgres"].evidence, verdicts["orders"].evidence
    assert "db.r6g.xlarge -> db.r6g.large, saving about 160.00 USD" in agreed
    assert "wafr's own metric analysis also finds it over-provisioned" in agreed and "$164 a month" in agreed
    assert agreed.endswith("The two agree.")
    assert "wafr's own metric analysis does not find it over-provisioned" in disputed
    assert disputed.endswith("The two disagree.")


# -- coverage -----------------------------------------------------------------------------------------------------
def test_an_advisor_not_enabled_is_no_gap_and_survives_a_snapshot(aws):
    from wafr.sources import snapshot
    from wafr.sources.aws.collect import is_partial

    estate = scan(aws, "compute-optimizer", lambda stub: stub.add_response(
        "get_enrollment_status", {"status": "Inactive"}))
    assert not is_partial(estate), "an advisor the account lacks is not a partial scan for --strict"
    again = snapshot.from_document(snapshot.to_document(estate))
    assert again.coverage_of(aws.account, REGION, "compute-optimizer").status == "not-enabled"


def test_the_review_lists_an_advisor_the_account_lacks_without_asking_for_read_access(aws):
    from wafr.review import review_of_estate

    estate = scan(aws, "trusted-advisor", lambda stub: stub.add_client_error(
        "describe_trusted_advisor_checks", service_error_code="SubscriptionRequiredException",
        service_message="AWS Premium Support Subscription is required to use this service.", http_status_code=400),
        client="support")
    review = review_of_estate(estate, evaluate(estate))
    listed = [(g.service, g.status) for g in review.coverage.gaps]
    assert ("trusted-advisor", "not-enabled") in listed
    roadmap = " ".join(item.text for phase in review.roadmap for item in phase.items)
    assert "trusted-advisor" not in roadmap
