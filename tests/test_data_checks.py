"""Data-store checks on estates arranged in moto: each FAILs on the bad resource and PASSes (or stays quiet) on the
good one; account-wide backup coverage is NOT_ASSESSED where it cannot be told.

Most checks are judged on one estate arranged once per module (bad and good resources side by side), so the
file stays fast; cases that need another account shape arrange their own."""

from __future__ import annotations

import copy

import boto3
import pytest
from botocore.stub import Stubber

from wafr.estate import Coverage
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.registry import all_collectors
from wafr.sources.aws.session import open_session

REGION = "us-east-1"
DATA_SERVICES = ["rds", "elasticache", "dynamodb", "efs", "s3", "s3-account", "kms", "backup"]
BLOCK_ALL = {k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")}


def collect(aws, *services):
    return collect_account(aws, [REGION], services=list(services))


def judge(estate):
    return {(f.check_id, f.resource["id"]): f for f in evaluate(estate)}


def database(boto, name, *, env="prod", **settings):
    boto.client("rds").create_db_instance(**{
        "DBInstanceIdentifier": name, "DBInstanceClass": "db.t3.micro", "Engine": "postgres", "MasterUsername": "u",
        "MasterUserPassword": "password123", "AllocatedStorage": 20, "Tags": [{"Key": "Environment", "Value": env}],
        **settings})


def aurora(boto, name, zones):
    rds = boto.client("rds")
    rds.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-postgresql", MasterUsername="u",
                          MasterUserPassword="password123", StorageEncrypted=True, BackupRetentionPeriod=14,
                          DeletionProtection=True)
    for i, zone in enumerate(zones):
        rds.create_db_instance(DBInstanceIdentifier=f"{name}-{i}", DBClusterIdentifier=name, Engine="aurora-postgresql",
                               DBInstanceClass="db.r6g.large", AvailabilityZone=f"{REGION}{zone}")


def table(boto, name, *, env="prod", pitr=False, **settings):
    dynamodb = boto.client("dynamodb")
    dynamodb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                          Tags=[{"Key": "Environment", "Value": env}], **settings)
    if pitr:
        dynamodb.update_continuous_backups(TableName=name,
                                           PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})


def redis(boto, name, *, nodes=1, failover=False, encrypted=False, env="prod"):
    boto.client("elasticache").create_replication_group(
        ReplicationGroupId=name, ReplicationGroupDescription=name, Engine="redis", CacheNodeType="cache.t3.micro",
        NumCacheClusters=nodes, AutomaticFailoverEnabled=failover, MultiAZEnabled=failover,
        AtRestEncryptionEnabled=encrypted, TransitEncryptionEnabled=encrypted,
        Tags=[{"Key": "Environment", "Value": env}])


def customer_key(boto, alias, *, rotation=True):
    kms = boto.client("kms")
    key = kms.create_key(Description=alias)["KeyMetadata"]
    if rotation:
        kms.enable_key_rotation(KeyId=key["KeyId"])
    kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=key["KeyId"])
    return key


def arrange(boto):
    """Bad and good data stores side by side; returns the KMS key ids by alias."""
    keys = {alias: customer_key(boto, alias, rotation=alias != "stale")["KeyId"] for alias in ("orders-data", "stale")}
    orders_key = f"arn:aws:kms:{REGION}:123456789012:key/{keys['orders-data']}"
    database(boto, "plain-db", PubliclyAccessible=True, BackupRetentionPeriod=9, DeletionProtection=False)
    database(boto, "sealed-db", StorageEncrypted=True, KmsKeyId=orders_key, PubliclyAccessible=False, MultiAZ=True,
             BackupRetentionPeriod=30, DeletionProtection=True)
    database(boto, "scratch-db", env="dev", BackupRetentionPeriod=1, DeletionProtection=False)
    database(boto, "nobackup-db", env="dev", BackupRetentionPeriod=0)
    aurora(boto, "prod-solo", ["a"])
    aurora(boto, "prod-pair", ["a", "b"])
    redis(boto, "open-cache")
    redis(boto, "dev-redis", env="dev")
    redis(boto, "sealed-cache", nodes=2, failover=True, encrypted=True)
    elasticache = boto.client("elasticache")
    elasticache.create_cache_cluster(CacheClusterId="prod-lone-redis", Engine="redis", CacheNodeType="cache.t3.micro",
                                     NumCacheNodes=1)
    elasticache.create_cache_cluster(CacheClusterId="lookup", Engine="memcached", CacheNodeType="cache.t3.micro",
                                     NumCacheNodes=2)
    table(boto, "default-table", DeletionProtectionEnabled=False)
    table(boto, "aws-managed-table", pitr=True, SSESpecification={"Enabled": True})
    table(boto, "cmk-table", pitr=True, DeletionProtectionEnabled=True,
          SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": orders_key})
    s3 = boto.client("s3")
    s3.create_bucket(Bucket="raw-exports-prod")
    s3.create_bucket(Bucket="sealed-exports-prod")
    s3.put_bucket_encryption(Bucket="sealed-exports-prod", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_public_access_block(Bucket="sealed-exports-prod", PublicAccessBlockConfiguration=BLOCK_ALL)
    return keys


@pytest.fixture(scope="module")
def reviewed():
    """The arranged estate, collected by every data collector and judged once. moto is left before the tests
    run: an active mock would share its state with the tests that arrange their own."""
    from moto import mock_aws

    with mock_aws():
        keys = arrange(boto3.Session(region_name=REGION))
        aws = open_session(region=REGION)
        estate = collect(aws, *DATA_SERVICES)
    return {"account": aws.account, "keys": keys, "estate": estate, "findings": judge(estate)}


def finding(reviewed, check_id, resource_id):
    return reviewed["findings"][(check_id, resource_id)]


# -- encryption at rest --------------------------------------------------------------------------------------------
def test_unencrypted_rds_fails_and_encrypted_names_its_customer_key(reviewed):
    bad = finding(reviewed, "rds-storage-not-encrypted", "plain-db")
    assert bad.status == "FAIL" and bad.risk == "HIGH" and bad.best_practices == ["SEC08-BP02"]
    assert bad.evidence.startswith("StorageEncrypted is false")
    good = finding(reviewed, "rds-storage-not-encrypted", "sealed-db")
    assert good.status == "PASS" and "customer managed key alias/orders-data" in good.evidence
    assert finding(reviewed, "rds-storage-not-encrypted", "prod-pair").status == "PASS"  # the cluster, not members
    assert ("rds-storage-not-encrypted", "prod-pair-0") not in reviewed["findings"]


def test_elasticache_at_rest_and_in_transit_encryption(reviewed):
    at_rest, in_transit = "elasticache-at-rest-not-encrypted", "elasticache-in-transit-not-encrypted"
    bad = finding(reviewed, at_rest, "open-cache")
    assert bad.status == "FAIL" and bad.risk == "HIGH" and bad.best_practices == ["SEC08-BP02"]
    assert finding(reviewed, at_rest, "sealed-cache").status == "PASS"
    plain_text = finding(reviewed, in_transit, "open-cache")
    assert plain_text.status == "FAIL" and plain_text.risk == "MEDIUM" and plain_text.best_practices == ["SEC09-BP02"]
    assert finding(reviewed, in_transit, "sealed-cache").status == "PASS"


def test_standalone_cache_cluster_without_encryption_flags_is_not_assessed(reviewed):
    # moto's DescribeCacheClusters omits AtRestEncryptionEnabled/TransitEncryptionEnabled; AWS returns both.
    assert finding(reviewed, "elasticache-at-rest-not-encrypted", "lookup").status == "NOT_ASSESSED"
    assert finding(reviewed, "elasticache-in-transit-not-encrypted", "lookup").status == "NOT_ASSESSED"


def test_dynamodb_encryption_always_passes_and_names_the_kind_of_key(reviewed):
    results = {name: finding(reviewed, "dynamodb-table-encryption", name)
               for name in ("default-table", "aws-managed-table", "cmk-table")}
    assert {f.status for f in results.values()} == {"PASS"}
    assert "an AWS owned key" in results["default-table"].evidence
    assert "the AWS managed key" in results["aws-managed-table"].evidence
    assert "customer managed key alias/orders-data" in results["cmk-table"].evidence


def test_bucket_without_default_encryption_fails(reviewed):
    bad = finding(reviewed, "s3-bucket-default-encryption", "raw-exports-prod")
    assert bad.status == "FAIL" and bad.risk == "HIGH" and bad.environment == "prod"
    good = finding(reviewed, "s3-bucket-default-encryption", "sealed-exports-prod")
    assert good.status == "PASS" and "SSE-S3" in good.evidence


def test_customer_key_without_rotation_fails(reviewed):
    bad = finding(reviewed, "kms-key-rotation-disabled", reviewed["keys"]["stale"])
    assert bad.status == "FAIL" and bad.risk == "MEDIUM" and bad.best_practices == ["SEC08-BP01"]
    assert bad.resource["name"] == "alias/stale"
    assert finding(reviewed, "kms-key-rotation-disabled", reviewed["keys"]["orders-data"]).status == "PASS"


# -- exposure and access -------------------------------------------------------------------------------------------
def test_publicly_accessible_database_fails(reviewed):
    bad = finding(reviewed, "rds-publicly-accessible", "plain-db")
    assert bad.status == "FAIL" and bad.risk == "HIGH" and bad.best_practices == ["SEC05-BP01", "SEC05-BP02"]
    assert finding(reviewed, "rds-publicly-accessible", "sealed-db").status == "PASS"


def test_deletion_protection_off_fails_only_in_production(reviewed):
    check = "database-deletion-protection-off"
    bad = finding(reviewed, check, "plain-db")
    assert bad.status == "FAIL" and bad.risk == "MEDIUM" and bad.best_practices == ["SEC08-BP04"]
    assert finding(reviewed, check, "default-table").status == "FAIL"
    assert finding(reviewed, check, "scratch-db").status == "PASS"  # dev
    assert finding(reviewed, check, "sealed-db").status == "PASS"
    assert finding(reviewed, check, "cmk-table").status == "PASS"
    assert finding(reviewed, check, "prod-solo").status == "PASS"


def test_public_access_block_missing_on_bucket_and_account_fails(reviewed):
    account = finding(reviewed, "s3-public-access-block-off", reviewed["account"])
    assert account.status == "FAIL" and "no account-level configuration" in account.evidence
    assert account.resource["type"] == "AWS::S3::AccountPublicAccessBlock"
    bucket = finding(reviewed, "s3-public-access-block-off", "raw-exports-prod")
    assert bucket.status == "FAIL" and bucket.best_practices == ["SEC08-BP04", "SEC03-BP07"]
    assert finding(reviewed, "s3-public-access-block-off", "sealed-exports-prod").status == "PASS"


def test_account_level_block_covers_every_bucket(aws, boto):
    boto.client("s3").create_bucket(Bucket="open-bucket-prod")
    boto.client("s3control").put_public_access_block(AccountId=aws.account, PublicAccessBlockConfiguration=BLOCK_ALL)
    findings = judge(collect(aws, "s3", "s3-account"))
    assert findings[("s3-public-access-block-off", aws.account)].status == "PASS"
    assert findings[("s3-public-access-block-off", "open-bucket-prod")].status == "PASS"


def test_bucket_block_is_not_assessed_when_the_account_setting_was_not_read(aws, boto):
    boto.client("s3").create_bucket(Bucket="open-bucket-prod")
    unknown = judge(collect(aws, "s3"))[("s3-public-access-block-off", "open-bucket-prod")]
    assert unknown.status == "NOT_ASSESSED" and "s3-account" in unknown.evidence


# -- service availability ------------------------------------------------------------------------------------------
def test_rds_single_az_fires_on_prod_and_passes_multi_az(aws, boto):
    rds = boto.client("rds")
    for name, multi_az in (("prod-db", False), ("prod-ha-db", True)):
        rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
                               MasterUsername="u", MasterUserPassword="password123", AllocatedStorage=20,
                               MultiAZ=multi_az)
    estate = collect_account(aws, ["us-east-1"], services=["rds"])
    findings = {(f.check_id, f.resource["id"]): f for f in evaluate(estate)}
    bad = findings[("rds-instance-single-az", "prod-db")]
    assert bad.status == "FAIL" and bad.risk == "HIGH" and bad.environment == "prod"
    assert findings[("rds-instance-single-az", "prod-ha-db")].status == "PASS"
    assert estate.coverage_of(aws.account, "us-east-1", "rds").status == "assessed"


def test_aurora_cluster_without_replica_in_another_zone_fails(reviewed):
    bad = finding(reviewed, "rds-cluster-single-az", "prod-solo")
    assert bad.status == "FAIL" and bad.best_practices == ["REL10-BP01", "REL11-BP02"]
    assert finding(reviewed, "rds-cluster-single-az", "prod-pair").status == "PASS"
    assert ("rds-instance-single-az", "prod-solo-0") not in reviewed["findings"]  # judged through its cluster


def test_single_node_production_redis_fails_and_a_failover_group_passes(reviewed):
    check = "elasticache-redis-without-failover"
    bad = finding(reviewed, check, "open-cache")
    assert bad.status == "FAIL" and bad.risk == "HIGH" and bad.best_practices == ["REL10-BP01", "REL11-BP02"]
    assert "single node" in bad.evidence
    dev = finding(reviewed, check, "dev-redis")
    assert dev.status == "FAIL" and dev.risk == "LOW"
    assert finding(reviewed, check, "prod-lone-redis").status == "FAIL"
    assert finding(reviewed, check, "sealed-cache").status == "PASS"
    assert (check, "lookup") not in reviewed["findings"]  # Memcached has no failover to judge


# -- disaster recovery ---------------------------------------------------------------------------------------------
def test_short_or_disabled_rds_backup_retention_fails(reviewed):
    check = "rds-backup-retention-short"
    short = finding(reviewed, check, "plain-db")
    assert short.status == "FAIL" and short.risk == "HIGH" and short.best_practices == ["REL09-BP03"]
    assert short.evidence == "BackupRetentionPeriod is 9 days (< 14 for prod)."
    disabled = finding(reviewed, check, "nobackup-db")
    assert disabled.status == "FAIL" and disabled.risk == "HIGH"  # no backups is high risk anywhere
    assert finding(reviewed, check, "sealed-db").status == "PASS"
    assert finding(reviewed, check, "scratch-db").status == "PASS"  # a day is enough for dev
    assert finding(reviewed, check, "prod-pair").status == "PASS"


def test_table_without_point_in_time_recovery_fails(reviewed):
    bad = finding(reviewed, "dynamodb-pitr-disabled", "default-table")
    assert bad.status == "FAIL" and bad.risk == "HIGH" and bad.best_practices == ["REL09-BP03"]
    assert finding(reviewed, "dynamodb-pitr-disabled", "cmk-table").status == "PASS"


def test_no_backup_plan_fails_on_the_account_naming_native_backups(reviewed):
    result = finding(reviewed, "no-backup-plan-for-data-stores", reviewed["account"])
    assert result.status == "FAIL" and result.risk == "HIGH"
    assert result.resource["type"] == "AWS::::Account" and result.best_practices == ["REL09-BP03", "REL09-BP01"]
    assert result.evidence.startswith(f"No AWS Backup plan exists in {REGION}; only native backups protect RDS "
                                      "plain-db (9 days), RDS sealed-db (30 days)")
    # Long lists are cut after six stores.
    assert "DynamoDB aws-managed-table (point-in-time recovery, 35 days) and 1 more;" in result.evidence
    assert result.evidence.endswith("nothing backs up RDS nobackup-db, DynamoDB default-table.")


def test_backup_plan_with_unreadable_selections_is_not_assessed(aws, boto):
    database(boto, "orders-db")
    boto.client("backup").create_backup_plan(BackupPlan={"BackupPlanName": "daily", "Rules": [
        {"RuleName": "daily", "TargetBackupVaultName": "Default"}]})
    result = judge(collect(aws, "rds", "efs", "backup"))[("no-backup-plan-for-data-stores", aws.account)]
    assert result.status == "NOT_ASSESSED"
    assert "daily" in result.evidence and "ListBackupSelections: NotImplemented" in result.evidence


def test_backup_coverage_not_read_is_not_assessed_and_no_stores_is_quiet(aws, boto):
    assert ("no-backup-plan-for-data-stores", aws.account) not in judge(collect(aws, "rds", "dynamodb", "efs", "backup"))
    database(boto, "orders-db")
    result = judge(collect(aws, "rds"))[("no-backup-plan-for-data-stores", aws.account)]
    assert result.status == "NOT_ASSESSED" and "backup was not collected" in result.evidence


@pytest.fixture(scope="module")
def two_stores():
    """A prod database and a prod table (with PITR) in moto, collected once without AWS Backup."""
    from moto import mock_aws

    with mock_aws():
        boto = boto3.Session(region_name=REGION)
        database(boto, "orders-db")
        table(boto, "ledger", pitr=True)
        aws = open_session(region=REGION)
        estate = collect(aws, "rds", "dynamodb", "efs")
    return aws.account, estate


@pytest.mark.parametrize("selection,uncovered", [
    ({"Resources": ["arn:aws:rds:*:*:db:*"]}, ["DynamoDB ledger"]),
    ({"Resources": ["*"], "NotResources": ["arn:aws:dynamodb:*:*:table/ledger"]}, ["DynamoDB ledger"]),
    ({"Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/Environment", "ConditionValue": "prod"}]}},
     []),
    ({"ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}]},
     ["RDS orders-db", "DynamoDB ledger"]),
])
def test_backup_selections_decide_which_stores_are_covered(two_stores, selection, uncovered):
    """moto lacks ListBackupSelections/GetBackupSelection, so the backup collector is answered by botocore's
    Stubber with AWS's documented shapes; the database and table come from moto."""
    account, collected = two_stores
    estate = with_backup_plan(copy.deepcopy(collected), account, selection)
    result = judge(estate)[("no-backup-plan-for-data-stores", account)]
    if uncovered:
        assert result.status == "FAIL"
        assert result.evidence.startswith(f"No AWS Backup plan selects {len(uncovered)} data store(s)")
        assert all(store in result.evidence for store in uncovered)
    else:
        assert result.status == "PASS" and result.evidence == "Every data store (2) is selected by an AWS Backup plan."


def test_unread_file_systems_keep_backup_coverage_from_passing(two_stores):
    """Every database and table is selected, but EFS was denied: a file system nobody saw may be unprotected."""
    account, collected = two_stores
    estate = with_backup_plan(copy.deepcopy(collected), account, {"Resources": ["*"]})
    estate.record(Coverage(account, REGION, "efs", "denied", "AccessDeniedException: not authorized"))
    result = judge(estate)[("no-backup-plan-for-data-stores", account)]
    assert result.status == "NOT_ASSESSED" and "efs was denied" in result.evidence


def with_backup_plan(estate, account, selection):
    """The estate with one AWS Backup plan whose selection is ``selection``: moto lacks ListBackupSelections and
    GetBackupSelection, so the backup collector is answered by botocore's Stubber with AWS's documented shapes."""
    backup = boto3.Session(region_name=REGION).client("backup")
    plan_id = "11111111-2222-3333-4444-555555555555"
    with Stubber(backup) as stub:
        stub.add_response("list_backup_plans", {"BackupPlansList": [
            {"BackupPlanId": plan_id, "BackupPlanName": "daily"}]})
        stub.add_response("get_backup_plan", {"BackupPlan": {"BackupPlanName": "daily", "Rules": []}})
        stub.add_response("list_backup_selections", {"BackupSelectionsList": [{"SelectionId": "s1"}]})
        stub.add_response("get_backup_selection", {"BackupSelection": {
            "SelectionName": "all", "IamRoleArn": f"arn:aws:iam::{account}:role/backup", **selection}})
        stub.add_response("list_backup_vaults", {"BackupVaultList": []})
        ctx = CollectContext(account=account, region=REGION, partition="aws",
                             client_factory=lambda service, region: backup)
        estate.extend(all_collectors()["backup"].collect(ctx))
    estate.record(Coverage(account, REGION, "backup", "assessed"))
    return estate
