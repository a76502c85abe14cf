"""Collection of an organization served by moto_server on loopback: wall time, API calls against the minimum
number of pages, peak memory.

The organization is the management account and --members member accounts, read through AssumeRole, in two
regions; seeding (one writer, as moto_server needs) puts about 10,000 resources in it: security groups, subnets,
RDS instances and DynamoDB tables in every account-region, IAM users in every account.

The minimum is counted from what the collectors asked for: each distinct request (its parameters without the
page token) needs at least one call, and as many pages as its items fill at the largest page size the API
allows. Calls above that are repeats or small pages.

Usage: python benchmarks/collect_org.py [--members 4] [--scale 1.0] [--latency-ms 0]
Targets (issue 6): API calls at most 1.1x the page minimum; time that grows with the largest account.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

REGIONS = ["us-east-1", "eu-west-1"]
ROLE = "OrganizationAccountAccessRole"
PER_REGION = {"security_groups": 600, "subnets": 100, "db_instances": 60, "tables": 40}
USERS = 300


def start_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = Path(sys.executable).with_name("moto_server")
    launcher = [str(script)] if script.exists() else [sys.executable, "-m", "moto.server"]
    server = subprocess.Popen([*launcher, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=1):
                return server, url
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("moto_server did not start")


def member_session(account: str):
    import boto3

    creds = boto3.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE}",
                                            RoleSessionName="seed")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"])


def seed(members: int, scale: float) -> list[str]:
    """The organization and its resources, written by this one thread."""
    import boto3

    org = boto3.client("organizations", region_name=REGIONS[0])
    org.create_organization(FeatureSet="ALL")
    accounts = [org.describe_organization()["Organization"]["MasterAccountId"]]
    for i in range(members):
        status = org.create_account(AccountName=f"workload-{i}", Email=f"w{i}@example.com")["CreateAccountStatus"]
        accounts.append(status["AccountId"])
    counts = {k: int(v * scale) for k, v in PER_REGION.items()}
    for n, account in enumerate(accounts):
        session = boto3.Session() if n == 0 else member_session(account)
        iam = session.client("iam", region_name=REGIONS[0])
        for u in range(int(USERS * scale)):
            iam.create_user(UserName=f"user-{u:04d}")
        for region in REGIONS:
            ec2, rds, ddb = (session.client(s, region_name=region) for s in ("ec2", "rds", "dynamodb"))
            env = "prod" if n % 2 else "dev"
            vpc = ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16", TagSpecifications=[
                {"ResourceType": "vpc", "Tags": [{"Key": "Environment", "Value": env}]}])["Vpc"]["VpcId"]
            for s in range(counts["subnets"]):
                ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n}.{s}.0/24")
            for g in range(counts["security_groups"]):
                ec2.create_security_group(GroupName=f"sg-{g:04d}", Description="bench", VpcId=vpc)
            for d in range(counts["db_instances"]):
                rds.create_db_instance(DBInstanceIdentifier=f"db-{d:03d}", DBInstanceClass="db.t3.micro",
                                       Engine="postgres", MasterUsername="admin", MasterUserPassword="secret123",
                                       AllocatedStorage=20)
            for t in range(counts["tables"]):
                ddb.create_table(TableName=f"table-{t:03d}", BillingMode="PAY_PER_REQUEST",
                                 AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                 KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    return accounts


class PageLedger:
    """Per distinct request: calls made and items returned, to set against the fewest pages that could hold them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])  # calls, items

    def install(self, events, account: str) -> None:
        def before(params, model, context, **_):
            context["bench_params"], context["bench_account"] = dict(params), account

        events.register("before-parameter-build.*.*", before, unique_id="bench-ledger-before")
        events.register("after-call.*.*", self._after, unique_id="bench-ledger-after")

    def _after(self, parsed, model, context, **_):
        from wafr.sources.aws.models import paginator_config

        service = model.service_model.service_name
        config = paginator_config(service, model.name) or {}
        tokens = config.get("input_token") or []
        tokens = [tokens] if isinstance(tokens, str) else tokens
        ignored = set(tokens) | {config.get("limit_key")}
        params = {k: v for k, v in (context.get("bench_params") or {}).items() if k not in ignored}
        keys = config.get("result_key") or []
        keys = [keys] if isinstance(keys, str) else keys
        items = max([len(parsed.get(k.split(".")[0]) or []) for k in keys] or [0])
        key = (context.get("bench_account"), context.get("client_region"), service, model.name, json.dumps(params, sort_keys=True, default=str))
        with self.lock:
            entry = self.requests[key]
            entry[0] += 1
            entry[1] += items

    def minimum(self) -> int:
        from wafr.sources.aws.models import paginator_config, service_model

        total = 0
        for (_, _, service, operation, _), (_, items) in self.requests.items():
            shape = service_model(service).operation_model(operation).input_shape
            limit_key = (paginator_config(service, operation) or {}).get("limit_key")
            member = shape.members.get(limit_key) if shape is not None and limit_key else None
            largest = (member.metadata.get("max") if member is not None else None) or 0
            total += max(1, math.ceil(items / largest)) if largest else 1
        return total

    def calls(self) -> int:
        return sum(calls for calls, _ in self.requests.values())


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used (Linux /proc), to see whether the emulator is the bottleneck."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def add_latency(events, seconds: float) -> None:
    """Each request waits as it would on its way to AWS and back; loopback has none."""
    if seconds:
        events.register("before-send.*.*", lambda **_: time.sleep(seconds), unique_id="bench-latency")


def collect(accounts: list[str] | None, ledger: PageLedger, latency: float = 0.0):
    from wafr.sources.aws import organization
    from wafr.sources.aws.collect import collect_organization
    from wafr.sources.aws.session import open_session

    real = organization.assume

    def assume(base, account, *args, **kwargs):
        session = real(base, account, *args, **kwargs)
        ledger.install(session.session.events, account)
        add_latency(session.session.events, latency)
        return session

    organization.assume = assume
    try:
        base = open_session(region=REGIONS[0])
        ledger.install(base.session.events, base.account)
        add_latency(base.session.events, latency)
        started = time.perf_counter()
        estate = collect_organization(base, REGIONS, accounts=accounts)
        return estate, time.perf_counter() - started
    finally:
        organization.assume = real


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=4)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the resources seeded per account")
    parser.add_argument("--latency-ms", type=float, default=0.0,
                        help="round-trip time added to every request, as a real endpoint has")
    args = parser.parse_args()
    server, url = start_server()
    os.environ.update({"AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": REGIONS[0], "AWS_CONFIG_FILE": os.devnull,
                       "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    try:
        started = time.perf_counter()
        accounts = seed(args.members, args.scale)
        print(f"seeded {len(accounts)} accounts x {len(REGIONS)} regions in {time.perf_counter() - started:.0f} s")

        one = PageLedger()
        busy = cpu_seconds(server.pid)
        _, alone = collect([accounts[1]], one, args.latency_ms / 1000)
        busy_alone, busy = cpu_seconds(server.pid) - busy, cpu_seconds(server.pid)
        ledger = PageLedger()
        estate, elapsed = collect(None, ledger, args.latency_ms / 1000)
        busy_org = cpu_seconds(server.pid) - busy
        calls = estate.metadata["api_calls"]
        gaps = [c for c in estate.coverage if c.status in ("denied", "failed")]
        print(f"resources collected   {len(estate)} in {len(estate.accounts)} accounts "
              f"(added latency {args.latency_ms:.0f} ms per request)")
        print(f"wall time             {elapsed:.1f} s for the organization; {alone:.1f} s for one member alone "
              f"(x{elapsed / alone:.1f} for x{len(accounts)} accounts)")
        print(f"moto_server CPU       {busy_org:.1f} s during the organization, {busy_alone:.1f} s during one member "
              f"({os.cpu_count()} cores; the emulator is one Python process)")
        print(f"API calls             {ledger.calls()} made ({calls['total']} counted by wafr); "
              f"minimum pages {ledger.minimum()}; ratio {ledger.calls() / ledger.minimum():.3f} (target <= 1.1)")
        print(f"repeated requests     {sum(calls['repeated'].values())} {calls['repeated']}")
        print(f"calls by service      {calls['by_service']}")
        print(f"coverage gaps         {len(gaps)} {sorted({(c.service, c.status) for c in gaps})}")
        print(f"peak memory           {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB "
              "(this process: seeding clients and collection)")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
