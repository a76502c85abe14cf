"""OpenSearch Service domains: encryption at rest and in transit, public endpoints, availability across zones,
audit and slow logs, and the hardware they run on."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from wafr.checks import instance_families as families
from wafr.checks.policies import actions_of, open_statements
from wafr.checks.operations import index_alarms
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed, unread
from wafr.checks.streams import alarms_watching
from wafr.estate import Estate, Resource
from wafr.resource_types import OPENSEARCH_DOMAIN

# OpenSearch's own optimized instances, beyond the EC2 families of data/instance_families.yaml: Graviton too.
GRAVITON_OPTIMIZED = ("or1", "or2", "om2")


def domains(estate: Estate) -> Iterator[tuple[Resource, str | None]]:
    """Each domain, with why it cannot be judged (its DescribeDomain failed) or None."""
    for domain in estate.of_type(OPENSEARCH_DOMAIN):
        yield domain, unread(domain, "DescribeDomain")


def option(domain: Resource, name: str) -> Mapping[str, Any]:
    return domain.config.get(name) or {}


def enabled_check(estate: Estate, name: str, done: str, missing: str) -> Iterator[Result]:
    """PASS where the domain's ``name`` option is enabled, FAIL where not."""
    for domain, why in domains(estate):
        if why:
            yield not_assessed(domain, why)
        elif option(domain, name).get("Enabled"):
            yield passed(domain, done)
        else:
            yield fail(domain, missing)


@check(
    "opensearch-not-encrypted-at-rest",
    title="OpenSearch domain is not encrypted at rest",
    pillar="security",
    focus_area="Encryption at rest",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC08-BP02", "REL09-BP02"],
    remediation="Enable encryption at rest on the domain (a KMS key; possible in place on OpenSearch 1.x and later "
                "and Elasticsearch 6.7 and later), which covers its indexes, logs, swap and automated snapshots.",
    resource_types=[OPENSEARCH_DOMAIN],
    needs=("opensearch",),
)
def opensearch_not_encrypted_at_rest(estate: Estate) -> Iterator[Result]:
    yield from enabled_check(estate, "EncryptionAtRestOptions", "Indexes and snapshots are encrypted at rest.",
                             "EncryptionAtRestOptions.Enabled is false: indexes, logs and snapshots are stored "
                             "unencrypted.")


@check(
    "opensearch-node-to-node-encryption-off",
    title="OpenSearch domain's nodes talk to each other unencrypted",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC09-BP02"],
    remediation="Enable node-to-node encryption on the domain, so traffic between its nodes inside the VPC or "
                "service network is TLS too.",
    resource_types=[OPENSEARCH_DOMAIN],
    needs=("opensearch",),
)
def opensearch_node_to_node_encryption_off(estate: Estate) -> Iterator[Result]:
    yield from enabled_check(estate, "NodeToNodeEncryptionOptions", "Node-to-node encryption is on.",
                             "NodeToNodeEncryptionOptions.Enabled is false: documents and queries cross the "
                             "network between nodes in clear text.")


@check(
    "opensearch-https-not-enforced",
    title="OpenSearch domain accepts plain HTTP or TLS older than 1.2",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC09-BP02"],
    remediation="Require HTTPS on the domain endpoint (EnforceHTTPS) with a TLS 1.2 policy such as "
                "Policy-Min-TLS-1-2-PFS-2023-10.",
    resource_types=[OPENSEARCH_DOMAIN],
    needs=("opensearch",),
)
def opensearch_https_not_enforced(estate: Estate) -> Iterator[Result]:
    for domain, why in domains(estate):
        endpoint = option(domain, "DomainEndpointOptions")
        policy = endpoint.get("TLSSecurityPolicy") or "(none)"
        if why:
            yield not_assessed(domain, why)
        elif not endpoint.get("EnforceHTTPS"):
            yield fail(domain, "EnforceHTTPS is false: clients may send credentials and documents over plain HTTP.")
        elif "TLS-1-2" not in policy:
            yield fail(domain, f"HTTPS is required, but the TLS policy {policy} still accepts TLS 1.0 and 1.1.")
        else:
            yield passed(domain, f"HTTPS is required with the TLS policy {policy}.")


def in_vpc(domain: Resource) -> bool:
    vpc = option(domain, "VPCOptions")
    return bool(vpc.get("VPCId") or vpc.get("SubnetIds"))


@check(
    "opensearch-domain-public",
    title="OpenSearch domain is reachable from the internet and its access policy lets anyone in",
    pillar="security",
    focus_area="Network security",
    risk="HIGH",
    best_practices=["SEC05-BP01", "SEC03-BP07"],
    remediation="Place the domain in a VPC (a new domain; a public one cannot move), or at least limit its access "
                "policy to named IAM principals or source IP ranges, and turn on fine-grained access control.",
    resource_types=[OPENSEARCH_DOMAIN],
    needs=("opensearch",),
)
def opensearch_domain_public(estate: Estate) -> Iterator[Result]:
    for domain, why in domains(estate):
        policy = domain.config.get("AccessPolicies")
        if why:
            yield not_assessed(domain, why)
        elif in_vpc(domain):
            yield passed(domain, "The domain's endpoint is in a VPC, reachable only through its security groups.")
        elif isinstance(policy, str) and policy.strip():
            yield not_assessed(domain, "The domain has a public endpoint and its access policy could not be read as "
                                       "JSON.")
        elif statements := open_statements(policy):
            guarded = option(domain, "AdvancedSecurityOptions").get("Enabled")
            yield fail(domain, f"The endpoint is public and its access policy lets anyone call "
                               f"{actions_of(statements)}" + (
                                   "; only fine-grained access control's sign-in stands in the way." if guarded
                                   else " with no sign-in at all."), risk="MEDIUM" if guarded else None)
        else:
            yield passed(domain, "The endpoint is public, but its access policy admits only named principals or "
                                 "sources." if policy else "The endpoint is public, but it has no access policy: "
                                                           "only this account's signed requests get in.")


@check(
    "opensearch-zone-awareness-off",
    title="Production OpenSearch domain runs in a single Availability Zone",
    pillar="reliability",
    focus_area="Service availability",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL10-BP01"],
    remediation="Enable zone awareness across three Availability Zones (or Multi-AZ with standby) with an even number "
                "of data nodes per zone and at least one replica per index.",
    resource_types=[OPENSEARCH_DOMAIN],
    needs=("opensearch",),
)
def opensearch_zone_awareness_off(estate: Estate) -> Iterator[Result]:
    for domain, why in domains(estate):
        cluster = option(domain, "ClusterConfig")
        zones = (cluster.get("ZoneAwarenessConfig") or {}).get("AvailabilityZoneCount", 2)
        if why:
            yield not_assessed(domain, why)
        elif cluster.get("ZoneAwarenessEnabled"):
            yield passed(domain, f"Zone awareness spreads the nodes over {zones} Availability Zones.")
        elif not estate.in_production(domain):
            yield passed(domain, f"Zone awareness is off, acceptable in {estate.environment_of(domain)}.")
        else:
            yield fail(domain, f"Zone awareness is off: all {cluster.get('InstanceCount', '?')} data node(s) can be "
                               "in one Availability Zone, and a zone outage takes the domain down.")


# Which best practice: three dedicated master nodes keep a quorum when one fails, so the cluster elects a new
# master and carries on (REL11-BP02, fail over to healthy resources); without them a busy data node is the master.
@check(
    "opensearch-no-dedicated-masters",
    title="Production OpenSearch domain has no three dedicated master nodes",
    pillar="reliability",
    focus_area="Service availability",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL11-BP02"],
    remediation="Enable three dedicated master nodes (one per zone): cluster management then survives a busy or "
                "failed data node, and a lost master is replaced by election.",
    resource_types=[OPENSEARCH_DOMAIN],
    needs=("opensearch",),
)
def opensearch_no_dedicated_masters(estate: Estate) -> Iterator[Result]:
    for domain, why in domains(estate):
        cluster = option(domain, "ClusterConfig")
        count = cluster.get("DedicatedMasterCount") or 0
        if why:
            yield not_assessed(domain, why)
        elif not estate.in_production(domain) and count < 3:
            yield passed(domain, f"{count} dedicated master node(s), acceptable in {estate.environment_of(domain)}.")
        elif not cluster.get("DedicatedMasterEnabled"):
            yield fail(domain, "No dedicated master nodes: data nodes also manage the cluster, and a node busy with "
                               "queries can stall it.")
        elif count < 3:
            yield fail(domain, f"{count} dedicated master node(s): losing one leaves no quorum to elect another.")
        else:
            yield passed(domain, f"{count} dedicated master nodes ({cluster.get('DedicatedMasterType', '?')}).")


def publishing(domain: Resource, *logs: str) -> list[str]:
    options = option(domain, "LogPublishingOptions")
    return [log for log in logs if (options.get(log) or {}).get("Enabled")]


@check(
    "opensearch-audit-logs-off",
    title="OpenSearch domain does not publish audit logs",
    pillar="security",
    focus_area="Detection",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC04-BP01"],
    remediation="Turn on fine-grained access control and publish AUDIT_LOGS to CloudWatch Logs, so sign-ins, "
                "permission failures and index changes are recorded.",
    resource_types=[OPENSEARCH_DOMAIN],
    needs=("opensearch",),
)
def opensearch_audit_logs_off(estate: Estate) -> Iterator[Result]:
    for domain, why in domains(estate):
        if why:
            yield not_assessed(domain, why)
        elif publishing(domain, "AUDIT_LOGS"):
            yield passed(domain, "Audit logs are published to CloudWatch Logs.")
        else:
            yield fail(domain, "AUDIT_LOGS is not published: who read or changed which index is not recorded.")


@check(
    "opensearch-slow-logs-off",
    title="OpenSearch domain does not publish slow logs",
    pillar="performance-efficiency",
    focus_area="Data store performance",
    risk="LOW",
    best_practices=["PERF03-BP04"],
    remediation="Publish SEARCH_SLOW_LOGS and INDEX_SLOW_LOGS to CloudWatch Logs and set the slow-log thresholds on "
                "the busy indexes, so slow queries and indexing can be found and tuned.",
    resource_types=[OPENSEARCH_DOMAIN],
    needs=("opensearch",),
)
def opensearch_slow_logs_off(estate: Estate) -> Iterator[Result]:
    for domain, why in domains(estate):
        found = publishing(domain, "SEARCH_SLOW_LOGS", "INDEX_SLOW_LOGS")
        if why:
            yield not_assessed(domain, why)
        elif found:
            yield passed(domain, f"{' and '.join(found)} published to CloudWatch Logs.")
        else:
            yield fail(domain, "Neither search nor index slow logs are published: slow queries leave no trace.")


@check(
    "opensearch-not-graviton",
    title="OpenSearch domain runs on x86 instances where Graviton ones exist",
    pillar="sustainability",
    focus_area="Hardware efficiency",
    risk="LOW",
    best_practices=["SUS05-BP02"],
    remediation="Move the data (and dedicated master) nodes to the Graviton family of the same kind (r7g, m7g, c7g, "
                "or OR1/OR2 for indexing-heavy domains): a blue/green change in place, with better price-performance "
                "and less energy per request.",
    resource_types=[OPENSEARCH_DOMAIN],
    needs=("opensearch",),
)
def opensearch_not_graviton(estate: Estate) -> Iterator[Result]:
    for domain, why in domains(estate):
        cluster = option(domain, "ClusterConfig")
        types = [t for t in (cluster.get("InstanceType"), cluster.get("DedicatedMasterEnabled") and
                             cluster.get("DedicatedMasterType")) if t]
        other = [t for t in types if not (families.is_graviton(t) or families.family(t) in GRAVITON_OPTIMIZED)]
        if why or not types:
            yield not_assessed(domain, why or "The domain's instance type was not in the response.")
        elif other:
            moves = [f"{t} (-> {families.graviton_equivalent(t)})" if families.graviton_equivalent(t) else t
                     for t in other]
            yield fail(domain, f"Nodes run on {', '.join(moves)}, not Graviton.")
        else:
            yield passed(domain, f"Nodes run on Graviton ({', '.join(types)}).")


# Instance types Auto-Tune does not support.
NO_AUTO_TUNE = ("t2.", "t3.")


@check(
    "opensearch-auto-tune-off",
    title="OpenSearch domain does not tune itself on its own performance metrics",
    pillar="performance-efficiency",
    focus_area="Data store performance",
    risk="LOW",
    best_practices=["PERF05-BP05"],
    remediation="Enable Auto-Tune on the domain (with an off-peak window for the changes that need a blue/green "
                "deployment), so JVM heap, queue and cache settings follow the load.",
    resource_types=[OPENSEARCH_DOMAIN],
    needs=("opensearch",),
)
def opensearch_auto_tune_off(estate: Estate) -> Iterator[Result]:
    for domain, why in domains(estate):
        state = option(domain, "AutoTuneOptions").get("State", "DISABLED")
        if why:
            yield not_assessed(domain, why)
        elif str(option(domain, "ClusterConfig").get("InstanceType", "")).startswith(NO_AUTO_TUNE):
            continue  # burstable instances cannot run Auto-Tune; opensearch-not-graviton and sizing speak to them
        elif state.startswith("ENABLE"):
            yield passed(domain, f"Auto-Tune is {state}.")
        else:
            yield fail(domain, f"Auto-Tune is {state}: memory pressure and rejected requests wait for someone to "
                               "retune the cluster by hand.")


@check(
    "opensearch-without-health-alarm",
    title="Production OpenSearch domain has no alarm on a red cluster",
    pillar="reliability",
    focus_area="Service availability",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL11-BP01"],
    remediation="Alarm on the domain's ClusterStatus.red (maximum >= 1 for one minute) and ClusterIndexWritesBlocked, "
                "with an action that reaches a person.",
    resource_types=[OPENSEARCH_DOMAIN],
    needs=("opensearch", "cloudwatch"),
)
def opensearch_without_health_alarm(estate: Estate) -> Iterator[Result]:
    index = index_alarms(estate)
    for domain in estate.of_type(OPENSEARCH_DOMAIN):
        if not estate.in_production(domain):
            continue  # alerting is owed to production; an unproven environment is treated as production
        alarms = alarms_watching(index, domain, "DomainName", ("ClusterStatus.red",))
        if alarms:
            yield passed(domain, f"A red cluster is alarmed by {', '.join(alarms)}.")
        else:
            yield fail(domain, "No alarm that notifies anyone watches ClusterStatus.red: shards can go unassigned, "
                               "and searches fail, with nobody told.")


@check(
    "opensearch-error-logs-off",
    title="OpenSearch domain does not publish its error logs",
    pillar="operational-excellence",
    focus_area="Observability",
    risk="LOW",
    best_practices=["OPS08-BP02"],
    remediation="Publish ES_APPLICATION_LOGS to CloudWatch Logs, so the domain's errors and warnings are searched "
                "beside the application's own logs.",
    resource_types=[OPENSEARCH_DOMAIN],
    needs=("opensearch",),
)
def opensearch_error_logs_off(estate: Estate) -> Iterator[Result]:
    for domain, why in domains(estate):
        if why:
            yield not_assessed(domain, why)
        elif publishing(domain, "ES_APPLICATION_LOGS"):
            yield passed(domain, "Error logs are published to CloudWatch Logs.")
        else:
            yield fail(domain, "ES_APPLICATION_LOGS is not published: the domain's own errors are not where the "
                               "team searches logs.")
