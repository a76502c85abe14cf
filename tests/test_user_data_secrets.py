"""Secrets in user data: instances', launch templates' ($Latest and $Default) and launch configurations' boot scripts
are scanned for credentials in the collector, with detect-secrets, and only the kind and place of what was found is
kept. The planted credentials are read back through moto, so the scan could leak them: the test asserts it found them
and kept none of them."""

from __future__ import annotations

import base64
import json
import secrets
import string

import pytest

from tests.twins import by_name, scan_arranged
from wafr.findings import evaluate
from wafr.sources.aws.secret_scan import scan_text, user_data_text
from wafr.vocabulary import FAIL, NOT_ASSESSED, PASS

REGION = "us-east-1"
# A fresh access key id per run (the scanner's "AWS Access Key" pattern): if it is in any output, it leaked.
ACCESS_KEY = "AKIA" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16))
PRIVATE_KEY_LINE = "-----BEGIN RSA PRIVATE KEY-----"
LEAKY = f"#!/bin/bash\nyum install -y httpd\nexport AWS_ACCESS_KEY_ID={ACCESS_KEY}\n"
CLEAN = "#!/bin/bash\nyum install -y httpd\naws secretsmanager get-secret-value --secret-id app/db > /etc/app/db\n"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def arrange(session):
    ec2 = session.client("ec2")
    image = ec2.describe_images()["Images"][0]["ImageId"]

    def instance(name, user_data):
        return ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, UserData=user_data, TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}])["Instances"][0]["InstanceId"]

    instance("leaky-instance", LEAKY + f"cat > /root/.ssh/id_rsa <<EOF\n{PRIVATE_KEY_LINE}\nEOF\n")
    instance("clean-instance", CLEAN)
    # The leak is in version 2 ($Latest); version 1 stays the $Default, and clean.
    ec2.create_launch_template(LaunchTemplateName="leaky-template",
                               LaunchTemplateData={"ImageId": image, "UserData": b64(CLEAN)})
    ec2.create_launch_template_version(LaunchTemplateName="leaky-template",
                                       LaunchTemplateData={"ImageId": image, "UserData": b64(LEAKY)})
    ec2.create_launch_template(LaunchTemplateName="clean-template",
                               LaunchTemplateData={"ImageId": image, "UserData": b64(CLEAN)})
    autoscaling = session.client("autoscaling")
    autoscaling.create_launch_configuration(LaunchConfigurationName="leaky-configuration", ImageId=image,
                                            InstanceType="t3.micro", UserData=LEAKY)
    autoscaling.create_launch_configuration(LaunchConfigurationName="clean-configuration", ImageId=image,
                                            InstanceType="t3.micro", UserData=CLEAN)
    raw = ec2.describe_launch_template_versions(LaunchTemplateName="leaky-template")["LaunchTemplateVersions"]
    return {"raw": json.dumps(raw, default=str), "user_data": [v["LaunchTemplateData"]["UserData"] for v in raw]}


@pytest.fixture(scope="module")
def scanned():
    estate, arranged = scan_arranged(arrange, ["ec2", "ec2-launch-templates", "autoscaling"], REGION)
    return estate, arranged, by_name(evaluate(estate))


@pytest.mark.parametrize("name,status", [
    ("leaky-instance", FAIL), ("clean-instance", PASS),
    ("leaky-template", FAIL), ("clean-template", PASS),
    ("leaky-configuration", FAIL), ("clean-configuration", PASS),
])
def test_a_secret_in_user_data_fails_and_its_clean_twin_passes(scanned, name, status):
    assert scanned[2][("secret-in-user-data", name)].status == status


def test_the_evidence_names_the_kind_and_the_line_never_the_value(scanned):
    findings = scanned[2]
    instance = findings[("secret-in-user-data", "leaky-instance")].evidence
    assert "AWS Access Key (user data line 3)" in instance and "Private Key (user data line 5)" in instance
    template = findings[("secret-in-user-data", "leaky-template")]
    template_id = template.resource["id"]
    assert f"AWS Access Key (launch template {template_id} version 2 user data line 3)" in template.evidence
    assert "version 1" not in template.evidence  # the $Default version is clean
    assert ACCESS_KEY not in instance + template.evidence


def test_no_user_data_and_no_planted_value_reaches_the_estate_or_the_findings(scanned):
    estate, arranged, findings = scanned
    # The planted key is in what AWS (moto) returns, so its absence below means it was dropped.
    assert any(ACCESS_KEY in base64.b64decode(u).decode() for u in arranged["user_data"])
    written = json.dumps([r.to_dict() for r in estate.resources], default=str)
    written += json.dumps([f.to_dict() for f in findings.values()], default=str)
    assert ACCESS_KEY not in written and b64(LEAKY) not in written and "yum install" not in written
    assert PRIVATE_KEY_LINE not in written
    template = next(r for r in estate.resources if r.name == "leaky-template")
    # The shape is kept ($Latest and $Default, read in one call), their data is not.
    assert sorted(v["VersionNumber"] for v in template.config["LaunchTemplateVersions"]) == [1, 2]


def test_an_unread_user_data_is_not_assessed_never_passed(scanned):
    from dataclasses import replace

    from wafr.checks.registry import all_checks
    from wafr.estate import Estate

    estate = scanned[0]
    instance = next(r for r in estate.resources if r.name == "clean-instance")
    denied = replace(instance, config={**{k: v for k, v in instance.config.items() if k != "UserDataSecrets"},
                                       "_errors": {"DescribeInstanceAttribute": "UnauthorizedOperation"}})
    [result] = all_checks()["secret-in-user-data"].run(Estate(resources=[denied]))
    assert result.status == NOT_ASSESSED and "UnauthorizedOperation" in result.evidence


def test_gzip_compressed_user_data_is_scanned_too():
    import gzip

    encoded = base64.b64encode(gzip.compress(LEAKY.encode())).decode()
    assert ACCESS_KEY in user_data_text(encoded)
    assert scan_text(user_data_text(encoded), "user data") == [{"kind": "AWS Access Key", "where": "user data line 3"}]


def test_the_guard_lets_only_the_scanned_user_data_reads_through():
    from wafr.sources.aws import guard
    from wafr.sources.aws.allowlist import scan_allowlist

    assert {("ec2", "DescribeInstanceAttribute"), ("ec2", "DescribeLaunchTemplateVersions")} <= guard.SCANNED_READS
    allowed = scan_allowlist()
    assert all(guard.is_allowed(allowed, *operation) for operation in guard.SCANNED_READS)
    # The names stay refused anywhere else, and their siblings that nothing scans stay refused everywhere.
    assert not guard.is_allowed(allowed | {("autoscaling", "DescribeInstanceAttribute")}, "autoscaling",
                                "DescribeInstanceAttribute")
    assert not guard.is_allowed(allowed, "ec2", "GetLaunchTemplateData")
    with pytest.raises(ValueError, match="returns secrets or data"):
        guard.operations("ec2:GetConsoleOutput")
