"""The guard is an allowlist: a scan's session calls what the scan declares and nothing else, before anything
reaches AWS; reads that return secrets or data cannot even be declared."""

import boto3
import botocore.session
import pytest
from botocore.hooks import HierarchicalEmitter

from wafr.sources.aws import guard
from wafr.sources.aws.allowlist import scan_allowlist
from wafr.sources.aws.guard import ReadOnlyViolation, is_read_operation
from wafr.sources.aws.policy import iam_action_of, iam_actions, read_only_policy
from wafr.sources.aws.registry import all_collectors, collector


def test_guarded_session_refuses_writes_and_nothing_is_created(aws, boto):
    ec2 = aws.client("ec2", "us-east-1")
    before = len(boto.client("ec2").describe_vpcs()["Vpcs"])
    with pytest.raises(ReadOnlyViolation, match="ec2:CreateVpc"):
        ec2.create_vpc(CidrBlock="10.9.0.0/16")
    assert len(boto.client("ec2").describe_vpcs()["Vpcs"]) == before


@pytest.mark.parametrize("service,operation,kwargs", [
    ("iam", "delete_user", {"UserName": "lambda-deployer"}),
    ("s3", "put_bucket_policy", {"Bucket": "b", "Policy": "{}"}),
    ("rds", "modify_db_instance", {"DBInstanceIdentifier": "prod-postgres", "MultiAZ": True}),
    ("ecs", "update_service", {"service": "backend-service", "desiredCount": 0}),
])
def test_guard_refuses_mutations_of_every_kind(aws, service, operation, kwargs):
    client = aws.client(service, "us-east-1")
    with pytest.raises(ReadOnlyViolation):
        getattr(client, operation)(**kwargs)


def test_guarded_session_still_reads(aws):
    assert "Vpcs" in aws.client("ec2", "us-east-1").describe_vpcs()


# Reads by name that the old name-pattern guard let through: data, secrets, credentials, and two that change state.
UNDECLARED_READS = [
    ("dynamodb", "get_item", {"TableName": "orders", "Key": {"id": {"S": "1"}}}),
    ("dynamodb", "batch_get_item", {"RequestItems": {"orders": {"Keys": [{"id": {"S": "1"}}]}}}),
    ("ssm", "get_parameter_history", {"Name": "/prod/db/password", "WithDecryption": True}),
    ("lambda", "get_function", {"FunctionName": "orders"}),
    ("lambda", "get_function_configuration", {"FunctionName": "orders"}),
    # An instance's user data, unscanned (the EC2 collectors read it only through guard.SCANNED_READS).
    ("ec2", "get_launch_template_data", {"InstanceId": "i-1234567890abcdef0"}),
    ("logs", "get_log_events", {"logGroupName": "/app", "logStreamName": "s"}),
    ("cloudformation", "get_template", {"StackName": "prod"}),
    ("sts", "get_session_token", {}),
    ("cognito-identity", "get_id", {"IdentityPoolId": "us-east-1:00000000-0000-0000-0000-000000000000"}),
    ("waf", "get_change_token", {}),
    ("ec2", "describe_images", {"Owners": ["self"]}),  # harmless, but no collector declares it
    ("s3", "list_objects_v2", {"Bucket": "b"}),  # a bucket's contents are data
]


@pytest.mark.parametrize("service,operation,kwargs", UNDECLARED_READS, ids=[f"{s}.{o}" for s, o, _ in UNDECLARED_READS])
def test_guard_refuses_reads_no_collector_declares(aws, service, operation, kwargs):
    client = aws.client(service, "us-east-1")
    with pytest.raises(ReadOnlyViolation, match="not an operation this session declared"):
        getattr(client, operation)(**kwargs)


def _passing(allowed: frozenset) -> tuple[set[tuple[str, str]], int]:
    """Every operation in botocore's models, put through the guard's own hook: those it lets pass, and how many
    operations were tried."""
    events = HierarchicalEmitter()
    guard.install(events, allowed)
    models = botocore.session.get_session()
    passed, tried = set(), 0
    for service in models.get_available_services():
        service_model = models.get_service_model(service)
        for name in service_model.operation_names:
            tried += 1
            operation = service_model.operation_model(name)
            try:
                events.emit(f"before-parameter-build.{service_model.service_id.hyphenize()}.{name}",
                            params={}, model=operation, context={})
            except ReadOnlyViolation:
                continue
            passed.add((service, name))
    return passed, tried


def test_only_the_declared_operations_of_all_botocore_models_pass(capsys):
    allowed = scan_allowlist()
    passed, tried = _passing(allowed)
    assert passed == allowed
    with capsys.disabled():
        print(f"\nguard: {len(passed)} of {tried} botocore operations pass (the scan's declarations)")


def test_every_declared_operation_exists_in_botocore():
    models = botocore.session.get_session()
    missing = sorted(f"{s}:{o}" for s, o in scan_allowlist()
                     if o not in models.get_service_model(s).operation_names)
    assert not missing


@pytest.mark.parametrize("declaration", [
    "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Scan", "dynamodb:Query", "lambda:GetFunction",
    "lambda:GetFunctionConfiguration", "secretsmanager:GetSecretValue", "ssm:GetParameter",
    "ssm:GetParametersByPath", "s3:GetObject", "sts:GetSessionToken",
])
def test_a_collector_declaring_a_secret_or_data_read_is_refused_at_registration(declaration):
    with pytest.raises(ValueError, match="secrets or data"):
        collector("leaky", resource_types=("AWS::X::Y",), operations=("ec2:DescribeVpcs", declaration))
    assert "leaky" not in all_collectors()


def test_a_scan_cannot_declare_a_write():
    with pytest.raises(ValueError, match="reads only"):
        guard.reads("ec2:DescribeVpcs", "ec2:CreateVpc")
    with pytest.raises(ValueError, match="service:Operation"):
        guard.reads("DescribeVpcs")


def test_a_secret_read_cannot_be_allowed_even_by_hand():
    with pytest.raises(ValueError, match="secret"):
        guard.install(HierarchicalEmitter(), {("secretsmanager", "GetSecretValue")})


def test_a_writer_session_calls_its_own_declared_writes_and_nothing_else(aws, boto):
    """The API a writer (e.g. to the WA Tool) uses: its own session, its own declared operations."""
    writer = boto3.Session(region_name="us-east-1")
    guard.install(writer.events, guard.operations("ec2:CreateVpc"))
    ec2 = writer.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    assert vpc in {v["VpcId"] for v in boto.client("ec2").describe_vpcs()["Vpcs"]}
    with pytest.raises(ReadOnlyViolation):
        ec2.delete_vpc(VpcId=vpc)
    with pytest.raises(ReadOnlyViolation):
        ec2.describe_vpcs()


@pytest.mark.parametrize("operation,action", [
    (("elbv2", "DescribeListeners"), "elasticloadbalancing:DescribeListeners"),
    (("sso-admin", "ListInstances"), "sso:ListInstances"),
    (("s3", "ListBuckets"), "s3:ListAllMyBuckets"),
    (("s3control", "GetPublicAccessBlock"), "s3:GetAccountPublicAccessBlock"),
    (("cloudwatch", "GetMetricData"), "cloudwatch:GetMetricData"),
    (("budgets", "DescribeBudgets"), "budgets:ViewBudget"),
    (("ec2", "DescribeVpcs"), "ec2:DescribeVpcs"),
])
def test_iam_actions_are_derived_from_botocore_names(operation, action):
    assert iam_action_of(*operation) == action


def test_the_iam_policy_grants_exactly_the_guards_allowlist():
    assert read_only_policy()["Statement"][0]["Action"] == list(iam_actions(scan_allowlist()))


@pytest.mark.parametrize("operation,is_read", [
    ("DescribeInstances", True), ("ListUsers", True), ("GetBucketEncryption", True), ("AssumeRole", True),
    ("GenerateCredentialReport", True), ("CreateVpc", False), ("DeleteUser", False),
    ("PutBucketPolicy", False), ("UpdateService", False), ("TagResource", False), ("Listener", False),
    ("GetSecretValue", False), ("GetParameters", False), ("GetObject", False), ("Scan", False), ("Query", False),
    ("GetItem", False), ("GetFunction", False), ("DescribeLaunchTemplateVersions", False), ("GetId", False),
])
def test_read_operation_names(operation, is_read):
    assert is_read_operation(operation) is is_read


def test_a_guarded_session_cannot_be_widened_by_a_second_install(aws):
    guard.install(aws.session.events, guard.operations("ec2:CreateVpc"))
    with pytest.raises(ReadOnlyViolation):
        aws.client("ec2", "us-east-1").create_vpc(CidrBlock="10.9.0.0/16")
