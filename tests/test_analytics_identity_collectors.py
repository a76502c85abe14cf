"""The Kinesis, Firehose, OpenSearch, Redshift and Cognito user-pool collectors, read from an estate arranged in moto:
each calls exactly what it declares, carries what the checks read, and keeps credentials and free text that a
delivery stream's destination or a user pool's settings hold out of the estate."""

from __future__ import annotations

import json
import warnings

import boto3
import pytest

from test_analytics_identity_checks import REGION, arrange
from calls import each_collector_alone
from wafr.sources.aws.registry import all_collectors
from wafr.sources.aws.session import open_session

SERVICES = ["kinesis", "firehose", "opensearch", "redshift", "cognito-idp"]
HEC_TOKEN = "0f3c7a9e-hec-token-never-kept"
EXTERNAL_ID = "external-id-never-kept"
TEMPLATE = "Your code is {####}; internal promo ABC-never-kept"


def arrange_free_text(boto):
    """A Splunk destination (its DescribeDeliveryStream answer carries the HEC token) and a user pool with an SMS
    role's external ID and its own message template."""
    boto.client("firehose").create_delivery_stream(
        DeliveryStreamName="to-splunk", DeliveryStreamType="DirectPut",
        SplunkDestinationConfiguration={
            "HECEndpoint": "https://splunk.example.com:8088", "HECEndpointType": "Raw", "HECToken": HEC_TOKEN,
            "S3Configuration": {"RoleARN": "arn:aws:iam::123456789012:role/delivery",
                                "BucketARN": "arn:aws:s3:::landing"}})
    boto.client("cognito-idp").create_user_pool(
        PoolName="sms-users", SmsVerificationMessage=TEMPLATE,
        SmsConfiguration={"SnsCallerArn": "arn:aws:iam::123456789012:role/sms", "ExternalId": EXTERNAL_ID})


@pytest.fixture(scope="module")
def scanned():
    """The arranged estate, each collector read on its own, with the (service, operation) pairs each one called."""
    from moto import mock_aws

    with mock_aws(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*Splunk.*")  # moto stores, but does not deliver to, Splunk
        boto = boto3.Session(region_name=REGION)
        arrange(boto)
        arrange_free_text(boto)
        return each_collector_alone(open_session(region=REGION), SERVICES, REGION)


def one(estate, resource_type, name):
    found = [r for r in estate.of_type(resource_type) if r.name == name]
    assert len(found) == 1, f"{resource_type} {name} not collected"
    return found[0]


@pytest.mark.parametrize("name", SERVICES)
def test_each_collector_calls_exactly_what_it_declares(scanned, name):
    _, calls = scanned
    assert calls[name] == set(all_collectors()[name].operations)


def test_iam_actions_use_each_service_s_own_prefix():
    assert "es:DescribeDomain" in all_collectors()["opensearch"].permissions
    assert "cognito-idp:DescribeUserPool" in all_collectors()["cognito-idp"].permissions
    assert "redshift:DescribeLoggingStatus" in all_collectors()["redshift"].permissions


def test_stream_domain_cluster_and_pool_carry_what_the_checks_read(scanned):
    estates, _ = scanned
    stream = one(estates["kinesis"], "AWS::Kinesis::Stream", "orders")
    assert stream.arn.endswith(":stream/orders") and stream.tags == {"Environment": "prod"}
    assert stream.config["EncryptionType"] == "KMS" and stream.config["RetentionPeriodHours"] == 168
    domain = one(estates["opensearch"], "AWS::OpenSearchService::Domain", "scratch-search")
    assert domain.tags == {"Environment": "prod"}
    assert domain.config["AccessPolicies"]["Statement"][0]["Principal"] == {"AWS": "*"}  # parsed from JSON
    cluster = one(estates["redshift"], "AWS::Redshift::Cluster", "warehouse")
    assert cluster.config["LoggingStatus"]["LoggingEnabled"] is True and cluster.tags == {"Environment": "prod"}
    groups = {g.id for g in estates["redshift"].of_type("AWS::Redshift::ClusterParameterGroup")}
    assert "default.redshift-1.0" in groups
    pool = one(estates["cognito-idp"], "AWS::Cognito::UserPool", "customers")
    assert pool.config["MfaConfiguration"] == "ON" and pool.tags == {"Environment": "prod"}
    assert pool.config["Policies"]["PasswordPolicy"]["MinimumLength"] == 12  # a number: kept by the redaction
    assert pool.arn.startswith("arn:aws:cognito-idp:")


def test_credentials_and_free_text_never_reach_the_estate(scanned):
    estates, _ = scanned
    delivery = one(estates["firehose"], "AWS::KinesisFirehose::DeliveryStream", "to-splunk")
    pool = one(estates["cognito-idp"], "AWS::Cognito::UserPool", "sms-users")
    kept = json.dumps(delivery.config, default=str) + json.dumps(pool.config, default=str)
    for value in (HEC_TOKEN, EXTERNAL_ID, "ABC-never-kept", "splunk.example.com"):
        assert value not in kept
    assert delivery.config["DeliveryStreamType"] == "DirectPut"  # what the checks read stays
    assert pool.config["MfaConfiguration"] == "OFF"
