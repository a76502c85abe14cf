"""`wafr scan` as a user runs it: a separate process, reaching moto_server through AWS_ENDPOINT_URL only.

The estate (tests/estates.py) differs from the demo's, with fresh names each run, so the checks are seen to
judge what resources are rather than what the demo calls them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest

from estates import provision

REGION = "us-east-1"
DUMMY_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_command(port: int) -> list[str]:
    script = Path(sys.executable).with_name("moto_server")
    launcher = [str(script)] if script.exists() else [sys.executable, "-m", "moto.server"]
    return [*launcher, "-H", "127.0.0.1", "-p", str(port)]


def _wait_until_answering(url: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"moto_server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto_server did not answer on {url} within {timeout:.0f} s")


@pytest.fixture(scope="module")
def moto_server(tmp_path_factory):
    """moto_server on a free loopback port, stopped (by its own pid) when the module is done."""
    port = _free_port()
    log = (tmp_path_factory.mktemp("moto") / "server.log").open("wb")
    server = subprocess.Popen(_server_command(port), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _cli_environment(endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}  # no profile, no real keys
    env.update(DUMMY_KEYS)
    env.update({"AWS_ENDPOINT_URL": endpoint, "AWS_DEFAULT_REGION": REGION,
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
    return env


@pytest.fixture(scope="module")
def scan(moto_server, tmp_path_factory):
    """The estate provisioned through the server, then `wafr scan` run against it in a subprocess."""
    session = boto3.Session(region_name=REGION, **{k.lower(): v for k, v in DUMMY_KEYS.items()})
    created = provision(session, endpoint_url=moto_server)
    output = tmp_path_factory.mktemp("review")
    result = subprocess.run(
        [sys.executable, "-m", "wafr", "scan", "--regions", REGION, "-o", str(output)],
        env=_cli_environment(moto_server), capture_output=True, text=True, timeout=600,
    )
    return {"created": created, "output": output, "result": result}


@pytest.fixture(scope="module")
def document(scan):
    result = scan["result"]
    assert result.returncode == 0, f"wafr scan exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    path = scan["output"] / "findings.json"
    assert path.exists(), f"no findings.json in {scan['output']}"
    return json.loads(path.read_text(encoding="utf-8"))


def _targets(created: dict) -> dict[str, list[set[str]]]:
    """Per role, the names and ids each of its resources may carry in a finding."""
    service = created["prod_service"]
    return {
        "users": [{user} for user in created["users"]],
        "prod_db": [{created["prod_db"]}],
        "prod_cache": [{created["prod_cache"]}],
        "prod_service": [{service["name"], service["arn"]}],
        "prod_vpc": [{created["prod_vpc"]["id"], created["prod_vpc"]["name"]}],
        "dev_vpc": [{created["dev_vpc"]["id"], created["dev_vpc"]["name"]}],
    }


# Any of these best practices, failed on every resource of this role.
EXPECTED = [
    (("SEC02-BP02", "SEC02-BP05"), "users"),
    (("REL10-BP01",), "prod_db"),
    (("REL10-BP01",), "prod_cache"),
    (("SEC08-BP02",), "prod_db"),
    (("SEC08-BP02",), "prod_cache"),
    (("SEC05-BP01", "SEC05-BP02"), "prod_db"),
    (("SEC05-BP01", "SEC05-BP02"), "prod_service"),
    (("PERF02-BP05",), "prod_service"),
    (("REL02-BP05",), "prod_vpc"),
    (("REL02-BP05",), "dev_vpc"),
]


def test_scan_writes_findings_json_of_the_contract_schema(document):
    assert document["schema"] == "wafr.findings/1"
    assert document["scope"]["regions"] == [REGION]
    assert any(c["status"] == "assessed" for c in document["coverage"])


@pytest.mark.parametrize("bps,role", EXPECTED, ids=[f"{'|'.join(b)}-{r}" for b, r in EXPECTED])
def test_scan_finds_the_problem(document, scan, bps, role):
    for names in _targets(scan["created"])[role]:
        failed = [f for f in document["findings"] if f["status"] == "FAIL"
                  and {f["resource"]["id"], f["resource"]["name"], f["resource"]["arn"]} & names]
        assert any(set(bps) & set(f["best_practices"]) for f in failed), (
            f"no FAIL with {' or '.join(bps)} on {sorted(names)}; its FAILs: "
            f"{sorted((f['check_id'], *f['best_practices']) for f in failed)}")
