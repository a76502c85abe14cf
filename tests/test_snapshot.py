"""A snapshot round-trips: reviewing it offline gives the same findings as the scan that made it."""

import json

from typer.testing import CliRunner

from wafr.cli import app
from wafr.sources import snapshot

runner = CliRunner()


def _arrange(boto):
    rds = boto.client("rds")
    rds.create_db_instance(DBInstanceIdentifier="prod-db", DBInstanceClass="db.t3.micro", Engine="postgres",
                           MasterUsername="u", MasterUserPassword="password123", AllocatedStorage=20,
                           PubliclyAccessible=True, BackupRetentionPeriod=9)
    ec2 = boto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "prodVpcStack/staging-VPC"}])
    boto.client("iam").create_user(UserName="lambda-deployer")
    boto.client("iam").create_access_key(UserName="lambda-deployer")


def _findings(path):
    doc = json.loads(path.read_text())
    doc.pop("generated_at")
    return doc


def test_review_of_the_snapshot_gives_the_scan_findings(aws, boto, tmp_path):
    _arrange(boto)
    scanned = runner.invoke(app, ["scan", "--regions", "us-east-1", "-o", str(tmp_path / "scan")])
    assert scanned.exit_code == 0, scanned.output
    reviewed = runner.invoke(app, ["review", str(tmp_path / "scan" / "estate.json.gz"), "-o", str(tmp_path / "rev")])
    assert reviewed.exit_code == 0, reviewed.output
    first, second = _findings(tmp_path / "scan" / "findings.json"), _findings(tmp_path / "rev" / "findings.json")
    assert first["findings"], "the arranged estate must produce findings"
    assert any(f["status"] == "FAIL" for f in first["findings"])
    assert first == second


def test_snapshot_preserves_resources_and_coverage(aws, boto, tmp_path):
    from wafr.sources.aws.collect import collect_account

    _arrange(boto)
    estate = collect_account(aws, ["us-east-1"])
    path = tmp_path / "estate.json.gz"
    snapshot.write(estate, path)
    again = snapshot.read(path)
    assert [r.to_dict() for r in again.resources] == [r.to_dict() for r in estate.resources]
    assert again.coverage == estate.coverage
    assert again.metadata == estate.metadata
    assert path.read_bytes()[:2] == b"\x1f\x8b"


def test_findings_document_follows_the_contract(aws, boto, tmp_path):
    _arrange(boto)
    result = runner.invoke(app, ["scan", "--regions", "us-east-1", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "findings.json").read_text())
    assert doc["schema"] == "wafr.findings/1"
    assert doc["scope"] == {"accounts": [aws.account], "regions": ["us-east-1"], "source": "aws"}
    keys = {"id", "check_id", "title", "status", "risk", "pillar", "focus_area", "best_practices", "resource",
            "environment", "evidence", "remediation"}
    for finding in doc["findings"]:
        assert set(finding) == keys
        assert finding["status"] in {"FAIL", "PASS", "NOT_ASSESSED", "SUPPRESSED"}
        assert finding["risk"] in {"HIGH", "MEDIUM", "LOW"}
        assert set(finding["resource"]) == {"type", "id", "arn", "account", "region", "name"}
    ids = [f["id"] for f in doc["findings"]]
    assert len(ids) == len(set(ids))
    services = {(c["account"], c["region"], c["service"]) for c in doc["coverage"]}
    assert len(services) == len(doc["coverage"])
    assert {c["status"] for c in doc["coverage"]} <= {"assessed", "denied", "failed", "unsupported", "skipped"}
