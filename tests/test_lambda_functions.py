"""Lambda, deeper: the collector reads each function's reserved concurrency, asynchronous failure handling, function
URLs and resource policy (never GetFunction, which returns environment values and a code URL), and each check FAILs
on the bad function and PASSes on its clean twin, arranged in moto; a failed read gives NOT_ASSESSED."""

from __future__ import annotations

import io
import json
import zipfile

import boto3
import pytest
from botocore.stub import Stubber

from denial import deny
from wafr.checks.registry import all_checks
from wafr.estate import Estate
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.registry import all_collectors
from wafr.sources.aws.session import open_session

REGION, ACCOUNT = "us-east-1", "123456789012"
SERVICES = ["lambda", "cloudwatch", "vpc"]
PROD = {"Environment": "prod"}
SECRET = "lambda-env-value-hunter2"


def code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return event\n")
    return buffer.getvalue()


def arrange(boto):
    role = boto.client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps({"Statement": []}))
    sqs = boto.client("sqs")
    dlq = sqs.get_queue_attributes(QueueUrl=sqs.create_queue(QueueName="orders-dlq")["QueueUrl"],
                                   AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = boto.client("sns").create_topic(Name="oncall")["TopicArn"]
    ec2 = boto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="fn", Description="functions", VpcId=vpc)["GroupId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=f"{REGION}{zone}")
               ["Subnet"]["SubnetId"] for i, zone in enumerate("aab")]
    table = boto.client("dynamodb").create_table(
        TableName="ledger", BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})["TableDescription"]
    lam = boto.client("lambda")
    common = {"Runtime": "python3.12", "Role": role["Role"]["Arn"], "Handler": "handler.handle",
              "Code": {"ZipFile": code()}, "Tags": PROD, "Environment": {"Variables": {"TOKEN": SECRET}}}
    lam.create_function(FunctionName="orders", Architectures=["arm64"], TracingConfig={"Mode": "Active"},
                        VpcConfig={"SubnetIds": subnets[1:], "SecurityGroupIds": [group]}, **common)  # zones a, b
    lam.put_function_event_invoke_config(FunctionName="orders", DestinationConfig={"OnFailure": {"Destination": dlq}})
    lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=20)
    lam.add_permission(FunctionName="orders", StatementId="s3", Action="lambda:InvokeFunction", Principal="*",
                       SourceArn="arn:aws:s3:::orders-inbox", SourceAccount=ACCOUNT)
    lam.create_function(FunctionName="notify", Architectures=["arm64"], **common)
    lam.create_function(FunctionName="consumer", **common)  # fed by its queue, which keeps what fails
    work = sqs.get_queue_attributes(QueueUrl=sqs.create_queue(QueueName="work")["QueueUrl"],
                                    AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    lam.create_event_source_mapping(EventSourceArn=work, FunctionName="consumer", BatchSize=10)
    lam.create_function(FunctionName="legacy", VpcConfig={"SubnetIds": subnets[:2], "SecurityGroupIds": [group]},
                        **common)  # x86_64, PassThrough, nothing reserved or kept, in zone a only
    stream = table["LatestStreamArn"]
    lam.create_event_source_mapping(EventSourceArn=stream, FunctionName="legacy", StartingPosition="LATEST")
    lam.create_event_source_mapping(EventSourceArn=stream, FunctionName="orders", StartingPosition="LATEST",
                                    MaximumRetryAttempts=3, BisectBatchOnFunctionError=True,
                                    DestinationConfig={"OnFailure": {"Destination": dlq}})
    lam.add_permission(FunctionName="legacy", StatementId="any", Action="lambda:InvokeFunction", Principal="*")

    cloudwatch = boto.client("cloudwatch")
    for function, metric, actions in (("orders", "Errors", [topic]), ("orders", "Throttles", [topic]),
                                      ("notify", "Errors", [])):  # watched, but nobody is told
        cloudwatch.put_metric_alarm(
            AlarmName=f"{function}-{metric}", Namespace="AWS/Lambda", MetricName=metric, Statistic="Sum",
            Dimensions=[{"Name": "FunctionName", "Value": function}], Period=60, EvaluationPeriods=1, Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=actions)


@pytest.fixture(scope="module")
def scanned():
    from moto import mock_aws

    with mock_aws():
        arrange(boto3.Session(region_name=REGION))
        aws = open_session(region=REGION)
        called = set()
        aws.session.events.register("before-parameter-build.lambda.*",
                                    lambda model=None, **_: called.add(model.name))
        estate = collect_account(aws, [REGION], services=SERVICES)
    found = {(f.check_id, f.resource["name"]): f for f in evaluate(estate)}
    return estate, found, called


CASES = [  # check, bad function, its clean twin
    ("lambda-async-failures-dropped", "legacy", "orders"),
    ("lambda-async-failures-dropped", "legacy", "consumer"),
    ("lambda-reserved-concurrency-unset", "legacy", "orders"),
    ("lambda-tracing-off", "legacy", "orders"),
    ("lambda-not-on-graviton", "legacy", "orders"),
    ("lambda-policy-public", "legacy", "orders"),
    ("lambda-without-error-alarms", "legacy", "orders"),
    ("lambda-without-error-alarms", "notify", "orders"),
    ("lambda-stream-failures-unhandled", "legacy", "orders"),
    ("lambda-vpc-single-az", "legacy", "orders"),
]


@pytest.mark.parametrize(("check_id", "bad", "good"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_fires_on_the_bad_function_and_not_on_its_clean_twin(scanned, check_id, bad, good):
    _, found, _ = scanned
    assert found[(check_id, bad)].status == "FAIL", found[(check_id, bad)].evidence
    assert found[(check_id, good)].status == "PASS", found[(check_id, good)].evidence


def test_every_check_of_the_module_has_a_case():
    ours = {c.id for c in all_checks().values() if c.fn.__module__.endswith(".lambda_functions")}
    assert ours == {c[0] for c in CASES} | {"lambda-function-url-without-auth"}  # that one: see the Stubber test


def test_evidence_says_what_is_missing(scanned):
    _, found, _ = scanned
    assert "Throttles" in found[("lambda-without-error-alarms", "notify")].evidence
    assert "work" in found[("lambda-async-failures-dropped", "consumer")].evidence
    assert "ledger" in found[("lambda-stream-failures-unhandled", "legacy")].evidence
    assert "until it expires" in found[("lambda-stream-failures-unhandled", "legacy")].evidence
    assert ("lambda-stream-failures-unhandled", "notify") not in found  # no stream, nothing to say
    assert ("lambda-vpc-single-az", "notify") not in found  # not in a VPC
    assert "no alarm action tells a person" in found[("lambda-without-error-alarms", "notify")].evidence
    assert "lambda:InvokeFunction" in found[("lambda-policy-public", "legacy")].evidence
    assert found[("lambda-policy-public", "legacy")].risk == "HIGH"


def test_never_calls_get_function_and_keeps_no_environment_value(scanned):
    estate, _, called = scanned
    assert not called & {"GetFunction", "GetFunctionConfiguration"}
    assert {"GetFunctionConcurrency", "ListFunctionEventInvokeConfigs", "GetPolicy",
            "ListEventSourceMappings"} <= called
    assert SECRET not in json.dumps([r.config for r in estate.resources], default=str)


def test_moto_lacks_function_urls_so_that_check_is_not_assessed(scanned):
    """moto answers ListFunctionUrlConfigs with 404 "Not yet implemented": recorded, never a pass."""
    _, found, _ = scanned
    statuses = {f.status for (check_id, _), f in found.items() if check_id == "lambda-function-url-without-auth"}
    assert statuses == {"NOT_ASSESSED"}


def test_failed_reads_are_not_assessed_never_passed(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["GetFunctionConcurrency", "ListFunctionEventInvokeConfigs", "GetPolicy",
                              "ListEventSourceMappings"])
    estate = collect_account(aws, [REGION], services=SERVICES)
    found = {(f.check_id, f.resource["name"]): f.status for f in evaluate(estate)}
    for check_id in ("lambda-reserved-concurrency-unset", "lambda-policy-public", "lambda-stream-failures-unhandled"):
        assert found[(check_id, "orders")] == found[(check_id, "legacy")] == "NOT_ASSESSED"
    assert found[("lambda-async-failures-dropped", "legacy")] == "NOT_ASSESSED"
    assert found[("lambda-tracing-off", "orders")] == "PASS"  # read from ListFunctions, which succeeded
    assert any("GetPolicy: AccessDeniedException" in note for c in estate.coverage for note in [c.detail or ""])


def test_a_denied_cloudwatch_leaves_the_alarm_check_not_assessed(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["DescribeAlarms"])
    estate = collect_account(aws, [REGION], services=SERVICES)
    statuses = {f.status for f in evaluate(estate) if f.check_id == "lambda-without-error-alarms"}
    assert statuses == {"NOT_ASSESSED"}


def test_function_urls_without_auth_and_dead_letter_queues_are_read():
    """moto does not implement ListFunctionUrlConfigs and drops a function's DeadLetterConfig, so botocore's Stubber
    answers the collector's calls with AWS's documented shapes (ListFunctions, ListTags, GetFunctionConcurrency,
    ListFunctionEventInvokeConfigs, ListFunctionUrlConfigs, GetPolicy). The URL's own policy statement
    (lambda:FunctionUrlAuthType) is judged with the URL, not again as a public policy."""
    client = boto3.Session(region_name=REGION, aws_access_key_id="stub", aws_secret_access_key="stub").client("lambda")
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"
    url_statement = {"Sid": "url", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunctionUrl",
                     "Resource": f"{arn}hook", "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}}
    urls = {"hook": [{"FunctionUrl": "https://abc.lambda-url.us-east-1.on.aws/", "FunctionArn": f"{arn}hook",
                      "AuthType": "NONE", "CreationTime": "2026-01-01T00:00:00.000+0000",
                      "LastModifiedTime": "2026-01-01T00:00:00.000+0000", "InvokeMode": "BUFFERED"}],
            "signed": [{"FunctionUrl": "https://def.lambda-url.us-east-1.on.aws/", "FunctionArn": f"{arn}signed",
                        "AuthType": "AWS_IAM", "CreationTime": "2026-01-01T00:00:00.000+0000",
                        "LastModifiedTime": "2026-01-01T00:00:00.000+0000", "InvokeMode": "BUFFERED"}],
            "plain": []}
    with Stubber(client) as stub:
        stub.add_response("list_functions", {"Functions": [
            {"FunctionName": name, "FunctionArn": f"{arn}{name}", "Runtime": "python3.12", "Architectures": ["arm64"]}
            | ({"DeadLetterConfig": {"TargetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:plain-dlq"}} if name == "plain"
               else {}) for name in urls]})
        for name, configs in urls.items():
            stub.add_response("list_tags", {"Tags": PROD})
            stub.add_response("get_function_concurrency", {})
            stub.add_response("list_function_event_invoke_configs", {"FunctionEventInvokeConfigs": []})
            stub.add_response("list_function_url_configs", {"FunctionUrlConfigs": configs})
            if name == "hook":
                stub.add_response("get_policy", {"Policy": json.dumps({"Version": "2012-10-17",
                                                                         "Statement": [url_statement]})})
                stub.add_response("list_event_source_mappings", {"EventSourceMappings": []})  # once per region
            else:
                stub.add_client_error("get_policy", "ResourceNotFoundException", http_status_code=404)
        ctx = CollectContext(account=ACCOUNT, region=REGION, partition="aws", client_factory=lambda s, r: client)
        resources = list(all_collectors()["lambda"].collect(ctx))
    ours = {c: all_checks()[c] for c in ("lambda-function-url-without-auth", "lambda-policy-public",
                                         "lambda-async-failures-dropped")}
    found = {(f.check_id, f.resource["name"]): f for f in evaluate(Estate(resources=resources), ours)}
    assert found[("lambda-function-url-without-auth", "hook")].status == "FAIL"
    assert "lambda-url" in found[("lambda-function-url-without-auth", "hook")].evidence
    assert found[("lambda-function-url-without-auth", "signed")].status == "PASS"
    assert found[("lambda-function-url-without-auth", "plain")].status == "PASS"
    assert found[("lambda-policy-public", "hook")].status == "PASS"  # the URL's statement, judged above
    assert found[("lambda-policy-public", "plain")].status == "PASS"  # no policy at all
    assert found[("lambda-async-failures-dropped", "plain")].status == "PASS"
    assert "plain-dlq" in found[("lambda-async-failures-dropped", "plain")].evidence
    assert found[("lambda-async-failures-dropped", "hook")].status == "FAIL"
