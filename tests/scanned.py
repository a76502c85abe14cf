"""A small scanned account for the acceptances, gate and config tests: moto in-process, scanned by `wafr scan`.

Two security groups open SSH to the internet (one production, one dev) and EBS encryption by default is off, so
the review has findings of several risks; tests review the saved snapshot offline, with their own options.
"""

from __future__ import annotations

import functools
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import boto3
from moto import mock_aws
from typer.testing import CliRunner

from wafr.cli import app

REGION = "us-east-1"


@dataclass(frozen=True)
class Scanned:
    directory: Path

    @property
    def snapshot(self) -> Path:
        return self.directory / "estate.json.gz"

    @property
    def findings_path(self) -> Path:
        return self.directory / "findings.json"

    def findings(self) -> list[dict]:
        return json.loads(self.findings_path.read_text())["findings"]

    def failed(self, check_id: str | None = None) -> list[dict]:
        return [f for f in self.findings() if f["status"] == "FAIL" and check_id in (None, f["check_id"])]


def _open_ssh(ec2, vpc: str, name: str, environment: str) -> str:
    group = ec2.create_security_group(
        GroupName=name, Description=name, VpcId=vpc,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": [{"Key": "Environment", "Value": environment}]}],
    )["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return group


@functools.cache
def scanned() -> Scanned:
    """Scan once per test process; the snapshot and findings.json are read-only for the tests."""
    directory = Path(tempfile.mkdtemp(prefix="wafr-scanned-")) / "review"
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        _open_ssh(ec2, vpc, "prod-ssh", "prod")
        _open_ssh(ec2, vpc, "dev-ssh", "dev")
        result = CliRunner().invoke(app, ["scan", "--regions", REGION, "--services", "vpc,ec2", "--no-metrics",
                                          "--no-history", "-o", str(directory)])
    assert result.exit_code == 0, result.output
    return Scanned(directory)
