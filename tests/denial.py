"""Denying a collector's reads the way AWS does, for tests and measurements of "a gap is never a pass".

``deny`` answers calls with AWS's own error shape from a botocore ``before-call`` handler, so the real collector
code meets the denial; ``Scan`` holds the demo estate scanned once in moto and re-reads one collector under denial.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
from typing import Any, Iterable, Iterator

import boto3
from botocore.awsrequest import AWSResponse

from wafr.checks.registry import FAIL, PASS, Check, all_checks
from wafr.estate import Estate
from wafr.findings import Finding

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's account
METRICS = "cloudwatch-metrics"  # the coverage key of metric collection, which runs after the collectors


def _denial_code(service: Any) -> str:
    """The error code AWS answers a denied call with: EC2 has its own; query and REST-XML services say
    AccessDenied; JSON services AccessDeniedException."""
    if service.service_name == "ec2":
        return "UnauthorizedOperation"
    if service.protocol in ("query", "rest-xml") or service.service_name == "cloudwatch":
        return "AccessDenied"
    return "AccessDeniedException"


def deny(events: Any, operations: Iterable[str] | None = None) -> list[str]:
    """Refuse every call made through ``events`` (or only the named operations) before it leaves the client.

    botocore emits ``before-call.<service>.<operation>`` first in ``_make_api_call``; a handler that returns an
    ``(http_response, parsed_response)`` pair short-circuits the request, and a status code of 300 or more makes the
    client raise the parsed error as a ClientError, exactly as for a real 403."""
    only, refused = set(operations or ()), []

    def refuse(model: Any, **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if only and model.name not in only:
            return None
        service = model.service_model
        refused.append(f"{service.service_name}:{model.name}")
        message = (f"User: arn:aws:sts::{ACCOUNT}:assumed-role/wafr-scan/session is not authorized to perform: "
                   f"{service.signing_name}:{model.name} with an explicit deny in a service control policy")
        parsed = {"Error": {"Code": _denial_code(service), "Message": message},
                  "ResponseMetadata": {"HTTPStatusCode": 403, "HTTPHeaders": {}}}
        return AWSResponse("https://denied.invalid/", 403, {}, None), parsed

    events.register("before-call", refuse, unique_id="test-deny")  # hierarchical: every service and operation
    return refused


class Scan:
    """The demo estate scanned once without denial, and re-reads of one collector under denial."""

    def __init__(self, full: Estate) -> None:
        self.full = full

    @staticmethod
    def session() -> Any:
        from wafr.sources.aws.session import open_session

        return open_session(region=REGION)

    def _without(self, service: str, types: Iterable[str] = ()) -> Estate:
        base = copy.deepcopy(self.full)
        types = set(types)
        return Estate(resources=[r for r in base.resources if r.type not in types],
                      coverage=[c for c in base.coverage if c.service != service],
                      metadata=base.metadata, metrics=base.metrics)

    def collector_denied(self, name: str, operations: Iterable[str] | None = None) -> tuple[Estate, list[str]]:
        """The full estate with collector ``name``'s resources and coverage replaced by a read under denial."""
        from wafr.sources.aws.collect import collect_account
        from wafr.sources.aws.registry import all_collectors

        aws = self.session()
        refused = deny(aws.session.events, operations)  # after open_session: its identity call is not the collector's
        part = collect_account(aws, [REGION], services=[name], max_workers=4)
        estate = self._without(name, all_collectors()[name].resource_types)
        estate.extend(part.resources)
        for entry in part.coverage:
            estate.record(entry)
        return estate, refused

    def operations_of(self, name: str) -> list[str]:
        """The operations collector ``name`` calls on the demo estate, in the order first called."""
        from wafr.sources.aws.collect import collect_account

        aws, called = self.session(), []
        aws.session.events.register("before-call", lambda model, **_: called.append(model.name),
                                    unique_id="test-record")
        collect_account(aws, [REGION], services=[name], max_workers=1)
        return list(dict.fromkeys(called))

    def metrics_denied(self) -> tuple[Estate, list[str]]:
        from wafr.metrics.collect import collect_metrics

        aws = self.session()
        refused = deny(aws.session.events)
        estate = self._without(METRICS)
        estate.metrics = {}
        collect_metrics(aws, estate)
        return estate, refused


@contextlib.contextmanager
def scanned_demo() -> Iterator[Scan]:
    """The demo estate provisioned in moto and scanned once (collectors and metrics); moto stays up meanwhile."""
    from moto import mock_aws

    from wafr.demo.estate import provision
    from wafr.demo.metrics import seed_metrics
    from wafr.demo.run import isolated_environment
    from wafr.metrics.collect import collect_metrics
    from wafr.sources.aws.collect import collect_account

    with isolated_environment(REGION), mock_aws():
        session = boto3.Session(region_name=REGION)
        seed_metrics(session, REGION, provision(session, REGION))
        aws = Scan.session()
        full = collect_account(aws, [REGION], max_workers=4)
        collect_metrics(aws, full)
        yield Scan(full)


def collector_names() -> list[str]:
    from wafr.sources.aws.registry import all_collectors

    return sorted(all_collectors())


def flips(before: list[Finding], after: list[Finding]) -> list[str]:
    """Findings that failed in ``before`` and pass in ``after`` (same check, same resource)."""
    failed = {f.id for f in before if f.status == FAIL}
    return sorted(f"{f.check_id} on {f.resource['id']}" for f in after if f.status == PASS and f.id in failed)


def without_needs() -> dict[str, Check]:
    """Every check as it was before checks declared their needs: the runner then gates nothing."""
    return {cid: dataclasses.replace(c, needs=()) for cid, c in all_checks().items()}
