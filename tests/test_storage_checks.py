"""Checks on S3 buckets (policies, ACLs, versioning, lifecycle, logging, copies), DynamoDB capacity, EFS file
systems and KMS key policies: each FAILs on the bad resource and PASSes on its clean twin, both arranged in moto and
read by the real collectors; a read that failed gives NOT_ASSESSED, never a pass."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber

from calls import Recorder
from denial import deny
from twins import checks_in, findings_of_arranged
from wafr.checks.s3_buckets import s3_bucket_no_lifecycle
from wafr.estate import Estate
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.registry import all_collectors
from wafr.sources.aws.session import open_session

REGION, ACCOUNT = "us-east-1", "123456789012"
SERVICES = ["s3", "s3-account", "dynamodb", "application-autoscaling", "cloudwatch", "efs", "kms", "backup"]
PROD = {"Environment": "prod"}
ROLE = f"arn:aws:iam::{ACCOUNT}:role/replication"


def tag_set(tags):
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def arrange_buckets(boto):
    s3 = boto.client("s3")
    eu = boto.client("s3", region_name="eu-west-1")
    for name in ("orders-data", "uploads", "access-logs", "scratch-dev"):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_set(
            {"Environment": "dev"} if name.endswith("-dev") else PROD)})
    eu.create_bucket(Bucket="orders-replica", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    # The clean bucket: TLS required, ACLs disabled, versioned with old versions expiring, logged and replicated.
    s3.put_bucket_policy(Bucket="orders-data", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::orders-data", "arn:aws:s3:::orders-data/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "Org", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::orders-data/*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}}]}))
    s3.put_bucket_ownership_controls(Bucket="orders-data", OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    for client, name in ((s3, "orders-data"), (eu, "orders-replica")):
        client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket="orders-data", LifecycleConfiguration={"Rules": [
        {"ID": "age-out", "Status": "Enabled", "Filter": {"Prefix": ""},
         "Transitions": [{"Days": 90, "StorageClass": "GLACIER_IR"}],
         "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]})
    s3.put_bucket_policy(Bucket="access-logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": "arn:aws:s3:::access-logs/*", "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]}))
    s3.put_bucket_logging(Bucket="orders-data", BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "access-logs", "TargetPrefix": "orders-data/"}})
    s3.put_bucket_replication(Bucket="orders-data", ReplicationConfiguration={"Role": ROLE, "Rules": [
        {"ID": "dr", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
         "DeleteMarkerReplication": {"Status": "Disabled"},
         "Destination": {"Bucket": "arn:aws:s3:::orders-replica"}}]})
    # The bad one: open to anyone, plain HTTP allowed, ACLs on, unversioned, no lifecycle, no logs, no copy.
    s3.put_bucket_policy(Bucket="uploads", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::uploads/*"}]}))
    s3.put_bucket_ownership_controls(Bucket="uploads",
                                     OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    # Versioned, but keeping every old version: a lifecycle rule that only expires current objects.
    s3.put_bucket_versioning(Bucket="access-logs", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket="access-logs", LifecycleConfiguration={"Rules": [
        {"ID": "expire", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 365}}]})


def arrange_tables(boto):
    ddb, scaling = boto.client("dynamodb"), boto.client("application-autoscaling")
    key = {"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
           "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}
    ddb.create_table(TableName="orders", BillingMode="PAY_PER_REQUEST", Tags=tag_set(PROD), **key)
    for name in ("ledger", "sessions"):
        ddb.create_table(TableName=name, BillingMode="PROVISIONED", Tags=tag_set(PROD),
                         ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}, **key)
    for dimension in ("dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits"):
        scaling.register_scalable_target(ServiceNamespace="dynamodb", ResourceId="table/ledger",
                                         ScalableDimension=dimension, MinCapacity=5, MaxCapacity=100)
        scaling.put_scaling_policy(
            PolicyName=f"ledger-{dimension.rsplit(':', 1)[-1]}", ServiceNamespace="dynamodb", ResourceId="table/ledger",
            ScalableDimension=dimension, PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration={"TargetValue": 70.0, "PredefinedMetricSpecification": {
                "PredefinedMetricType": "DynamoDBReadCapacityUtilization" if "Read" in dimension
                else "DynamoDBWriteCapacityUtilization"}})
    boto.client("cloudwatch").put_metric_alarm(
        AlarmName="ledger-throttled", Namespace="AWS/DynamoDB", MetricName="WriteThrottleEvents", Statistic="Sum",
        Dimensions=[{"Name": "TableName", "Value": "ledger"}], Period=60, EvaluationPeriods=1, Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[f"arn:aws:sns:{REGION}:{ACCOUNT}:oncall"])
    # sessions: reads have a target but no policy, writes stay fixed.
    scaling.register_scalable_target(ServiceNamespace="dynamodb", ResourceId="table/sessions",
                                     ScalableDimension="dynamodb:table:ReadCapacityUnits", MinCapacity=5,
                                     MaxCapacity=50)


def arrange_file_systems(boto):
    ec2, efs = boto.client("ec2"), boto.client("efs")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{zone}")["Subnet"][
        "SubnetId"] for i, zone in enumerate("ab")]
    shared = efs.create_file_system(CreationToken="shared", Encrypted=True, Backup=True, ThroughputMode="elastic",
                                    Tags=[{"Key": "Name", "Value": "shared"}, *tag_set(PROD)])["FileSystemId"]
    scratch = efs.create_file_system(CreationToken="scratch", Encrypted=False, ThroughputMode="provisioned",
                                     ProvisionedThroughputInMibps=64,
                                     Tags=[{"Key": "Name", "Value": "scratch"}, *tag_set(PROD)])["FileSystemId"]
    efs.create_file_system(CreationToken="build-cache", AvailabilityZoneName=f"{REGION}a", Encrypted=True,
                           Tags=[{"Key": "Name", "Value": "build-cache"}, {"Key": "Environment", "Value": "dev"}])
    for subnet in subnets:
        efs.create_mount_target(FileSystemId=shared, SubnetId=subnet)
    efs.create_mount_target(FileSystemId=scratch, SubnetId=subnets[0])
    efs.put_lifecycle_configuration(FileSystemId=shared, LifecyclePolicies=[{"TransitionToIA": "AFTER_30_DAYS"}])
    efs.put_file_system_policy(FileSystemId=shared, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    efs.put_file_system_policy(FileSystemId=scratch, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["elasticfilesystem:ClientMount",
                                                                  "elasticfilesystem:ClientWrite"]}]}))


def arrange_keys(boto):
    kms = boto.client("kms")
    root = {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*",
            "Resource": "*"}
    via_account = {"Sid": "Ebs", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Decrypt"],
                   "Resource": "*", "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT,
                                                                   "kms:ViaService": f"ec2.{REGION}.amazonaws.com"}}}
    anyone = {"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": ["kms:Decrypt", "kms:DescribeKey"],
              "Resource": "*"}
    for alias, statements in (("orders-key", [root, via_account]), ("shared-key", [root, anyone])):
        key = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}),
                             Tags=[{"TagKey": "Environment", "TagValue": "prod"}])["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=key)


def arrange(boto):
    arrange_buckets(boto)
    arrange_tables(boto)
    arrange_file_systems(boto)
    arrange_keys(boto)


@pytest.fixture(scope="module")
def findings():
    return findings_of_arranged(arrange, SERVICES, REGION)


CASES = [  # check, bad resource, its clean twin (by name)
    ("s3-bucket-policy-public", "uploads", "orders-data"),
    ("s3-bucket-tls-not-enforced", "uploads", "orders-data"),
    ("s3-bucket-acls-enabled", "uploads", "orders-data"),
    ("s3-bucket-versioning-off", "uploads", "orders-data"),
    ("s3-bucket-no-lifecycle", "uploads", "orders-data"),
    ("s3-noncurrent-versions-kept-forever", "access-logs", "orders-data"),
    ("s3-bucket-access-logging-off", "uploads", "orders-data"),
    ("s3-production-bucket-without-copy", "uploads", "orders-data"),
    ("dynamodb-provisioned-without-autoscaling", "sessions", "ledger"),
    ("dynamodb-table-performance-unwatched", "sessions", "ledger"),
    ("efs-not-encrypted", "scratch", "shared"),
    ("efs-tls-not-enforced", "scratch", "shared"),
    ("efs-policy-public", "scratch", "shared"),
    ("efs-backups-off", "scratch", "shared"),
    ("efs-single-az", "scratch", "shared"),
    ("efs-no-lifecycle-policy", "scratch", "shared"),
    ("efs-provisioned-throughput", "scratch", "shared"),
    ("kms-key-policy-public", "alias/shared-key", "alias/orders-key"),
]


@pytest.mark.parametrize(("check_id", "bad", "good"), CASES, ids=[c[0] for c in CASES])
def test_fires_on_the_bad_resource_and_not_on_its_clean_twin(findings, check_id, bad, good):
    assert findings[(check_id, bad)].status == "FAIL", findings[(check_id, bad)].evidence
    assert findings[(check_id, good)].status == "PASS", findings[(check_id, good)].evidence


def test_every_new_check_has_a_case():
    # Encryption, PITR, Block Public Access and key rotation moved here from data_stores.py; test_data_checks.py has them.
    earlier = {"dynamodb-pitr-disabled", "dynamodb-table-encryption", "kms-key-rotation-disabled",
               "s3-bucket-default-encryption", "s3-public-access-block-off"}
    ours = checks_in("s3_buckets", "dynamodb_tables", "efs", "kms_keys") - earlier
    assert ours == {c[0] for c in CASES}


def test_evidence_names_what_is_wrong(findings):
    assert "s3:GetObject" in findings[("s3-bucket-policy-public", "uploads")].evidence
    assert "writes of the table (5)" in findings[("dynamodb-provisioned-without-autoscaling", "sessions")].evidence
    assert "kms:Decrypt" in findings[("kms-key-policy-public", "alias/shared-key")].evidence
    assert "64 MiB/s" in findings[("efs-provisioned-throughput", "scratch")].evidence


def test_on_demand_tables_pass_and_a_scalable_target_without_policy_is_fixed(findings):
    assert findings[("dynamodb-provisioned-without-autoscaling", "orders")].status == "PASS"
    # sessions' reads have a target but no policy: nothing scales them either.
    assert "reads of the table (5)" in findings[("dynamodb-provisioned-without-autoscaling", "sessions")].evidence


def test_production_judgements_spare_other_environments(findings):
    assert findings[("s3-bucket-versioning-off", "scratch-dev")].status == "PASS"
    assert ("s3-production-bucket-without-copy", "scratch-dev") not in findings
    assert findings[("efs-single-az", "build-cache")].status == "PASS"  # One Zone, in dev
    assert findings[("s3-bucket-policy-public", "uploads")].risk == "HIGH"
    assert findings[("s3-bucket-versioning-off", "uploads")].risk == "MEDIUM"


def test_a_log_target_bucket_is_not_asked_to_log_itself(findings):
    assert ("s3-bucket-access-logging-off", "access-logs") not in findings


def test_a_public_policy_neutralised_by_block_public_access_is_a_low_risk_finding():
    from moto import mock_aws

    with mock_aws():
        boto = boto3.Session(region_name=REGION)
        arrange_buckets(boto)
        boto.client("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True})
        estate = collect_account(open_session(region=REGION), [REGION], services=["s3", "s3-account"])
    [finding] = [f for f in evaluate(estate) if f.check_id == "s3-bucket-policy-public"
                 and f.resource["name"] == "uploads"]
    assert finding.status == "FAIL" and finding.risk == "LOW" and "RestrictPublicBuckets" in finding.evidence


def test_failed_detail_reads_are_not_assessed_never_passed(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["GetBucketPolicy", "GetBucketVersioning", "GetBucketLogging", "GetKeyPolicy",
                              "DescribeFileSystemPolicy", "DescribeLifecycleConfiguration"])
    estate = collect_account(aws, [REGION], services=SERVICES)
    found = {(f.check_id, f.resource["name"]): f.status for f in evaluate(estate)}
    for check_id in ("s3-bucket-policy-public", "s3-bucket-tls-not-enforced", "s3-bucket-versioning-off",
                     "s3-bucket-access-logging-off"):
        assert found[(check_id, "uploads")] == found[(check_id, "orders-data")] == "NOT_ASSESSED", check_id
    assert found[("kms-key-policy-public", "alias/shared-key")] == "NOT_ASSESSED"
    for check_id in ("efs-tls-not-enforced", "efs-policy-public", "efs-no-lifecycle-policy"):
        assert found[(check_id, "scratch")] == found[(check_id, "shared")] == "NOT_ASSESSED", check_id
    assert found[("s3-bucket-acls-enabled", "uploads")] == "FAIL"  # read by a call that was not denied


def test_a_denied_autoscaling_read_leaves_provisioned_tables_not_assessed(aws, boto):
    arrange_tables(boto)
    deny(aws.session.events, ["DescribeScalableTargets"])
    estate = collect_account(aws, [REGION], services=["dynamodb", "application-autoscaling"])
    found = {(f.check_id, f.resource["name"]): f.status for f in evaluate(estate)}
    assert found[("dynamodb-provisioned-without-autoscaling", "sessions")] == "NOT_ASSESSED"
    assert found[("dynamodb-provisioned-without-autoscaling", "ledger")] == "NOT_ASSESSED"


# -- the collectors -------------------------------------------------------------------------------------------------
def test_s3_reads_bucket_settings_and_never_an_object(aws, boto):
    arrange_buckets(boto)
    estate = collect_account(aws, [REGION], services=["s3"])
    orders = estate.get("orders-data", type="AWS::S3::Bucket")
    assert orders.config["Policy"]["Statement"][0]["Sid"] == "TlsOnly"  # parsed, not a string
    assert orders.config["Versioning"]["Status"] == "Enabled"
    assert orders.config["LifecycleRules"][0]["ID"] == "age-out"
    assert orders.config["LoggingEnabled"]["TargetBucket"] == "access-logs"
    assert orders.config["OwnershipControls"]["Rules"][0]["ObjectOwnership"] == "BucketOwnerEnforced"
    scratch = estate.get("scratch-dev", type="AWS::S3::Bucket")
    # Never configured: kept as none, not as an unreadable setting.
    assert scratch.config["Policy"] is None and scratch.config["Versioning"] is None
    assert scratch.config["LifecycleRules"] is None and "_errors" not in scratch.config
    assert not any(op.startswith(("GetObject", "ListObject")) and op != "GetObjectLockConfiguration"
                   for _, op in all_collectors()["s3"].operations)


def test_intelligent_tiering_counts_as_a_lifecycle():
    """moto has no ListBucketIntelligentTieringConfigurations: botocore's Stubber answers the bucket's calls with AWS's
    documented shapes (an Intelligent-Tiering archive configuration, no lifecycle rules)."""
    s3 = boto3.Session(region_name=REGION, aws_access_key_id="stub", aws_secret_access_key="stub").client("s3")
    absent = {"get_bucket_encryption": "ServerSideEncryptionConfigurationNotFoundError",
              "get_public_access_block": "NoSuchPublicAccessBlockConfiguration", "get_bucket_tagging": "NoSuchTagSet",
              "get_bucket_replication": "ReplicationConfigurationNotFoundError",
              "get_bucket_policy": "NoSuchBucketPolicy",
              "get_bucket_ownership_controls": "OwnershipControlsNotFoundError"}
    with Stubber(s3) as stub:
        stub.add_response("list_buckets", {"Buckets": [{"Name": "archive"}]})
        stub.add_response("get_bucket_location", {"LocationConstraint": REGION})
        for call in ("get_bucket_encryption", "get_public_access_block", "get_bucket_tagging",
                     "get_bucket_replication", "get_bucket_policy", "get_bucket_ownership_controls"):
            stub.add_client_error(call, absent[call], http_status_code=404)
        stub.add_response("get_bucket_versioning", {})
        stub.add_client_error("get_bucket_lifecycle_configuration", "NoSuchLifecycleConfiguration",
                              http_status_code=404)
        stub.add_response("list_bucket_intelligent_tiering_configurations", {"IsTruncated": False,
            "IntelligentTieringConfigurationList": [{"Id": "archive-after-90", "Status": "Enabled", "Tierings": [
                {"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]}]})
        stub.add_response("get_bucket_logging", {})
        stub.add_client_error("get_object_lock_configuration", "ObjectLockConfigurationNotFoundError",
                              http_status_code=404)
        ctx = CollectContext(account=ACCOUNT, region=REGION, partition="aws", client_factory=lambda *_: s3)
        [bucket] = list(all_collectors()["s3"].collect(ctx))
    [result] = list(s3_bucket_no_lifecycle(Estate([bucket])))
    assert result.status == "PASS" and "archive-after-90" in result.evidence


def test_efs_reads_each_file_systems_settings_with_exactly_the_declared_calls(aws, boto):
    arrange_file_systems(boto)
    estate = None

    def read():
        nonlocal estate
        estate = collect_account(aws, [REGION], services=["efs"])

    called = Recorder(aws.session).during(read)
    assert called == set(all_collectors()["efs"].operations)
    shared = next(fs for fs in estate.of_type("AWS::EFS::FileSystem") if fs.name == "shared")
    assert shared.tags["Environment"] == "prod" and shared.arn.startswith("arn:aws:elasticfilesystem:")
    assert shared.config["BackupPolicy"] == {"Status": "ENABLED"}
    assert shared.config["LifecyclePolicies"] == [{"TransitionToIA": "AFTER_30_DAYS"}]
    assert len(shared.config["MountTargets"]) == 2
    assert shared.config["FileSystemPolicy"]["Statement"][0]["Effect"] == "Deny"  # parsed, not a string
    scratch = next(fs for fs in estate.of_type("AWS::EFS::FileSystem") if fs.name == "scratch")
    # No backup policy is "none configured" (PolicyNotFound), not an unreadable setting.
    assert scratch.config["BackupPolicy"] is None and "_errors" not in scratch.config


def test_kms_reads_the_key_policy_of_customer_managed_keys(aws, boto):
    arrange_keys(boto)
    estate = collect_account(aws, [REGION], services=["kms"])
    shared = next(k for k in estate.of_type("AWS::KMS::Key") if k.name == "alias/shared-key")
    assert [s["Sid"] for s in shared.config["KeyPolicy"]["Statement"]] == ["Root", "Anyone"]
