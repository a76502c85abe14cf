"""AWS WAF: a web ACL in front of every public entry point (internet-facing Application Load Balancers and
CloudFront distributions; REST API stages are judged in wafr.checks.api_gateway, and HTTP APIs cannot have one), and
web ACLs that log, inspect and limit what they let through."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed, unread
from wafr.estate import Estate, Resource
from wafr.resource_types import CLOUDFRONT_DISTRIBUTION, ELB_LOAD_BALANCER, WAFV2_WEB_ACL

ACL_NEEDS = ("wafv2", "wafv2-cloudfront")
ENTRY_POINT = dict(
    pillar="security",
    focus_area="Public entry points",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC05-BP03"],
    remediation="Associate an AWS WAF web ACL with AWS managed rule groups (common rule set, known bad inputs, IP "
                "reputation) and a rate-based rule.",
)


def acl_name(arn: str) -> str:
    """A web ACL's name from its ARN (…/webacl/NAME/ID)."""
    parts = arn.split("/")
    return parts[-2] if len(parts) >= 3 else arn


def public_load_balancers(estate: Estate) -> Iterator[Resource]:
    for lb in estate.of_type(ELB_LOAD_BALANCER):
        # AWS always returns Scheme; a record without it was created with the default, internet-facing.
        if lb.config.get("Type") == "application" and lb.config.get("Scheme", "internet-facing") == "internet-facing":
            yield lb


@check(
    "waf-load-balancer-without-web-acl",
    title="Internet-facing Application Load Balancer has no web ACL",
    resource_types=[ELB_LOAD_BALANCER],
    needs=("elbv2", "wafv2"),
    **ENTRY_POINT,
    bullet="Put a web ACL in front of the internet-facing load balancers {resources}",
)
def waf_load_balancer_without_web_acl(estate: Estate) -> Iterator[Result]:
    protecting: dict[str, str] = {}
    unknown: dict[tuple[str, str], list[str]] = defaultdict(list)  # account x region -> web ACLs not read
    for acl in estate.of_type(WAFV2_WEB_ACL):
        if unread(acl, "ListResourcesForWebACL"):
            unknown[(acl.account, acl.region)].append(acl.name)
        for arn in acl.config.get("LoadBalancers") or []:
            protecting[arn] = acl.name
    for lb in public_load_balancers(estate):
        if lb.arn in protecting:
            yield passed(lb, f"Web ACL {protecting[lb.arn]} inspects its requests.")
        elif unknown.get((lb.account, lb.region)):
            yield not_assessed(lb, "Which load balancers the web ACL(s) "
                                   f"{', '.join(unknown[(lb.account, lb.region)])} protect could not be read.")
        else:
            yield fail(lb, "No web ACL: requests from the internet reach the targets uninspected.")


@check(
    "waf-cloudfront-without-web-acl",
    title="CloudFront distribution has no web ACL",
    resource_types=[CLOUDFRONT_DISTRIBUTION],
    needs=("cloudfront",),
    **ENTRY_POINT,
    bullet="Put a web ACL in front of {resources}",
)
def waf_cloudfront_without_web_acl(estate: Estate) -> Iterator[Result]:
    for distribution in estate.of_type(CLOUDFRONT_DISTRIBUTION):
        acl = distribution.config.get("WebACLId")
        if acl:
            yield passed(distribution, f"Web ACL {acl_name(acl)} inspects its requests at the edge.")
        else:
            yield fail(distribution, "No web ACL: requests from the internet reach the origins uninspected.")


@check(
    "waf-web-acl-logging-off",
    title="WAF web ACL does not log requests",
    pillar="security",
    focus_area="Detection",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC04-BP01"],
    remediation="Turn on logging for the web ACL (to CloudWatch Logs, S3 or Firehose), redacting headers that carry "
                "credentials, so blocked and allowed requests can be investigated.",
    resource_types=[WAFV2_WEB_ACL],
    needs=ACL_NEEDS,
    bullet="Log the requests the web ACLs {resources} allow and block",
)
def waf_web_acl_logging_off(estate: Estate) -> Iterator[Result]:
    for acl in estate.of_type(WAFV2_WEB_ACL):
        why = unread(acl, "GetLoggingConfiguration")
        destinations = (acl.config.get("LoggingConfiguration") or {}).get("LogDestinationConfigs") or []
        if why:
            yield not_assessed(acl, why)
        elif destinations:
            yield passed(acl, f"Requests are logged to {destinations[0].split(':', 5)[-1]}.")
        else:
            yield fail(acl, "No logging configuration: the requests it allows and blocks leave no record.")


@check(
    "waf-web-acl-without-rules",
    title="WAF web ACL inspects nothing",
    pillar="security",
    focus_area="Public entry points",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC05-BP03"],
    remediation="Add AWS managed rule groups (common rule set, known bad inputs, IP reputation) to the web ACL, in "
                "count mode first, then block.",
    resource_types=[WAFV2_WEB_ACL],
    needs=ACL_NEEDS,
    bullet="Add managed rule groups to the web ACLs {resources}",
)
def waf_web_acl_without_rules(estate: Estate) -> Iterator[Result]:
    for acl in estate.of_type(WAFV2_WEB_ACL):
        rules = acl.config.get("Rules")
        if rules is None:
            yield not_assessed(acl, unread(acl, "GetWebACL") or "The web ACL's rules were not read.")
        elif not rules and "Allow" in (acl.config.get("DefaultAction") or {}):
            yield fail(acl, "No rules and a default action of Allow: every request passes uninspected.")
        else:
            managed = [r["Statement"]["ManagedRuleGroupStatement"].get("Name", "?") for r in rules
                       if "ManagedRuleGroupStatement" in (r.get("Statement") or {})]
            yield passed(acl, f"{len(rules)} rule(s)" + (f", managed groups {', '.join(managed)}." if managed else "."))


@check(
    "waf-web-acl-without-rate-limit",
    title="Production WAF web ACL has no rate-based rule",
    pillar="reliability",
    focus_area="Load protection",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL05-BP02"],
    remediation="Add a rate-based rule (per client IP, or per forwarded IP behind a proxy) that blocks or challenges "
                "clients above a request rate the workload can serve.",
    resource_types=[WAFV2_WEB_ACL],
    needs=ACL_NEEDS,
    bullet="Add a rate-based rule to the web ACLs {resources}",
)
def waf_web_acl_without_rate_limit(estate: Estate) -> Iterator[Result]:
    for acl in estate.of_type(WAFV2_WEB_ACL):
        if not estate.in_production(acl):
            continue  # a flood in dev costs little
        rules = acl.config.get("Rules")
        limits = [r["Statement"]["RateBasedStatement"] for r in rules or []
                  if "RateBasedStatement" in (r.get("Statement") or {})]
        if rules is None:
            yield not_assessed(acl, unread(acl, "GetWebACL") or "The web ACL's rules were not read.")
        elif limits:
            yield passed(acl, "Rate-based rule(s) limit each client to "
                              f"{', '.join(str(l.get('Limit', '?')) for l in limits)} requests per window.")
        else:
            yield fail(acl, "No rate-based rule: one client can send as many requests as the backends accept.")


@check(
    "waf-web-acl-metrics-off",
    title="WAF web ACL or rule emits no CloudWatch metrics",
    pillar="operational-excellence",
    focus_area="Observability",
    risk="LOW",
    best_practices=["REL06-BP01"],
    remediation="Turn on CloudWatch metrics in the visibility configuration of the web ACL and of each rule, so "
                "allowed, blocked and counted requests can be graphed and alarmed on.",
    resource_types=[WAFV2_WEB_ACL],
    needs=ACL_NEEDS,
    bullet="Turn on CloudWatch metrics for the web ACLs {resources} and their rules",
)
def waf_web_acl_metrics_off(estate: Estate) -> Iterator[Result]:
    for acl in estate.of_type(WAFV2_WEB_ACL):
        rules = acl.config.get("Rules")
        if rules is None:
            yield not_assessed(acl, unread(acl, "GetWebACL") or "The web ACL's rules were not read.")
            continue
        dark = [("the web ACL" if r is acl.config else f"rule {r.get('Name', '?')}") for r in (acl.config, *rules)
                if not (r.get("VisibilityConfig") or {}).get("CloudWatchMetricsEnabled")]
        if dark:
            yield fail(acl, f"No CloudWatch metrics for {', '.join(dark)}: how many requests it allows and blocks "
                            "cannot be seen or alarmed on.")
        else:
            yield passed(acl, f"The web ACL and its {len(rules)} rule(s) emit CloudWatch metrics.")
