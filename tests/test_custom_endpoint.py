"""`wafr scan` against an endpoint of one's own (moto_server through AWS_ENDPOINT_URL), as a user runs it:
the account-level S3 Block Public Access is read, an API the emulator lacks is a one-line failed read that is
not retried over and over, and --strict exits 3 when an endpoint is down."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import boto3
import pytest

from estates import provision
from test_moto_server_scan import (DUMMY_KEYS, REGION, _cli_environment, _free_port, _server_command,
                                   _wait_until_answering)
from wafr.sources import snapshot

BLOCK = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": True}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """moto_server on a free loopback port with its request log, stopped by its own pid at the end."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("moto") / "server.log"
    log = log_path.open("wb")
    process = subprocess.Popen(_server_command(port), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(url, process)
        yield url, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _set_account_block(session: boto3.Session, endpoint: str) -> str:
    """Arrange the account-level block through the server. The plain client needs the same help a scan does:
    s3control's endpoint rules put "<account id>." in front of any host."""
    account = session.client("sts", endpoint_url=endpoint).get_caller_identity()["Account"]
    s3control = session.client("s3control", endpoint_url=endpoint)

    def own_host(params, **_):
        parts = urlsplit(params["url"])
        params["url"] = urlunsplit(parts._replace(netloc=parts.netloc.removeprefix(f"{account}.")))

    s3control.meta.events.register("before-call.s3-control.PutPublicAccessBlock", own_host)
    s3control.put_public_access_block(AccountId=account, PublicAccessBlockConfiguration=BLOCK)
    return account


SERVICES = "vpc,ec2,client-vpn,ecs,rds,elbv2,s3,s3-account"


def _scan(endpoint: str, output: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wafr", "scan", "--regions", REGION, "--no-metrics", "--no-history",
         "-o", str(output), *extra],
        env={**_cli_environment(endpoint), **(env or {})}, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="module")
def scanned(server, tmp_path_factory):
    endpoint, log_path = server
    session = boto3.Session(region_name=REGION, **{k.lower(): v for k, v in DUMMY_KEYS.items()})
    provision(session, endpoint_url=endpoint)
    account = _set_account_block(session, endpoint)
    output = tmp_path_factory.mktemp("review")
    before = log_path.read_text(errors="replace").count(" 500 -")
    # The services the assertions need, and client-vpn, which moto_server lacks: every server error then belongs to
    # a read this test can count (other services' detail calls moto lacks would blur the count).
    result = _scan(endpoint, output, "--services", SERVICES)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    server_errors = log_path.read_text(errors="replace").count(" 500 -") - before
    findings = json.loads((output / "findings.json").read_text(encoding="utf-8"))
    return {"account": account, "output": output, "findings": findings, "server_errors": server_errors}


def _coverage(findings: dict, service: str) -> dict:
    return next(c for c in findings["coverage"] if c["service"] == service)


def test_the_account_level_block_public_access_is_read(scanned):
    assert _coverage(scanned["findings"], "s3-account")["status"] == "assessed"
    estate = snapshot.read(scanned["output"] / "estate.json.gz")
    [block] = estate.of_type("AWS::S3::AccountPublicAccessBlock")
    assert block.id == scanned["account"] and block.config["PublicAccessBlockConfiguration"] == BLOCK


def test_an_api_the_emulator_lacks_is_one_failed_line_tried_at_most_twice(scanned):
    """moto_server answers DescribeClientVpnEndpoints with its HTML 500 page."""
    failed = [c for c in scanned["findings"]["coverage"] if c["status"] == "failed"]
    assert _coverage(scanned["findings"], "client-vpn")["status"] == "failed"
    assert all("\n" not in c["detail"] and not re.search(r"<[!/a-zA-Z]", c["detail"]) for c in failed), failed
    assert 0 < scanned["server_errors"] <= 2 * len(failed)


def test_no_error_page_reaches_any_evidence(scanned):
    findings = scanned["findings"]["findings"]
    admin = [f for f in findings if f["check_id"] == "no-private-admin-path"]
    assert admin and any("client-vpn" in f["evidence"] for f in admin), [f["evidence"] for f in admin]
    quoted = [f["evidence"] for f in findings if "\n" in f["evidence"] or re.search(r"<[!/a-zA-Z]", f["evidence"])]
    assert not quoted


def test_strict_exits_3_when_an_endpoint_is_down(server, tmp_path):
    endpoint, _ = server
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    result = _scan(endpoint, tmp_path / "review", "--services", "rds,vpc", "--strict",
                   env={"AWS_ENDPOINT_URL_RDS": closed})
    assert result.returncode == 3, f"{result.stdout}\n{result.stderr}"
    findings = json.loads((tmp_path / "review" / "findings.json").read_text(encoding="utf-8"))
    assert {(c["service"], c["status"]) for c in findings["coverage"]} == {("rds", "failed"), ("vpc", "assessed")}
