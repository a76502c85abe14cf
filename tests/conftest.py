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
