"""`wafr checks` tells the truth at any width: every id whole at 80 columns, and the risk each check can emit."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console
from typer.testing import CliRunner

from wafr.checks.listing import catalog_table, risk_text
from wafr.checks.registry import FAIL, RISKS, Result, all_checks
from wafr.cli import app
from wafr.estate import Resource
from wafr.findings import evaluate


def printed(width: int) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width)
    console.print(catalog_table(console, all_checks().values()))
    return out.getvalue()


@pytest.mark.parametrize("width", [80, 100, 200])
def test_every_check_id_is_printed_whole(width):
    text = printed(width)
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= width
    lines = text.splitlines()
    for check_id in all_checks():
        assert any(check_id in line.split() for line in lines), check_id


def test_checks_command_at_80_columns():
    result = CliRunner().invoke(app, ["checks"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert "…" not in result.output
    assert all(check_id in result.output for check_id in all_checks())


def test_a_check_that_raises_its_risk_says_so_in_the_catalog():
    checks = all_checks()
    assert risk_text(checks["ecs-service-over-provisioned"]) == "MEDIUM up to HIGH"
    assert risk_text(checks["ecs-service-memory-leak"]) == "HIGH, MEDIUM, LOW"
    listed = {c["id"]: c for c in json.loads(CliRunner().invoke(app, ["checks", "--format", "json"]).output)}
    assert listed["rds-instance-over-provisioned"]["highest_risk"] == "HIGH"
    assert listed["resource-idle"]["highest_risk"] == "MEDIUM"


def test_a_result_above_what_its_check_declares_is_a_defect():
    check = all_checks()["resource-idle"]  # declares MEDIUM everywhere and no raise
    resource = Resource(type="AWS::EC2::Instance", id="i-1", account="123456789012", region="us-east-1")
    assert check.risk_of(Result(resource, FAIL, "idle", "LOW"), "prod") == "LOW"
    with pytest.raises(ValueError, match="above the highest it declares"):
        check.risk_of(Result(resource, FAIL, "idle", "HIGH"), "prod")


@pytest.fixture(scope="module")
def demo_findings():
    from wafr.demo.run import run_demo

    return evaluate(run_demo())


def test_on_the_demo_every_check_emits_only_risks_its_catalog_entry_shows(demo_findings):
    checks = all_checks()
    emitted: dict[str, set[str]] = {}
    for f in demo_findings:
        if f.status == FAIL:
            emitted.setdefault(f.check_id, set()).add(f.risk)
    assert len(emitted) > 20, "the demo exercises most checks"
    for check_id, risks in emitted.items():
        highest = checks[check_id].highest_risk
        assert all(RISKS.index(r) >= RISKS.index(highest) for r in risks), (check_id, risks, highest)
        assert highest in risk_text(checks[check_id])
    # The case that was wrong: over-provisioned services are HIGH in the demo, and the catalog now says so.
    assert "HIGH" in emitted["ecs-service-over-provisioned"]
