"""Cost Optimization / Cloud financial management, from the billing tools themselves: budgets that tell someone,
anomaly detection that watches spend, detailed billing data, Cost Optimization Hub's savings, and licences paid for
outside production."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.org_evidence import organizations_by_account
from wafr.checks.registry import Result, check, fail, judged, not_assessed, passed, unread
from wafr.estate import GLOBAL, Estate, Resource, by_account
from wafr.phrases import first_few
from wafr.resource_types import (ACCOUNT, BCM_DATA_EXPORT, BUDGET, CE_ANOMALY_MONITOR, CE_ANOMALY_SUBSCRIPTION,
                                 COST_OPTIMIZATION_HUB_RECOMMENDATION, CUR_REPORT_DEFINITION, ORG_ACCOUNT,
                                 RDS_DB_INSTANCE)
from wafr.vocabulary import PRODUCTION_LIKE

# -- Budgets that notify ----------------------------------------------------------------------------------------


@check(
    "budget-without-notifications",
    title="A budget notifies nobody when spend crosses it",
    pillar="cost-optimization",
    focus_area="Cloud financial management",
    risk="MEDIUM",
    best_practices=["COST01-BP05"],
    remediation="Add notifications to the budget (for example at 80% of actual and 100% of forecasted spend) with "
                "the owners' addresses or an SNS topic they read as subscribers.",
    bullet="Notify the owners when spend crosses the budget {resources}",
    each=BUDGET,
)
def budget_without_notifications(budget: Resource) -> Result:
    if why := unread(budget, "DescribeNotificationsForBudget"):
        return not_assessed(budget, why)
    notifications = budget.config.get("_notifications") or []
    said = first_few([f"{n.get('NotificationType', '?').lower()} spend {n.get('ComparisonOperator', '?').lower()} "
                      f"{n.get('Threshold', '?')}{'%' if n.get('ThresholdType', 'PERCENTAGE') == 'PERCENTAGE' else ''}"
                      for n in notifications], 3)
    return judged(budget, bool(notifications), f"The budget sends {len(notifications)} notification(s): {said}.",
                  "The budget has no notification: nobody is told when spend crosses or is forecast to cross it.")


# -- Cost anomaly detection -------------------------------------------------------------------------------------
def _watched(monitors: list[Resource], subscriptions: list[Resource]) -> list[tuple[Resource, Resource]]:
    """(monitor, subscription) pairs: a monitor whose anomalies an alert subscription sends to someone."""
    pairs = []
    for subscription in subscriptions:
        if not subscription.config.get("Subscribers"):
            continue
        for monitor in monitors:
            if monitor.arn in (subscription.config.get("MonitorArnList") or []):
                pairs.append((monitor, subscription))
    return pairs


def _covers_member(monitor: Resource, account: str) -> bool:
    """Whether a management account's monitor watches a member's spend: a service monitor watches the whole
    consolidated bill; a custom one the linked accounts it names."""
    if monitor.config.get("MonitorType") == "DIMENSIONAL":
        return True
    dimension = (monitor.config.get("MonitorSpecification") or {}).get("Dimensions") or {}
    return dimension.get("Key") == "LINKED_ACCOUNT" and account in (dimension.get("Values") or [])


@check(
    "cost-anomaly-detection-off",
    title="No cost anomaly monitor alerts anyone to unusual spend",
    pillar="cost-optimization",
    focus_area="Cloud financial management",
    risk="MEDIUM",
    best_practices=["COST01-BP06"],
    remediation="Create a Cost Anomaly Detection monitor (an AWS services monitor in the management account covers "
                "every member) and an alert subscription that sends its anomalies to the owners, by email or SNS, "
                "individually or as a daily summary.",
    bullet="Alert the owners to unusual spend in {resources} with Cost Anomaly Detection",
    resource_types=[ACCOUNT],
    needs=("cost-anomaly-detection",),
)
def cost_anomaly_detection_off(estate: Estate) -> Iterator[Result]:
    monitors, subscriptions = by_account(estate.of_type(CE_ANOMALY_MONITOR)), by_account(
        estate.of_type(CE_ANOMALY_SUBSCRIPTION))
    organizations = organizations_by_account(estate)
    for account in estate.accounts:
        target = estate.account_resource(account)
        watched = _watched(monitors.get(account, []), subscriptions.get(account, []))
        organization = organizations.get(account)
        management = organization.account if organization is not None and organization.account != account else None
        central = [(m, s) for m, s in _watched(monitors.get(management, []), subscriptions.get(management, []))
                   if _covers_member(m, account)] if management else []
        coverage = estate.coverage_of(account, GLOBAL, "cost-anomaly-detection")
        if watched:
            monitor, subscription = watched[0]
            yield passed(target, f"AWS Cost Anomaly Detection: monitor {monitor.label} alerts "
                                 f"{len(subscription.config['Subscribers'])} subscriber(s) through "
                                 f"{subscription.label} ({subscription.config.get('Frequency', '?').lower()}).")
        elif central:
            yield passed(target, f"AWS Cost Anomaly Detection: monitor {central[0][0].label} in management account "
                                 f"{management} watches this account's spend and alerts through "
                                 f"{central[0][1].label}.")
        elif coverage is not None and coverage.status == "not-enabled":
            why = coverage.detail or "Cost Explorer is not enabled"
            yield fail(target, f"AWS Cost Anomaly Detection cannot run ({why}), so nothing watches the account's "
                               "spend.")
        elif estate.assessed(account, GLOBAL, "cost-anomaly-detection"):
            found = monitors.get(account, [])
            yield fail(target, f"AWS Cost Anomaly Detection: {len(found)} monitor(s) "
                               f"({first_few([m.label for m in found], 3) or 'none'}), but no alert subscription "
                               "sends their anomalies to anyone." if found else
                               "AWS Cost Anomaly Detection: no cost monitor watches the account's spend.")


# -- Detailed billing data --------------------------------------------------------------------------------------
def _billing_data(estate: Estate, account: str) -> list[str]:
    """What detailed billing data the account delivers: its CURs (with their time unit) and its data exports."""
    found = [f"Cost and Usage Report {r.label} ({str(r.config.get('TimeUnit', '?')).lower()})"
             for r in estate.of_type(CUR_REPORT_DEFINITION) if r.account == account]
    found += [f"data export {e.label}" for e in estate.of_type(BCM_DATA_EXPORT) if e.account == account
              and (e.config.get("ExportStatus") or {}).get("StatusCode", "HEALTHY") == "HEALTHY"]
    return found


def _member_of_unscanned_organization(estate: Estate, account: str) -> bool:
    """A member account whose own organizations read says so: its management account holds the billing data."""
    record = estate.get(account, ORG_ACCOUNT, account)
    return record is not None and bool(record.config.get("_member")) and not record.config.get("_management")


@check(
    "no-detailed-billing-data",
    title="No Cost and Usage Report or data export delivers detailed billing data",
    pillar="cost-optimization",
    focus_area="Cloud financial management",
    risk="MEDIUM",
    best_practices=["COST03-BP01"],
    remediation="Create a CUR 2.0 data export (Billing and Cost Management > Data Exports) in the management account "
                "with hourly granularity and resource IDs, delivered to S3 and queried with Athena or QuickSight "
                "(CUDOS dashboards).",
    bullet="Deliver hourly Cost and Usage data to S3 from {resources}",
    resource_types=[ACCOUNT],
    needs=("billing-exports",),
)
def no_detailed_billing_data(estate: Estate) -> Iterator[Result]:
    organizations = organizations_by_account(estate)
    for account in estate.accounts:
        target = estate.account_resource(account)
        organization = organizations.get(account)
        payer = organization.account if organization is not None and organization.account != account else None
        own = _billing_data(estate, account)
        if own:
            yield passed(target, f"{first_few(own, 3)}.")
        elif payer and estate.assessed(payer, GLOBAL, "billing-exports"):
            central = _billing_data(estate, payer)
            # The management account's billing data holds every member's line items.
            yield (passed(target, f"Management account {payer} delivers {first_few(central, 3)}, which holds this "
                                  "account's line items.") if central else
                   fail(target, f"Neither this account nor its management account {payer} delivers a Cost and "
                                "Usage Report or data export."))
        elif payer or _member_of_unscanned_organization(estate, account):
            yield not_assessed(target, "The account is a member of an organization whose management account was not "
                                       "scanned: its billing data is configured there.")
        elif estate.assessed(account, GLOBAL, "billing-exports"):
            yield fail(target, "No Cost and Usage Report or data export is configured: cost cannot be analysed "
                               "line by line, per resource and per hour.")


# -- Cost Optimization Hub --------------------------------------------------------------------------------------
SAVING_WORTH_MEDIUM = 100.0  # USD a month: a saving above this is worth acting on soon
RIGHTSIZING_ACTIONS = ("Rightsize", "Stop", "Delete")  # chosen from utilisation: too big, or idle
COMMITMENT_ACTIONS = ("PurchaseSavingsPlans", "PurchaseReservedInstances")


def _hub(estate: Estate, actions: tuple[str, ...]) -> Iterator[Result]:
    """Each recommendation of these actions as a failure on the resource it is about (or itself), with its saving
    as measurements; an enrolled account without any, a pass."""
    flagged = set()
    for recommendation in estate.of_type(COST_OPTIMIZATION_HUB_RECOMMENDATION):
        config = recommendation.config
        if config.get("actionType") not in actions:
            continue
        flagged.add(recommendation.account)
        subject = estate.get(config.get("resourceArn") or "", account=recommendation.account)
        subject = subject if subject is not None and subject.type != COST_OPTIMIZATION_HUB_RECOMMENDATION \
            else recommendation
        saving = float(config.get("estimatedMonthlySavings") or 0)
        currency = config.get("currencyCode") or "USD"
        change = " -> ".join(x for x in (config.get("currentResourceSummary"), config.get("recommendedResourceSummary"))
                             if x)
        action, kind = config.get("actionType"), config.get("currentResourceType")
        yield fail(subject, f"AWS Cost Optimization Hub: {action} {kind} "
                            f"{config.get('resourceId', '')}{f' ({change})' if change else ''}, estimated savings "
                            f"{saving:,.2f} {currency} a month.",
                   risk="MEDIUM" if saving >= SAVING_WORTH_MEDIUM else "LOW",
                   measurements={"source": "AWS Cost Optimization Hub", "estimatedMonthlySavings": saving,
                                 "currency": currency, "actionType": config.get("actionType"),
                                 "estimatedSavingsPercentage": config.get("estimatedSavingsPercentage")})
    for account in estate.accounts:
        if account not in flagged and estate.assessed(account, GLOBAL, "cost-optimization-hub"):
            yield passed(estate.account_resource(account),
                         f"AWS Cost Optimization Hub recommends no {' / '.join(actions)} action for the account.")


@check(
    "cost-optimization-hub-rightsizing",
    title="Cost Optimization Hub finds resources to downsize, stop or delete",
    pillar="cost-optimization",
    focus_area="Right-sizing",
    risk="LOW",
    risk_up_to="MEDIUM",
    best_practices=["COST06-BP02"],
    remediation="Review each recommendation's utilisation in Cost Optimization Hub, then downsize the over-sized "
                "resources and stop or delete the idle ones (through the stack that owns them).",
    bullet="Act on Cost Optimization Hub's rightsizing and idle-resource savings for {resources}",
    resource_types=[COST_OPTIMIZATION_HUB_RECOMMENDATION],
    needs=("cost-optimization-hub",),
)
def cost_optimization_hub_rightsizing(estate: Estate) -> Iterator[Result]:
    yield from _hub(estate, RIGHTSIZING_ACTIONS)


@check(
    "cost-optimization-hub-commitments",
    title="Cost Optimization Hub finds steady usage worth a Savings Plan or reservation",
    pillar="cost-optimization",
    focus_area="Cloud financial management",
    risk="LOW",
    risk_up_to="MEDIUM",
    best_practices=["COST07-BP01"],
    remediation="Check the recommended commitment against the workload's plans, then buy the Savings Plan or "
                "reservation for the steady share of the usage.",
    bullet="Cover the steady usage Cost Optimization Hub finds in {resources} with a commitment",
    resource_types=[COST_OPTIMIZATION_HUB_RECOMMENDATION],
    needs=("cost-optimization-hub",),
)
def cost_optimization_hub_commitments(estate: Estate) -> Iterator[Result]:
    yield from _hub(estate, COMMITMENT_ACTIONS)


# -- Licensing --------------------------------------------------------------------------------------------------
# Engines whose license-included price carries a commercial licence; SQL Server Express is free to license.
COMMERCIAL_ENGINES = ("oracle-", "sqlserver-")
FREE_EDITIONS = ("sqlserver-ex",)


@check(
    "rds-license-included-outside-production",
    title="A non-production database pays for a commercial engine licence",
    pillar="cost-optimization",
    focus_area="Cost evaluation",
    risk="LOW",
    best_practices=["COST05-BP04"],
    remediation="Run development and test databases on an engine or edition without licence cost (PostgreSQL, "
                "SQL Server Express or Developer edition, Oracle under an existing licence), or share one licensed "
                "instance, and keep the licensed engine for production.",
    bullet="Move {resources} to an engine or edition without licence cost",
    each=RDS_DB_INSTANCE,
)
def rds_license_included_outside_production(db: Resource, estate: Estate) -> Result | None:
    environment = estate.environment_of(db)
    if environment in PRODUCTION_LIKE:
        return None  # production pays for what it runs; the question is about copies that need not
    engine, model = str(db.config.get("Engine", "")), str(db.config.get("LicenseModel", ""))
    commercial = engine.startswith(COMMERCIAL_ENGINES) and engine not in FREE_EDITIONS
    return judged(db, not (commercial and model == "license-included"),
                  f"Engine {engine} ({model or 'licence model not stated'}) in {environment} "
                  f"({estate.environment_basis_of(db)}) pays no commercial licence by the hour.",
                  f"Engine {engine} is license-included in {environment} ({estate.environment_basis_of(db)}): "
                  "every hour pays the commercial licence for a database that serves no customer.")


# -- Cost Explorer ----------------------------------------------------------------------------------------------
@check(
    "cost-explorer-not-enabled",
    title="Cost Explorer is not enabled, so spend cannot be analysed",
    pillar="cost-optimization",
    focus_area="Cloud financial management",
    risk="MEDIUM",
    best_practices=["COST03-BP05"],
    remediation="Enable Cost Explorer in the management account (Billing and Cost Management > Cost Explorer): it "
                "opens the last 12 months of spend to analysis by service, account and tag, and is what budgets "
                "forecasts, anomaly detection and commitment recommendations build on.",
    bullet="Enable Cost Explorer for {resources}",
    resource_types=[ACCOUNT],
    needs=("cost-explorer",),
)
def cost_explorer_not_enabled(estate: Estate) -> Iterator[Result]:
    for account in estate.accounts:
        target = estate.account_resource(account)
        coverage = estate.coverage_of(account, GLOBAL, "cost-explorer")
        if coverage is not None and coverage.status == "not-enabled":
            yield fail(target, f"AWS Cost Explorer: {coverage.detail or 'not enabled for the account'}.")
        elif estate.assessed(account, GLOBAL, "cost-explorer"):
            yield passed(target, "AWS Cost Explorer is enabled and answered for the account's spend.")
