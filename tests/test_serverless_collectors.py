"""Declarative collectors (wafr.sources.aws.declarative) and the services declared with them: SQS, SNS, EventBridge,
Step Functions, Secrets Manager, ECR and CloudWatch Logs, read from an estate arranged in moto.

The engine's promises are tested on the real collectors: the operations a collector declares are exactly the calls
it makes; a failed detail call is recorded on its resource, never dropped; an "absent" answer is no error; a state
machine's literal values never reach the estate."""

from __future__ import annotations

import json

import boto3
import pytest

from calls import each_collector_alone
from denial import deny
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.declarative import Detail, Kind, List, declare
from wafr.sources.aws.registry import COLLECTORS, all_collectors
from wafr.sources.aws.session import open_session

REGION = "us-east-1"
SERVICES = ["sqs", "sns", "events", "stepfunctions", "secretsmanager", "ecr", "logs"]
LITERAL = "hunter2-literal-in-definition"
DEFINITION = {
    "StartAt": "Charge",
    "States": {
        "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                   "Parameters": {"FunctionName": "charge", "Payload": {"apiKey": LITERAL}},
                   "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 3, "BackoffRate": 2}],
                   "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Refund"}], "Next": "Fan"},
        "Fan": {"Type": "Parallel", "End": True, "Branches": [{"StartAt": "Notify", "States": {
            "Notify": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": True,
                       "Parameters": {"Message": LITERAL}}}}]},
        "Refund": {"Type": "Pass", "Result": {"token": LITERAL}, "End": True},
    },
}


def arrange(boto):
    prod = {"Key": "Environment", "Value": "prod"}
    sqs = boto.client("sqs")
    dlq = sqs.create_queue(QueueName="orders-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.create_queue(QueueName="orders", tags={"Environment": "prod"}, Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5})})
    boto.client("sns").create_topic(Name="alerts", Tags=[prod])
    events = boto.client("events")
    events.create_event_bus(Name="partners", Tags=[prod])
    events.put_rule(Name="route", EventBusName="partners", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="route", EventBusName="partners", Targets=[{"Id": "q", "Arn": dlq_arn}])
    boto.client("stepfunctions").create_state_machine(
        name="checkout", definition=json.dumps(DEFINITION), roleArn="arn:aws:iam::123456789012:role/sfn",
        tracingConfiguration={"enabled": True}, tags=[{"key": "Environment", "value": "prod"}])
    boto.client("secretsmanager").create_secret(Name="db-password", SecretString=LITERAL, Tags=[prod])
    ecr = boto.client("ecr")
    ecr.create_repository(repositoryName="api", imageTagMutability="IMMUTABLE", tags=[prod])
    ecr.put_lifecycle_policy(repositoryName="api", lifecyclePolicyText=json.dumps({"rules": [{
        "rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                                         "countUnit": "days", "countNumber": 7}, "action": {"type": "expire"}}]}))
    logs = boto.client("logs")
    logs.create_log_group(logGroupName="/aws/lambda/api", tags={"Environment": "prod"})
    logs.put_retention_policy(logGroupName="/aws/lambda/api", retentionInDays=30)


@pytest.fixture(scope="module")
def scanned():
    """The arranged estate, each collector read on its own, with the (service, operation) pairs each one called."""
    from moto import mock_aws

    with mock_aws():
        arrange(boto3.Session(region_name=REGION))
        return each_collector_alone(open_session(region=REGION), SERVICES, REGION)


def one(estate, resource_type, resource_id):
    found = estate.get(resource_id, resource_type)
    assert found is not None, f"{resource_type} {resource_id} not collected"
    return found


@pytest.mark.parametrize("name", SERVICES)
def test_a_declarative_collector_calls_exactly_what_it_declares(scanned, name):
    """Its operations come from the declaration, so the guard and `wafr iam-policy` grant exactly these calls;
    with a resource of every kind arranged, every declared call is made."""
    _, calls = scanned
    assert calls[name] == set(all_collectors()[name].operations)


def test_operations_and_iam_actions_are_derived_from_the_calls():
    sqs = all_collectors()["sqs"]
    assert sqs.operations == {("sqs", "ListQueues"), ("sqs", "GetQueueAttributes"), ("sqs", "ListQueueTags")}
    assert "states:DescribeStateMachine" in all_collectors()["stepfunctions"].permissions
    assert all(name in COLLECTORS for name in SERVICES)


def test_queue_topic_bus_and_rule_carry_what_the_checks_read(scanned):
    estates, _ = scanned
    queue = one(estates["sqs"], "AWS::SQS::Queue", "orders")
    assert queue.arn.endswith(":orders") and queue.tags == {"Environment": "prod"}
    assert queue.config["RedrivePolicy"]["maxReceiveCount"] == 5  # parsed from its JSON string
    topic = one(estates["sns"], "AWS::SNS::Topic", "alerts")
    assert topic.tags == {"Environment": "prod"} and topic.config["Policy"]["Statement"]
    bus = one(estates["events"], "AWS::Events::EventBus", "partners")
    assert bus.tags == {"Environment": "prod"}
    rules = estates["events"].of_type("AWS::Events::Rule")
    assert [(r.name, r.config["EventBusName"], [t["Id"] for t in r.config["Targets"]]) for r in rules] == [
        ("route", "partners", ["q"])]  # rules are listed per bus, not only on the default bus


def test_state_machine_keeps_its_shape_and_none_of_its_values(scanned):
    estates, _ = scanned
    machine = one(estates["stepfunctions"], "AWS::StepFunctions::StateMachine", "checkout")
    states = machine.config["definition"]["States"]
    assert states["Charge"]["Type"] == "Task" and states["Charge"]["Retry"][0]["ErrorEquals"] == ["States.TaskFailed"]
    assert states["Charge"]["Retry"][0]["MaxAttempts"] == 3 and states["Charge"]["Catch"]
    assert states["Fan"]["Branches"][0]["States"]["Notify"]["Type"] == "Task"
    assert machine.config["tracingConfiguration"] == {"enabled": True}
    assert LITERAL not in json.dumps(machine.config) and "charge" not in json.dumps(machine.config["definition"])


def test_secret_metadata_is_read_without_its_value(scanned):
    estates, calls = scanned
    secret = one(estates["secretsmanager"], "AWS::SecretsManager::Secret", "db-password")
    assert secret.tags == {"Environment": "prod"} and secret.arn.startswith("arn:aws:secretsmanager:")
    assert LITERAL not in json.dumps(secret.config)
    assert calls["secretsmanager"] == {("secretsmanager", "ListSecrets")}


def test_secret_reads_cannot_be_declared():
    with pytest.raises(ValueError, match="GetSecretValue"):
        declare("peek", Kind("AWS::SecretsManager::Secret", List("list_secrets", "SecretList"), id="Name",
                             details=[Detail("get_secret_value", "SecretString")]), client="secretsmanager")
    assert "peek" not in COLLECTORS


def test_an_unknown_call_is_refused_at_declaration():
    with pytest.raises(ValueError, match="list_queuez"):
        declare("typo", Kind("AWS::SQS::Queue", List("list_queuez", "QueueUrls"), id="QueueUrl"), client="sqs")


def test_repository_lifecycle_policy_and_registry_scanning(scanned):
    estates, _ = scanned
    repository = one(estates["ecr"], "AWS::ECR::Repository", "api")
    assert repository.config["LifecyclePolicy"]["rules"][0]["action"] == {"type": "expire"}
    # No repository policy is an answer ("absent"), not an error.
    assert repository.config["RepositoryPolicy"] is None and "_errors" not in repository.config
    assert repository.tags == {"Environment": "prod"}
    assert estates["ecr"].of_type("AWS::ECR::RegistryScanningConfiguration")


def test_log_group_retention_and_tags(scanned):
    estates, _ = scanned
    group = one(estates["logs"], "AWS::Logs::LogGroup", "/aws/lambda/api")
    assert group.config["retentionInDays"] == 30 and group.tags == {"Environment": "prod"}


def test_a_failed_detail_call_is_recorded_on_the_resource(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["GetLifecyclePolicy", "ListTagsForResource"])
    estate = collect_account(aws, [REGION], services=["ecr"], max_workers=1)
    repository = estate.get("api", "AWS::ECR::Repository")
    assert repository.config["_errors"] == {"GetLifecyclePolicy": "AccessDeniedException",
                                            "ListTagsForResource": "AccessDeniedException"}
    assert repository.config["LifecyclePolicy"] is None and repository.tags == {}
    coverage = [c for c in estate.coverage if c.service == "ecr"]
    assert [c.status for c in coverage] == ["assessed"]
    assert "GetLifecyclePolicy: AccessDeniedException for 1 resource(s)" in coverage[0].detail
