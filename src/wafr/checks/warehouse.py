"""Redshift clusters: encryption at rest and in transit, network exposure, audit logging, automated snapshots,
Multi-AZ and version upgrades."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed, unread
from wafr.estate import Estate, Resource
from wafr.resource_types import REDSHIFT_CLUSTER, REDSHIFT_CLUSTER_PARAMETER_GROUP

# Days of automated snapshots a cluster should keep, by environment (Redshift's default is one).
MIN_SNAPSHOT_DAYS = {"prod": 7, "unknown": 7, "staging": 1, "dev": 1}


def clusters(estate: Estate) -> list[Resource]:
    return estate.of_type(REDSHIFT_CLUSTER)


@check(
    "redshift-not-encrypted",
    title="Redshift cluster is not encrypted at rest",
    pillar="security",
    focus_area="Encryption at rest",
    risk=by_environment(prod="HIGH", staging="MEDIUM", dev="LOW"),
    best_practices=["SEC08-BP02", "REL09-BP02"],
    remediation="Encrypt the cluster with a KMS key (ModifyCluster with Encrypted and KmsKeyId migrates it in place); "
                "its snapshots are then encrypted too.",
    resource_types=[REDSHIFT_CLUSTER],
    needs=("redshift",),
)
def redshift_not_encrypted(estate: Estate) -> Iterator[Result]:
    for cluster in clusters(estate):
        if cluster.config.get("Encrypted"):
            yield passed(cluster, f"Encrypted with {cluster.config.get('KmsKeyId') or 'a KMS key'}.")
        else:
            yield fail(cluster, "Encrypted is false: the warehouse's tables and snapshots are stored unencrypted.")


@check(
    "redshift-publicly-accessible",
    title="Redshift cluster is publicly accessible",
    pillar="security",
    focus_area="Network security",
    risk="HIGH",
    best_practices=["SEC05-BP01", "SEC05-BP02"],
    remediation="Set PubliclyAccessible to false and reach the cluster from inside the VPC (a bastion-free path such "
                "as Session Manager port forwarding, a VPN, or a Redshift-managed VPC endpoint).",
    resource_types=[REDSHIFT_CLUSTER],
    needs=("redshift",),
)
def redshift_publicly_accessible(estate: Estate) -> Iterator[Result]:
    for cluster in clusters(estate):
        if cluster.config.get("PubliclyAccessible"):
            address = (cluster.config.get("Endpoint") or {}).get("Address", "its endpoint")
            yield fail(cluster, f"PubliclyAccessible is true: {address} resolves to a public IP address, guarded "
                                "only by security groups and database passwords.")
        else:
            yield passed(cluster, "PubliclyAccessible is false.")


@check(
    "redshift-enhanced-vpc-routing-off",
    title="Redshift cluster's COPY and UNLOAD traffic bypasses the VPC",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC05-BP02"],
    remediation="Enable enhanced VPC routing, and give the VPC an S3 gateway endpoint (with an endpoint policy) so "
                "loads and unloads stay on paths the VPC's controls see.",
    resource_types=[REDSHIFT_CLUSTER],
    needs=("redshift",),
)
def redshift_enhanced_vpc_routing_off(estate: Estate) -> Iterator[Result]:
    for cluster in clusters(estate):
        if cluster.config.get("EnhancedVpcRouting"):
            yield passed(cluster, "Enhanced VPC routing is on: COPY and UNLOAD go through the VPC.")
        else:
            yield fail(cluster, "Enhanced VPC routing is off: COPY and UNLOAD reach S3 and other sources outside the "
                                "VPC, past its security groups, endpoint policies and flow logs.")


@check(
    "redshift-audit-logging-off",
    title="Redshift cluster does not log connections and user activity",
    pillar="security",
    focus_area="Detection",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC04-BP01"],
    remediation="Enable audit logging to CloudWatch Logs (or S3) with the connection, user and user-activity logs, "
                "and set enable_user_activity_logging in the parameter group for the last one.",
    resource_types=[REDSHIFT_CLUSTER],
    needs=("redshift",),
)
def redshift_audit_logging_off(estate: Estate) -> Iterator[Result]:
    for cluster in clusters(estate):
        status = cluster.config.get("LoggingStatus")
        why = unread(cluster, "DescribeLoggingStatus")
        if why or not isinstance(status, dict):
            yield not_assessed(cluster, why or "The cluster's logging status was not read.")
        elif status.get("LoggingEnabled"):
            exports = ", ".join(status.get("LogExports") or []) or "logs"
            where = status.get("LogDestinationType") or "s3"
            yield passed(cluster, f"Audit logging is on ({exports} to {where}).")
        else:
            yield fail(cluster, "Audit logging is off: connections, sign-ins and queries are not recorded.")


@check(
    "redshift-snapshot-retention-short",
    title="Redshift automated snapshots are kept too briefly (or are off)",
    pillar="reliability",
    focus_area="Disaster recovery",
    risk=by_environment(prod="HIGH", staging="MEDIUM", dev="LOW"),
    best_practices=["REL09-BP03"],
    remediation="Keep automated snapshots at least 7 days for production (up to 35), and copy snapshots to a second "
                "Region for disaster recovery.",
    resource_types=[REDSHIFT_CLUSTER],
    needs=("redshift",),
)
def redshift_snapshot_retention_short(estate: Estate) -> Iterator[Result]:
    for cluster in clusters(estate):
        kept = cluster.config.get("AutomatedSnapshotRetentionPeriod")
        minimum = MIN_SNAPSHOT_DAYS[estate.environment_of(cluster)]
        if not isinstance(kept, int):
            yield not_assessed(cluster, "AutomatedSnapshotRetentionPeriod is not in the Redshift response.")
        elif kept == 0:
            yield fail(cluster, "AutomatedSnapshotRetentionPeriod is 0: automated snapshots are off.", risk="HIGH")
        elif kept < minimum:
            yield fail(cluster, f"Automated snapshots are kept {kept} day(s) (< {minimum} for {estate.environment_of(cluster)}).")
        else:
            yield passed(cluster, f"Automated snapshots are kept {kept} day(s) (>= {minimum} for "
                                  f"{estate.environment_of(cluster)}).")


@check(
    "redshift-single-az",
    title="Production Redshift cluster runs in a single Availability Zone",
    pillar="reliability",
    focus_area="Service availability",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL10-BP01", "REL11-BP02"],
    remediation="Enable Multi-AZ on the RA3 cluster (compute in two zones behind one endpoint); for other node types, "
                "migrate to RA3, or at least enable cluster relocation.",
    resource_types=[REDSHIFT_CLUSTER],
    needs=("redshift",),
)
def redshift_single_az(estate: Estate) -> Iterator[Result]:
    for cluster in clusters(estate):
        multi_az = cluster.config.get("MultiAZ")
        relocation = cluster.config.get("AvailabilityZoneRelocationStatus")
        if multi_az is None:
            yield not_assessed(cluster, "MultiAZ is not in the Redshift response, so the cluster's zones are unknown.")
        elif str(multi_az).lower() == "enabled":
            yield passed(cluster, "Multi-AZ is enabled: compute runs in two Availability Zones.")
        elif not estate.in_production(cluster):
            yield passed(cluster, f"Multi-AZ is {str(multi_az).lower()}, acceptable in {estate.environment_of(cluster)}.")
        else:
            yield fail(cluster, f"Multi-AZ is {str(multi_az).lower()}: the cluster runs only in "
                                f"{cluster.config.get('AvailabilityZone') or 'one zone'}"
                                + (" (relocation is enabled, which moves it, with downtime)." if relocation == "enabled"
                                   else "."))


@check(
    "redshift-admin-password-unmanaged",
    title="Redshift cluster's admin password is not kept and rotated by Secrets Manager",
    pillar="security",
    focus_area="IAM",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC02-BP05"],
    remediation="Let Redshift manage the admin password in Secrets Manager (ModifyCluster with ManageMasterPassword), "
                "which rotates it, and have people and jobs sign in with IAM or federated credentials instead.",
    resource_types=[REDSHIFT_CLUSTER],
    needs=("redshift",),
)
def redshift_admin_password_unmanaged(estate: Estate) -> Iterator[Result]:
    for cluster in clusters(estate):
        secret = cluster.config.get("MasterPasswordSecretArn")
        if secret:
            yield passed(cluster, f"The admin password is kept and rotated in Secrets Manager ({secret}).")
        else:
            # AWS leaves MasterPasswordSecretArn out of DescribeClusters exactly when the password is not managed.
            yield fail(cluster, f"The admin user {cluster.config.get('MasterUsername', '')!r} has a password set by "
                                "hand, which nothing rotates.")


def require_ssl(group: Resource) -> str:
    """The group's require_ssl; a group that does not set it keeps the engine's default, false."""
    for parameter in group.config.get("Parameters") or []:
        if parameter.get("ParameterName") == "require_ssl":
            return str(parameter.get("ParameterValue", "false")).lower()
    return "false"


@check(
    "redshift-ssl-not-required",
    title="Redshift cluster accepts unencrypted connections",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC09-BP02"],
    remediation="Give the cluster a parameter group with require_ssl set to true (a custom group: the default one "
                "cannot be changed), then reboot it, after checking every client connects with TLS.",
    resource_types=[REDSHIFT_CLUSTER],
    needs=("redshift",),
)
def redshift_ssl_not_required(estate: Estate) -> Iterator[Result]:
    groups = {(g.account, g.region, g.id): g for g in estate.of_type(REDSHIFT_CLUSTER_PARAMETER_GROUP)}
    for cluster in clusters(estate):
        names = [g.get("ParameterGroupName") for g in cluster.config.get("ClusterParameterGroups") or []]
        group = groups.get((cluster.account, cluster.region, names[0])) if names else None
        why = unread(group, "DescribeClusterParameters") if group else None
        if group is None or why:
            yield not_assessed(cluster, why or f"Its parameter group {names[0] if names else '(none)'} was not read.")
        elif require_ssl(group) == "true":
            yield passed(cluster, f"Its parameter group {group.id} sets require_ssl to true.")
        else:
            yield fail(cluster, f"Its parameter group {group.id} leaves require_ssl false: clients may connect "
                                "without TLS and send passwords and query results in clear text.")


@check(
    "redshift-version-upgrade-off",
    title="Redshift cluster does not take new engine versions",
    pillar="performance-efficiency",
    focus_area="Workload efficiency",
    risk="LOW",
    best_practices=["PERF05-BP06", "SUS06-BP03"],
    remediation="Set AllowVersionUpgrade to true so the cluster takes new Redshift versions (performance and "
                "efficiency improvements) in its maintenance window; pick the trailing track if a lag is needed.",
    resource_types=[REDSHIFT_CLUSTER],
    needs=("redshift",),
)
def redshift_version_upgrade_off(estate: Estate) -> Iterator[Result]:
    for cluster in clusters(estate):
        version = cluster.config.get("ClusterVersion", "?")
        if cluster.config.get("AllowVersionUpgrade", True):
            yield passed(cluster, f"Version upgrades are applied in the maintenance window (now {version}).")
        else:
            yield fail(cluster, f"AllowVersionUpgrade is false: the cluster stays on {version} and misses the "
                                "engine's performance and efficiency improvements.")
