"""Findings for security tooling: OCSF Compliance Findings validated against the OCSF 1.5.0 schema (derived from the
ocsf-schema sources, tests/data/ocsf), and ASFF validated against botocore's model of Security Hub's
BatchImportFindings input, in the batches of 100 that the API takes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from botocore.session import get_session
from botocore.validate import ParamValidator

from hostile import MARKUP, SCRIPT, hostile_review

from wafr.report import asff, ocsf

SCHEMA = json.loads((Path(__file__).parent / "data/ocsf/compliance_finding-1.5.0.schema.json").read_text())
# The fields Security Hub's documentation lists as required in every finding BatchImportFindings takes.
ASFF_REQUIRED = ("SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "Types", "CreatedAt",
                 "UpdatedAt", "Severity", "Title", "Description", "Resources")


@pytest.fixture(scope="module")
def findings(demo_outputs: Path) -> list[dict]:
    return json.loads((demo_outputs / "findings.json").read_text())["findings"]


@pytest.fixture(scope="module")
def ocsf_events(demo_outputs: Path) -> list[dict]:
    return json.loads((demo_outputs / "findings.ocsf.json").read_text())


@pytest.fixture(scope="module")
def asff_findings(demo_outputs: Path) -> list[dict]:
    return json.loads((demo_outputs / "findings.asff.json").read_text())


@pytest.fixture(scope="module")
def validator():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(SCHEMA)


@pytest.fixture(scope="module")
def batch_input():
    return get_session().get_service_model("securityhub").operation_model("BatchImportFindings").input_shape


def test_ocsf_events_validate_against_the_schema(ocsf_events, validator):
    errors = [(e["finding_info"]["uid"], err.json_path, err.message) for e in ocsf_events
              for err in validator.iter_errors(e)]
    assert errors == []


def test_the_ocsf_schema_refuses_what_it_should(ocsf_events, validator):
    """The derived schema is not vacuous: a misspelt attribute, a missing required one, a wrong enum all fail."""
    event = ocsf_events[0]
    misspelt = {**event, "compliance": {**event["compliance"], "requirement": ["SEC01-BP01"]}}
    missing = {k: v for k, v in event.items() if k != "finding_info"}
    wrong = {**event, "severity_id": 7}
    for bad in (misspelt, missing, wrong):
        assert list(validator.iter_errors(bad))


def test_one_ocsf_compliance_finding_per_result(ocsf_events, findings):
    assert [e["finding_info"]["uid"] for e in ocsf_events] == [f["id"] for f in findings]
    by_id = {f["id"]: f for f in findings}
    statuses = {"PASS": 1, "NOT_ASSESSED": 2, "FAIL": 3, "SUPPRESSED": 3}
    assert {f["status"] for f in findings} >= {"PASS", "FAIL"}
    for event in ocsf_events:
        finding = by_id[event["finding_info"]["uid"]]
        assert event["class_uid"] == 2003 and event["type_uid"] == 200301
        assert event["compliance"]["requirements"] == finding["best_practices"]
        assert event["compliance"]["status_id"] == statuses[finding["status"]]
        assert event["severity_id"] == {"LOW": 2, "MEDIUM": 3, "HIGH": 4}[finding["risk"]]
        assert event["resources"][0]["name"] == finding["resource"]["name"]
        assert event["cloud"]["account"]["uid"] == finding["resource"]["account"]
    assert all("cloud" in e["metadata"]["profiles"] for e in ocsf_events)


def test_asff_validates_against_botocores_batch_import_model(asff_findings, batch_input):
    batches = [asff_findings[i:i + 100] for i in range(0, len(asff_findings), 100)]
    assert len(batches) > 1  # the demo needs several calls
    for batch in batches:
        report = ParamValidator().validate({"Findings": batch}, batch_input)
        assert not report.has_errors(), report.generate_report()
    # and the validator is not vacuous
    broken = [{k: v for k, v in asff_findings[0].items() if k != "Title"}]
    assert ParamValidator().validate({"Findings": broken}, batch_input).has_errors()


def test_asff_carries_the_documented_fields(asff_findings, findings, batch_input):
    shape = batch_input.members["Findings"].member
    assert set(shape.required_members) <= set(ASFF_REQUIRED)
    by_id = {f["id"]: f for f in findings}
    compliance = {"PASS": "PASSED", "FAIL": "FAILED", "NOT_ASSESSED": "NOT_AVAILABLE", "SUPPRESSED": "FAILED"}
    assert len({a["Id"] for a in asff_findings}) == len(asff_findings) == len(findings)
    for item in asff_findings:
        assert all(item.get(key) not in (None, "", []) for key in ASFF_REQUIRED), item["Id"]
        finding = by_id[item["Id"].rsplit("/", 1)[1]]
        assert item["AwsAccountId"] == finding["resource"]["account"]
        assert item["ProductArn"].endswith(f":{item['AwsAccountId']}:product/{item['AwsAccountId']}/default")
        assert item["Types"][0].startswith("Software and Configuration Checks/")
        assert len(item["Title"]) <= 256 and len(item["Description"]) <= 1024
        assert len(item["Remediation"]["Recommendation"]["Text"]) <= 512
        assert item["Compliance"]["Status"] == compliance[finding["status"]]
        assert item["Compliance"]["RelatedRequirements"] == [f"AWS Well-Architected/{bp}"
                                                              for bp in finding["best_practices"]]
        expected = "INFORMATIONAL" if finding["status"] == "PASS" else finding["risk"]
        assert item["Severity"]["Label"] == expected


def test_hostile_names_stay_data():
    review = hostile_review()
    events = json.loads(ocsf.render(review))
    items = json.loads(asff.render(review))
    names = {e["resources"][0]["name"] for e in events}
    assert {SCRIPT, MARKUP} <= names
    assert {SCRIPT, MARKUP} <= {i["Resources"][0]["Details"]["Other"]["name"] for i in items}
    report = ParamValidator().validate({"Findings": items[:100]}, get_session().get_service_model(
        "securityhub").operation_model("BatchImportFindings").input_shape)
    assert not report.has_errors(), report.generate_report()
