"""Bad input gets a clear message, a non-zero exit code and no traceback."""

import gzip
import json

import pytest
from typer.testing import CliRunner

from wafr.cli import app
from wafr.errors import WafrError

runner = CliRunner()


def run(*args):
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def assert_clear_error(result, *fragments):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output


def snapshot_doc(**changes):
    """A valid (empty) snapshot document with some keys changed."""
    doc = {"schema": "wafr.snapshot/1", "metadata": {}, "resources": [], "coverage": [], "metrics": {}}
    return json.dumps({**doc, **changes}).encode()


RESOURCE = {"type": "AWS::EC2::VPC", "id": "vpc-1", "account": "123456789012", "region": "us-east-1"}


@pytest.mark.parametrize("content,message", [
    (b"garbage", "not valid JSON"),
    (gzip.compress(b"{not json", mtime=0), "not valid JSON"),
    (b"\x1f\x8b\x08\x00truncated", "could not be read"),
    (gzip.compress(b"[1]", mtime=0)[:-8] + b"\0" * 8, "could not be read"),
    (json.dumps({"schema": "other/9"}).encode(), "this wafr reads"),
    (json.dumps([1, 2]).encode(), "not a wafr snapshot"),
    (snapshot_doc(resources=[{"type": "x"}]), "resources[0].id: is missing"),
    (snapshot_doc(resources=[{**RESOURCE, "bogus": 1}]), "resources[0].bogus: unknown key"),
    (snapshot_doc(resources=[RESOURCE, {**RESOURCE, "tags": ["a"]}]), "resources[1].tags: expected a mapping, got a list"),
    (snapshot_doc(coverage=[{"account": "1", "region": "r", "service": "s", "status": "maybe"}]),
     "coverage[0].status: 'maybe' is not one of assessed, denied"),
    (snapshot_doc(metadata={"accounts": "123"}), "metadata.accounts: expected a list, got a string"),
    (snapshot_doc(metrics={"window": {"start": "x", "end": "2026-01-01T00:00:00Z", "period": 3600}}),
     "metrics.window.start: expected an ISO 8601 time"),
    (snapshot_doc(metrics={"series": {"k": {"CPU": {"start": "2026-01-01T00:00:00Z", "period": 0, "values": []}}}}),
     "metrics.series.k.CPU.period: input should be greater than 0"),
    (b"[" * 100_000, "not valid JSON"),
], ids=["text", "gzip-text", "truncated-gzip", "bad-crc", "other-schema", "not-an-object", "missing-field",
        "unknown-field", "tags-not-a-mapping", "bad-coverage", "metadata-type", "window-time", "zero-period", "deep"])
def test_malformed_snapshot(tmp_path, content, message):
    path = tmp_path / "estate.json.gz"
    path.write_bytes(content)
    result = run("review", str(path), "-o", str(tmp_path / "out"))
    assert_clear_error(result, message, str(path))
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def gzip_bomb(path, megabytes=512):
    """``megabytes`` of zeros in about 1 KB per MB: gzip members of 1 MB each, one after the other."""
    member = gzip.compress(bytes(1 << 20), compresslevel=9, mtime=0)
    path.write_bytes(member * megabytes)
    return path


def test_a_gzip_bomb_is_refused_without_being_held_in_memory(tmp_path):
    import tracemalloc

    from wafr.sources import snapshot

    bomb = gzip_bomb(tmp_path / "estate.json.gz")
    assert bomb.stat().st_size < 5 << 20
    tracemalloc.start()
    try:
        with pytest.raises(WafrError, match="larger than 256 MB once decompressed"):
            snapshot.read(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20, f"reading the bomb held {peak >> 20} MB"
    assert_clear_error(run("review", str(bomb), "-o", str(tmp_path / "out")), "WAFR_MAX_SNAPSHOT_MB")


def test_the_decompression_cap_is_configurable(tmp_path, monkeypatch):
    from wafr.estate import Estate
    from wafr.sources import snapshot

    path = tmp_path / "estate.json.gz"
    snapshot.write(Estate(metadata={"notes": ["x" * (3 << 20)]}), path)  # 3 MB once decompressed
    monkeypatch.setenv("WAFR_MAX_SNAPSHOT_MB", "2")
    with pytest.raises(WafrError, match="larger than 2 MB"):
        snapshot.read(path)
    monkeypatch.setenv("WAFR_MAX_SNAPSHOT_MB", "4")
    assert snapshot.read(path).metadata["notes"][0] == "x" * (3 << 20)
    monkeypatch.setattr(snapshot, "_IN_ONE_PASS", 1 << 20)  # a large one: measured first, then read
    assert snapshot.read(path).metadata["notes"][0] == "x" * (3 << 20)
    monkeypatch.setenv("WAFR_MAX_SNAPSHOT_MB", "lots")
    with pytest.raises(WafrError, match="WAFR_MAX_SNAPSHOT_MB must be a number"):
        snapshot.read(path)


def test_an_error_message_is_printed_as_text_not_markup(tmp_path):
    """A file name (or any user string) holding Rich markup is shown as written; it once crashed the printer."""
    path = tmp_path / "[bold]estate[red].json.gz"
    path.write_bytes(json.dumps({"schema": "[/bold]"}).encode())
    result = run("review", str(path), "-o", str(tmp_path / "out"))
    assert_clear_error(result, "[bold]estate[red].json.gz", "schema: is '[/bold]'; this wafr reads")
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_snapshot(tmp_path):
    assert_clear_error(run("review", str(tmp_path / "nope.json.gz")), "does not exist")


def test_missing_profile(monkeypatch, tmp_path):
    config = tmp_path / "config"
    config.write_text("[profile real]\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    assert_clear_error(run("scan", "--profile", "prod", "-o", str(tmp_path)), "'prod' was not found")


def test_a_missing_profile_from_the_environment_is_named_and_nothing_breaks_at_import(tmp_path):
    """AWS_PROFILE naming no profile: every command still starts (botocore's models are read without the profile),
    and the scan names the profile and where it came from."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "AWS_PROFILE": "gone", "AWS_CONFIG_FILE": str(tmp_path / "none")}
    checks = subprocess.run([sys.executable, "-m", "wafr", "checks", "--format", "json"], env=env,
                            capture_output=True, text=True)
    assert checks.returncode == 0, checks.stderr
    scan = subprocess.run([sys.executable, "-m", "wafr", "scan", "-o", str(tmp_path / "out")], env=env,
                          capture_output=True, text=True)
    assert scan.returncode == 2 and "Traceback" not in scan.stderr
    assert "'gone' (from AWS_PROFILE) was not found" in scan.stderr


def test_no_credentials(monkeypatch, tmp_path):
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(var, raising=False)
    # No instance metadata here: make botocore give up on it at once.
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert_clear_error(run("scan", "--regions", "us-east-1", "-o", str(tmp_path)), "No AWS credentials")


def test_unknown_region(tmp_path):
    assert_clear_error(run("scan", "--regions", "us-east-1,mars-north-1", "-o", str(tmp_path)),
                       "Unknown region(s): mars-north-1")


def test_unknown_collector(aws, tmp_path):
    assert_clear_error(run("scan", "--regions", "us-east-1", "--services", "rds,teleport", "-o", str(tmp_path)),
                       "Unknown collector(s): teleport")


def test_collect_never_overwrites_a_snapshot_without_force(aws, tmp_path):
    target = tmp_path / "estate.json.gz"
    target.write_bytes(b"the user's earlier snapshot")
    assert_clear_error(run("collect", "--regions", "us-east-1", "-o", str(target)), "--force")
    assert target.read_bytes() == b"the user's earlier snapshot"


def test_output_dir_that_is_a_file(tmp_path):
    from wafr.estate import Estate
    from wafr.sources import snapshot

    snap = tmp_path / "s.json.gz"
    snapshot.write(Estate(), snap)
    blocker = tmp_path / "out"
    blocker.write_text("mine")
    assert_clear_error(run("review", str(snap), "-o", str(blocker)), "not a directory")
    assert blocker.read_text() == "mine"


@pytest.fixture(scope="module")
def review_doc():
    from wafr.findings import evaluate
    from wafr.metrics.synthetic import ecs_service, estate_with, rds_instance
    from wafr.report.review_json import render
    from wafr.review import review_of_estate

    estate = estate_with([*ecs_service("api", 1024, 2048), rds_instance("prod-db", "db.t3.micro")], {})
    doc = json.loads(render(review_of_estate(estate, evaluate(estate))))
    assert doc["projects"] and doc["projects"][0]["focus_areas"]
    return doc


@pytest.mark.parametrize("change, message", [
    (lambda d: d["summary"]["pillars"][0].update(findings="many"),
     "summary.pillars[0].findings: expected a mapping, got a string"),
    (lambda d: d["pillars"][0]["focus_areas"][0].pop("key"), "pillars[0].focus_areas[0].key: is missing"),
    (lambda d: d["coverage"].update(assessed="3"), "coverage.assessed: expected a whole number, got a string"),
    (lambda d: d["projects"][0]["focus_areas"].append("security/Nowhere"),
     "names focus area 'security/Nowhere', which the review does not have"),
    (lambda d: d.update(generated_at=None), "generated_at: expected a string, got null"),
], ids=["type", "missing", "no-coercion", "dangling-reference", "null"])
def test_a_malformed_review_json_names_the_path(tmp_path, review_doc, change, message):
    doc = json.loads(json.dumps(review_doc))
    change(doc)
    path = tmp_path / "review.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = run("report", str(path), "--format", "md", "-o", str(tmp_path / "out"))
    assert_clear_error(result, f"{path}: ", message)
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def test_an_answers_file_breaking_its_schema_names_line_and_path(tmp_path):
    from wafr.sources import snapshot
    from wafr.estate import Estate

    snap = tmp_path / "estate.json.gz"
    snapshot.write(Estate(), snap)
    answers = tmp_path / "answers.yaml"
    answers.write_text("schema: wafr.answers/1\nframework_edition: '2024-11-06'\nanswers:\n"
                       "  OPS06-BP01:\n    status: met\n    owner: [a, b]\n", encoding="utf-8")
    result = run("review", str(snap), "--answers", str(answers), "-o", str(tmp_path / "out"))
    assert_clear_error(result, f"{answers}, line 6, answers.OPS06-BP01.owner: must be a single value")
