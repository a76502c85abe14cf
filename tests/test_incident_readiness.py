"""Incident readiness and protection by sensitivity: the security contact, CloudTrail's log file validation and log
archive, and the stronger protection sensitive data stores need. Each check FAILs on the bad resource and PASSes on
its clean twin, arranged in moto and read by the real collectors (moto implements GetAlternateContact); a read
that was denied, or a KMS key whose manager cannot be told, gives NOT_ASSESSED, never a pass."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from denial import deny
from twins import by_name, checks_in
from wafr.checks.data_sensitivity import key_manager
from wafr.checks.data_stores import KeyDirectory
from wafr.checks.registry import all_checks
from wafr.estate import Coverage, Estate, Resource
from wafr.findings import evaluate
from wafr.resource_types import CLOUDTRAIL_TRAIL, S3_BUCKET
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.session import open_session

REGION, ACCOUNT = "us-east-1", "123456789012"
SERVICES = ["account-contacts", "cloudtrail", "s3", "kms", "rds", "dynamodb", "efs"]
CONTACT = {"Name": "Security team", "Title": "SOC", "EmailAddress": "soc@example.com", "PhoneNumber": "+1-555-0100"}


def tagged(value, key="DataClassification"):
    return [{"Key": key, "Value": value}]


def arrange(boto):
    """The estate: no security contact yet (an operations one only), two trails, and sensitive data stores with
    and without a customer managed key; a public bucket that is not judged."""
    boto.client("account").put_alternate_contact(AlternateContactType="OPERATIONS", **CONTACT)
    cmk = boto.client("kms").create_key(Description="customer data")["KeyMetadata"]["Arn"]

    s3 = boto.client("s3")
    for bucket in ("trail-logs-local", "trail-logs-archive", "pii-plain", "pii-aws-key", "pii-guarded", "assets"):
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_tagging(Bucket="pii-plain", Tagging={"TagSet": tagged("Confidential")})
    s3.put_bucket_tagging(Bucket="pii-aws-key", Tagging={"TagSet": tagged("true", key="pii")})
    s3.put_bucket_tagging(Bucket="pii-guarded", Tagging={"TagSet": tagged("Highly Confidential", key="data_class")})
    s3.put_bucket_tagging(Bucket="assets", Tagging={"TagSet": tagged("public")})
    for bucket, key in (("pii-aws-key", None), ("pii-guarded", cmk)):
        default = {"SSEAlgorithm": "aws:kms"} | ({"KMSMasterKeyID": key} if key else {})
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": default}]})
    s3.put_bucket_acl(Bucket="trail-logs-local", ACL="log-delivery-write")  # where the access logs go
    for bucket in ("pii-aws-key", "pii-guarded"):
        s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": "trail-logs-local", "TargetPrefix": f"{bucket}/"}})

    cloudtrail = boto.client("cloudtrail")
    cloudtrail.create_trail(Name="local", S3BucketName="trail-logs-local")
    cloudtrail.create_trail(Name="archived", S3BucketName="trail-logs-archive", EnableLogFileValidation=True,
                            IsMultiRegionTrail=True)
    # The archive bucket lives in another account: this account's listing does not show it.
    s3.delete_bucket(Bucket="trail-logs-archive")

    rds = boto.client("rds")
    for name, key in (("customers-db", None), ("orders-db", cmk)):
        rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
                               AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="not-a-secret-1",
                               StorageEncrypted=True, Tags=tagged("restricted", key="Sensitivity"),
                               **({"KmsKeyId": key} if key else {}))

    dynamodb = boto.client("dynamodb")
    for name, sse in (("sessions", None), ("payments", {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": cmk})):
        dynamodb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                              KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], Tags=tagged("yes", key="PII"),
                              **({"SSESpecification": sse} if sse else {}))

    efs = boto.client("efs")
    efs.create_file_system(CreationToken="records", Encrypted=False, Tags=[{"Key": "Name", "Value": "records"},
                                                                            *tagged("secret")])
    efs.create_file_system(CreationToken="vault", Encrypted=True, KmsKeyId=cmk,
                           Tags=[{"Key": "Name", "Value": "vault"}, *tagged("secret")])
    return cmk


def findings_of(estate):
    return by_name(evaluate(estate))


@pytest.fixture(scope="module")
def scans():
    """Every estate the tests judge, read in one moto account: the whole arranged estate; the data stores read
    without KMS; buckets whose access logging could not be read; the contacts denied; then set."""
    with mock_aws():
        arrange(boto3.Session(region_name=REGION))
        found = {"estate": findings_of(collect_account(open_session(region=REGION), [REGION], services=SERVICES)),
                 "no-kms": findings_of(collect_account(open_session(region=REGION), [REGION],
                                                       services=["s3", "dynamodb"]))}
        session = open_session(region=REGION)
        deny(session.session.events, ["GetBucketLogging"])
        found["logging-denied"] = findings_of(collect_account(session, [REGION], services=["s3", "kms"]))
        session = open_session(region=REGION)
        deny(session.session.events, ["GetAlternateContact"])
        denied = collect_account(session, [REGION], services=["account-contacts"])
        found["contacts-denied"] = findings_of(denied)
        found["contacts-denied-coverage"] = denied.coverage
        boto3.client("account", region_name=REGION).put_alternate_contact(AlternateContactType="SECURITY", **CONTACT)
        contacts = collect_account(open_session(region=REGION), [REGION], services=["account-contacts"])
        found["contacts-set"] = findings_of(contacts)
        found["contacts"] = contacts
    return found


CASES = [  # check, bad resource, its clean twin (by name)
    ("cloudtrail-log-file-validation-off", "local", "archived"),
    ("cloudtrail-logs-in-recorded-account", "local", "archived"),
    ("sensitive-data-without-stronger-protection", "pii-plain", "pii-guarded"),
    ("sensitive-data-without-stronger-protection", "pii-aws-key", "pii-guarded"),
    ("sensitive-data-without-stronger-protection", "customers-db", "orders-db"),
    ("sensitive-data-without-stronger-protection", "sessions", "payments"),
    ("sensitive-data-without-stronger-protection", "records", "vault"),
]


@pytest.mark.parametrize(("check_id", "bad", "good"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_fires_on_the_bad_resource_and_not_on_its_clean_twin(scans, check_id, bad, good):
    found = scans["estate"]
    assert found[(check_id, bad)].status == "FAIL", found[(check_id, bad)].evidence
    assert found[(check_id, good)].status == "PASS", found[(check_id, good)].evidence


def test_every_new_check_has_a_case():
    assert checks_in("incident_readiness", "data_sensitivity") == {c[0] for c in CASES} | {"no-security-contact"}


def test_no_security_contact_fails_then_passes_once_one_is_named(scans):
    missing = scans["estate"][("no-security-contact", ACCOUNT)]
    assert (missing.status, missing.risk) == ("FAIL", "MEDIUM")
    assert scans["contacts-set"][("no-security-contact", ACCOUNT)].status == "PASS"


def test_a_denied_contact_read_is_not_assessed_never_a_pass(scans):
    assert [c.status for c in scans["contacts-denied-coverage"] if c.service == "account-contacts"] == ["denied"]
    verdicts = [f for (check_id, _), f in scans["contacts-denied"].items() if check_id == "no-security-contact"]
    assert verdicts and {f.status for f in verdicts} == {"NOT_ASSESSED"}


def test_contacts_keep_whether_they_are_set_and_nothing_personal(scans):
    contacts = {r.config["AlternateContactType"]: r for r in scans["contacts"]}
    assert {t: r.config["Set"] for t, r in contacts.items()} == {"SECURITY": True, "OPERATIONS": True}
    text = repr([r.to_dict() for r in scans["contacts"]])
    assert not any(value in text for value in CONTACT.values())


def test_evidence_names_the_weakness(scans):
    found = scans["estate"]
    plain = found[("sensitive-data-without-stronger-protection", "pii-plain")].evidence
    assert "DataClassification=Confidential" in plain and "server access logging is off" in plain
    assert "key AWS manages" in found[("sensitive-data-without-stronger-protection", "pii-aws-key")].evidence
    assert "not encrypted" in found[("sensitive-data-without-stronger-protection", "records")].evidence
    assert "trail-logs-local" in found[("cloudtrail-logs-in-recorded-account", "local")].evidence


def test_stores_not_marked_sensitive_are_not_judged(scans):
    judged = {name for (check_id, name) in scans["estate"] if check_id == "sensitive-data-without-stronger-protection"}
    assert "assets" not in judged and "trail-logs-local" not in judged


def test_a_key_whose_manager_cannot_be_told_is_not_assessed(scans):
    """Read without KMS: a table's customer key cannot be told from an AWS managed one; the AWS owned default can."""
    found = scans["no-kms"]
    assert found[("sensitive-data-without-stronger-protection", "payments")].status == "NOT_ASSESSED"
    assert found[("sensitive-data-without-stronger-protection", "sessions")].status == "FAIL"


def test_unread_access_logging_is_not_assessed(scans):
    found = scans["logging-denied"]
    verdict = found[("sensitive-data-without-stronger-protection", "pii-guarded")]
    assert verdict.status == "NOT_ASSESSED" and "GetBucketLogging" in verdict.evidence


def test_detective_is_mapped_as_an_investigation_tool():
    assert "SEC10-BP06" in all_checks()["detective-not-enabled"].best_practices


def _trail(region, *, home, owner=ACCOUNT, validated=False):
    arn = f"arn:aws:cloudtrail:{home}:{owner}:trail/main"
    return Resource(CLOUDTRAIL_TRAIL, arn, ACCOUNT, region, arn=arn, name="main", config={
        "HomeRegion": home, "_shadow": region != home, "IsMultiRegionTrail": True,
        "LogFileValidationEnabled": validated, "S3BucketName": "logs"})


@pytest.mark.parametrize(("home", "owner", "judged_in"), [
    ("us-east-1", ACCOUNT, ["us-east-1"]),             # its home Region was read: judged there only
    ("ap-south-1", ACCOUNT, ["eu-west-1"]),            # home not read: judged once, in the first Region read
    ("us-east-1", "210987654321", []),                 # an organization trail: its own account's to fix
], ids=["home-read", "home-not-read", "other-account"])
def test_a_multi_region_trail_is_judged_once(home, owner, judged_in):
    regions = ["eu-west-1", "us-east-1"]
    estate = Estate([_trail(r, home=home, owner=owner) for r in regions],
                    [Coverage(ACCOUNT, r, "cloudtrail", "assessed") for r in regions])
    results = list(all_checks()["cloudtrail-log-file-validation-off"].run(estate))
    assert [r.resource.region for r in results] == judged_in


@pytest.mark.parametrize(("key_ref", "kms_read", "manager"), [
    (None, True, "aws"),                                                   # the service's own key
    ("alias/aws/s3", False, "aws"),
    ("arn:aws:kms:us-east-1:210987654321:key/abc", False, "customer"),     # another account's key is a customer's
    ("arn:aws:kms:us-east-1:123456789012:key/abc", True, "aws"),          # not among the account's customer keys
    ("arn:aws:kms:us-east-1:123456789012:key/abc", False, "unknown"),
    ("alias/team-key", True, "unknown"),                                   # an alias no key read carries
])
def test_who_manages_a_key(key_ref, kms_read, manager):
    store = Resource(S3_BUCKET, "b", ACCOUNT, REGION)
    estate = Estate([store], [Coverage(ACCOUNT, REGION, "kms", "assessed" if kms_read else "denied")])
    assert key_manager(KeyDirectory(estate), store, key_ref) == manager
