"""AWS's own advisors as evidence: Trusted Advisor's checks, AWS Health's scheduled changes, Security Hub's failed
controls and Cost Explorer's commitment coverage and utilization. Each result names its source; an advisor the
account lacks is a coverage entry ("not-enabled"), never a pass."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate, Resource
from wafr.framework.securityhub_controls import practices
from wafr.resource_types import CE_COMMITMENT_SUMMARY, HEALTH_EVENT, SECURITYHUB_FINDING, SUPPORT_TRUSTED_ADVISOR_CHECK

TA_RISK = {"error": "HIGH", "warning": "MEDIUM"}  # Trusted Advisor's red and yellow
SP_COVERAGE_FLOOR = 50.0  # % of eligible compute spend; below it, steady usage likely runs at on-demand prices
SP_UTILIZATION_FLOOR = 90.0  # % of the commitment used; below it, paid-for commitment goes unused
MIN_ON_DEMAND = 100.0  # USD over the window: smaller spend is not worth a commitment


# -- Trusted Advisor --------------------------------------------------------------------------------------------
def trusted_advisor(estate: Estate, category: str) -> Iterator[Result]:
    for ta in estate.of_type(SUPPORT_TRUSTED_ADVISOR_CHECK):
        config = ta.config
        if config.get("category") != category:
            continue
        status = config.get("status")
        flagged = f"{config.get('flagged', 0)} of {config.get('processed', 0)} resource(s) flagged"
        savings = config.get("estimatedMonthlySavings")
        saving = f", estimated savings {savings:,.2f} USD a month" if savings else ""
        if status in TA_RISK:
            yield fail(ta, f"AWS Trusted Advisor: \"{config.get('name')}\" is {status} ({flagged}{saving}).",
                       risk=TA_RISK[status])
        elif status == "ok":
            yield passed(ta, f"AWS Trusted Advisor: \"{config.get('name')}\" is ok ({flagged}).")
        else:
            yield not_assessed(ta, f"AWS Trusted Advisor: \"{config.get('name')}\" has status "
                                   f"{status or 'unknown'} (no result for this account).")


@check(
    "trusted-advisor-service-limits",
    title="Trusted Advisor flags a service limit close to its quota",
    pillar="reliability",
    focus_area="Service quotas",
    risk="MEDIUM",
    risk_up_to="HIGH",
    best_practices=["REL01-BP04"],
    remediation="Request quota increases for the flagged limits before they are reached, and alarm on quota usage "
                "(Service Quotas' CloudWatch usage metrics) so the next one is seen in time.",
    resource_types=[SUPPORT_TRUSTED_ADVISOR_CHECK],
    needs=("trusted-advisor",),
)
def trusted_advisor_service_limits(estate: Estate) -> Iterator[Result]:
    yield from trusted_advisor(estate, "service_limits")


@check(
    "trusted-advisor-cost-optimizing",
    title="Trusted Advisor flags idle or under-used resources",
    pillar="cost-optimization",
    focus_area="Right-sizing",
    risk="MEDIUM",
    risk_up_to="HIGH",
    best_practices=["COST06-BP02"],
    remediation="Review the flagged resources in Trusted Advisor's cost optimization checks: stop or delete idle "
                "ones and downsize under-used ones from their utilisation.",
    resource_types=[SUPPORT_TRUSTED_ADVISOR_CHECK],
    needs=("trusted-advisor",),
)
def trusted_advisor_cost_optimizing(estate: Estate) -> Iterator[Result]:
    yield from trusted_advisor(estate, "cost_optimizing")


# -- AWS Health -------------------------------------------------------------------------------------------------
@check(
    "health-scheduled-change-pending",
    title="AWS Health lists a scheduled change awaiting action",
    pillar="operational-excellence",
    focus_area="Software currency",
    risk="MEDIUM",
    best_practices=["OPS05-BP05"],
    remediation="Act on each scheduled change before its start (upgrade the version reaching its end of support, "
                "move off the retiring instance, apply the maintenance in a window of your choosing).",
    resource_types=[HEALTH_EVENT],
    needs=("health",),
)
def health_scheduled_change_pending(estate: Estate) -> Iterator[Result]:
    pending = defaultdict(list)
    for event in estate.of_type(HEALTH_EVENT):
        if event.config.get("eventTypeCategory") == "scheduledChange" and event.config.get("statusCode") in (
                "open", "upcoming"):
            pending[event.account].append(event)
    for event in (e for events in pending.values() for e in events):
        config = event.config
        yield fail(event, f"AWS Health: {config.get('eventTypeCode')} ({config.get('service')}, "
                          f"{config.get('region') or 'global'}) is {config.get('statusCode')}, "
                          f"starting {str(config.get('startTime', '?'))[:10]}.")
    for account in estate.accounts:
        if account not in pending and estate.assessed(account, "global", "health"):
            yield passed(estate.account_resource(account),
                         "AWS Health lists no open or upcoming scheduled change for the account.")


# -- Security Hub -----------------------------------------------------------------------------------------------
def _subject(estate: Estate, finding: Resource) -> Resource:
    """The resource the finding is about, as wafr read it; else the finding itself."""
    found = estate.get(finding.config.get("resourceId", ""))
    return found if found is not None and found.type != SECURITYHUB_FINDING else finding


def _securityhub_check(practice: str, entry: dict) -> None:
    controls = entry["controls"]
    pillar = {"SEC": "security", "REL": "reliability", "OPS": "operational-excellence"}[practice[:3]]

    @check(
        f"securityhub-failed-controls-{practice.lower()}",
        title=f"Security Hub controls for {practice} fail ({', '.join(controls)})",
        pillar=pillar,
        focus_area=entry["focus_area"],
        risk=by_environment(prod="MEDIUM"),
        risk_up_to="HIGH",
        best_practices=[practice],
        remediation="Fix the resources the failed controls name (each control's remediation is linked from its "
                    "finding in Security Hub), then confirm the finding moves to PASSED.",
        resource_types=[SECURITYHUB_FINDING],
        needs=("securityhub-findings",),
    )
    def failed_controls(estate: Estate) -> Iterator[Result]:
        for finding in estate.of_type(SECURITYHUB_FINDING):
            control = finding.config.get("controlId")
            if control in controls:
                severity = finding.config.get("severity", "")
                yield fail(_subject(estate, finding),
                           f"AWS Security Hub: control {control} ({controls[control]}) FAILED for "
                           f"{finding.config.get('resourceId')} (severity {severity or 'unknown'}).",
                           risk="HIGH" if severity in ("HIGH", "CRITICAL") else None)


for _practice, _entry in practices().items():
    _securityhub_check(_practice, _entry)


# -- Cost Explorer ----------------------------------------------------------------------------------------------
@check(
    "savings-plans-coverage-low",
    title="Little of the steady compute spend is covered by Savings Plans or reservations",
    pillar="cost-optimization",
    focus_area="Cloud financial management",
    risk="MEDIUM",
    best_practices=["COST07-BP04"],
    remediation="Analyse the steady share of compute spend (Cost Explorer's Savings Plans recommendations) and "
                "cover it with a Compute Savings Plan or reservations; keep spiky and short-lived work on demand or "
                "Spot.",
    resource_types=[CE_COMMITMENT_SUMMARY],
    needs=("cost-explorer",),
)
def savings_plans_coverage_low(estate: Estate) -> Iterator[Result]:
    for summary in estate.of_type(CE_COMMITMENT_SUMMARY):
        sp = summary.config.get("savingsPlansCoverage") or {}
        ri = summary.config.get("reservationCoverage") or {}
        share, on_demand = sp.get("coveragePercentage"), sp.get("onDemandCost") or 0
        ri_words = (f"; Reserved Instances cover {ri['coveragePercentage']:.1f}% of instance hours"
                    if ri.get("coveragePercentage") is not None else "")
        period = summary.config.get("period") or {}
        when = f"{period.get('Start', '?')} to {period.get('End', '?')}"
        if share is None:
            yield not_assessed(summary, f"AWS Cost Explorer: no Savings Plans-eligible spend {when}.")
        elif share < SP_COVERAGE_FLOOR and on_demand >= MIN_ON_DEMAND:
            yield fail(summary, f"AWS Cost Explorer: Savings Plans cover {share:.1f}% of eligible spend {when} "
                                f"({on_demand:,.2f} USD ran at on-demand prices){ri_words}.")
        else:
            yield passed(summary, f"AWS Cost Explorer: Savings Plans cover {share:.1f}% of eligible spend "
                                  f"{when}{ri_words}.")


@check(
    "savings-plans-under-used",
    title="Savings Plans commitment goes unused",
    pillar="cost-optimization",
    focus_area="Cloud financial management",
    risk="MEDIUM",
    best_practices=["COST07-BP01"],
    remediation="Size new commitments from the lowest steady usage rather than the average, and move eligible "
                "workloads (Fargate, Lambda, other Regions for a Compute Savings Plan) onto the unused commitment.",
    resource_types=[CE_COMMITMENT_SUMMARY],
    needs=("cost-explorer",),
)
def savings_plans_under_used(estate: Estate) -> Iterator[Result]:
    for summary in estate.of_type(CE_COMMITMENT_SUMMARY):
        use = summary.config.get("savingsPlansUtilization")
        if not use or use.get("utilizationPercentage") is None:
            continue  # no Savings Plan: nothing to use or waste
        share, unused = use["utilizationPercentage"], use.get("unusedCommitment") or 0
        if share < SP_UTILIZATION_FLOOR:
            yield fail(summary, f"AWS Cost Explorer: Savings Plans utilization {share:.1f}%; {unused:,.2f} USD of "
                                "commitment went unused in the last 30 days.")
        else:
            yield passed(summary, f"AWS Cost Explorer: Savings Plans utilization {share:.1f}%.")
