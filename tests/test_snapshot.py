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


def test_a_snapshot_with_metrics_and_notes_passes_its_schema_unchanged(tmp_path):
    """What wafr writes, wafr reads: series, the window, and metadata keys the schema leaves open survive."""
    from wafr.metrics.synthetic import ecs_service, estate_with, flat, values

    estate = estate_with([*ecs_service("api", 1024, 2048)], {"api": {"CPUUtilization": values(flat(3), 48)}}, days=2)
    estate.metadata.update({"collected_at": "2026-11-26T10:00:00Z", "notes": ["a note"], "api_calls": {"ecs": 3},
                            "a_later_key": {"kept": True}})
    path = tmp_path / "estate.json.gz"
    snapshot.write(estate, path)
    again = snapshot.read(path)
    assert snapshot.to_document(again) == json.loads(json.dumps(snapshot.to_document(estate)))
    assert snapshot.encode(again) == path.read_bytes()  # byte for byte: no timestamp in the gzip header


def test_an_uncompressed_snapshot_is_read_too(tmp_path):
    from wafr.estate import Estate, Resource

    path = tmp_path / "estate.json"
    snapshot.write(Estate(resources=[Resource("AWS::EC2::VPC", "vpc-1", "123456789012", "us-east-1")]), path)
    assert path.read_bytes()[:1] == b"{"
    assert [r.id for r in snapshot.read(path).resources] == ["vpc-1"]
