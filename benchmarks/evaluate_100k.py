"""Evaluation of a synthetic 100,000-resource snapshot: checks and review, no collection. Wall time and peak memory.

The estate is the demo's, as the real collectors read it from moto, copied with fresh ids into ~100 accounts
and two regions (8 copies of the workload per account), so every check meets resources shaped as AWS returns them.
The measurement runs in a fresh process, so its peak memory is the evaluation's, not the generator's.

Usage: python benchmarks/evaluate_100k.py [--resources 100000] [--snapshot PATH] [--keep]
Targets (issue 6): under 10 s and 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REGIONS = ("us-east-1", "eu-west-1")
COPIES_PER_ACCOUNT = 8
TARGET_SECONDS, TARGET_BYTES = 10.0, 1.5 * 1024**3


def template():
    """The demo estate as a scan reads it."""
    from wafr.demo.run import run_demo

    return run_demo()


def make(total: int, path: Path) -> int:
    from wafr.sources import snapshot

    base = template()
    account = base.accounts[0]
    home = base.regions[0]
    doc = snapshot.to_document(base)
    ids = {r.id for r in base.resources} | {t for r in base.resources for ts in r.links.values() for t in ts}
    ids = sorted((i for i in ids if i and i != account and len(i) > 3), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
    resources_text = json.dumps(doc["resources"])
    coverage_text = json.dumps(doc["coverage"])
    resources, coverage, accounts = [], [], []
    k = -1
    while len(resources) < total:
        k += 1
        account_k = f"{100000000000 + k // COPIES_PER_ACCOUNT:012d}"
        region_k = REGIONS[k % len(REGIONS)]
        slot = k % COPIES_PER_ACCOUNT
        suffix = f"-c{k:04d}"
        text = pattern.sub(lambda m, s=suffix: m.group(1) + s, resources_text)
        text = text.replace(account, account_k).replace(home, region_k)
        for item in json.loads(text):
            if item["id"] == account_k and not (slot == 0 or (slot == 1 and item["region"] != "global")):
                continue  # account settings exist once per account (and region)
            resources.append(item)
        if slot < len(REGIONS):
            covered = json.loads(coverage_text.replace(account, account_k).replace(home, region_k))
            coverage += [c for c in covered if slot == 0 or c["region"] != "global"]
        if slot == 0:
            accounts.append(account_k)
    resources = resources[:total]
    metadata = {**doc["metadata"], "accounts": accounts, "regions": list(REGIONS)}
    out = {**doc, "metadata": metadata, "resources": resources, "coverage": coverage}
    snapshot.write(snapshot.from_document(out), path)
    return len(resources)


def measure(path: Path) -> None:
    """Read, evaluate, build the review; print the figures as one JSON line."""
    from wafr.findings import evaluate
    from wafr.review import review_of_estate
    from wafr.sources import snapshot

    start = time.perf_counter()
    estate = snapshot.read(path)
    read = time.perf_counter()
    findings = evaluate(estate)
    evaluated = time.perf_counter()
    review = review_of_estate(estate, findings)
    reviewed = time.perf_counter()
    print(json.dumps({
        "resources": len(estate), "accounts": len(estate.accounts), "findings": len(findings),
        "focus_areas": sum(1 for _ in review.all_focus_areas()),
        "read_s": read - start, "evaluate_s": evaluated - read, "review_s": reviewed - evaluated,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--snapshot", type=Path, help="reuse (or keep) the synthetic snapshot here")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    path = args.snapshot or Path(tempfile.mkdtemp(prefix="wafr-100k-")) / "estate.json.gz"
    if not path.exists():
        started = time.perf_counter()
        count = make(args.resources, path)
        print(f"synthetic snapshot: {count} resources, {path.stat().st_size / 1e6:.1f} MB gzip "
              f"({time.perf_counter() - started:.1f} s to make)")
    child = subprocess.run([sys.executable, __file__, "--measure", str(path)], check=True, capture_output=True,
                           text=True)
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    judged = figures["evaluate_s"] + figures["review_s"]
    peak = figures["peak_rss_bytes"]
    print(f"resources {figures['resources']}, accounts {figures['accounts']}, findings {figures['findings']}")
    print(f"read snapshot   {figures['read_s']:6.2f} s")
    print(f"evaluate        {figures['evaluate_s']:6.2f} s")
    print(f"review          {figures['review_s']:6.2f} s")
    print(f"checks + review {judged:6.2f} s   (target < {TARGET_SECONDS:.0f} s: "
          f"{'met' if judged < TARGET_SECONDS else 'MISSED'})")
    print(f"peak memory     {peak / 1024**3:6.2f} GB (target < 1.5 GB: {'met' if peak < TARGET_BYTES else 'MISSED'};"
          " whole process, snapshot included)")


if __name__ == "__main__":
    main()
