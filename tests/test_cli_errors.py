"""Bad input gets a clear message, a non-zero exit code and no traceback."""

import gzip
import json

import pytest
from typer.testing import CliRunner

from wafr.cli import app

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


@pytest.mark.parametrize("content,message", [
    (b"garbage", "not valid JSON"),
    (gzip.compress(b"{not json", mtime=0), "not valid JSON"),
    (b"\x1f\x8b\x08\x00truncated", "could not be read"),
    (json.dumps({"schema": "other/9"}).encode(), "this wafr reads"),
    (json.dumps([1, 2]).encode(), "not a wafr snapshot"),
    (json.dumps({"schema": "wafr.snapshot/1", "resources": [{"type": "x"}]}).encode(), "malformed"),
    (json.dumps({"schema": "wafr.snapshot/1", "resources": [{"bogus": 1}]}).encode(), "unknown field"),
    (json.dumps({"schema": "wafr.snapshot/1", "coverage": [
        {"account": "1", "region": "r", "service": "s", "status": "maybe"}]}).encode(), "malformed"),
], ids=["text", "gzip-text", "truncated-gzip", "other-schema", "not-an-object", "bad-resource", "unknown-field",
        "bad-coverage"])
def test_malformed_snapshot(tmp_path, content, message):
    path = tmp_path / "estate.json.gz"
    path.write_bytes(content)
    assert_clear_error(run("review", str(path), "-o", str(tmp_path / "out")), message)


def test_missing_snapshot(tmp_path):
    assert_clear_error(run("review", str(tmp_path / "nope.json.gz")), "does not exist")


def test_missing_profile(monkeypatch, tmp_path):
    config = tmp_path / "config"
    config.write_text("[profile real]\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    assert_clear_error(run("scan", "--profile", "prod", "-o", str(tmp_path)), "'prod' was not found")


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
