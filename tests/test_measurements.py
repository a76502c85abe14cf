"""Findings carry their metric measurements: the review's savings and charts come from the findings, so a review of
findings.json alone shows the same metric evidence as a review of the estate."""

from __future__ import annotations

import json

import pytest

from wafr.findings import evaluate, findings_document
from wafr.metrics.synthetic import daily, ecs_service, estate_with, flat, values
from wafr.review import review_of_estate, review_of_findings_document

HOURS = 14 * 24


@pytest.fixture(scope="module")
def scanned():
    resources = [*ecs_service("paymaster-service", 4096, 16384)]
    cpu = values(daily(2, 7, 0.3), HOURS)
    estate = estate_with(resources, {"paymaster-service": {
        "CPUUtilization": cpu, "CPUUtilization:Maximum": [v * 1.1 for v in cpu],
        "MemoryUtilization:Maximum": values(flat(10, 0.3), HOURS, 2)}})
    return estate, evaluate(estate)


def test_a_metric_finding_carries_its_figures_saving_and_series(scanned):
    _, findings = scanned
    over = next(f for f in findings if f.check_id == "ecs-service-over-provisioned")
    measured = over.measurements
    assert over.status == "FAIL" and measured["saving"]["monthly_usd"] > 0
    assert measured["series"] and len(measured["series"][0]["values"]) == HOURS
    assert measured["window"]["period"] == 3600
    assert not any(f.measurements for f in findings if not f.check_id.startswith(("ecs-service", "resource-")))


def test_findings_json_alone_gives_the_same_metric_evidence(scanned):
    estate, findings = scanned
    document = json.loads(json.dumps(findings_document(estate, findings)))  # as written to and read from disk
    from_estate = review_of_estate(estate, findings).metric_evidence
    from_file = review_of_findings_document(document).metric_evidence
    assert from_file is not None and from_file == from_estate
    assert from_file.total_monthly_usd > 0 and all(f.charts for f in from_file.findings)
