"""Workload protection: an account whose production lives in one Region with no copy elsewhere FAILs; a cross-Region
read replica, backup copy action, bucket replication or global table PASSes; missing coverage is NOT_ASSESSED."""

from __future__ import annotations

import boto3
from botocore.stub import Stubber

from wafr.checks.registry import all_checks
from wafr.estate import Coverage, Estate
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.registry import all_collectors

from aws_shapes import bucket_settings_never_set

REGION, DR_REGION, ACCOUNT = "us-east-1", "us-west-2", "123456789012"
CHECK = "workload-single-region"
SERVICES = ["rds", "dynamodb", "elasticache", "backup", "ecs", "elbv2", "s3"]


def database(boto, name, *, env="prod"):
    boto.client("rds").create_db_instance(
        DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres", MasterUsername="u",
        MasterUserPassword="password123", AllocatedStorage=20, Tags=[{"Key": "Environment", "Value": env}])
    return boto.client("rds").describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0]["DBInstanceArn"]


def judged(aws, services=SERVICES, regions=(REGION,)):
    """The account-level finding of the check, after collecting ``services`` (by default in the home Region only)."""
    estate = collect_account(aws, list(regions), services=services)
    return only(evaluate(estate, {CHECK: all_checks()[CHECK]}))


def only(findings):
    [found] = findings
    assert found.resource["type"] == "AWS::::Account"
    return found


def test_single_region_production_fails_naming_the_region_and_the_stores(aws, boto):
    database(boto, "orders-db")
    database(boto, "scratch-db", env="dev")
    found = judged(aws)
    assert found.status == "FAIL" and found.risk == "MEDIUM" and found.pillar == "reliability"
    assert found.focus_area == "Workload protection" and found.best_practices == ["REL10-BP01", "REL13-BP02"]
    assert found.evidence.startswith("only us-east-1 was scanned;")
    assert "RDS orders-db" in found.evidence and "scratch-db" not in found.evidence


def test_with_several_regions_scanned_the_evidence_says_where_production_is(aws, boto):
    database(boto, "orders-db")
    database(boto3.Session(region_name=DR_REGION), "scratch-db", env="dev")
    found = judged(aws, regions=[REGION, DR_REGION])
    assert found.status == "FAIL"
    assert found.evidence.startswith("of the 2 Regions scanned (us-east-1, us-west-2) production is only in us-east-1;")


def test_production_in_two_regions_passes(aws, boto):
    database(boto, "orders-db")
    database(boto3.Session(region_name=DR_REGION), "orders-db-west")
    found = judged(aws, regions=[REGION, DR_REGION])
    assert found.status == "PASS" and found.evidence == "Production runs in 2 Regions: us-east-1, us-west-2."


def test_cross_region_read_replica_passes(aws, boto):
    source = database(boto, "orders-db")
    boto3.Session(region_name=DR_REGION).client("rds").create_db_instance_read_replica(
        DBInstanceIdentifier="orders-db-dr", SourceDBInstanceIdentifier=source, DBInstanceClass="db.t3.micro")
    found = judged(aws)  # only the source Region is scanned: the replica shows on the source
    assert found.status == "PASS"
    assert found.evidence == ("RDS orders-db has a read replica in us-west-2 "
                              "(arn:aws:rds:us-west-2:123456789012:db:orders-db-dr)")


def test_backup_copy_action_to_another_region_passes(aws, boto):
    """moto has no ListBackupSelections, so the plan's reach is unknown and the evidence says so."""
    database(boto, "orders-db")
    backup = boto.client("backup")
    backup.create_backup_vault(BackupVaultName="primary")
    backup.create_backup_plan(BackupPlan={"BackupPlanName": "daily", "Rules": [{
        "RuleName": "daily", "TargetBackupVaultName": "primary",
        "CopyActions": [{"DestinationBackupVaultArn": f"arn:aws:backup:{DR_REGION}:123456789012:backup-vault:dr"}]}]})
    found = judged(aws)
    assert found.status == "PASS"
    assert found.evidence.startswith("AWS Backup plan daily copies its recovery points to dr in us-west-2")


def test_backup_copy_within_the_region_does_not_count(aws, boto):
    database(boto, "orders-db")
    backup = boto.client("backup")
    backup.create_backup_vault(BackupVaultName="primary")
    backup.create_backup_plan(BackupPlan={"BackupPlanName": "daily", "Rules": [{
        "RuleName": "daily", "TargetBackupVaultName": "primary",
        "CopyActions": [{"DestinationBackupVaultArn": f"arn:aws:backup:{REGION}:123456789012:backup-vault:other"}]}]})
    assert judged(aws).status == "FAIL"


def test_bucket_replication_is_collected_and_a_copy_to_another_region_passes(aws, boto):
    s3, remote = boto.client("s3"), boto3.Session(region_name=DR_REGION).client("s3")
    s3.create_bucket(Bucket="exports-prod")
    remote.create_bucket(Bucket="exports-prod-dr", CreateBucketConfiguration={"LocationConstraint": DR_REGION})
    for client, bucket in ((s3, "exports-prod"), (remote, "exports-prod-dr")):
        client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket="exports-prod", ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/replication", "Rules": [{
            "ID": "dr", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
            "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::exports-prod-dr"}}]})
    estate = collect_account(aws, [REGION], services=SERVICES)
    bucket = estate.get("exports-prod", "AWS::S3::Bucket")
    assert bucket.config["ReplicationConfiguration"]["Rules"][0]["Destination"]["Bucket"] == "arn:aws:s3:::exports-prod-dr"
    assert estate.get("exports-prod-dr", "AWS::S3::Bucket").config["ReplicationConfiguration"] is None
    found = only(evaluate(estate, {CHECK: all_checks()[CHECK]}))
    assert found.status == "PASS"
    assert found.evidence == "S3 bucket exports-prod replicates to exports-prod-dr in us-west-2"


def stubbed(service, arrange):
    """The estate ``service``'s collector reads from a Stubber that ``arrange`` fills, every service assessed."""
    client = boto3.Session(region_name=REGION, aws_access_key_id="stub", aws_secret_access_key="stub").client(service)
    with Stubber(client) as stub:
        arrange(stub)
        ctx = CollectContext(account=ACCOUNT, region=REGION, partition="aws",
                             client_factory=lambda name, region: client)
        resources = list(all_collectors()[service].collect(ctx))
    coverage = [Coverage(ACCOUNT, REGION, s, "assessed") for s in SERVICES if s != "s3"]
    return Estate(resources=resources, coverage=coverage + [Coverage(ACCOUNT, "global", "s3", "assessed")])


def test_global_table_replica_passes():
    """moto does not show DynamoDB global-table replicas, so describe_table is stubbed in AWS's documented shape."""
    def arrange(stub):
        stub.add_response("list_tables", {"TableNames": ["ledger-prod"]})
        stub.add_response("describe_table", {"Table": {
            "TableName": "ledger-prod", "TableArn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/ledger-prod",
            "TableStatus": "ACTIVE", "GlobalTableVersion": "2019.11.21",
            "Replicas": [{"RegionName": "eu-west-1", "ReplicaStatus": "ACTIVE"}]}})
        stub.add_response("describe_continuous_backups", {"ContinuousBackupsDescription": {
            "ContinuousBackupsStatus": "ENABLED"}})
        stub.add_response("list_tags_of_resource", {"Tags": []})

    found = only(evaluate(stubbed("dynamodb", arrange), {CHECK: all_checks()[CHECK]}))
    assert found.status == "PASS"
    assert found.evidence == "DynamoDB ledger-prod is a global table with replicas in eu-west-1"


def test_unreadable_bucket_replication_is_not_assessed():
    """A denied GetBucketReplication (Stubber, AWS's error shape): the bucket's copies cannot be told."""
    def arrange(stub):
        stub.add_response("list_buckets", {"Buckets": [{"Name": "exports-prod"}]})
        stub.add_response("get_bucket_location", {})  # us-east-1: no constraint
        stub.add_response("get_bucket_encryption", {"ServerSideEncryptionConfiguration": {"Rules": []}})
        stub.add_client_error("get_public_access_block", "NoSuchPublicAccessBlockConfiguration", http_status_code=404)
        stub.add_client_error("get_bucket_tagging", "NoSuchTagSet", http_status_code=404)
        stub.add_client_error("get_bucket_replication", "AccessDenied", http_status_code=403)
        bucket_settings_never_set(stub)

    found = only(evaluate(stubbed("s3", arrange), {CHECK: all_checks()[CHECK]}))
    assert found.status == "NOT_ASSESSED"
    assert found.evidence == "S3 bucket exports-prod: GetBucketReplication failed (AccessDenied)"


def test_missing_rds_coverage_is_not_assessed(aws, boto):
    database(boto, "orders-db")
    found = judged(aws, [s for s in SERVICES if s != "rds"])
    assert found.status == "NOT_ASSESSED"
    assert found.evidence == "rds was not collected in 123456789012/us-east-1"


def test_account_with_only_development_stays_quiet(aws, boto):
    database(boto, "scratch-db", env="dev")
    estate = collect_account(aws, [REGION], services=SERVICES)
    assert evaluate(estate, {CHECK: all_checks()[CHECK]}) == []
