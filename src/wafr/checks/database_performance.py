"""RDS settings that decide how well a database's performance is seen and served: Performance Insights in
production, and storage of the current generation (gp3 or io2 where gp2, io1 or magnetic were chosen)."""

from __future__ import annotations

from wafr.checks.registry import Result, by_environment, check, fail, judged, passed
from wafr.estate import Estate, Resource
from wafr.resource_types import RDS_DB_INSTANCE

# Classes Performance Insights does not run on (RDS User Guide, "Amazon RDS DB engine, Region, and instance class
# support for Performance Insights"): the smallest burstable sizes.
NO_INSIGHTS_CLASSES = ("db.t2.micro", "db.t2.small", "db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small")
# What serves each older storage type at the same or better performance (RDS User Guide, "Amazon RDS DB instance
# storage"): gp3's baseline is 3,000 IOPS and 125 MB/s whatever the size, with more provisioned apart; io2 gives
# io1's IOPS with more durability at the same price.
SUCCESSOR = {"gp2": "gp3", "io1": "io2", "standard": "gp3"}


def _aurora(db: Resource) -> bool:
    return str(db.config.get("Engine", "")).startswith("aurora")


@check(
    "rds-performance-insights-off",
    title="Production database runs without Performance Insights",
    pillar="performance-efficiency",
    focus_area="Workload efficiency",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["PERF05-BP02", "PERF03-BP03"],
    remediation="Turn on Performance Insights (or CloudWatch Database Insights) for the instance: its free tier keeps "
                "7 days of database load by wait, SQL statement and host, which shows where time goes when users "
                "feel the database slow down.",
    each=RDS_DB_INSTANCE,
    bullet="Turn on Performance Insights for {resources}",
)
def rds_performance_insights_off(db: Resource, estate: Estate) -> Result | None:
    if not estate.in_production(db):
        return None  # what production's load looks like is the question; dev's is not
    instance_class = db.config.get("DBInstanceClass", "")
    if instance_class in NO_INSIGHTS_CLASSES:
        return None  # Performance Insights is not offered for this class
    return judged(db, bool(db.config.get("PerformanceInsightsEnabled")),
                  f"Performance Insights is on (kept {db.config.get('PerformanceInsightsRetentionPeriod', 7)} days).",
                  f"Performance Insights is off on this {estate.environment_of(db)} {instance_class} "
                  f"{db.config.get('Engine', '')} instance: its load by wait and SQL statement is not recorded.")


@check(
    "rds-storage-previous-generation",
    title="RDS storage is gp2, io1 or magnetic where gp3 or io2 serves",
    pillar="performance-efficiency",
    focus_area="Data store performance",
    risk=by_environment(prod="LOW"),
    best_practices=["PERF03-BP02"],
    remediation="Modify the instance's storage type to gp3 (from gp2 or magnetic) or io2 (from io1); the change is "
                "online, and gp3's IOPS and throughput are set apart from its size, so set them to what the "
                "workload needs.",
    each=RDS_DB_INSTANCE,
    bullet="Move the storage of {resources} to gp3 or io2",
)
def rds_storage_previous_generation(db: Resource) -> Result | None:
    if _aurora(db):
        return None  # Aurora's cluster storage has no volume type to choose
    storage = db.config.get("StorageType", "")
    size = db.config.get("AllocatedStorage")
    if storage in SUCCESSOR:
        return fail(db, f"Its {size} GiB of storage is {storage}; {SUCCESSOR[storage]} serves the same load with "
                        "performance set apart from size" + (" (gp2's baseline is 3 IOPS per GiB, "
                                                             f"{max(100, 3 * int(size or 0)):,} IOPS here)"
                                                             if storage == "gp2" and size else "") + ".")
    if not storage:
        return None  # not reported: nothing to judge
    return passed(db, f"Its storage is {storage}.")
