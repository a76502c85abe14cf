"""Observability and incident response: dashboards, alarms that lead nowhere or have lost their data, application
logs nothing analyses, AWS Health notifications, automated responses to events, user-experience telemetry, the
support plan and Incident Manager.

CloudWatch, CloudWatch Logs, EventBridge and DynamoDB (the production workload) are arranged in moto and read by
the real collectors; an account-wide verdict's failing twin is the same estate without the resources that made it
pass. moto implements neither Incident Manager (ssm-incidents, ssm-contacts), CloudWatch RUM, a running Synthetics
canary nor the AWS Support API: those are answered by botocore's Stubber on the scan's own client, shaped as each
API reference documents the response, with a test for "present", "not enabled" (where the service can be off)
and "denied"."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from botocore.stub import Stubber

from twins import by_name, checks_in, scan_arranged
from wafr.estate import Estate
from wafr.findings import evaluate
from wafr.resource_types import CLOUDWATCH_DASHBOARD, EVENTS_RULE
from wafr.sources.aws.collect import collect_account

REGION, ACCOUNT = "us-east-1", "123456789012"
UNSUPPORTED = {"service_error_code": "UnknownOperationException", "http_status_code": 400}
SERVICES = ["cloudwatch", "logs", "events", "dynamodb"]  # Kinesis only as a log destination
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:on-call"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:isolate-instance"
DENIED = {"service_error_code": "AccessDeniedException", "http_status_code": 403,
          "service_message": f"User: arn:aws:iam::{ACCOUNT}:user/scanner is not authorized to perform this action"}


def table(boto, name="orders"):
    boto.client("dynamodb").create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])


def arrange(boto):
    table(boto)  # a production workload (its environment unproven): the account owes it observability
    cw = boto.client("cloudwatch")
    cw.put_dashboard(DashboardName="orders-health", DashboardBody=json.dumps({"widgets": []}))
    metric = {"MetricName": "ThrottledRequests", "Namespace": "AWS/DynamoDB", "Statistic": "Sum", "Period": 60,
              "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold",
              "Dimensions": [{"Name": "TableName", "Value": "orders"}]}
    cw.put_metric_alarm(AlarmName="orders-paging", AlarmActions=[TOPIC], **metric)
    cw.put_metric_alarm(AlarmName="orders-silent", **metric)
    cw.put_metric_alarm(AlarmName="orders-muted", AlarmActions=[TOPIC], ActionsEnabled=False, **metric)
    cw.put_metric_alarm(AlarmName="orders-stale", AlarmActions=[TOPIC], **metric)  # left INSUFFICIENT_DATA
    for name in ("orders-paging", "orders-silent", "orders-muted"):
        cw.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="arranged")
    cw.set_alarm_state(AlarmName="orders-stale", StateValue="INSUFFICIENT_DATA", StateReason="no datapoints")

    logs = boto.client("logs")
    for group in ("/app/orders", "/app/billing", "/aws/vpc/flowlogs", "/app/empty"):
        logs.create_log_group(logGroupName=group)
        if group != "/app/empty":
            logs.create_log_stream(logGroupName=group, logStreamName="s")
            logs.put_log_events(logGroupName=group, logStreamName="s",
                                logEvents=[{"timestamp": int(time.time() * 1000), "message": "ERROR failed"}])
    kinesis = boto.client("kinesis")
    kinesis.create_stream(StreamName="log-analytics", ShardCount=1)
    stream = kinesis.describe_stream(StreamName="log-analytics")["StreamDescription"]["StreamARN"]
    logs.put_subscription_filter(logGroupName="/app/orders", filterName="to-analytics", filterPattern="ERROR",
                                 destinationArn=stream, roleArn=f"arn:aws:iam::{ACCOUNT}:role/logs-to-kinesis")

    events = boto.client("events")
    events.put_rule(Name="health-to-on-call", EventPattern=json.dumps({"source": ["aws.health"]}))
    events.put_targets(Rule="health-to-on-call", Targets=[{"Id": "page", "Arn": TOPIC}])
    events.put_rule(Name="guardduty-isolate", EventPattern=json.dumps(
        {"source": [{"prefix": "aws.guard"}], "detail-type": ["GuardDuty Finding"]}))
    events.put_targets(Rule="guardduty-isolate", Targets=[{"Id": "isolate", "Arn": FUNCTION}])
    events.put_rule(Name="disabled-health", EventPattern=json.dumps({"source": ["aws.health"]}), State="DISABLED")


def without(estate: Estate, *types: str, unread: tuple[str, ...] = ()) -> Estate:
    """The same account with no resource of ``types``: the failing twin of an account-wide verdict; with
    ``unread``, those services were not read at all, and an absence is no longer evidence."""
    return Estate(resources=[r for r in estate.resources if r.type not in types],
                  coverage=[c for c in estate.coverage if c.service not in unread], metadata=dict(estate.metadata))


@pytest.fixture(scope="module")
def verdicts():
    estate, _ = scan_arranged(arrange, SERVICES, REGION)
    # Judged a month after the read: the alarm still in INSUFFICIENT_DATA has had no data for 30 days.
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30, minutes=1)  # collected_at keeps whole seconds
    estate.metadata["collected_at"] = later.strftime("%Y-%m-%dT%H:%M:%SZ")
    bare = (CLOUDWATCH_DASHBOARD, EVENTS_RULE)
    return {"full": by_name(evaluate(estate)), "bare": by_name(evaluate(without(estate, *bare))),
            "unread": by_name(evaluate(without(estate, *bare, unread=("cloudwatch", "events"))))}


CASES = [
    ("full", "no-cloudwatch-dashboard", ACCOUNT, "PASS"),
    ("bare", "no-cloudwatch-dashboard", ACCOUNT, "FAIL"),
    ("full", "alarm-without-actions", "orders-paging", "PASS"),
    ("full", "alarm-without-actions", "orders-silent", "FAIL"),
    ("full", "alarm-without-actions", "orders-muted", "FAIL"),
    ("full", "alarm-stuck-insufficient-data", "orders-stale", "FAIL"),
    ("full", "alarm-stuck-insufficient-data", "orders-paging", "PASS"),
    ("full", "log-group-not-analysed", "/app/orders", "PASS"),
    ("full", "log-group-not-analysed", "/app/billing", "FAIL"),
    ("full", "no-health-event-notifications", ACCOUNT, "PASS"),
    ("bare", "no-health-event-notifications", ACCOUNT, "FAIL"),
    ("full", "events-without-automated-response", ACCOUNT, "PASS"),
    ("bare", "events-without-automated-response", ACCOUNT, "FAIL"),
    # Nothing found where nothing was read is a gap, never a failure and never a pass.
    ("unread", "no-cloudwatch-dashboard", ACCOUNT, "NOT_ASSESSED"),
    ("unread", "no-health-event-notifications", ACCOUNT, "NOT_ASSESSED"),
    ("unread", "events-without-automated-response", ACCOUNT, "NOT_ASSESSED"),
]


@pytest.mark.parametrize("estate,check_id,name,status", CASES)
def test_check_fails_on_the_bad_twin_and_passes_on_the_clean_one(verdicts, estate, check_id, name, status):
    finding = verdicts[estate][(check_id, name)]
    assert finding.status == status, finding.evidence


def test_every_check_here_has_a_case():
    covered = {c for _, c, _, _ in CASES} | {c for c, _ in STUBBED}
    assert checks_in("observability", "incident_response") == covered


def test_platform_and_empty_log_groups_are_not_judged(verdicts):
    assert ("log-group-not-analysed", "/aws/vpc/flowlogs") not in verdicts["full"]
    assert ("log-group-not-analysed", "/app/empty") not in verdicts["full"]


def test_evidence_names_what_was_found(verdicts):
    full = verdicts["full"]
    assert "orders-health" in full[("no-cloudwatch-dashboard", ACCOUNT)].evidence
    assert "orders" in verdicts["bare"][("no-cloudwatch-dashboard", ACCOUNT)].evidence
    assert "disabled" in full[("alarm-without-actions", "orders-muted")].evidence
    assert "30 days" in full[("alarm-stuck-insufficient-data", "orders-stale")].evidence
    assert "guardduty-isolate" in full[("events-without-automated-response", ACCOUNT)].evidence
    assert "health-to-on-call" in full[("no-health-event-notifications", ACCOUNT)].evidence


def test_subscription_filter_patterns_are_not_kept():
    """A pattern is free text; the log group keeps each subscription's name and destination only."""
    from wafr.sources.aws.collectors.logs import _subscriptions_named

    read = {"subscriptionFilters": [{"filterName": "to-siem", "filterPattern": '{ $.token = "abc" }',
                                     "destinationArn": FUNCTION}]}
    assert _subscriptions_named(read) == {"subscriptionFilters": [{"filterName": "to-siem",
                                                                   "destinationArn": FUNCTION}]}
    assert _subscriptions_named({"subscriptionFilters": None}) == {"subscriptionFilters": None}


def test_a_metric_filter_counts_as_analysis(aws, boto):
    """moto always counts 0 metric filters; DescribeLogGroups is answered as its API reference documents it."""
    group = {"logGroupName": "/app/payments", "creationTime": 1700000000000, "metricFilterCount": 2,
             "storedBytes": 4096, "arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/payments:*",
             "logGroupArn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/payments"}
    _, found = scan(aws, ["logs"], {"logs": lambda s: (
        s.add_response("describe_log_groups", {"logGroups": [group]}),
        s.add_client_error("describe_subscription_filters", **DENIED),
        s.add_response("list_tags_for_resource", {"tags": {}}))})
    verdict = found[("log-group-not-analysed", "/app/payments")]
    assert verdict.status == "PASS" and "2 metric filter(s)" in verdict.evidence
    _, found = scan(aws, ["logs"], {"logs": lambda s: (
        s.add_response("describe_log_groups", {"logGroups": [{**group, "metricFilterCount": 0}]}),
        s.add_client_error("describe_subscription_filters", **DENIED),
        s.add_response("list_tags_for_resource", {"tags": {}}))})
    assert found[("log-group-not-analysed", "/app/payments")].status == "NOT_ASSESSED", "a failed read is no pass"


# -- Stubbed sources ------------------------------------------------------------------------------------------
STUBBED = [("no-user-experience-monitoring", "synthetics, rum"),
           ("production-account-basic-support", "support"),
           ("no-incident-response-plan", "ssm-incidents"),
           ("no-incident-escalation-plan", "ssm-contacts"),
           ("traces-not-analysed", "xray")]


def scan(aws, services, stubs):
    """Collect ``services`` (plus DynamoDB from moto) with each stubbed client answered by its function."""
    stubbers = [Stubber(aws.client(client, REGION)) for client in stubs]
    for stubber, answer in zip(stubbers, stubs.values()):
        answer(stubber)
        stubber.activate()
    try:
        estate = collect_account(aws, [REGION], services=[*services, "dynamodb"])
    finally:
        for stubber in stubbers:
            stubber.deactivate()
    for stubber in stubbers:
        stubber.assert_no_pending_responses()
    return estate, {(f.check_id, f.resource["name"] or f.resource["id"]): f for f in evaluate(estate)}


def test_public_api_with_a_running_canary_or_rum_monitor_is_measured(aws, boto):
    table(boto)
    boto.client("apigatewayv2").create_api(Name="shop", ProtocolType="HTTP")
    # The shapes of a Canary (DescribeCanaries) and an AppMonitorSummary (ListAppMonitors) in their API references.
    canary = {"Id": "0d4c5f1e-1111-2222-3333-444455556666", "Name": "checkout-journey",
              "Status": {"State": "RUNNING"}, "Schedule": {"Expression": "rate(5 minutes)"}, "Tags": {},
              "ArtifactS3Location": "s3://journeys-artifacts/checkout"}  # dropped: only whether it runs is kept
    monitor = {"Name": "shop-web", "Id": "a1b2c3d4-1111-2222-3333-444455556666", "State": "ACTIVE"}
    services = ["synthetics", "rum", "apigatewayv2"]

    def answered(canaries, monitors=None):
        rum = (lambda s: s.add_response("list_app_monitors", {"AppMonitorSummaries": monitors})) \
            if monitors is not None else (lambda s: s.add_client_error("list_app_monitors", **DENIED))
        return scan(aws, services, {"synthetics": lambda s: s.add_response("describe_canaries",
                                                                           {"Canaries": canaries}), "rum": rum})

    estate, found = answered([canary], [])
    verdict = found[("no-user-experience-monitoring", ACCOUNT)]
    assert verdict.status == "PASS" and "checkout-journey" in verdict.evidence
    read = next(r for r in estate.resources if r.name == "checkout-journey")
    assert read.config["State"] == "RUNNING" and "journeys-artifacts" not in json.dumps(read.config, default=str)

    _, found = answered([{**canary, "Status": {"State": "STOPPED"}}], [])
    verdict = found[("no-user-experience-monitoring", ACCOUNT)]
    assert verdict.status == "FAIL" and "shop" in verdict.evidence, "a stopped canary measures nothing"

    _, found = answered([], [monitor])
    assert found[("no-user-experience-monitoring", ACCOUNT)].status == "PASS"

    estate, found = answered([])
    assert estate.coverage_of(ACCOUNT, REGION, "rum").status == "denied"
    assert found[("no-user-experience-monitoring", ACCOUNT)].status == "NOT_ASSESSED"


def ta_check(check_id):
    # The shape of a TrustedAdvisorCheckDescription in the AWS Support API reference.
    return {"id": check_id, "name": "Service Limits", "description": "", "category": "service_limits",
            "metadata": []}


@pytest.mark.parametrize("answer,status", [
    (lambda s: (s.add_response("describe_trusted_advisor_checks", {"checks": [ta_check("eW7HH0l7J9")]}),
                s.add_response("describe_trusted_advisor_check_summaries", {"summaries": []})), "PASS"),
    (lambda s: s.add_client_error("describe_trusted_advisor_checks", service_error_code="SubscriptionRequiredException",
                                  service_message="AWS Premium Support Subscription is required to use this service.",
                                  http_status_code=400), "FAIL"),
    (lambda s: s.add_client_error("describe_trusted_advisor_checks", **DENIED), "NOT_ASSESSED"),
], ids=["business-plan", "basic-plan", "denied"])
def test_support_plan_is_read_from_what_the_support_api_answers(aws, boto, answer, status):
    table(boto)
    _, found = scan(aws, ["trusted-advisor"], {"support": answer})
    assert found[("production-account-basic-support", ACCOUNT)].status == status


SET = f"arn:aws:ssm-incidents::{ACCOUNT}:replication-set/abcd1234"
PLAN = {"arn": f"arn:aws:ssm-incidents::{ACCOUNT}:response-plan/orders-outage", "name": "orders-outage",
        "displayName": "Orders outage"}


def contact(alias, kind):
    # The shape of a Contact in the Incident Manager Contacts API reference (ListContacts).
    return {"ContactArn": f"arn:aws:ssm-contacts:{REGION}:{ACCOUNT}:contact/{alias}", "Alias": alias,
            "DisplayName": alias.title(), "Type": kind}


def incident_manager(replication_sets, plans, contacts):
    """Stubs for a Region whose replication set is ``replication_sets``: without one, nothing further is asked."""
    def incidents(stub):
        stub.add_response("list_replication_sets", {"replicationSetArns": replication_sets})
        if replication_sets:
            stub.add_response("list_response_plans", {"responsePlanSummaries": plans})

    def people(stub):
        if replication_sets:
            stub.add_response("list_contacts", {"Contacts": contacts})

    return {"ssm-incidents": incidents, "ssm-contacts": people}


def test_incident_manager_present_with_plans_and_escalation(aws, boto):
    table(boto)
    estate, found = scan(aws, ["incident-manager"], incident_manager(
        [SET], [PLAN], [contact("alice", "PERSONAL"), contact("orders-escalation", "ESCALATION")]))
    assert estate.coverage_of(ACCOUNT, REGION, "incident-manager").status == "assessed"
    assert found[("no-incident-response-plan", ACCOUNT)].status == "PASS"
    assert "orders-outage" in found[("no-incident-response-plan", ACCOUNT)].evidence
    assert found[("no-incident-escalation-plan", ACCOUNT)].status == "PASS"


def test_incident_manager_set_up_without_plans_or_escalation_fails(aws, boto):
    table(boto)
    _, found = scan(aws, ["incident-manager"], incident_manager([SET], [], [contact("alice", "PERSONAL")]))
    assert found[("no-incident-response-plan", ACCOUNT)].status == "FAIL"
    escalation = found[("no-incident-escalation-plan", ACCOUNT)]
    assert escalation.status == "FAIL" and "1 personal contact" in escalation.evidence


def test_incident_manager_not_set_up_is_not_enabled_not_denied(aws, boto):
    table(boto)
    estate, found = scan(aws, ["incident-manager"], incident_manager([], [], []))
    cover = estate.coverage_of(ACCOUNT, REGION, "incident-manager")
    assert cover.status == "not-enabled" and "no replication set" in cover.detail
    assert found[("no-incident-response-plan", ACCOUNT)].status == "FAIL"
    assert "not set up" in found[("no-incident-response-plan", ACCOUNT)].evidence
    assert ("no-incident-escalation-plan", ACCOUNT) not in found, "escalation may live in another tool"


def test_incident_manager_denied_is_a_gap(aws, boto):
    table(boto)
    estate, found = scan(aws, ["incident-manager"], {
        "ssm-incidents": lambda s: s.add_client_error("list_replication_sets", **DENIED)})
    assert estate.coverage_of(ACCOUNT, REGION, "incident-manager").status == "denied"
    assert found[("no-incident-response-plan", ACCOUNT)].status == "NOT_ASSESSED"
    assert found.get(("no-incident-escalation-plan", ACCOUNT)) is None or \
        found[("no-incident-escalation-plan", ACCOUNT)].status == "NOT_ASSESSED"


def xray_group(name, insights):
    # The shape of a GroupSummary in the X-Ray API reference (GetGroups).
    return {"GroupName": name, "GroupARN": f"arn:aws:xray:{REGION}:{ACCOUNT}:group/{name}/ABCDEF",
            "FilterExpression": 'service("checkout")',
            "InsightsConfiguration": {"InsightsEnabled": insights, "NotificationsEnabled": False}}


@pytest.mark.parametrize("answer,status", [
    (lambda s: s.add_response("get_groups", {"Groups": [xray_group("Default", True)]}), "PASS"),
    (lambda s: s.add_response("get_groups", {"Groups": [xray_group("Default", False)]}), "FAIL"),
    (lambda s: s.add_client_error("get_groups", **DENIED), "NOT_ASSESSED"),
    (lambda s: s.add_client_error("get_groups", **UNSUPPORTED), "NOT_ASSESSED"),
], ids=["insights-on", "insights-off", "denied", "not-offered"])
def test_traced_workloads_need_insights_on_their_traces(aws, boto, answer, status):
    boto.client("stepfunctions").create_state_machine(
        name="checkout", definition=json.dumps({"StartAt": "Pay", "States": {"Pay": {"Type": "Pass", "End": True}}}),
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/checkout", tracingConfiguration={"enabled": True})
    estate, found = scan(aws, ["xray", "stepfunctions"], {"xray": answer})
    verdict = found[("traces-not-analysed", ACCOUNT)]
    assert verdict.status == status, verdict.evidence
    assert status != "FAIL" or "checkout" in verdict.evidence
    assert 'service("checkout")' not in json.dumps([r.config for r in estate.resources], default=str)


def test_incident_manager_not_offered_in_any_region_read_is_unknown(aws, boto):
    table(boto)
    estate, found = scan(aws, ["incident-manager"], {
        "ssm-incidents": lambda s: s.add_client_error("list_replication_sets", **UNSUPPORTED)})
    assert estate.coverage_of(ACCOUNT, REGION, "incident-manager").status == "unsupported"
    assert found[("no-incident-response-plan", ACCOUNT)].status == "NOT_ASSESSED"
