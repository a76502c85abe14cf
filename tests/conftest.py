"""Shared fixtures: every test talks to moto through the same boto3 code a live scan uses."""

from __future__ import annotations

import os

import pytest

# Never reach a real account from the tests, whatever the developer's shell holds.
for _var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(_var, None)
os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
})


@pytest.fixture(autouse=True)
def history_store(tmp_path_factory, monkeypatch):
    """Each test records its milestones in a store of its own, never in the developer's data directory."""
    path = tmp_path_factory.mktemp("history") / "history.sqlite"
    monkeypatch.setenv("WAFR_HISTORY_URL", str(path))
    return path


@pytest.fixture
def aws():
    """moto in-process; yields a guarded wafr session for the mocked account."""
    from moto import mock_aws

    from wafr.sources.aws.session import open_session

    with mock_aws():
        yield open_session(region="us-east-1")


@pytest.fixture
def boto():
    """A plain (unguarded) boto3 session for arranging the mocked estate in a test."""
    import boto3

    return boto3.Session(region_name="us-east-1")


ALL_FORMATS = "html,md,json,pptx,ocsf,asff,csv,xlsx"


@pytest.fixture(scope="session")
def demo_outputs(tmp_path_factory):
    """`wafr demo` run once with every output format: the directory it wrote (shared by the format tests)."""
    from typer.testing import CliRunner

    from wafr.cli import app

    out = tmp_path_factory.mktemp("demo-formats")
    result = CliRunner().invoke(app, ["demo", "-o", str(out), "--format", ALL_FORMATS, "--no-history"])
    assert result.exit_code == 0, result.output
    return out
