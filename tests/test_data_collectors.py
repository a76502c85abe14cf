"""Data-store collectors (rds, elasticache, dynamodb, s3, s3-account, kms, backup) read what was arranged in moto.

One estate is arranged and collected once per module (each collector on its own, with its API calls recorded), so
the file stays fast; AWS shapes moto cannot produce are answered by botocore's Stubber."""

from __future__ import annotations

import threading

import boto3
import pytest
from botocore.stub import Stubber

from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.policy import iam_action
from wafr.sources.aws.registry import all_collectors
from wafr.sources.aws.session import open_session

from aws_shapes import bucket_settings_never_set

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
OURS = ["rds", "elasticache", "dynamodb", "s3", "s3-account", "kms", "backup"]
BLOCK_ALL = {k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")}


def arrange(boto):
    """One of each data store the collectors read, with the detail their extra calls return."""
    ec2 = boto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{i}.0/24",
                                 AvailabilityZone=f"{REGION}{zone}")["Subnet"]["SubnetId"]
               for i, zone in ((1, "a"), (2, "b"))]
    sg = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    rds = boto.client("rds")
    rds.create_db_subnet_group(DBSubnetGroupName="dbs", DBSubnetGroupDescription="dbs", SubnetIds=subnets)
    rds.create_db_instance(DBInstanceIdentifier="orders-db", DBInstanceClass="db.t3.micro", Engine="postgres",
                           MasterUsername="u", MasterUserPassword="password123", AllocatedStorage=20,
                           DBSubnetGroupName="dbs", VpcSecurityGroupIds=[sg], StorageEncrypted=True,
                           BackupRetentionPeriod=9, DeletionProtection=True, PubliclyAccessible=False,
                           Tags=[{"Key": "Environment", "Value": "prod"}])
    rds.create_db_cluster(DBClusterIdentifier="ledger", Engine="aurora-postgresql", MasterUsername="u",
                          MasterUserPassword="password123", StorageEncrypted=True, BackupRetentionPeriod=3)
    elasticache = boto.client("elasticache")
    elasticache.create_cache_subnet_group(CacheSubnetGroupName="cache", CacheSubnetGroupDescription="c",
                                          SubnetIds=subnets)
    elasticache.create_replication_group(
        ReplicationGroupId="sessions", ReplicationGroupDescription="s", Engine="redis", CacheNodeType="cache.t3.micro",
        NumCacheClusters=2, AutomaticFailoverEnabled=True, MultiAZEnabled=True, AtRestEncryptionEnabled=True,
        TransitEncryptionEnabled=True, CacheSubnetGroupName="cache", SecurityGroupIds=[sg],
        Tags=[{"Key": "Environment", "Value": "prod"}])
    elasticache.create_cache_cluster(CacheClusterId="lookup", Engine="memcached", CacheNodeType="cache.t3.micro",
                                     NumCacheNodes=2, CacheSubnetGroupName="cache",
                                     Tags=[{"Key": "Team", "Value": "x"}])
    dynamodb = boto.client("dynamodb")
    dynamodb.create_table(TableName="orders", BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], DeletionProtectionEnabled=True,
                          Tags=[{"Key": "Environment", "Value": "prod"}])
    dynamodb.update_continuous_backups(TableName="orders",
                                       PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    boto.client("s3").create_bucket(Bucket="plain-bucket-us")
    eu = boto.client("s3", region_name="eu-west-1")
    eu.create_bucket(Bucket="locked-bucket-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    eu.put_bucket_encryption(Bucket="locked-bucket-eu", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    eu.put_public_access_block(Bucket="locked-bucket-eu", PublicAccessBlockConfiguration=BLOCK_ALL)
    eu.put_bucket_tagging(Bucket="locked-bucket-eu", Tagging={"TagSet": [{"Key": "Environment", "Value": "prod"}]})
    kms = boto.client("kms")
    key = kms.create_key(Description="orders", Tags=[{"TagKey": "Environment", "TagValue": "prod"}])["KeyMetadata"]
    kms.enable_key_rotation(KeyId=key["KeyId"])
    kms.create_alias(AliasName="alias/orders", TargetKeyId=key["KeyId"])
    signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    # moto creates the AWS managed key behind alias/aws/s3 on first use, reporting KeyManager=CUSTOMER.
    aws_managed = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["KeyId"]
    backup = boto.client("backup")
    backup.create_backup_vault(BackupVaultName="primary")
    plan = backup.create_backup_plan(BackupPlan={"BackupPlanName": "daily", "Rules": [{
        "RuleName": "daily", "TargetBackupVaultName": "primary", "ScheduleExpression": "cron(0 5 ? * * *)",
        "Lifecycle": {"DeleteAfterDays": 35}}]})
    return {"vpc": vpc, "subnets": subnets, "sg": sg, "key": key["KeyId"], "signing_key": signing["KeyId"],
            "aws_managed_key": aws_managed, "plan": plan["BackupPlanId"]}


@pytest.fixture(scope="module")
def collected():
    """Each data collector run on its own over the arranged estate, with the IAM actions of the calls it made.
    moto is left before the tests run, so it never shares state with tests that arrange their own."""
    from moto import mock_aws

    with mock_aws():
        ids = arrange(boto3.Session(region_name=REGION))
        aws = open_session(region=REGION)
        seen, lock = set(), threading.Lock()

        def record(model=None, **_):
            with lock:
                seen.add(iam_action(model.service_model.service_name, model.service_model.signing_name, model.name))

        aws.session.events.register("before-parameter-build.*.*", record)
        estates, calls = {}, {}
        for name in OURS:
            seen.clear()
            estates[name] = collect_account(aws, [REGION], services=[name])
            calls[name] = set(seen)
    return {"ids": ids, "estates": estates, "calls": calls}


def one(collected, service, resource_type, resource_id):
    found = collected["estates"][service].get(resource_id, resource_type)
    assert found is not None, f"{resource_type} {resource_id} not collected"
    return found


def stubbed_context(client):
    """A collector context whose every client is ``client`` (stubbed by the caller; no AWS, no moto)."""
    return CollectContext(account=ACCOUNT, region=REGION, partition="aws", client_factory=lambda service, region: client)


def stubbed_client(service):
    return boto3.Session(region_name=REGION, aws_access_key_id="stub", aws_secret_access_key="stub").client(service)


# -- rds -----------------------------------------------------------------------------------------------------------
def test_rds_instance_and_cluster_carry_what_the_checks_read(collected):
    ids = collected["ids"]
    db = one(collected, "rds", "AWS::RDS::DBInstance", "orders-db")
    assert db.tags == {"Environment": "prod"}
    assert db.links["vpc"] == [ids["vpc"]] and db.links["security_groups"] == [ids["sg"]]
    assert sorted(db.links["subnets"]) == sorted(ids["subnets"])
    assert {k: db.config[k] for k in ("StorageEncrypted", "BackupRetentionPeriod", "DeletionProtection")} == {
        "StorageEncrypted": True, "BackupRetentionPeriod": 9, "DeletionProtection": True}
    cluster = one(collected, "rds", "AWS::RDS::DBCluster", "ledger")
    assert cluster.config["BackupRetentionPeriod"] == 3 and cluster.arn.endswith(":cluster:ledger")


# -- elasticache ---------------------------------------------------------------------------------------------------
def test_elasticache_groups_and_standalone_clusters_are_collected_with_tags_and_vpc(collected):
    ids = collected["ids"]
    group = one(collected, "elasticache", "AWS::ElastiCache::ReplicationGroup", "sessions")
    assert group.tags == {"Environment": "prod"} and group.arn.endswith(":replicationgroup:sessions")
    assert group.config["AutomaticFailover"] == "enabled" and group.config["AtRestEncryptionEnabled"] is True
    lookup = one(collected, "elasticache", "AWS::ElastiCache::CacheCluster", "lookup")
    assert lookup.tags == {"Team": "x"} and lookup.config["NumCacheNodes"] == 2
    assert lookup.links["vpc"] == [ids["vpc"]] and sorted(lookup.links["subnets"]) == sorted(ids["subnets"])


def test_replication_group_takes_security_groups_and_vpc_from_its_member_clusters():
    """moto neither lists a group's member clusters nor returns SecurityGroups, so botocore's Stubber answers
    with AWS's documented DescribeCacheClusters / DescribeReplicationGroups shapes; one tag read is denied."""
    elasticache = stubbed_client("elasticache")
    arn = f"arn:aws:elasticache:{REGION}:{ACCOUNT}"
    members = [{"CacheClusterId": f"prod-redis-00{i}", "ReplicationGroupId": "prod-redis", "Engine": "redis",
                "CacheSubnetGroupName": "cache", "ARN": f"{arn}:cluster:prod-redis-00{i}",
                "SecurityGroups": [{"SecurityGroupId": sg, "Status": "active"}]}
               for i, sg in ((1, "sg-app"), (2, "sg-redis"))]
    with Stubber(elasticache) as stub:
        stub.add_response("describe_cache_subnet_groups", {"CacheSubnetGroups": [
            {"CacheSubnetGroupName": "cache", "VpcId": "vpc-1", "Subnets": [{"SubnetIdentifier": "subnet-1"}]}]})
        stub.add_response("describe_cache_clusters", {"CacheClusters": members})
        stub.add_response("list_tags_for_resource", {"TagList": []})
        stub.add_client_error("list_tags_for_resource", "AccessDenied", http_status_code=403)
        stub.add_response("describe_replication_groups", {"ReplicationGroups": [
            {"ReplicationGroupId": "prod-redis", "MemberClusters": ["prod-redis-001", "prod-redis-002"],
             "AutomaticFailover": "enabled", "ARN": f"{arn}:replicationgroup:prod-redis"}]})
        stub.add_response("list_tags_for_resource", {"TagList": [{"Key": "Environment", "Value": "prod"}]})
        ctx = stubbed_context(elasticache)
        resources = {r.id: r for r in all_collectors()["elasticache"].collect(ctx)}
    group = resources["prod-redis"]
    assert group.tags == {"Environment": "prod"}
    assert group.links == {"vpc": ["vpc-1"], "subnets": ["subnet-1"], "security_groups": ["sg-app", "sg-redis"]}
    assert resources["prod-redis-001"].links["cluster"] == ["prod-redis"]
    assert resources["prod-redis-002"].config["_errors"] == {"ListTagsForResource": "AccessDenied"}
    assert ctx.notes == ["list_tags_for_resource: AccessDenied for 1 cache resource(s)"]


# -- dynamodb ------------------------------------------------------------------------------------------------------
def test_dynamodb_table_with_continuous_backups_and_tags(collected):
    table = one(collected, "dynamodb", "AWS::DynamoDB::Table", "orders")
    assert table.tags == {"Environment": "prod"} and table.arn.endswith(":table/orders")
    assert table.config["DeletionProtectionEnabled"] is True
    pitr = table.config["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"
    assert "_errors" not in table.config


# -- s3 ------------------------------------------------------------------------------------------------------------
def test_buckets_are_read_once_globally_and_placed_in_their_own_region(collected):
    estate = collected["estates"]["s3"]
    assert estate.coverage_of(ACCOUNT, "global", "s3").status == "assessed"
    plain = one(collected, "s3", "AWS::S3::Bucket", "plain-bucket-us")
    assert plain.region == "us-east-1" and plain.tags == {} and plain.arn == "arn:aws:s3:::plain-bucket-us"
    # moto leaves new buckets without default encryption: recorded as none, not as an unreadable setting.
    assert plain.config["ServerSideEncryptionConfiguration"] is None
    assert plain.config["PublicAccessBlockConfiguration"] is None and "_errors" not in plain.config
    locked = one(collected, "s3", "AWS::S3::Bucket", "locked-bucket-eu")
    assert locked.region == "eu-west-1" and locked.tags == {"Environment": "prod"}
    assert locked.config["PublicAccessBlockConfiguration"] == BLOCK_ALL
    assert locked.config["ServerSideEncryptionConfiguration"]["Rules"][0][
        "ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


def test_unreadable_bucket_detail_is_recorded_not_dropped():
    """A denied GetBucketEncryption (Stubber, AWS's error shape) leaves the bucket with ``_errors``."""
    s3 = stubbed_client("s3")
    with Stubber(s3) as stub:
        stub.add_response("list_buckets", {"Buckets": [{"Name": "audit-logs"}]})
        stub.add_response("get_bucket_location", {"LocationConstraint": "EU"})
        stub.add_client_error("get_bucket_encryption", "AccessDenied", http_status_code=403)
        stub.add_response("get_public_access_block", {"PublicAccessBlockConfiguration": BLOCK_ALL})
        stub.add_client_error("get_bucket_tagging", "NoSuchTagSet", http_status_code=404)
        stub.add_client_error("get_bucket_replication", "ReplicationConfigurationNotFoundError", http_status_code=404)
        bucket_settings_never_set(stub)
        ctx = stubbed_context(s3)
        [bucket] = list(all_collectors()["s3"].collect(ctx))
    assert bucket.region == "eu-west-1"  # the legacy "EU" location
    assert bucket.config["_errors"] == {"GetBucketEncryption": "AccessDenied"}
    assert "ServerSideEncryptionConfiguration" not in bucket.config and bucket.tags == {}
    assert ctx.notes == ["GetBucketEncryption: AccessDenied for 1 bucket(s)"]


def test_account_public_access_block_is_its_own_collector(collected, aws, boto):
    setting = one(collected, "s3-account", "AWS::S3::AccountPublicAccessBlock", ACCOUNT)
    assert setting.config == {"PublicAccessBlockConfiguration": None} and setting.region == "global"
    boto.client("s3control").put_public_access_block(AccountId=aws.account, PublicAccessBlockConfiguration=BLOCK_ALL)
    setting = collect_account(aws, [REGION], services=["s3-account"]).get(aws.account,
                                                                          "AWS::S3::AccountPublicAccessBlock")
    assert setting.config["PublicAccessBlockConfiguration"] == BLOCK_ALL


# -- kms -----------------------------------------------------------------------------------------------------------
def test_customer_keys_are_collected_and_aws_managed_keys_skipped(collected):
    ids = collected["ids"]
    orders = one(collected, "kms", "AWS::KMS::Key", ids["key"])
    assert orders.name == "alias/orders" and orders.tags == {"Environment": "prod"}
    assert orders.config["KeyRotationEnabled"] is True and orders.config["Aliases"] == ["alias/orders"]
    signing = one(collected, "kms", "AWS::KMS::Key", ids["signing_key"])
    assert "KeyRotationEnabled" not in signing.config  # asymmetric keys cannot rotate automatically
    assert collected["estates"]["kms"].get(ids["aws_managed_key"], "AWS::KMS::Key") is None


# -- backup --------------------------------------------------------------------------------------------------------
def test_backup_plans_and_vaults_with_unreadable_selections_noted(collected):
    daily = one(collected, "backup", "AWS::Backup::BackupPlan", collected["ids"]["plan"])
    assert daily.name == "daily" and daily.config["BackupPlan"]["Rules"][0]["Lifecycle"] == {"DeleteAfterDays": 35}
    # moto has no ListBackupSelections: the plan is kept, and says why its coverage is unknown.
    assert daily.config["_errors"] == {"ListBackupSelections": "NotImplemented"}
    assert "BackupSelections" not in daily.config
    coverage = collected["estates"]["backup"].coverage_of(ACCOUNT, REGION, "backup")
    assert coverage.status == "assessed" and "ListBackupSelections" in coverage.detail
    assert one(collected, "backup", "AWS::Backup::BackupVault", "primary").arn.endswith(":backup-vault:primary")


def test_backup_selections_are_read_per_plan():
    """moto lacks ListBackupSelections/GetBackupSelection, so botocore's Stubber answers with AWS's documented
    shapes."""
    backup = stubbed_client("backup")
    plan_id = "11111111-2222-3333-4444-555555555555"
    selection = {"SelectionName": "prod-databases", "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/backup",
                 "Resources": ["arn:aws:rds:*:*:db:*"], "ListOfTags": [
                     {"ConditionType": "STRINGEQUALS", "ConditionKey": "Environment", "ConditionValue": "prod"}]}
    with Stubber(backup) as stub:
        stub.add_response("list_backup_plans", {"BackupPlansList": [
            {"BackupPlanId": plan_id, "BackupPlanName": "daily",
             "BackupPlanArn": f"arn:aws:backup:{REGION}:{ACCOUNT}:backup-plan:{plan_id}"}]})
        stub.add_response("get_backup_plan", {"BackupPlan": {"BackupPlanName": "daily", "Rules": []}})
        stub.add_response("list_backup_selections", {"BackupSelectionsList": [
            {"SelectionId": "sel-1", "SelectionName": "prod-databases", "BackupPlanId": plan_id}]})
        stub.add_response("get_backup_selection", {"BackupSelection": selection, "SelectionId": "sel-1",
                                                   "BackupPlanId": plan_id})
        stub.add_response("list_backup_vaults", {"BackupVaultList": []})
        ctx = stubbed_context(backup)
        [plan] = list(all_collectors()["backup"].collect(ctx))
    assert plan.config["BackupSelections"] == [selection] and "_errors" not in plan.config and ctx.notes == []


# -- declared permissions ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", OURS)
def test_collector_declares_every_call_it_makes(collected, name):
    collector = all_collectors()[name]
    region = "global" if collector.global_service else REGION
    assert collected["estates"][name].coverage_of(ACCOUNT, region, name).status == "assessed"
    calls = collected["calls"][name]
    assert calls and calls <= set(collector.permissions), calls - set(collector.permissions)
