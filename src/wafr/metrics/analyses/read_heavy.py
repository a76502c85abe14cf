"""Read-heavy production database with no read replica: reads that reach storage far outnumber writes.

ReadIOPS counts the reads the buffer cache could not serve, so a high ratio of ReadIOPS to WriteIOPS means the
primary spends its storage throughput on reads that a read replica (or a cache) could take. Aurora is left out:
its readers are cluster members, not instance replicas.
"""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Estate, Resource
from wafr.metrics.analyses.common import Context, need
from wafr.metrics.results import MetricResult, clean, fired, unknown
from wafr.resource_types import RDS_DB_INSTANCE
from wafr.vocabulary import PRODUCTION_LIKE

ANALYSIS = "db-read-heavy"
READS, WRITES = "ReadIOPS", "WriteIOPS"
# Five reads for every write (over 80% of storage I/O is reads): most of the primary's I/O load could move.
READ_HEAVY_RATIO = 5.0
# Below this average the reads are within what any RDS storage serves without strain (gp3's baseline is 3,000).
MIN_READ_IOPS = 300.0
REPLICA_KEYS = ("ReadReplicaDBInstanceIdentifiers", "ReadReplicaDBClusterIdentifiers")
SOURCE_KEYS = ("ReadReplicaSourceDBInstanceIdentifier", "ReadReplicaSourceDBClusterIdentifier")


def analyse(ctx: Context, db: Resource) -> MetricResult:
    replicas = [r for key in REPLICA_KEYS for r in db.config.get(key) or []]
    series, why = need(ctx, db, READS, WRITES)
    if why:
        return unknown(ANALYSIS, db, why)
    pairs = [(r, w) for r, w in zip(series[READS].aligned(ctx.window.start, ctx.window.points),
                                    series[WRITES].aligned(ctx.window.start, ctx.window.points))
             if r is not None and w is not None]
    if not pairs:
        return unknown(ANALYSIS, db, "its ReadIOPS and WriteIOPS series share no hour")
    reads = sum(r for r, _ in pairs) / len(pairs)
    writes = sum(w for _, w in pairs) / len(pairs)
    ratio = reads / writes if writes else float("inf")
    ratio_words = f"{ratio:.0f} to 1" if writes else "with no writes at all"
    numbers = {"read_iops_mean": round(reads, 1), "write_iops_mean": round(writes, 1),
               "read_write_ratio": None if not writes else round(ratio, 1), "replicas": len(replicas)}
    usage = f"storage reads average {reads:,.0f} IOPS against {writes:,.0f} write IOPS ({ratio_words})"
    if replicas:
        return clean(ANALYSIS, db, f"{usage}; it has {len(replicas)} read replica(s)", numbers=numbers)
    if ratio < READ_HEAVY_RATIO or reads < MIN_READ_IOPS:
        return clean(ANALYSIS, db, f"{usage}: not read-heavy enough for a replica to pay off "
                                   f"(at least {READ_HEAVY_RATIO:.0f} to 1 and {MIN_READ_IOPS:.0f} read IOPS)",
                     numbers=numbers)
    return fired(ANALYSIS, db, f"{usage}, and it has no read replica", numbers=numbers, charts=(READS, WRITES),
                 recommendation=f"Add a read replica of {db.label} and send read-only queries (reports, searches, "
                                "listings) to its endpoint, or cache the hottest reads in front of it.")


def run(ctx: Context, estate: Estate) -> Iterator[MetricResult]:
    for db in estate.of_type(RDS_DB_INSTANCE):
        config = db.config
        if str(config.get("Engine", "")).startswith("aurora") or any(config.get(k) for k in SOURCE_KEYS):
            continue  # Aurora reads scale through cluster readers; a replica is itself the answer
        if estate.environment_of(db) not in PRODUCTION_LIKE:
            continue
        yield analyse(ctx, db)
