"""Checks on SQS, SNS, EventBridge, Step Functions, Secrets Manager, ECR and CloudWatch Logs: each FAILs on the bad
resource and PASSes on its clean twin, both arranged in moto and read by the real collectors; a read that failed
gives NOT_ASSESSED, never a pass."""

from __future__ import annotations

import datetime as dt
import json

import boto3
import pytest
from botocore.stub import Stubber

from denial import deny
from twins import checks_in, findings_of_arranged
from wafr.checks.registry import all_checks
from wafr.estate import Estate
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.registry import all_collectors

REGION, ACCOUNT = "us-east-1", "123456789012"
SERVICES = ["sqs", "sns", "events", "stepfunctions", "secretsmanager", "ecr", "logs"]
PROD = [{"Key": "Environment", "Value": "prod"}]


def task(name, *, handled, end=True):
    state = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": name}}
    if handled:
        state |= {"Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 3, "JitterStrategy": "FULL"}],
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}]}
    return state | ({"End": True} if end else {})


def machine(handled):
    """A Parallel branch's Task counts too: the clean twin handles failures there as well."""
    return json.dumps({"StartAt": "Charge", "States": {
        "Charge": task("charge", handled=handled, end=False) | {"Next": "Fan"},
        "Fan": {"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": "Notify", "States": {"Notify": task("notify", handled=handled)}}]},
        "Failed": {"Type": "Fail"}}})


def arrange(boto):
    sqs = boto.client("sqs")
    dlq = sqs.create_queue(QueueName="orders-dlq", tags={"Environment": "prod"},
                           Attributes={"MessageRetentionPeriod": "1209600"})["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    short = sqs.create_queue(QueueName="billing-dlq", tags={"Environment": "prod"})["QueueUrl"]  # 4 days
    sqs.create_queue(QueueName="billing", tags={"Environment": "prod"}, Attributes={
        "MessageRetentionPeriod": "1209600", "RedrivePolicy": json.dumps({"maxReceiveCount": 5, "deadLetterTargetArn":
            sqs.get_queue_attributes(QueueUrl=short, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]})})
    good_q = sqs.create_queue(QueueName="orders", tags={"Environment": "prod"}, Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5})})["QueueUrl"]
    bad_q = sqs.create_queue(QueueName="plain", tags={"Environment": "prod"},
                             Attributes={"SqsManagedSseEnabled": "false"})["QueueUrl"]
    send = {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage"}
    sqs.set_queue_attributes(QueueUrl=bad_q, Attributes={"Policy": json.dumps({"Statement": [send]})})
    sqs.set_queue_attributes(QueueUrl=good_q, Attributes={"Policy": json.dumps({"Statement": [
        send | {"Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:alerts"}}}]})})

    sns = boto.client("sns")
    sns.create_topic(Name="alerts", Tags=PROD, Attributes={"KmsMasterKeyId": "alias/aws/sns"})  # default policy
    loud = sns.create_topic(Name="loud", Tags=PROD)["TopicArn"]
    sns.set_topic_attributes(TopicArn=loud, AttributeName="Policy", AttributeValue=json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sns:Publish", "Resource": loud}]}))

    events = boto.client("events")
    for bus, principal in (("partners", "111122223333"), ("open", "*")):
        events.create_event_bus(Name=bus, Tags=PROD)
        events.put_permission(EventBusName=bus, Action="events:PutEvents", Principal=principal, StatementId="s")
        events.put_rule(Name=f"route-{bus}", EventBusName=bus, EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="route-partners", EventBusName="partners",
                       Targets=[{"Id": "q", "Arn": dlq_arn, "DeadLetterConfig": {"Arn": dlq_arn}}])
    events.put_targets(Rule="route-open", EventBusName="open", Targets=[{"Id": "q", "Arn": dlq_arn}])

    sfn, role = boto.client("stepfunctions"), "arn:aws:iam::123456789012:role/sfn"
    group = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/states/checkout:*"
    sfn.create_state_machine(name="checkout", definition=machine(True), roleArn=role, tracingConfiguration={
        "enabled": True}, loggingConfiguration={"level": "ERROR", "destinations": [
            {"cloudWatchLogsLogGroup": {"logGroupArn": group}}]}, tags=[{"key": "Environment", "value": "prod"}])
    sfn.create_state_machine(name="fragile", definition=machine(False), roleArn=role,
                             tags=[{"key": "Environment", "value": "prod"}])

    secrets = boto.client("secretsmanager")
    secrets.create_secret(Name="db-password", SecretString="x", Tags=PROD)
    secrets.rotate_secret(SecretId="db-password", RotationRules={"AutomaticallyAfterDays": 30}, RotateImmediately=False)
    secrets.create_secret(Name="api-key", SecretString="x", Tags=PROD)

    ecr = boto.client("ecr")
    ecr.create_repository(repositoryName="api", imageTagMutability="IMMUTABLE", tags=PROD,
                          imageScanningConfiguration={"scanOnPush": True})
    ecr.put_lifecycle_policy(repositoryName="api", lifecyclePolicyText=json.dumps({"rules": [{
        "rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                                         "countUnit": "days", "countNumber": 7}, "action": {"type": "expire"}}]}))
    ecr.create_repository(repositoryName="worker", tags=PROD)
    ecr.create_repository(repositoryName="prod-web", tags=PROD)  # scanned by the registry's rule below
    ecr.put_registry_scanning_configuration(scanType="ENHANCED", rules=[
        {"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "prod-*", "filterType": "WILDCARD"}]}])

    logs = boto.client("logs")
    logs.create_log_group(logGroupName="/aws/lambda/api", tags={"Environment": "prod"})
    logs.put_retention_policy(logGroupName="/aws/lambda/api", retentionInDays=30)
    logs.create_log_group(logGroupName="/app/forever", tags={"Environment": "prod"})


@pytest.fixture(scope="module")
def findings():
    return findings_of_arranged(arrange, SERVICES, REGION)


CASES = [  # check, bad resource, its clean twin (by name)
    ("sqs-queue-not-encrypted", "plain", "orders"),
    ("sqs-queue-without-dead-letter-queue", "plain", "orders"),
    ("sqs-dead-letter-queue-retention-short", "billing", "orders"),
    ("sqs-queue-policy-public", "plain", "orders"),
    ("sns-topic-not-encrypted", "loud", "alerts"),
    ("sns-topic-policy-public", "loud", "alerts"),
    ("eventbridge-bus-policy-public", "open", "partners"),
    ("eventbridge-target-without-dead-letter-queue", "route-open", "route-partners"),
    ("stepfunctions-task-without-retry", "fragile", "checkout"),
    ("stepfunctions-task-without-catch", "fragile", "checkout"),
    ("stepfunctions-logging-off", "fragile", "checkout"),
    ("stepfunctions-tracing-off", "fragile", "checkout"),
    ("secret-rotation-disabled", "api-key", "db-password"),
    ("ecr-scan-on-push-off", "worker", "api"),
    ("ecr-tags-mutable", "worker", "api"),
    ("ecr-no-lifecycle-policy", "worker", "api"),
    ("log-group-retention-unlimited", "/app/forever", "/aws/lambda/api"),
]


@pytest.mark.parametrize(("check_id", "bad", "good"), CASES, ids=[c[0] for c in CASES])
def test_fires_on_the_bad_resource_and_not_on_its_clean_twin(findings, check_id, bad, good):
    assert findings[(check_id, bad)].status == "FAIL", findings[(check_id, bad)].evidence
    assert findings[(check_id, good)].status == "PASS", findings[(check_id, good)].evidence
    assert findings[(check_id, bad)].risk in ("HIGH", "MEDIUM", "LOW")


def test_every_new_check_has_a_case():
    ours = checks_in("messaging", "state_machines", "secrets", "container_registry", "logs")
    assert ours == {c[0] for c in CASES} | {"secret-unused"}


def test_evidence_names_what_is_wrong(findings):
    assert "Charge" in findings[("stepfunctions-task-without-retry", "fragile")].evidence
    assert "Fan/Notify" in findings[("stepfunctions-task-without-catch", "fragile")].evidence  # nested Task state
    assert "sqs:SendMessage" in findings[("sqs-queue-policy-public", "plain")].evidence


def test_a_dead_letter_queue_is_not_asked_for_a_dead_letter_queue_of_its_own(findings):
    assert ("sqs-queue-without-dead-letter-queue", "orders-dlq") not in findings


def test_registry_scanning_rule_counts_as_scanning(findings):
    assert findings[("ecr-scan-on-push-off", "prod-web")].status == "PASS"
    assert "registry" in findings[("ecr-scan-on-push-off", "prod-web")].evidence


def test_a_public_policy_is_high_risk_whatever_the_environment(findings):
    assert findings[("sqs-queue-policy-public", "plain")].risk == "HIGH"


def test_failed_attribute_reads_are_not_assessed_never_passed(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["GetQueueAttributes", "GetLifecyclePolicy"])
    estate = collect_account(aws, [REGION], services=["sqs", "ecr"])
    found = {(f.check_id, f.resource["name"]): f.status for f in evaluate(estate)}
    for check_id in ("sqs-queue-not-encrypted", "sqs-queue-without-dead-letter-queue", "sqs-queue-policy-public"):
        assert found[(check_id, "orders")] == found[(check_id, "plain")] == "NOT_ASSESSED"
    assert found[("ecr-no-lifecycle-policy", "api")] == "NOT_ASSESSED"
    assert found[("ecr-tags-mutable", "worker")] == "FAIL"  # read from the listing, which succeeded


def test_a_denied_service_leaves_its_checks_not_assessed(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["ListSecrets"])
    estate = collect_account(aws, [REGION], services=SERVICES)
    statuses = {f.status for f in evaluate(estate) if f.check_id in ("secret-rotation-disabled", "secret-unused")}
    assert statuses == {"NOT_ASSESSED"}


def test_a_secret_unread_for_months_or_failing_rotation_is_flagged():
    """moto's ListSecrets never reports LastAccessedDate (nor a rotation older than now), so botocore's Stubber
    answers with AWS's documented ListSecrets shape (SecretList entries with LastAccessedDate, day precision)."""
    client = boto3.Session(region_name=REGION, aws_access_key_id="stub", aws_secret_access_key="stub").client(
        "secretsmanager")
    now = dt.datetime.now(dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    entry = {"CreatedDate": now - dt.timedelta(days=400), "RotationEnabled": False,
             "Tags": [{"Key": "Environment", "Value": "prod"}]}
    secrets = [entry | {"ARN": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-AbCdEf", "Name": name}
               | extra for name, extra in (("stale", {"LastAccessedDate": now - dt.timedelta(days=200)}),
                                           ("never-read", {}),
                                           ("busy", {"LastAccessedDate": now - dt.timedelta(days=1)}),
                                           ("rotting", {"LastAccessedDate": now, "RotationEnabled": True,
                                                        "RotationRules": {"AutomaticallyAfterDays": 30},
                                                        "LastRotatedDate": now - dt.timedelta(days=100)}))]
    with Stubber(client) as stub:
        stub.add_response("list_secrets", {"SecretList": secrets})
        ctx = CollectContext(account=ACCOUNT, region=REGION, partition="aws", client_factory=lambda s, r: client)
        resources = list(all_collectors()["secretsmanager"].collect(ctx))
    ours = {c: all_checks()[c] for c in ("secret-unused", "secret-rotation-disabled")}
    found = {(f.check_id, f.resource["name"]): f for f in evaluate(Estate(resources=resources), ours)}
    unused = {name: found[("secret-unused", name)] for name in ("stale", "never-read", "busy")}
    assert unused["stale"].status == "FAIL" and "200 days" in unused["stale"].evidence
    assert unused["never-read"].status == "FAIL" and "400 days" in unused["never-read"].evidence
    assert unused["busy"].status == "PASS"
    # Rotation switched on but not succeeding for three periods is no rotation.
    rotting = found[("secret-rotation-disabled", "rotting")]
    assert rotting.status == "FAIL" and "100 days ago" in rotting.evidence
