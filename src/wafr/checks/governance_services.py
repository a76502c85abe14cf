"""Security / governance services: AWS Config recording and aggregation, Security Hub's standards, IAM Access
Analyzer and what it finds shared outside the account, Inspector, Macie and Detective - each judged per account
and Region where the service works per Region."""

from __future__ import annotations

from collections import defaultdict
from typing import Callable, Iterable, Iterator

from wafr.checks.registry import Result, check, fail, not_assessed, passed
from wafr.estate import GLOBAL, Estate, Resource
from wafr.resource_types import (ACCESS_ANALYZER_ANALYZER, ACCOUNT, CONFIG_CONFIGURATION_AGGREGATOR,
                                 CONFIG_CONFIGURATION_RECORDER, CONFIG_RULE, DETECTIVE_GRAPH, DETECTIVE_MEMBERSHIP,
                                 EC2_INSTANCE, ECR_REPOSITORY, INSPECTOR2_ACCOUNT_STATUS, LAMBDA_FUNCTION,
                                 MACIE_SESSION, ORG_ACCOUNT, S3_BUCKET, SECURITYHUB_HUB)

# What Inspector scans; a Region without any of them has little for it to find.
SCANNED_COMPUTE = (EC2_INSTANCE, ECR_REPOSITORY, LAMBDA_FUNCTION)
EXTERNAL_ACCESS = ("ACCOUNT", "ORGANIZATION")

Grouped = dict[tuple[str, str], list[Resource]]


def _grouped(resources: Iterable[Resource]) -> Grouped:
    found: Grouped = defaultdict(list)
    for resource in resources:
        found[(resource.account, resource.region)].append(resource)
    return found


def _per_region(estate: Estate, service: str, judge: Callable[[Resource], Result | None]) -> Iterator[Result]:
    """One verdict per account and Region: NOT_ASSESSED where ``service`` was not read there."""
    for account in estate.accounts:
        for region in estate.regions:
            target = estate.account_resource(account, region)
            gap = estate.gap(account, region, service)
            verdict = not_assessed(target, gap) if gap else judge(target)
            if verdict is not None:
                yield verdict


def _organization_of(estate: Estate) -> dict[str, str]:
    """Account -> its organization's id, from any account's organizations read."""
    return {a.id: a.config["_organization_id"] for a in estate.of_type(ORG_ACCOUNT) if a.config.get("_organization_id")}


# -- AWS Config ----------------------------------------------------------------------------------------------
@check(
    "config-not-recording",
    title="AWS Config does not record and evaluate the Region's resources",
    pillar="security",
    focus_area="Detection",
    risk="MEDIUM",
    best_practices=["SEC04-BP04"],
    remediation="Turn on an AWS Config recorder for all supported resource types in every Region (from the "
                "organization with a StackSet or Control Tower) and deploy Config rules or a conformance pack, with "
                "remediation actions where a fix is safe, so non-compliant resources are found and fixed.",
    resource_types=[ACCOUNT],
    needs=("config",),
)
def config_not_recording(estate: Estate) -> Iterator[Result]:
    recorders = _grouped(estate.of_type(CONFIG_CONFIGURATION_RECORDER))
    rules = _grouped(estate.of_type(CONFIG_RULE))

    def judge(target: Resource) -> Result:
        found = recorders.get((target.account, target.region), [])
        if not found:
            return fail(target, f"No configuration recorder exists in {target.region}.")
        recorder = found[0]
        if recorder.errors:
            return not_assessed(target, f"the status of recorder {recorder.label} could not be read "
                                        f"({recorder.errors})")
        status = (recorder.config.get("_status") or [{}])[0]
        if not status.get("recording"):
            last = status.get("lastStatus")
            return fail(target, f"Recorder {recorder.label} exists but is not recording"
                                f"{f' (last status {last})' if last else ''}.")
        group = recorder.config.get("recordingGroup") or {}
        scope = "all supported resource types" if group.get("allSupported") else "selected resource types"
        active = [r for r in rules.get((target.account, target.region), [])
                  if r.config.get("ConfigRuleState", "ACTIVE") == "ACTIVE"]
        if not active:
            return fail(target, f"Recorder {recorder.label} records {scope}, but no Config rule evaluates them.")
        return passed(target, f"Recorder {recorder.label} records {scope}; {len(active)} Config rule(s) evaluate "
                              f"them.")

    yield from _per_region(estate, "config", judge)


@check(
    "config-no-aggregator",
    title="No AWS Config aggregator gathers the account's configuration and compliance",
    pillar="security",
    focus_area="Detection",
    risk="LOW",
    best_practices=["SEC04-BP02"],
    remediation="Create an organization-wide Config aggregator in the security or audit account (delegated "
                "administrator for Config), so every account's and Region's configuration and rule compliance "
                "can be queried in one place.",
    resource_types=[ACCOUNT],
    needs=("config",),
)
def config_no_aggregator(estate: Estate) -> Iterator[Result]:
    aggregators = estate.of_type(CONFIG_CONFIGURATION_AGGREGATOR)
    organization = _organization_of(estate)
    for account in estate.accounts:
        target = estate.account_resource(account)
        read = [r for r in estate.regions if estate.assessed(account, r, "config")]
        covering = []
        for aggregator in aggregators:
            sources = aggregator.config.get("AccountAggregationSources") or []
            if aggregator.account == account:
                covering.append(f"aggregator {aggregator.label} in {aggregator.region}")
            elif aggregator.config.get("OrganizationAggregationSource") and organization.get(account) and \
                    organization.get(account) == organization.get(aggregator.account):
                covering.append(f"organization aggregator {aggregator.label} in account {aggregator.account}")
            elif any(account in (s.get("AccountIds") or []) for s in sources):
                covering.append(f"aggregator {aggregator.label} in account {aggregator.account}")
        if covering:
            yield passed(target, f"Gathered by {covering[0]}.")
        elif not read:
            yield not_assessed(target, estate.gap(account, estate.regions[0], "config") if estate.regions
                               else "no Region was scanned")
        else:
            yield fail(target, f"No Config aggregator in the {len(read)} Region(s) read gathers this account.")


# -- Security Hub standards ----------------------------------------------------------------------------------
@check(
    "securityhub-no-standards",
    title="Security Hub checks the account against no security standard",
    pillar="security",
    focus_area="Detection",
    risk="MEDIUM",
    best_practices=["SEC01-BP03"],
    remediation="Enable the AWS Foundational Security Best Practices standard (and CIS or PCI DSS where they "
                "apply) in Security Hub, ideally through central configuration for every account and Region, so "
                "the control objectives are checked continuously.",
    resource_types=[SECURITYHUB_HUB],
    needs=("securityhub",),
)
def securityhub_no_standards(estate: Estate) -> Iterator[Result]:
    for hub in estate.of_type(SECURITYHUB_HUB):
        if "_standards" not in hub.config:
            yield not_assessed(hub, f"the enabled standards could not be read ({hub.config.get('_errors', {})})")
            continue
        ready = [s for s in hub.config["_standards"] if s.get("StandardsStatus") in ("READY", "INCOMPLETE",
                                                                                      "PENDING")]
        if ready:
            names = ", ".join(str(s.get("StandardsArn", "?")).split(":standards/", 1)[-1]
                              .split(":ruleset/", 1)[-1] for s in ready)
            yield passed(hub, f"{len(ready)} standard(s) enabled: {names}.")
        else:
            yield fail(hub, "Security Hub is on but no standard is enabled: no control is evaluated.")


# -- IAM Access Analyzer -------------------------------------------------------------------------------------
def _external_analyzers(estate: Estate) -> list[Resource]:
    return [a for a in estate.of_type(ACCESS_ANALYZER_ANALYZER) if a.config.get("type") in EXTERNAL_ACCESS
            and a.config.get("status") == "ACTIVE"]


@check(
    "access-analyzer-not-enabled",
    title="IAM Access Analyzer does not watch the Region for external access",
    pillar="security",
    focus_area="IAM",
    risk="MEDIUM",
    best_practices=["SEC03-BP07"],
    remediation="Create an IAM Access Analyzer with the organization as its zone of trust (from the delegated "
                "administrator) in every Region, and review its active findings: each is a resource shared with "
                "someone outside.",
    resource_types=[ACCOUNT],
    needs=("access-analyzer",),
    bullet="Create an IAM Access Analyzer for external access in {resources}",
)
def access_analyzer_not_enabled(estate: Estate) -> Iterator[Result]:
    analyzers = _grouped(_external_analyzers(estate))
    organization = _organization_of(estate)
    by_region: dict[str, list[Resource]] = defaultdict(list)
    for analyzer in _external_analyzers(estate):
        if analyzer.config.get("type") == "ORGANIZATION":
            by_region[analyzer.region].append(analyzer)

    def judge(target: Resource) -> Result:
        own = analyzers.get((target.account, target.region), [])
        if own:
            return passed(target, f"Analyzer {own[0].label} ({own[0].config.get('type')}) is active.")
        org = organization.get(target.account)
        central = [a for a in by_region.get(target.region, []) if org and organization.get(a.account) == org]
        if central:
            return passed(target, f"Organization analyzer {central[0].label} in account {central[0].account} "
                                  f"covers this account.")
        return fail(target, f"No active external-access analyzer covers {target.region}.")

    yield from _per_region(estate, "access-analyzer", judge)


@check(
    "access-analyzer-external-access",
    title="IAM Access Analyzer finds resources shared outside the zone of trust",
    pillar="security",
    focus_area="IAM",
    risk="MEDIUM",
    risk_up_to="HIGH",
    best_practices=["SEC03-BP07"],
    remediation="Review each active finding: remove the access that is not intended (bucket, key, role or queue "
                "policies), and archive the intended ones with an archive rule that says why.",
    resource_types=[ACCESS_ANALYZER_ANALYZER],
    needs=("access-analyzer",),
    bullet="Review the resources IAM Access Analyzer finds shared outside ({resources})",
)
def access_analyzer_external_access(estate: Estate) -> Iterator[Result]:
    for analyzer in _external_analyzers(estate):
        config = analyzer.config
        if "_active_findings" not in config:
            yield not_assessed(analyzer, f"its findings could not be listed ({config.get('_errors', {})})")
            continue
        findings = config.get("_findings") or []
        if not config["_active_findings"]:
            yield passed(analyzer, "No active finding: nothing is shared outside the zone of trust.")
            continue
        public = [f for f in findings if f.get("isPublic")]
        shown = "; ".join(f"{f.get('resourceType', '?')} {f.get('resource', '?')}"
                          f"{' (public)' if f.get('isPublic') else ''}" for f in (public + findings)[:5])
        yield fail(analyzer, f"{config['_active_findings']} active finding(s), {len(public)} public: {shown}.",
                   "HIGH" if public else None)


# -- Inspector, Macie, Detective -----------------------------------------------------------------------------
@check(
    "inspector-not-enabled",
    title="Amazon Inspector does not scan the Region's compute for vulnerabilities",
    pillar="security",
    focus_area="Compute protection",
    risk="MEDIUM",
    best_practices=["SEC06-BP01"],
    remediation="Enable Amazon Inspector (EC2, ECR and Lambda scanning) for every account from its delegated "
                "administrator, and route critical findings to the owners with a deadline to fix them.",
    resource_types=[ACCOUNT],
    needs=("inspector2",),
)
def inspector_not_enabled(estate: Estate) -> Iterator[Result]:
    statuses = _grouped(estate.of_type(INSPECTOR2_ACCOUNT_STATUS))
    compute = _grouped(estate.of_type(*SCANNED_COMPUTE))

    def judge(target: Resource) -> Result:
        found = statuses.get((target.account, target.region), [])
        if not found or found[0].errors:
            return not_assessed(target, f"Inspector's status could not be read "
                                        f"({found[0].config['_errors'] if found else 'no answer'})")
        config = found[0].config
        scanning = sorted(kind for kind, state in (config.get("resourceState") or {}).items()
                          if isinstance(state, dict) and state.get("status") == "ENABLED")
        if (config.get("state") or {}).get("status") == "ENABLED" and scanning:
            return passed(target, f"Inspector is enabled, scanning {', '.join(scanning)}.")
        present = len(compute.get((target.account, target.region), []))
        risk = None if present else "LOW"
        what = f"{present} instance(s), repositories or functions here" if present else "no compute found here"
        return fail(target, f"Inspector is {(config.get('state') or {}).get('status', 'not enabled')} "
                            f"({what}).", risk)

    yield from _per_region(estate, "inspector2", judge)


@check(
    "macie-not-enabled",
    title="Amazon Macie does not discover sensitive data in the Region's S3 buckets",
    pillar="security",
    focus_area="Data protection",
    risk="LOW",
    best_practices=["SEC07-BP03"],
    remediation="Enable Macie with automated sensitive data discovery for the organization (from its delegated "
                "administrator), so buckets holding personal or secret data are found and classified.",
    resource_types=[ACCOUNT],
    needs=("macie",),
)
def macie_not_enabled(estate: Estate) -> Iterator[Result]:
    sessions = _grouped(estate.of_type(MACIE_SESSION))
    buckets = _grouped(estate.of_type(S3_BUCKET))

    def judge(target: Resource) -> Result | None:
        here = buckets.get((target.account, target.region), [])
        if not here and estate.assessed(target.account, GLOBAL, "s3"):  # S3 is read once, buckets by Region
            return None  # no bucket in the Region: nothing for Macie to classify
        session = (sessions.get((target.account, target.region)) or [None])[0]
        status = session.config.get("status") if session else None
        if status == "ENABLED":
            return passed(target, "Macie is enabled.")
        count = f" for {len(here)} bucket(s)" if here else ""
        return fail(target, f"Macie is {status or 'not enabled'} in {target.region}{count}.")

    yield from _per_region(estate, "macie", judge)


@check(
    "detective-not-enabled",
    title="Amazon Detective does not correlate the Region's security findings",
    pillar="security",
    focus_area="Detection",
    risk="LOW",
    # SEC10-BP06: an investigation tool deployed in advance; its behavior graph holds only what it saw once on.
    best_practices=["SEC04-BP03", "SEC10-BP06"],
    remediation="Enable Detective from the security account for the organization, so GuardDuty and Security Hub "
                "findings are investigated with the activity graph behind them.",
    resource_types=[ACCOUNT],
    needs=("detective",),
)
def detective_not_enabled(estate: Estate) -> Iterator[Result]:
    graphs = _grouped(estate.of_type(DETECTIVE_GRAPH))
    memberships = _grouped(m for m in estate.of_type(DETECTIVE_MEMBERSHIP) if m.config.get("Status") == "ENABLED")

    def judge(target: Resource) -> Result:
        key = (target.account, target.region)
        if graphs.get(key):
            return passed(target, f"The account administers behavior graph {graphs[key][0].label}.")
        if memberships.get(key):
            member = memberships[key][0]
            return passed(target, f"The account is an enabled member of graph {member.label} "
                                  f"(administrator {member.config.get('AdministratorId', '?')}).")
        return fail(target, f"No Detective behavior graph covers the account in {target.region}.")

    yield from _per_region(estate, "detective", judge)
