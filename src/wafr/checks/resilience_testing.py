"""Reliability testing: whether failures are injected on purpose (AWS FIS experiments) in the accounts that run
production."""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from wafr.checks.registry import Result, by_environment, check, fail, passed
from wafr.estate import Estate, by_account
from wafr.phrases import days
from wafr.resource_types import ACCOUNT, FIS_EXPERIMENT, FIS_EXPERIMENT_TEMPLATE, ORG_ACCOUNT
from wafr.vocabulary import DEV, PROD, STAGING, UNKNOWN

RECENT_DAYS = 180  # an experiment older than this proved the architecture as it was, not as it is
RAN = ("running", "stopping", "completed", "stopped")  # "failed" and "cancelled" experiments injected nothing


def account_environment(estate: Estate, account: str) -> str:
    """The account's environment: its own name in the organization if that says, else prod when it holds any
    production resource, staging or dev when every resource placed in an environment is, unknown otherwise."""
    record = estate.get(account, ORG_ACCOUNT)
    if record is not None and estate.environment_of(record) != UNKNOWN:
        return estate.environment_of(record)
    placed = _placed_by_account(estate).get(account, set())
    if PROD in placed:
        return PROD
    return (STAGING if STAGING in placed else DEV) if placed else UNKNOWN


def _placed_by_account(estate: Estate) -> dict[str, set[str]]:
    """Account -> the known environments its resources are placed in, built once for every account."""
    def build() -> dict[str, set[str]]:
        placed: dict[str, set[str]] = {}
        for resource in estate.resources:
            if (env := estate.environment_of(resource)) != UNKNOWN:
                placed.setdefault(resource.account, set()).add(env)
        return placed
    return estate.derived("environments-by-account", build)


def _started(experiment) -> dt.datetime | None:
    value = experiment.config.get("creationTime") or experiment.config.get("startTime")
    try:
        when = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


@check(
    "no-fault-injection-experiments",
    title="No fault injection experiment has tested a production account recently",
    pillar="reliability",
    focus_area="Reliability testing",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL12-BP04"],
    remediation="Write AWS FIS experiment templates for the failures the design claims to survive (an instance "
                "terminated, a zone's network disrupted, a dependency slowed), with a CloudWatch alarm as stop "
                "condition, and run them on a schedule, first in staging, then in production.",
    bullet="Inject failures on purpose in {resources} with AWS FIS experiments",
    resource_types=[ACCOUNT],
    needs=("fis",),
)
def no_fault_injection_experiments(estate: Estate) -> Iterator[Result]:
    now = dt.datetime.now(dt.timezone.utc)
    templates, experiments = by_account(estate.of_type(FIS_EXPERIMENT_TEMPLATE)), by_account(
        estate.of_type(FIS_EXPERIMENT))
    for account in estate.accounts:
        environment = account_environment(estate, account)
        if environment in (DEV, STAGING):
            continue  # the question is about production
        read = {c.region: c.status for c in estate.coverage if c.account == account and c.service == "fis"}
        if not read or set(read.values()) <= {"skipped", "unsupported"}:
            continue  # FIS was not read (the runner reports that gap), or is not offered where the account was read
        unread = [region for region, status in read.items() if status in ("denied", "failed")]
        target = estate.account_resource(account)
        ran = [(when, e) for e in experiments.get(account, [])
               if (e.config.get("state") or {}).get("status") in RAN and (when := _started(e)) is not None]
        recent = [(when, e) for when, e in ran if (now - when).days <= RECENT_DAYS]
        held = templates.get(account, [])
        if recent:
            when, latest = max(recent, key=lambda pair: pair[0])
            yield passed(target, f"{len(recent)} AWS FIS experiment(s) ran in the last {days(RECENT_DAYS)}; the "
                                 f"latest, {latest.label} ({latest.region}), started {when.date().isoformat()}.")
        elif unread:
            continue  # none found where FIS was read, but a Region was not: the runner reports that gap
        elif held:
            last = f"the last ran {max(ran, key=lambda pair: pair[0])[0].date().isoformat()}" if ran else "none has run"
            yield fail(target, f"{len(held)} AWS FIS experiment template(s) exist, but no experiment ran in the "
                               f"last {days(RECENT_DAYS)} ({last}).", risk="LOW")
        else:
            which = "production account" if environment == PROD else "account (treated as production: it shows none)"
            yield fail(target, f"No AWS FIS experiment template or experiment in this {which}: no failure has been "
                               "injected on purpose to prove the workload survives it.")
