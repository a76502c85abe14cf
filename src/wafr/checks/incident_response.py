"""Incident response: whether AWS Health events reach people, whether operational and security events trigger
an automated response, and whether a production account has a support plan, response plans and escalation paths.

Each verdict is on an account running production workloads (wafr.checks.observability.production_workloads)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Iterable, Iterator

from wafr.checks.observability import production_workloads
from wafr.checks.registry import Result, check, fail, judged, not_assessed, passed
from wafr.estate import GLOBAL, Estate, Resource
from wafr.gaps import unread_where
from wafr.phrases import first_few
from wafr.resource_types import (ACCOUNT, CLOUDWATCH_ALARM, EVENTS_RULE, SSM_CONTACTS_CONTACT,
                                 SSM_INCIDENTS_REPLICATION_SET, SSM_INCIDENTS_RESPONSE_PLAN)

ENABLED_STATES = ("ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")
HEALTH_SOURCE = "aws.health"
# Sources of the events an operations team most often automates: findings, compliance changes, alarm state
# changes, and AWS Health's own.
RESPONSE_SOURCES = ("aws.guardduty", "aws.securityhub", "aws.config", "aws.cloudwatch", HEALTH_SOURCE)
# Targets that act rather than tell: a function, a runbook (SSM Automation or Run Command), a workflow, a task.
ACTING_TARGETS = {"lambda": "Lambda function", "ssm": "Systems Manager runbook", "states": "Step Functions workflow",
                  "ecs": "ECS task", "codebuild": "CodeBuild project"}
# Alarm actions that act on the resource: scaling, EC2 recover/reboot/stop, a Lambda function, an incident.
ACTING_ALARM_SERVICES = ("autoscaling", "automate", "lambda", "ssm-incidents")


def _pattern(rule: Resource) -> dict[str, Any] | None:
    raw = rule.config.get("EventPattern")
    if isinstance(raw, dict):
        return raw
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def matches_source(rule: Resource, sources: Iterable[str]) -> list[str]:
    """The sources among ``sources`` an enabled rule's event pattern admits (a pattern without a source admits
    every source; a prefix filter admits those it prefixes)."""
    pattern = _pattern(rule)
    if rule.config.get("State") not in ENABLED_STATES or pattern is None:
        return []
    allowed = pattern.get("source")
    if allowed is None:
        return list(sources)
    allowed = allowed if isinstance(allowed, list) else [allowed]
    hits = []
    for source in sources:
        for entry in allowed:
            if entry == source or isinstance(entry, dict) and isinstance(entry.get("prefix"), str) and \
                    source.startswith(entry["prefix"]):
                hits.append(source)
                break
    return hits


def _target_service(arn: str) -> str:
    return (arn.split(":") + ["", "", ""])[2]


def _accounts_judged(estate: Estate) -> list[tuple[str, list[Resource]]]:
    return sorted(production_workloads(estate).items())


# -- AWS Health ----------------------------------------------------------------------------------------------
@check(
    "no-health-event-notifications",
    title="No one is notified of AWS Health events",
    pillar="reliability",
    focus_area="Workload monitoring",
    risk="MEDIUM",
    best_practices=["REL11-BP06"],
    remediation="Create an EventBridge rule on source aws.health (in every Region the workloads run in, and "
                "us-east-1 for global events), or an AWS User Notifications configuration, that sends AWS Health "
                "events to the on-call channel or incident tool, so a service issue or scheduled change that "
                "affects the workload reaches someone.",
    bullet="Route AWS Health events to the on-call channel for {resources}",
    resource_types=[ACCOUNT, EVENTS_RULE],
    needs=("events",),
)
def no_health_event_notifications(estate: Estate) -> Iterator[Result]:
    routed: dict[str, list[Resource]] = defaultdict(list)
    for rule in estate.of_type(EVENTS_RULE):
        if matches_source(rule, [HEALTH_SOURCE]) and rule.config.get("Targets"):
            routed[rule.account].append(rule)
    for account, workloads in _accounts_judged(estate):
        target = estate.account_resource(account)
        rules = routed.get(account, [])
        unread = [r for r in estate.of_type(EVENTS_RULE) if r.account == account and r.errors]
        if not rules and unread:
            yield not_assessed(target, f"The targets of {len(unread)} EventBridge rule(s) could not be read "
                                       f"({first_few(sorted(r.label for r in unread), 3)}).")
            continue
        if not rules and (why := unread_where(estate, ["events"], account)):
            yield not_assessed(target, f"EventBridge rules were not all read: {why}.")
            continue
        routes = sorted(f"{r.label} ({r.region})" for r in rules)
        yield judged(target, bool(rules), f"AWS Health events are routed by {first_few(routes, 3)}.",
                     "No enabled EventBridge rule with a target matches source aws.health: an AWS service issue "
                     "or scheduled change affecting the production workloads reaches no one.")


# -- Automated responses -------------------------------------------------------------------------------------------
@check(
    "events-without-automated-response",
    title="No operational or security event triggers an automated response",
    pillar="operational-excellence",
    focus_area="Service runbooks, playbooks and policies",
    risk="LOW",
    best_practices=["OPS10-BP07"],
    remediation="Automate the responses whose fix is known: EventBridge rules on GuardDuty and Security Hub "
                "findings, AWS Config compliance changes, CloudWatch alarm state changes and AWS Health events "
                "that start a Lambda function, an SSM Automation runbook or a Step Functions workflow; alarm "
                "actions that scale, recover or reboot.",
    bullet="Automate responses to the common operational and security events of {resources}",
    resource_types=[ACCOUNT, EVENTS_RULE, CLOUDWATCH_ALARM],
    needs=("events", "cloudwatch"),
)
def events_without_automated_response(estate: Estate) -> Iterator[Result]:
    acting: dict[str, list[str]] = defaultdict(list)
    notifying: dict[str, list[str]] = defaultdict(list)
    for rule in estate.of_type(EVENTS_RULE):
        sources = matches_source(rule, RESPONSE_SOURCES)
        if not sources:
            continue
        kinds = {ACTING_TARGETS.get(_target_service(t.get("Arn", ""))) for t in rule.config.get("Targets") or []}
        kinds.discard(None)
        if kinds:
            acting[rule.account].append(f"rule {rule.label} ({', '.join(sources)} -> {', '.join(sorted(kinds))})")
        elif rule.config.get("Targets"):
            notifying[rule.account].append(rule.label)
    for alarm in estate.of_type(CLOUDWATCH_ALARM):
        services = {_target_service(a) for a in alarm.config.get("AlarmActions") or []}
        if alarm.config.get("ActionsEnabled") is not False and services & set(ACTING_ALARM_SERVICES):
            acting[alarm.account].append(f"alarm {alarm.label} ({', '.join(sorted(services))} action)")
    for account, _ in _accounts_judged(estate):
        target = estate.account_resource(account)
        found, told = sorted(acting.get(account, [])), sorted(notifying.get(account, []))
        if not found and (why := unread_where(estate, ["events", "cloudwatch"], account)):
            yield not_assessed(target, f"Rules and alarms were not all read: {why}.")
            continue
        yield judged(target, bool(found), f"Automated responses: {first_few(found, 3)}.",
                     "No EventBridge rule sends findings, compliance changes, alarm state changes or AWS Health "
                     "events to a function, runbook or workflow, and no alarm scales, recovers or invokes anything"
                     + (f"; rules {first_few(told, 3)} only notify people." if told else "."))


# -- Support plan ---------------------------------------------------------------------------------------------------
@check(
    "production-account-basic-support",
    title="Production account has no Business or Enterprise support plan",
    pillar="operational-excellence",
    focus_area="Service runbooks, playbooks and policies",
    risk="MEDIUM",
    best_practices=["OPS07-BP06"],
    remediation="Subscribe the production accounts to Business Support (or Enterprise On-Ramp / Enterprise) so a "
                "production system down gets a one-hour response, and write down the support levels of the "
                "other vendors the workload depends on.",
    bullet="Move {resources} to a Business or Enterprise support plan",
    resource_types=[ACCOUNT],
    needs=("trusted-advisor",),
)
def production_account_basic_support(estate: Estate) -> Iterator[Result]:
    # The Support API answers only Business, Enterprise On-Ramp and Enterprise plans; the Trusted Advisor read
    # records any other plan as not-enabled, so its coverage says which side of that line the account is on.
    for account, workloads in _accounts_judged(estate):
        target = estate.account_resource(account)
        coverage = estate.coverage_of(account, GLOBAL, "trusted-advisor")
        if coverage is None or coverage.status not in ("assessed", "not-enabled"):
            yield not_assessed(target, estate.gap(account, GLOBAL, "trusted-advisor") or "the support plan is unknown")
        else:
            yield judged(target, coverage.status == "assessed",
                         "The AWS Support API answers: a Business, Enterprise On-Ramp or Enterprise plan.",
                         "The AWS Support API refuses the account (SubscriptionRequiredException): it is on the "
                         "Basic or Developer plan, with no fast response when production is down.")


# -- Incident Manager ---------------------------------------------------------------------------------------------
def _incident_manager(estate: Estate, account: str) -> tuple[str, list[str]]:
    """("set up" | "not set up" | "unknown", why): Incident Manager's state across the Regions read."""
    entries = [c for c in estate.coverage if c.account == account and c.service == "incident-manager"]
    if any(r.account == account for r in estate.of_type(SSM_INCIDENTS_REPLICATION_SET)):
        return "set up", []
    unread = [f"{c.region} ({c.status})" for c in entries if c.status in ("denied", "failed")]
    if unread or not entries:
        return "unknown", unread or ["incident-manager was not collected"]
    if not any(c.status in ("assessed", "not-enabled") for c in entries):
        # Not offered in any Region read: it may still be set up in a Region that was not read.
        return "unknown", [f"{c.region} ({c.status})" for c in entries]
    return "not set up", []


@check(
    "no-incident-response-plan",
    title="Production account has no Incident Manager response plan",
    pillar="operational-excellence",
    focus_area="Service runbooks, playbooks and policies",
    risk="MEDIUM",
    best_practices=["OPS10-BP01"],
    remediation="Define how incidents are run: Incident Manager response plans (engagements, chat channel, runbook) "
                "started by the alarms and events that matter, or the equivalent in the incident tool the team "
                "uses, with owners for event, incident and problem management.",
    bullet="Define incident response plans for {resources}",
    resource_types=[ACCOUNT, SSM_INCIDENTS_RESPONSE_PLAN],
    needs=("incident-manager",),
)
def no_incident_response_plan(estate: Estate) -> Iterator[Result]:
    plans: dict[str, list[Resource]] = defaultdict(list)
    for plan in estate.of_type(SSM_INCIDENTS_RESPONSE_PLAN):
        plans[plan.account].append(plan)
    for account, _ in _accounts_judged(estate):
        target = estate.account_resource(account)
        state, why = _incident_manager(estate, account)
        found = sorted({p.label for p in plans.get(account, [])})
        if found:
            yield passed(target, f"Response plan(s) {first_few(found, 3)}.")
        elif state == "unknown":
            yield not_assessed(target, f"Incident Manager could not be read: {', '.join(why)}.")
        else:
            yield fail(target, ("Incident Manager is set up but has no response plan" if state == "set up" else
                                "Incident Manager is not set up in any Region read")
                       + ": no defined process starts when an incident opens (if incidents are run in another "
                         "tool, answer OPS10-BP01 in the answers file).")


@check(
    "no-incident-escalation-plan",
    title="Incident Manager has no escalation plan",
    pillar="operational-excellence",
    focus_area="Service runbooks, playbooks and policies",
    risk="MEDIUM",
    best_practices=["OPS10-BP04"],
    remediation="Create Incident Manager escalation plans (or on-call schedules) that engage the on-call contact "
                "first and escalate in stages to the next person and the team lead, and reference them from the "
                "response plans.",
    bullet="Write down escalation plans in Incident Manager for {resources}",
    resource_types=[ACCOUNT, SSM_CONTACTS_CONTACT],
    needs=("incident-manager",),
)
def no_incident_escalation_plan(estate: Estate) -> Iterator[Result]:
    contacts: dict[str, list[Resource]] = defaultdict(list)
    for contact in estate.of_type(SSM_CONTACTS_CONTACT):
        contacts[contact.account].append(contact)
    for account, _ in _accounts_judged(estate):
        if _incident_manager(estate, account)[0] != "set up":
            continue  # escalation may live in another incident tool; only Incident Manager's own is judged
        target = estate.account_resource(account)
        found = contacts.get(account, [])
        paths = sorted(c.label for c in found if c.config.get("Type") in ("ESCALATION", "ONCALL_SCHEDULE"))
        people = [c for c in found if c.config.get("Type") == "PERSONAL"]
        yield judged(target, bool(paths), f"Escalation plan(s) or on-call schedule(s) {first_few(paths, 3)}.",
                     (f"{len(people)} personal contact(s) but no escalation plan or on-call schedule"
                      if people else "No contact, escalation plan or on-call schedule")
                     + ": when the first responder does not answer, nobody is engaged next.")
