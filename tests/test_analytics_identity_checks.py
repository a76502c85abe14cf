"""Checks on Kinesis Data Streams, Data Firehose, OpenSearch Service, Redshift and Cognito user pools: each FAILs on
the bad resource and PASSes on its clean twin, both arranged in moto and read by the real collectors; a read that
failed gives NOT_ASSESSED, never a pass. Where moto lacks a field (Redshift's MultiAZ) or an API (changing a Redshift
parameter group), botocore's Stubber answers in AWS's documented shape, as the test says."""

from __future__ import annotations

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
SERVICES = ["kinesis", "firehose", "opensearch", "redshift", "cognito-idp", "cloudwatch"]
PAGER = f"arn:aws:sns:{REGION}:{ACCOUNT}:pager"
PROD = [{"Key": "Environment", "Value": "prod"}]
ROLE = f"arn:aws:iam::{ACCOUNT}:role/delivery"
S3 = {"RoleARN": ROLE, "BucketARN": "arn:aws:s3:::landing"}
OPEN_POLICY = json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "es:*",
                                        "Resource": f"arn:aws:es:{REGION}:{ACCOUNT}:domain/*"}]})


def arrange_streams(boto):
    kinesis = boto.client("kinesis")
    kinesis.create_stream(StreamName="clicks", ShardCount=2)  # provisioned, unencrypted, 24 h, no shard metrics
    kinesis.create_stream(StreamName="orders", ShardCount=1)
    kinesis.start_stream_encryption(StreamName="orders", EncryptionType="KMS", KeyId="alias/aws/kinesis")
    kinesis.increase_stream_retention_period(StreamName="orders", RetentionPeriodHours=168)
    kinesis.enable_enhanced_monitoring(StreamName="orders",
                                       ShardLevelMetrics=["IncomingBytes", "IteratorAgeMilliseconds"])
    kinesis.create_stream(StreamName="events", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    for name in ("clicks", "orders", "events"):
        kinesis.add_tags_to_stream(StreamName=name, Tags={"Environment": "prod"})

    firehose = boto.client("firehose")
    for name in ("direct-plain", "direct-sealed"):
        firehose.create_delivery_stream(DeliveryStreamName=name, DeliveryStreamType="DirectPut",
                                        ExtendedS3DestinationConfiguration=S3, Tags=PROD)
    firehose.start_delivery_stream_encryption(DeliveryStreamName="direct-sealed",
                                              DeliveryStreamEncryptionConfigurationInput={"KeyType": "AWS_OWNED_CMK"})
    for name, source in (("from-clicks", "clicks"), ("from-orders", "orders")):
        arn = kinesis.describe_stream_summary(StreamName=source)["StreamDescriptionSummary"]["StreamARN"]
        firehose.create_delivery_stream(
            DeliveryStreamName=name, DeliveryStreamType="KinesisStreamAsSource", Tags=PROD,
            KinesisStreamSourceConfiguration={"KinesisStreamARN": arn, "RoleARN": ROLE},
            ExtendedS3DestinationConfiguration=S3)


def arrange_search(boto):
    opensearch = boto.client("opensearch")
    logs = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/opensearch/catalog"
    opensearch.create_domain(
        DomainName="catalog", EngineVersion="OpenSearch_2.11", TagList=PROD,
        ClusterConfig={"InstanceType": "r6g.large.search", "InstanceCount": 6, "ZoneAwarenessEnabled": True,
                       "ZoneAwarenessConfig": {"AvailabilityZoneCount": 3}, "DedicatedMasterEnabled": True,
                       "DedicatedMasterType": "m6g.large.search", "DedicatedMasterCount": 3},
        EncryptionAtRestOptions={"Enabled": True}, NodeToNodeEncryptionOptions={"Enabled": True},
        DomainEndpointOptions={"EnforceHTTPS": True, "TLSSecurityPolicy": "Policy-Min-TLS-1-2-PFS-2023-10"},
        VPCOptions={"SubnetIds": ["subnet-0a1b2c3d"], "SecurityGroupIds": ["sg-0a1b2c3d"]},
        LogPublishingOptions={log: {"CloudWatchLogsLogGroupArn": logs, "Enabled": True}
                              for log in ("AUDIT_LOGS", "SEARCH_SLOW_LOGS", "ES_APPLICATION_LOGS")})
    opensearch.create_domain(DomainName="scratch-search", TagList=PROD, AccessPolicies=OPEN_POLICY,
                             ClusterConfig={"InstanceType": "t3.small.search", "InstanceCount": 1})
    opensearch.create_domain(DomainName="dev-search", TagList=[{"Key": "Environment", "Value": "dev"}],
                             ClusterConfig={"InstanceType": "t3.small.search", "InstanceCount": 1})
    # Public, yet TLS-only with an old policy, fine-grained access control and a policy open to anyone.
    opensearch.create_domain(DomainName="legacy-search", TagList=PROD, AccessPolicies=OPEN_POLICY,
                             DomainEndpointOptions={"EnforceHTTPS": True,
                                                    "TLSSecurityPolicy": "Policy-Min-TLS-1-0-2019-07"},
                             AdvancedSecurityOptions={"Enabled": True, "InternalUserDatabaseEnabled": True},
                             ClusterConfig={"InstanceType": "r6g.large.search", "InstanceCount": 2,
                                            "DedicatedMasterEnabled": True, "DedicatedMasterCount": 2,
                                            "DedicatedMasterType": "m5.large.search"})


def arrange_warehouse(boto):
    redshift = boto.client("redshift")
    common = {"MasterUsername": "admin", "MasterUserPassword": "Example-Passw0rd", "Tags": PROD}
    redshift.create_cluster(ClusterIdentifier="warehouse", NodeType="ra3.xlplus", ClusterType="multi-node",
                            NumberOfNodes=2, Encrypted=True, PubliclyAccessible=False, EnhancedVpcRouting=True,
                            AutomatedSnapshotRetentionPeriod=7, **common)
    redshift.enable_logging(ClusterIdentifier="warehouse", LogDestinationType="cloudwatch",
                            LogExports=["connectionlog", "userlog", "useractivitylog"])
    redshift.create_cluster(ClusterIdentifier="scratch", NodeType="dc2.large", ClusterType="single-node",
                            PubliclyAccessible=True, AutomatedSnapshotRetentionPeriod=1, AllowVersionUpgrade=False,
                            **common)


def arrange_user_pools(boto):
    cognito = boto.client("cognito-idp")
    cognito.create_user_pool(PoolName="customers", MfaConfiguration="ON", DeletionProtection="ACTIVE",
                             UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"}, UserPoolTags={"Environment": "prod"},
                             Policies={"PasswordPolicy": {"MinimumLength": 12}})
    cognito.create_user_pool(PoolName="partners", UserPoolTags={"Environment": "prod"},
                             Policies={"PasswordPolicy": {"MinimumLength": 6, "RequireSymbols": False}})
    cognito.create_user_pool(PoolName="staff", MfaConfiguration="OPTIONAL", UserPoolTags={"Environment": "prod"},
                             UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})


def arrange_alarms(boto):
    """A paging alarm on the orders stream's consumer lag and on the catalog domain's health; the clicks stream's
    lag alarm only scales something, which tells nobody."""
    cloudwatch = boto.client("cloudwatch")
    common = {"EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
              "Period": 60, "Statistic": "Maximum"}
    cloudwatch.put_metric_alarm(AlarmName="orders-lag", Namespace="AWS/Kinesis",
                                MetricName="GetRecords.IteratorAgeMilliseconds", AlarmActions=[PAGER],
                                Dimensions=[{"Name": "StreamName", "Value": "orders"}], **common)
    cloudwatch.put_metric_alarm(AlarmName="clicks-lag", Namespace="AWS/Kinesis",
                                MetricName="GetRecords.IteratorAgeMilliseconds", AlarmActions=[
                                    f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:scalingPolicy:p"],
                                Dimensions=[{"Name": "StreamName", "Value": "clicks"}], **common)
    cloudwatch.put_metric_alarm(AlarmName="catalog-red", Namespace="AWS/ES", MetricName="ClusterStatus.red",
                                AlarmActions=[PAGER], Dimensions=[{"Name": "DomainName", "Value": "catalog"},
                                                                  {"Name": "ClientId", "Value": ACCOUNT}], **common)


def arrange(boto):
    arrange_alarms(boto)
    arrange_streams(boto)
    arrange_search(boto)
    arrange_warehouse(boto)
    arrange_user_pools(boto)


@pytest.fixture(scope="module")
def findings():
    return findings_of_arranged(arrange, SERVICES, REGION)


CASES = [  # check, bad resource, its clean twin (by name)
    ("kinesis-stream-not-encrypted", "clicks", "orders"),
    ("kinesis-stream-retention-short", "clicks", "orders"),
    ("kinesis-stream-capacity-fixed", "clicks", "events"),
    ("kinesis-shard-metrics-off", "clicks", "orders"),
    ("kinesis-stream-without-lag-alarm", "clicks", "orders"),
    ("firehose-not-encrypted", "direct-plain", "direct-sealed"),
    ("firehose-not-encrypted", "from-clicks", "from-orders"),
    ("opensearch-not-encrypted-at-rest", "scratch-search", "catalog"),
    ("opensearch-node-to-node-encryption-off", "scratch-search", "catalog"),
    ("opensearch-https-not-enforced", "scratch-search", "catalog"),
    ("opensearch-https-not-enforced", "legacy-search", "catalog"),
    ("opensearch-domain-public", "scratch-search", "catalog"),
    ("opensearch-zone-awareness-off", "scratch-search", "catalog"),
    ("opensearch-no-dedicated-masters", "scratch-search", "catalog"),
    ("opensearch-no-dedicated-masters", "legacy-search", "catalog"),
    ("opensearch-audit-logs-off", "scratch-search", "catalog"),
    ("opensearch-slow-logs-off", "scratch-search", "catalog"),
    ("opensearch-not-graviton", "scratch-search", "catalog"),
    ("opensearch-not-graviton", "legacy-search", "catalog"),
    ("opensearch-without-health-alarm", "scratch-search", "catalog"),
    ("opensearch-error-logs-off", "scratch-search", "catalog"),
    ("redshift-not-encrypted", "scratch", "warehouse"),
    ("redshift-publicly-accessible", "scratch", "warehouse"),
    ("redshift-enhanced-vpc-routing-off", "scratch", "warehouse"),
    ("redshift-audit-logging-off", "scratch", "warehouse"),
    ("redshift-snapshot-retention-short", "scratch", "warehouse"),
    ("redshift-version-upgrade-off", "scratch", "warehouse"),
    ("cognito-mfa-off", "partners", "customers"),
    ("cognito-password-policy-weak", "partners", "customers"),
    ("cognito-threat-protection-off", "partners", "customers"),
    ("cognito-deletion-protection-off", "partners", "customers"),
]
# Checks whose clean twin moto cannot arrange: tested with a Stubber below.
STUBBED = {"redshift-single-az", "redshift-ssl-not-required", "redshift-admin-password-unmanaged",
           "opensearch-auto-tune-off"}


@pytest.mark.parametrize(("check_id", "bad", "good"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_fires_on_the_bad_resource_and_not_on_its_clean_twin(findings, check_id, bad, good):
    assert findings[(check_id, bad)].status == "FAIL", findings[(check_id, bad)].evidence
    assert findings[(check_id, good)].status == "PASS", findings[(check_id, good)].evidence


def test_every_new_check_has_a_case():
    ours = checks_in("streams", "search", "warehouse", "user_pools")
    assert ours == {c[0] for c in CASES} | STUBBED


def test_risk_follows_what_the_evidence_shows(findings):
    assert findings[("opensearch-domain-public", "scratch-search")].risk == "HIGH"
    # Fine-grained access control still asks for a sign-in: public, but a step less exposed.
    assert findings[("opensearch-domain-public", "legacy-search")].status == "FAIL"
    assert findings[("opensearch-domain-public", "legacy-search")].risk == "MEDIUM"
    assert findings[("cognito-mfa-off", "partners")].risk == "HIGH"  # OFF, in production
    assert findings[("cognito-mfa-off", "staff")].status == "FAIL"
    assert findings[("cognito-mfa-off", "staff")].risk == "LOW"  # OPTIONAL: users may enrol
    assert findings[("cognito-threat-protection-off", "staff")].risk == "LOW"  # AUDIT: recorded, not blocked


def test_evidence_names_what_is_wrong(findings):
    assert "Policy-Min-TLS-1-0-2019-07" in findings[("opensearch-https-not-enforced", "legacy-search")].evidence
    assert "t3.small.search" in findings[("opensearch-not-graviton", "scratch-search")].evidence
    assert "m5.large.search" in findings[("opensearch-not-graviton", "legacy-search")].evidence  # the masters too
    assert "2 dedicated master" in findings[("opensearch-no-dedicated-masters", "legacy-search")].evidence
    assert "a minimum length of 6" in findings[("cognito-password-policy-weak", "partners")].evidence
    assert "clicks" in findings[("firehose-not-encrypted", "from-clicks")].evidence
    assert "24 h" in findings[("kinesis-stream-retention-short", "clicks")].evidence


def test_availability_is_owed_to_production(findings):
    assert findings[("opensearch-zone-awareness-off", "dev-search")].status == "PASS"
    assert findings[("opensearch-no-dedicated-masters", "dev-search")].status == "PASS"
    assert "dev" in findings[("opensearch-zone-awareness-off", "dev-search")].evidence


def test_on_demand_streams_are_not_asked_for_shard_metrics(findings):
    assert ("kinesis-shard-metrics-off", "events") not in findings


def test_failed_detail_reads_are_not_assessed_never_passed(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["DescribeStreamSummary", "DescribeDeliveryStream", "DescribeDomain",
                              "DescribeLoggingStatus", "DescribeClusterParameters", "DescribeUserPool"])
    estate = collect_account(aws, [REGION], services=SERVICES)
    found = {(f.check_id, f.resource["name"] or f.resource["id"]): f.status for f in evaluate(estate)}
    for check_id, bad, good in CASES:
        from_listing = check_id.startswith(("redshift-", "kinesis-stream-capacity")) or check_id.endswith("-alarm")
        if from_listing and check_id != "redshift-audit-logging-off":
            continue  # read from the listing (and the alarms), which succeeded
        assert found[(check_id, bad)] == found[(check_id, good)] == "NOT_ASSESSED", check_id
    assert found[("redshift-ssl-not-required", "warehouse")] == "NOT_ASSESSED"
    assert found[("redshift-not-encrypted", "scratch")] == "FAIL"  # from DescribeClusters, which succeeded


def test_a_delivery_stream_fed_by_an_unread_stream_is_not_assessed(aws, boto):
    """Firehose does not encrypt what a Kinesis stream feeds it: the verdict rests on the source stream's read."""
    arrange_streams(boto)
    deny(aws.session.events, ["DescribeStreamSummary"])
    found = {f.resource["name"]: f for f in evaluate(collect_account(aws, [REGION], services=["kinesis", "firehose"]))
             if f.check_id == "firehose-not-encrypted"}
    assert found["from-orders"].status == found["from-clicks"].status == "NOT_ASSESSED"
    assert "orders" in found["from-orders"].evidence
    assert found["direct-plain"].status == "FAIL" and found["direct-sealed"].status == "PASS"


def test_a_denied_service_leaves_its_checks_not_assessed(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["ListUserPools"])
    estate = collect_account(aws, [REGION], services=SERVICES)
    statuses = {f.status for f in evaluate(estate) if f.check_id.startswith("cognito-")}
    assert statuses == {"NOT_ASSESSED"}


def stubbed_redshift(clusters, parameters):
    """Reads Redshift through a Stubber: moto's DescribeClusters has no MultiAZ field and moto cannot change a
    parameter group, so the answers below follow AWS's documented DescribeClusters, DescribeLoggingStatus,
    DescribeClusterParameterGroups and DescribeClusterParameters shapes."""
    client = boto3.Session(region_name=REGION, aws_access_key_id="stub", aws_secret_access_key="stub").client(
        "redshift")
    with Stubber(client) as stub:
        stub.add_response("describe_clusters", {"Clusters": clusters})
        for cluster in clusters:
            stub.add_response("describe_logging_status", {"LoggingEnabled": True, "LogDestinationType": "cloudwatch",
                                                          "LogExports": ["connectionlog"]},
                              {"ClusterIdentifier": cluster["ClusterIdentifier"]})
        stub.add_response("describe_cluster_parameter_groups", {"ParameterGroups": [
            {"ParameterGroupName": name, "ParameterGroupFamily": "redshift-1.0", "Description": name, "Tags": []}
            for name in parameters]})
        for name, values in parameters.items():
            stub.add_response("describe_cluster_parameters", {"Parameters": [
                {"ParameterName": k, "ParameterValue": v, "Source": "user", "DataType": "boolean",
                 "ApplyType": "static", "IsModifiable": True} for k, v in values.items()]},
                {"ParameterGroupName": name, "Source": "user"})
        ctx = CollectContext(account=ACCOUNT, region=REGION, partition="aws", client_factory=lambda s, r: client)
        resources = list(all_collectors()["redshift"].collect(ctx))
        stub.assert_no_pending_responses()
    ours = {c: all_checks()[c] for c in STUBBED if c.startswith("redshift-")}
    return {(f.check_id, f.resource["id"]): f for f in evaluate(Estate(resources=resources), ours)}


SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:redshift!warehouse-admin-AbCdEf"


def cluster(name, group, **extra):
    return {"ClusterIdentifier": name, "NodeType": "ra3.xlplus", "ClusterStatus": "available", "Encrypted": True,
            "AvailabilityZone": "us-east-1a", "ClusterParameterGroups": [
                {"ParameterGroupName": group, "ParameterApplyStatus": "in-sync"}], "Tags": PROD} | extra


def test_redshift_multi_az_and_require_ssl_from_the_documented_shapes():
    found = stubbed_redshift(
        [cluster("warehouse", "tls-only", MultiAZ="Enabled", MasterPasswordSecretArn=SECRET),
         cluster("scratch", "default.redshift-1.0", MultiAZ="Disabled"),
         cluster("unknown-zones", "missing"),
         cluster("dev-warehouse", "tls-only", MultiAZ="Disabled", Tags=[{"Key": "Environment", "Value": "dev"}])],
        {"tls-only": {"require_ssl": "true"}, "default.redshift-1.0": {}})
    assert found[("redshift-single-az", "warehouse")].status == "PASS"
    assert found[("redshift-single-az", "scratch")].status == "FAIL"
    assert "us-east-1a" in found[("redshift-single-az", "scratch")].evidence
    assert found[("redshift-single-az", "unknown-zones")].status == "NOT_ASSESSED"  # no MultiAZ field: unknown
    assert found[("redshift-single-az", "dev-warehouse")].status == "PASS"  # Multi-AZ is owed to production
    assert found[("redshift-ssl-not-required", "warehouse")].status == "PASS"
    # The default group sets nothing away from the engine's defaults, and require_ssl's default is false.
    assert found[("redshift-ssl-not-required", "scratch")].status == "FAIL"
    assert found[("redshift-ssl-not-required", "unknown-zones")].status == "NOT_ASSESSED"  # its group was not read
    assert found[("redshift-admin-password-unmanaged", "warehouse")].status == "PASS"
    assert found[("redshift-admin-password-unmanaged", "scratch")].status == "FAIL"


def test_moto_clusters_without_multi_az_are_not_assessed_never_passed(findings):
    assert findings[("redshift-single-az", "warehouse")].status == "NOT_ASSESSED"


def test_auto_tune_from_the_documented_shape():
    """moto reports every domain's Auto-Tune as enabled, so a Stubber answers with AWS's documented ListDomainNames,
    DescribeDomain (DomainStatus.AutoTuneOptions.State) and ListTags shapes."""
    client = boto3.Session(region_name=REGION, aws_access_key_id="stub", aws_secret_access_key="stub").client(
        "opensearch")
    domains = {"tuned": ("r6g.large.search", "ENABLED"), "untuned": ("r6g.large.search", "DISABLED"),
               "burstable": ("t3.medium.search", "DISABLED")}
    with Stubber(client) as stub:
        stub.add_response("list_domain_names", {"DomainNames": [{"DomainName": d, "EngineType": "OpenSearch"}
                                                               for d in domains]})
        for name, (instance, state) in domains.items():
            arn = f"arn:aws:es:{REGION}:{ACCOUNT}:domain/{name}"
            stub.add_response("describe_domain", {"DomainStatus": {
                "DomainId": f"{ACCOUNT}/{name}", "DomainName": name, "ARN": arn, "ClusterConfig": {
                    "InstanceType": instance, "InstanceCount": 3}, "AutoTuneOptions": {"State": state}}},
                {"DomainName": name})
            stub.add_response("list_tags", {"TagList": PROD}, {"ARN": arn})
        ctx = CollectContext(account=ACCOUNT, region=REGION, partition="aws", client_factory=lambda s, r: client)
        resources = list(all_collectors()["opensearch"].collect(ctx))
    auto_tune = {"opensearch-auto-tune-off": all_checks()["opensearch-auto-tune-off"]}
    found = {f.resource["id"]: f for f in evaluate(Estate(resources=resources), auto_tune)}
    assert found["untuned"].status == "FAIL" and "DISABLED" in found["untuned"].evidence
    assert found["tuned"].status == "PASS"
    assert "burstable" not in found  # t2/t3 instances cannot run Auto-Tune
