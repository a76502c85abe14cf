"""The read-only guard refuses every operation that is not a read, before anything reaches AWS."""

import pytest

from wafr.sources.aws.guard import ReadOnlyViolation, is_read_operation


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


@pytest.mark.parametrize("operation,is_read", [
    ("DescribeInstances", True), ("ListUsers", True), ("GetBucketEncryption", True),
    ("GenerateCredentialReport", True), ("CreateVpc", False), ("DeleteUser", False),
    ("PutBucketPolicy", False), ("UpdateService", False), ("TagResource", False), ("Listener", False),
    ("GetSecretValue", False), ("GetParameters", False), ("GetObject", False), ("Scan", False), ("Query", False),
])
def test_read_operation_names(operation, is_read):
    assert is_read_operation(operation) is is_read
