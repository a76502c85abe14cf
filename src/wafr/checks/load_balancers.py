"""Load balancers: encryption in transit at the edge (HTTPS listeners, TLS policies), request logs, request hygiene,
protection from deletion, traffic spread across zones and targets, target health checks, and Classic Load Balancers
still in use."""

from __future__ import annotations

from typing import Any, Iterator

from wafr.checks.registry import Result, by_environment, check, fail, judged, not_assessed, passed, unread
from wafr.data import load as load_data
from wafr.estate import Estate, Resource
from wafr.resource_types import (EC2_INSTANCE, ELB_CLASSIC_LOAD_BALANCER, ELB_LISTENER, ELB_LOAD_BALANCER,
                                 ELB_TARGET_GROUP)

ATTRIBUTES = "DescribeLoadBalancerAttributes"
# The longest a target may fail its health checks before it is taken out of service: five minutes, five times AWS's
# default (30 s interval, 2 failures). Slower than that, users meet a failed target for minutes.
SLOW_DETECTION_SECONDS = 300


def attribute(lb: Resource, key: str) -> str | None:
    """An ELBv2 load balancer attribute's value ("true", a bucket name), None when AWS did not report it."""
    return (lb.config.get("Attributes") or {}).get(key)


def internet_facing(lb: Resource) -> bool:
    # AWS always returns Scheme; when a record lacks it, it was created with AWS's default, internet-facing.
    return lb.config.get("Scheme", "internet-facing") == "internet-facing"


def listeners_of(lb: Resource, estate: Estate) -> list[dict[str, Any]]:
    return [item.config for item in estate.linked_to("load_balancer", lb.id, type=ELB_LISTENER)]


def allows_tls_below_1_2(policy: str) -> bool:
    """Whether an ELB security policy still accepts TLS 1.0 or 1.1 (data/tls_policies.yaml)."""
    old = load_data("tls_policies.yaml")["below_tls_1_2"]
    return policy in old["names"] or any(policy.startswith(prefix) for prefix in old["prefixes"])


# -- encryption in transit at the edge --------------------------------------------------------------------------
@check(
    "load-balancer-without-https",
    title="Internet-facing load balancer serves plain HTTP",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="HIGH"),
    best_practices=["SEC09-BP02"],
    remediation="Add an HTTPS listener with an ACM certificate and a current TLS policy, and change the HTTP "
                "listener's default action to a permanent redirect to HTTPS.",
    resource_types=[ELB_LOAD_BALANCER],
    needs=("elbv2",),
    bullet="Serve {resources} over HTTPS and redirect HTTP to it",
)
def load_balancer_without_https(estate: Estate) -> Iterator[Result]:
    for lb in estate.of_type(ELB_LOAD_BALANCER):
        if not internet_facing(lb) or lb.config.get("Type") == "gateway":
            continue
        if "DescribeListeners" in lb.errors:
            yield not_assessed(lb, f"its listeners could not be read ({lb.errors['DescribeListeners']})")
            continue
        listeners = listeners_of(lb, estate)
        secure = [f"{l.get('Protocol')}:{l.get('Port')}" for l in listeners if l.get("Protocol") in ("HTTPS", "TLS")]
        plain = [l for l in listeners if l.get("Protocol") == "HTTP" and not _redirects_to_https(l)]
        if plain:
            ports = ", ".join(f"HTTP:{l.get('Port')}" for l in plain)
            yield fail(lb, f"Listener {ports} serves plain HTTP without redirecting to HTTPS"
                           + (f" (HTTPS on {', '.join(secure)})." if secure else "; it has no HTTPS listener."))
        elif secure:
            yield passed(lb, f"Encrypted listeners {', '.join(secure)}; HTTP, if any, redirects to HTTPS.")
        elif listeners:
            kinds = ", ".join(sorted({f"{l.get('Protocol')}:{l.get('Port')}" for l in listeners}))
            yield not_assessed(lb, f"Only {kinds} listeners: the traffic passes through to the targets, so "
                                   "whether it is encrypted cannot be seen from the load balancer.")


def _redirects_to_https(listener: dict[str, Any]) -> bool:
    """Whether the listener's default action redirects to HTTPS (rules on paths are not read)."""
    return any(a.get("Type") == "redirect" and (a.get("RedirectConfig") or {}).get("Protocol") == "HTTPS"
               for a in listener.get("DefaultActions", []))


@check(
    "load-balancer-outdated-tls-policy",
    title="Load balancer listener accepts TLS 1.0 or 1.1",
    pillar="security", focus_area="Encryption in transit",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC09-BP02"],
    remediation="Set the HTTPS and TLS listeners' security policy to a TLS 1.2-or-newer one (for example "
                "ELBSecurityPolicy-TLS13-1-2-Res-2021-06); ELBSecurityPolicy-2016-08, the default of the CLI, "
                "CloudFormation and the CDK, still accepts TLS 1.0.",
    bullet="Require TLS 1.2 or newer on the listeners of {resources}",
    each=ELB_LOAD_BALANCER,
)
def load_balancer_outdated_tls_policy(lb: Resource, estate: Estate) -> Result | None:
    why = unread(lb, "DescribeListeners")
    if why:
        return not_assessed(lb, why)
    secure = [l for l in listeners_of(lb, estate) if l.get("Protocol") in ("HTTPS", "TLS")]
    if not secure:
        return None  # nothing negotiates TLS here; plain listeners are load-balancer-without-https's
    old = [f"{l.get('Protocol')}:{l.get('Port')} ({l.get('SslPolicy')})" for l in secure
           if allows_tls_below_1_2(str(l.get("SslPolicy") or ""))]
    policies = sorted({str(l.get("SslPolicy")) for l in secure})
    return judged(lb, not old, f"Its TLS listeners use {', '.join(policies)}, which require TLS 1.2 or newer.",
                  f"Listener {', '.join(old)} still accepts TLS 1.0 or 1.1, protocols with known weaknesses "
                  "that PCI DSS and most standards no longer allow.")


# -- request logs ---------------------------------------------------------------------------------------------------
@check(
    "load-balancer-access-logs-off",
    title="Load balancer does not log the requests it serves",
    pillar="security", focus_area="Detection",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC04-BP01"],
    remediation="Turn on access logs to an S3 bucket with a retention rule (the access_logs.s3.enabled attribute; "
                "AccessLog on a Classic Load Balancer), so each request's client, path, status and TLS version can "
                "be traced in an investigation.",
    bullet="Turn on access logs for {resources}",
    each=(ELB_LOAD_BALANCER, ELB_CLASSIC_LOAD_BALANCER),
)
def load_balancer_access_logs_off(lb: Resource, estate: Estate) -> Result | None:
    why = unread(lb, ATTRIBUTES)
    if why:
        return not_assessed(lb, why)
    if lb.type == ELB_CLASSIC_LOAD_BALANCER:
        log = (lb.config.get("Attributes") or {}).get("AccessLog") or {}
        on, bucket = bool(log.get("Enabled")), log.get("S3BucketName", "")
    else:
        kind = lb.config.get("Type", "application")
        if kind == "gateway":
            return None  # a Gateway Load Balancer keeps no access logs
        if kind == "network":  # a Network Load Balancer logs only TLS connections
            why = unread(lb, "DescribeListeners")
            if why:
                return not_assessed(lb, why)
            if not any(l.get("Protocol") == "TLS" for l in listeners_of(lb, estate)):
                return None
        on, bucket = attribute(lb, "access_logs.s3.enabled") == "true", attribute(lb, "access_logs.s3.bucket")
    return judged(lb, on, f"Access logs go to the S3 bucket {bucket or '(not named)'}.",
                  "Access logs are off: who called what through it, and when, is not recorded anywhere.")


# -- request hygiene ------------------------------------------------------------------------------------------------
@check(
    "alb-invalid-header-fields-kept",
    title="Internet-facing Application Load Balancer passes invalid HTTP headers to its targets",
    pillar="security", focus_area="Public entry points",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC05-BP03"],
    remediation="Set routing.http.drop_invalid_header_fields.enabled to true (and keep desync mitigation at "
                "defensive or strictest), so malformed header names used in request smuggling stop at the "
                "load balancer.",
    bullet="Drop invalid HTTP header fields at {resources}",
    each=ELB_LOAD_BALANCER,
)
def alb_invalid_header_fields_kept(lb: Resource) -> Result | None:
    if lb.config.get("Type", "application") != "application" or not internet_facing(lb):
        return None
    why = unread(lb, ATTRIBUTES)
    if why:
        return not_assessed(lb, why)
    mode = attribute(lb, "routing.http.desync_mitigation_mode")
    desync = f" Desync mitigation mode is {mode}." if mode else ""
    return judged(lb, attribute(lb, "routing.http.drop_invalid_header_fields.enabled") == "true",
                  "It drops header fields with invalid names." + desync,
                  "It forwards header fields with invalid names to its targets, a way in for HTTP request "
                  "smuggling and header injection." + desync)


# -- availability of the endpoint -----------------------------------------------------------------------------------
@check(
    "load-balancer-deletion-protection-off",
    title="Production load balancer can be deleted without a safeguard",
    pillar="reliability", focus_area="Service availability",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL02-BP01"],
    remediation="Set deletion_protection.enabled to true on production load balancers: a deleted load balancer "
                "takes its DNS name with it, and every client and alias record that points at it breaks.",
    bullet="Turn on deletion protection for {resources}",
    each=ELB_LOAD_BALANCER,
)
def load_balancer_deletion_protection_off(lb: Resource, estate: Estate) -> Result | None:
    if not estate.in_production(lb):
        return None
    why = unread(lb, ATTRIBUTES)
    if why:
        return not_assessed(lb, why)
    return judged(lb, attribute(lb, "deletion_protection.enabled") == "true", "Deletion protection is on.",
                  "Deletion protection is off: one mistaken delete (console, script, stack) takes the endpoint "
                  "and its DNS name down, and a new load balancer gets a new name.")


# -- spreading traffic ----------------------------------------------------------------------------------------------
@check(
    "load-balancer-cross-zone-off",
    title="Load balancer sends each zone's traffic only to that zone's targets",
    pillar="performance-efficiency", focus_area="Network performance",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["PERF04-BP04"],
    remediation="Turn on cross-zone load balancing (load_balancing.cross_zone.enabled on a Network or Gateway Load "
                "Balancer, CrossZoneLoadBalancing on a Classic one), so every healthy target shares the traffic "
                "whatever zone it is in; weigh the inter-zone data charge of Network Load Balancers.",
    bullet="Turn on cross-zone load balancing for {resources}",
    each=(ELB_LOAD_BALANCER, ELB_CLASSIC_LOAD_BALANCER),
)
def load_balancer_cross_zone_off(lb: Resource) -> Result | None:
    classic = lb.type == ELB_CLASSIC_LOAD_BALANCER
    if not classic and lb.config.get("Type", "application") == "application":
        return None  # an Application Load Balancer always balances across zones
    zones = lb.config.get("AvailabilityZones") or lb.config.get("Subnets") or []
    if len(zones) < 2:
        return None  # one zone: nothing to spread across (a single-zone entry point is another finding)
    why = unread(lb, ATTRIBUTES)
    if why:
        return not_assessed(lb, why)
    if classic:
        on = bool(((lb.config.get("Attributes") or {}).get("CrossZoneLoadBalancing") or {}).get("Enabled"))
    else:
        on = attribute(lb, "load_balancing.cross_zone.enabled") == "true"
    return judged(lb, on, f"Cross-zone load balancing is on across its {len(zones)} zones.",
                  f"Cross-zone load balancing is off across its {len(zones)} zones: each zone's node sends its "
                  "share only to the targets in its own zone, so a zone with fewer healthy targets overloads "
                  "them while targets elsewhere idle.")


def _target_zone(target: dict[str, Any], group: Resource, estate: Estate) -> str | None:
    """The Availability Zone of a registered target: its own (IP targets) or its instance's."""
    zone = (target.get("Target") or {}).get("AvailabilityZone")
    if zone and zone != "all":
        return str(zone)
    instance = estate.get(str((target.get("Target") or {}).get("Id", "")), EC2_INSTANCE, group.account)
    return ((instance.config.get("Placement") or {}).get("AvailabilityZone") if instance else None) or None


def _instance_zone(instance_id: str, lb: Resource, estate: Estate) -> str | None:
    instance = estate.get(instance_id, EC2_INSTANCE, lb.account)
    return ((instance.config.get("Placement") or {}).get("AvailabilityZone") if instance else None) or None


@check(
    "load-balancer-targets-in-one-az",
    title="Production load balancer sends traffic to targets in one Availability Zone",
    pillar="reliability", focus_area="Service availability",
    risk=by_environment(prod="HIGH"),
    best_practices=["REL10-BP01"],
    remediation="Register targets in at least two Availability Zones (an Auto Scaling group or ECS service over "
                "subnets in several zones), so losing one zone leaves targets to serve.",
    bullet="Spread the targets of {resources} across Availability Zones",
    each=(ELB_LOAD_BALANCER, ELB_CLASSIC_LOAD_BALANCER),
    needs=("elbv2", "elb", "ec2"),
)
def load_balancer_targets_in_one_az(lb: Resource, estate: Estate) -> Result | None:
    if not estate.in_production(lb):
        return None
    if lb.type == ELB_CLASSIC_LOAD_BALANCER:
        ids = [i.get("InstanceId", "") for i in lb.config.get("Instances") or []]
        zones = [_instance_zone(i, lb, estate) for i in ids]
    else:
        why = unread(lb, "DescribeTargetGroups")
        if why:
            return not_assessed(lb, why)
        zones = []
        for group in estate.linked_to("load_balancers", lb.id, type=ELB_TARGET_GROUP):
            if group.config.get("TargetType") in ("lambda", "alb"):
                continue  # a function or another load balancer: its zones are not its target's to show
            why = unread(group, "DescribeTargetHealth")
            if why:
                return not_assessed(lb, f"Target group {group.name}: {why}")
            zones += [_target_zone(t, group, estate) for t in group.config.get("Targets") or []
                      if (t.get("TargetHealth") or {}).get("State") != "draining"]
    known = sorted({z for z in zones if z})
    if not zones:
        return None  # nothing registered: it serves no one (an idle load balancer is another finding)
    if len(known) > 1:
        return passed(lb, f"Its {len(zones)} target(s) are in {len(known)} zones: {', '.join(known)}.")
    if None in zones:  # the unknown ones may be elsewhere
        return not_assessed(lb, f"The zone of {zones.count(None)} of its {len(zones)} targets is not known "
                                "(an instance not read, or an IP target outside the VPC).")
    which = "Its one target is" if len(zones) == 1 else f"All {len(zones)} of its targets are"
    return fail(lb, f"{which} in {known[0]}: when that zone fails, nothing is left to serve its traffic.")


# -- noticing failed targets ----------------------------------------------------------------------------------------
@check(
    "target-group-slow-health-check",
    title="Target group is slow to notice a failed target",
    pillar="reliability", focus_area="Service availability",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL11-BP01"],
    remediation="Keep health checks on, with an interval and unhealthy threshold that take a failed target out "
                "within a minute or two (for example 10-30 s and 2-3 failures), on a path that exercises the "
                "application rather than a static page.",
    bullet="Make the health checks of {resources} notice a failed target within minutes",
    each=ELB_TARGET_GROUP,
)
def target_group_slow_health_check(group: Resource) -> Result | None:
    if group.config.get("TargetType") == "lambda" or not group.config.get("LoadBalancerArns"):
        return None  # a function's health is Lambda's; a group no load balancer uses serves nothing
    # Other target types cannot turn health checks off: only how slowly they notice a failure is in question.
    interval = int(group.config.get("HealthCheckIntervalSeconds") or 30)
    failures = int(group.config.get("UnhealthyThresholdCount") or 2)
    seconds = interval * failures
    protocol = group.config.get("HealthCheckProtocol", "?")
    how = f"{protocol} health checks every {interval} s, out after {failures} failures"
    return judged(group, seconds <= SLOW_DETECTION_SECONDS, f"A failed target is out within about {seconds} s ({how}).",
                  f"A failed target keeps receiving traffic for about {seconds} s ({how}).")


# -- Classic Load Balancers ----------------------------------------------------------------------------------------
@check(
    "classic-load-balancer-in-use",
    title="Classic Load Balancer still in use",
    pillar="performance-efficiency", focus_area="Network performance",
    risk="LOW",
    best_practices=["PERF04-BP05"],
    remediation="Migrate to an Application Load Balancer (HTTP/2, gRPC, path and host routing, redirects, TLS 1.3) "
                "or a Network Load Balancer for TCP; the console's migration wizard copies listeners and "
                "instances.",
    bullet="Migrate {resources} to an Application or Network Load Balancer",
    each=ELB_CLASSIC_LOAD_BALANCER,
)
def classic_load_balancer_in_use(lb: Resource) -> Result:
    listeners = [(d.get("Listener") or {}) for d in lb.config.get("ListenerDescriptions") or []]
    summary = ", ".join(f"{l.get('Protocol')}:{l.get('LoadBalancerPort')}" for l in listeners) or "no listeners"
    count = len(lb.config.get("Instances") or [])
    return fail(lb, f"A previous-generation load balancer ({summary}; {count} instance(s)): it cannot serve "
                    "HTTP/2 or gRPC, route by path or host, or redirect HTTP to HTTPS.")


@check(
    "classic-load-balancer-without-https",
    title="Internet-facing Classic Load Balancer serves plain HTTP",
    pillar="security", focus_area="Network security",
    risk=by_environment(prod="HIGH"),
    best_practices=["SEC09-BP02"],
    remediation="Add an HTTPS listener with an ACM certificate and a current TLS policy, and redirect HTTP on the "
                "instances or, better, migrate to an Application Load Balancer, which redirects itself.",
    bullet="Serve {resources} over HTTPS",
    each=ELB_CLASSIC_LOAD_BALANCER,
)
def classic_load_balancer_without_https(lb: Resource) -> Result | None:
    if not internet_facing(lb):
        return None
    listeners = [(d.get("Listener") or {}) for d in lb.config.get("ListenerDescriptions") or []]
    secure = [f"{l.get('Protocol')}:{l.get('LoadBalancerPort')}" for l in listeners
              if l.get("Protocol") in ("HTTPS", "SSL")]
    plain = [f"HTTP:{l.get('LoadBalancerPort')}" for l in listeners if l.get("Protocol") == "HTTP"]
    if plain and not secure:
        return fail(lb, f"Listener {', '.join(plain)} serves plain HTTP and it has no HTTPS listener.")
    if plain:
        return not_assessed(lb, f"HTTPS on {', '.join(secure)} and {', '.join(plain)} too: a Classic Load Balancer "
                                "cannot redirect, so whether the instances redirect HTTP cannot be seen from it.")
    if secure:
        return passed(lb, f"Encrypted listeners only: {', '.join(secure)}.")
    if listeners:
        return not_assessed(lb, "Only TCP listeners: whether the traffic is encrypted cannot be seen from the "
                                "load balancer.")
    return None
