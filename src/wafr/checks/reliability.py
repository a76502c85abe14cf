"""Reliability checks: service availability (multiple locations, failover) and disaster recovery."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.registry import Result, by_environment, check, fail, passed
from wafr.estate import Estate


@check(
    "rds-instance-single-az",
    title="RDS instance runs in a single Availability Zone",
    pillar="reliability",
    focus_area="Service availability",
    risk=by_environment(prod="HIGH", staging="MEDIUM", dev="LOW"),
    best_practices=["REL10-BP01", "REL11-BP02"],
    remediation="Enable Multi-AZ so a standby in a second Availability Zone takes over on failure, "
                "or move the database to an Aurora cluster with a replica in another zone.",
    resource_types=["AWS::RDS::DBInstance"],
)
def rds_instance_single_az(estate: Estate) -> Iterator[Result]:
    for db in estate.of_type("AWS::RDS::DBInstance"):
        if db.config.get("DBClusterIdentifier"):
            continue  # Aurora members: availability is the cluster's, judged there
        if db.config.get("MultiAZ"):
            yield passed(db, "MultiAZ is true")
        else:
            yield fail(db, f"MultiAZ is false; the instance runs only in {db.config.get('AvailabilityZone', 'one zone')}")
