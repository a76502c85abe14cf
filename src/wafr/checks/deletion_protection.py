"""Deletion protection of production databases: RDS instances and clusters, DynamoDB tables."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.data_stores import primary_databases
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate
from wafr.resource_types import DYNAMODB_TABLE, RDS_DB_CLUSTER, RDS_DB_INSTANCE


# Which best practice: SEC08-BP04 asks that data at rest be protected against intentional or inadvertent
# deletion; deletion protection does exactly that. REL09 is about backups, which this is not.
@check(
    "database-deletion-protection-off",
    title="Production database can be deleted without first lifting deletion protection",
    pillar="security",
    focus_area="Data protection",
    risk=by_environment(prod="MEDIUM", staging="LOW", dev="LOW"),
    best_practices=["SEC08-BP04"],
    remediation="Turn on deletion protection (RDS DeletionProtection, DynamoDB DeletionProtectionEnabled) for "
                "production databases, in the infrastructure code so a stack update or destroy cannot drop them.",
    resource_types=[RDS_DB_INSTANCE, RDS_DB_CLUSTER, DYNAMODB_TABLE],
    needs=("rds", "dynamodb"),
    bullet=("Turn on deletion protection for the production database {resources}",
            "Turn on deletion protection for the production databases {resources}"),
)
def database_deletion_protection_off(estate: Estate) -> Iterator[Result]:
    stores = [(db, "DeletionProtection") for db in primary_databases(estate)]
    stores += [(table, "DeletionProtectionEnabled") for table in estate.of_type(DYNAMODB_TABLE)]
    for store, field in stores:
        if field not in store.config:
            yield not_assessed(store, f"{field} was not read ({', '.join(store.errors) or 'absent'})")
        elif store.config[field]:
            yield passed(store, f"{field} is true.")
        elif not estate.in_production(store):
            yield passed(store, f"{field} is false, acceptable in {estate.environment_of(store)}.")
        else:
            yield fail(store, f"{field} is false on a {estate.environment_of(store)} database: one API call or stack "
                              "deletion removes it.")
