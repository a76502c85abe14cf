"""Scan time of a 2-region estate on moto_server: this tree against an earlier revision, in one run.

Both scans read the same server with the same estate (tests/estates.py, provisioned twice per region: about a
hundred resources). The earlier revision is unpacked from git into a temporary directory and run with the same
virtual environment, so the only difference is wafr's own code: how many services it reads and how.

Usage: python benchmarks/scan_moto_server.py [--base d889250] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ("us-east-1", "eu-west-1")
BASE = "d889250"  # the last revision before the serverless, data and edge services were read

sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tests")]
from collect_org import start_server  # noqa: E402  (benchmarks share the server start)
from estates import provision  # noqa: E402  (the randomly named scan-test estate)


def unpack(revision: str, into: Path) -> Path:
    """The revision's src/ tree, from git, without touching the work tree."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision, "src"],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def seed(url: str) -> None:
    import boto3

    for region in REGIONS:
        session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region)
        for n in range(2):
            provision(session, url, seed=hash((region, n)) % 10_000)


def scan(src: Path, url: str, out: Path) -> tuple[float, dict]:
    """Wall seconds of `wafr collect` from ``src`` against the server, and what the snapshot says it read."""
    env = {**os.environ, "PYTHONPATH": str(src), "AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGIONS[0], "WAFR_HISTORY_URL": "",
           "MOTO_ALLOW_NONEXISTENT_REGION": "true"}
    out.unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "wafr", "collect", "--regions", ",".join(REGIONS), "--no-metrics",
                    "-o", str(out)], env=env, check=True, capture_output=True, cwd=out.parent)
    seconds = time.perf_counter() - start
    document = json.loads(gzip.decompress(out.read_bytes()))
    services = {c["service"] for c in document["coverage"]}
    calls = (document.get("metadata", {}).get("api_calls") or {}).get("total")
    return seconds, {"resources": len(document["resources"]), "collectors": len(services), "api_calls": calls}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=BASE, help="the earlier revision to compare with")
    parser.add_argument("--repeat", type=int, default=3, help="scans of each tree, alternating")
    args = parser.parse_args()
    server, url = start_server()
    try:
        seed(url)
        with tempfile.TemporaryDirectory() as tmp:
            trees = {f"base {args.base}": unpack(args.base, Path(tmp) / "base"), "this tree": ROOT / "src"}
            times: dict[str, list[float]] = {name: [] for name in trees}
            read: dict[str, dict] = {}
            for _ in range(args.repeat):
                for name, src in trees.items():
                    seconds, read[name] = scan(src, url, Path(tmp) / "estate.json.gz")
                    times[name].append(seconds)
        for name in trees:
            print(f"{name:>14}: median {statistics.median(times[name]):.2f} s over {args.repeat} scans "
                  f"(min {min(times[name]):.2f} s); {read[name]['collectors']} collectors, "
                  f"{read[name]['resources']} resources, API calls {read[name]['api_calls']}")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
