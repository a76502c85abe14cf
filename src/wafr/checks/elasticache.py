"""ElastiCache: encryption at rest and in transit, and automatic failover for Redis and Valkey."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.data_stores import AT_REST_RISK, AVAILABILITY_RISK, KeyDirectory, caches
from wafr.checks.registry import Result, check, fail, not_assessed, passed
from wafr.estate import Estate
from wafr.resource_types import ELASTICACHE_CACHE_CLUSTER, ELASTICACHE_REPLICATION_GROUP

REDIS_ENGINES = ("redis", "valkey")
STEP_DOWN = {"HIGH": "MEDIUM", "MEDIUM": "LOW", "LOW": "LOW"}


@check(
    "elasticache-at-rest-not-encrypted",
    title="ElastiCache data is not encrypted at rest",
    pillar="security",
    focus_area="Encryption at rest",
    risk=AT_REST_RISK,
    best_practices=["SEC08-BP02"],
    remediation="Create a replacement replication group with at-rest encryption (a customer managed KMS key where the "
                "data is sensitive), seeded from a backup of the old one, then move clients to its endpoint; "
                "Memcached clusters cannot encrypt at rest, so move sensitive data to Valkey/Redis OSS or ElastiCache "
                "Serverless.",
    resource_types=[ELASTICACHE_REPLICATION_GROUP, ELASTICACHE_CACHE_CLUSTER],
    needs=("elasticache",),
    bullet="Move {resources} to an ElastiCache replication group encrypted at rest",
)
def elasticache_at_rest_not_encrypted(estate: Estate) -> Iterator[Result]:
    keys = KeyDirectory.of(estate)
    for cache in caches(estate):
        encrypted = cache.config.get("AtRestEncryptionEnabled")
        if encrypted is None:
            yield not_assessed(cache, "the ElastiCache response carries no AtRestEncryptionEnabled for it")
        elif encrypted:
            key = keys.describe(cache, cache.config.get("KmsKeyId"))
            yield passed(cache, f"AtRestEncryptionEnabled is true, with {key}.")
        elif cache.config.get("Engine") == "memcached":
            yield fail(cache, "AtRestEncryptionEnabled is false: node-based Memcached cannot encrypt at rest.")
        else:
            yield fail(cache, "AtRestEncryptionEnabled is false: cached data, backups and swap are stored unencrypted.")


# -- encryption in transit ----------------------------------------------------------------------------------------
@check(
    "elasticache-in-transit-not-encrypted",
    title="ElastiCache accepts unencrypted connections",
    pillar="security",
    focus_area="Network security",
    risk="MEDIUM",
    best_practices=["SEC09-BP02"],
    remediation="Enable in-transit encryption (TLS): on Valkey/Redis OSS 7+ switch TransitEncryptionMode to "
                "'preferred', move every client to TLS, then set it to 'required'; older engines need a new "
                "replication group with TLS.",
    resource_types=[ELASTICACHE_REPLICATION_GROUP, ELASTICACHE_CACHE_CLUSTER],
    needs=("elasticache",),
    bullet="Require TLS for connections to {resources}",
)
def elasticache_in_transit_not_encrypted(estate: Estate) -> Iterator[Result]:
    for cache in caches(estate):
        enabled = cache.config.get("TransitEncryptionEnabled")
        if enabled is None:
            yield not_assessed(cache, "the ElastiCache response carries no TransitEncryptionEnabled for it")
        elif not enabled:
            yield fail(cache, "TransitEncryptionEnabled is false: clients and replicas talk in plain text.")
        elif cache.config.get("TransitEncryptionMode") == "preferred":
            yield fail(cache, "TransitEncryptionMode is preferred: TLS is offered but plain-text connections are still "
                              "accepted.")
        else:
            yield passed(cache, "TransitEncryptionEnabled is true; only TLS connections are accepted.")


@check(
    "elasticache-redis-without-failover",
    title="Redis/Valkey cache is a single node or has no automatic failover",
    pillar="reliability",
    focus_area="Service availability",
    risk=AVAILABILITY_RISK,
    best_practices=["REL10-BP01", "REL11-BP02"],
    remediation="Run the cache as a replication group with at least one replica in another Availability Zone, and "
                "enable automatic failover and Multi-AZ so a replica is promoted when the primary fails.",
    resource_types=[ELASTICACHE_REPLICATION_GROUP, ELASTICACHE_CACHE_CLUSTER],
    needs=("elasticache",),
    bullet=("Give the Redis cache {resources} a replica in another zone with automatic failover",
            "Give the Redis caches {resources} replicas in another zone with automatic failover"),
)
def elasticache_redis_without_failover(estate: Estate) -> Iterator[Result]:
    for cache in caches(estate):
        if cache.type == ELASTICACHE_CACHE_CLUSTER:
            if cache.config.get("Engine") in REDIS_ENGINES:
                yield fail(cache, f"A standalone {cache.config['Engine']} cluster of "
                                  f"{cache.config.get('NumCacheNodes', 1)} node: no replica to fail over to, a single "
                                  "point of failure.")
            continue  # Memcached spreads keys over nodes; it has no failover to judge
        nodes = len(cache.config.get("MemberClusters") or [])
        failover, multi_az = cache.config.get("AutomaticFailover"), cache.config.get("MultiAZ")
        if failover not in ("enabled", "enabling"):
            shape = "a single node" if nodes == 1 else f"{nodes} nodes"
            yield fail(cache, f"AutomaticFailover is {failover or 'disabled'} with {shape}: the primary is a single "
                              "point of failure.")
        elif multi_az != "enabled":
            yield fail(cache, f"AutomaticFailover is enabled but MultiAZ is {multi_az or 'disabled'}: replicas may "
                              "share the primary's Availability Zone.",
                       risk=STEP_DOWN[AVAILABILITY_RISK[estate.environment_of(cache)]])
        else:
            yield passed(cache, f"AutomaticFailover and MultiAZ are enabled ({nodes} node(s) listed).")
