"""The bad-resource / clean-twin pattern of the check tests: one arranged account scanned through moto, its findings
looked up by check and resource name."""

from __future__ import annotations

from typing import Any, Callable

import boto3

from wafr.checks.registry import all_checks
from wafr.estate import Estate
from wafr.findings import Finding, evaluate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.session import open_session


def by_name(findings: list[Finding]) -> dict[tuple[str, str], Finding]:
    """(check id, resource name or id) -> finding."""
    return {(f.check_id, f.resource["name"] or f.resource["id"]): f for f in findings}


def scan_arranged(arrange: Callable[[boto3.Session], Any], services: list[str], region: str) -> tuple[Estate, Any]:
    """Arrange an account in moto with ``arrange``, then collect ``services`` through the real collectors;
    returns the estate and what ``arrange`` returned."""
    from moto import mock_aws

    with mock_aws():
        arranged = arrange(boto3.Session(region_name=region))
        estate = collect_account(open_session(region=region), [region], services=services)
    return estate, arranged


def findings_of_arranged(arrange: Callable[[boto3.Session], Any], services: list[str],
                         region: str) -> dict[tuple[str, str], Finding]:
    estate, _ = scan_arranged(arrange, services, region)
    return by_name(evaluate(estate))


def checks_in(*modules: str) -> set[str]:
    """The ids of the checks defined in these modules of wafr.checks (by their last name)."""
    return {c.id for c in all_checks().values() if c.fn.__module__.rsplit(".", 1)[-1] in modules}
