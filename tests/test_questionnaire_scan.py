"""The questionnaire against a scanned account: `questions init` pre-fills from a snapshot, and `--answers` merges
the answers into the review, showing where they disagree with the scan."""

from __future__ import annotations

import json

import boto3
import pytest
from typer.testing import CliRunner

from wafr.cli import app as wafr_app
from wafr.questionnaire.answers import Answer
from wafr.questionnaire.cli import questions_app
from wafr.questionnaire.reader import read
from wafr.questionnaire.writer import save

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/deployer"
runner = CliRunner()


@pytest.fixture(scope="module")
def snapshot_file(tmp_path_factory):
    """An account without budgets, whose CodeDeploy groups roll back in 1 of 3 cases, collected into a snapshot."""
    from moto import mock_aws

    from wafr.sources import snapshot
    from wafr.sources.aws.collect import collect_account
    from wafr.sources.aws.session import open_session

    path = tmp_path_factory.mktemp("scan") / "estate.json.gz"
    with mock_aws():
        codedeploy = boto3.Session(region_name=REGION).client("codedeploy")
        codedeploy.create_application(applicationName="web", computePlatform="Server")
        for group, rollback in (("prod", True), ("staging", False), ("canary", False)):
            on_failure = {"enabled": True, "events": ["DEPLOYMENT_FAILURE"]}
            extra = {"autoRollbackConfiguration": on_failure} if rollback else {}
            codedeploy.create_deployment_group(applicationName="web", deploymentGroupName=group,
                                               serviceRoleArn=ROLE, **extra)
        # ecs too: the rollback check judges ECS services as well, and a service not read withholds its passes.
        estate = collect_account(open_session(region=REGION), [REGION], services=["budgets", "codedeploy", "ecs"],
                                 max_workers=2)
    snapshot.write(estate, path)
    return path


def init(*args: str):
    return runner.invoke(questions_app, ["init", *args], catch_exceptions=False)


def test_init_prefills_the_scans_evidence_as_comments_and_suggestions(snapshot_file, tmp_path):
    out = tmp_path / "answers.yaml"
    result = init(str(snapshot_file), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "278 best practices, 0 answered, 3 with a suggestion" in " ".join(result.output.split())
    text = out.read_text(encoding="utf-8")
    assert ("  # scan: no-budgets: FAIL - no AWS Budgets budget is defined for the account\n"
            "  COST01-BP03:\n    status: unanswered\n    suggested: not-met\n") in text
    assert ("# scan: deployment-without-automatic-rollback: 2 of 3 CodeDeploy DeploymentGroups fail "
            "(canary, staging)\n  OPS06-BP04:\n    status: unanswered\n    suggested: partly\n") in text
    sheet = read(out)
    assert len(sheet.answers) == 278 and sheet.answered == 0
    assert sheet.get("COST01-BP03").evidence == ["no-budgets: FAIL - no AWS Budgets budget is defined for the account"]
    assert sheet.prefilled_from.startswith("estate.json.gz: account(s) 123456789012")
    assert not any(bp.startswith("SUS") for bp in sheet.answers)  # Sustainability is optional


def test_init_without_a_snapshot_writes_a_blank_questionnaire(tmp_path):
    out = tmp_path / "answers.yaml"
    assert init("-o", str(out), "--sustainability", "--workload", "payments").exit_code == 0
    sheet = read(out)
    assert len(sheet.answers) == 307 and sheet.workload == "payments"
    assert not any(a.suggested or a.evidence for a in sheet.answers.values())
    assert init("-o", str(tmp_path / "ops.yaml"), "--pillar", "ops").exit_code == 0
    assert {bp[:3] for bp in read(tmp_path / "ops.yaml").answers} == {"OPS"}


def test_init_never_overwrites_answers_unless_told(snapshot_file, tmp_path):
    out = tmp_path / "answers.yaml"
    init("-o", str(out))
    sheet = read(out)
    sheet.set("COST01-BP03", Answer("met", note="we have a spreadsheet", owner="finance"))
    save(sheet, out)
    refused = runner.invoke(questions_app, ["init", str(snapshot_file), "-o", str(out)])
    assert refused.exit_code == 2 and "already exists" in refused.output and "--update" in refused.output
    assert read(out).status("COST01-BP03") == "met"

    assert init(str(snapshot_file), "-o", str(out), "--update").exit_code == 0
    kept = read(out).get("COST01-BP03")
    assert (kept.status, kept.note, kept.owner) == ("met", "we have a spreadsheet", "finance")
    assert kept.suggested == "not-met" and kept.evidence  # the evidence is refreshed around the answer

    assert init(str(snapshot_file), "-o", str(out), "--force").exit_code == 0
    assert read(out).status("COST01-BP03") == "unanswered"


def test_init_rejects_an_unknown_pillar(tmp_path):
    result = runner.invoke(questions_app, ["init", "-o", str(tmp_path / "a.yaml"), "--pillar", "happiness"])
    assert result.exit_code == 2 and "Unknown pillar 'happiness'" in result.output


def test_the_review_shows_a_conflict_instead_of_choosing_silently(snapshot_file, tmp_path):
    answers = tmp_path / "answers.yaml"
    init("-o", str(answers))
    sheet = read(answers)
    sheet.set("COST01-BP03", Answer("met", note="finance tracks spend"))  # but the scan finds no budget
    sheet.set("OPS06-BP01", Answer("not-met", note="no rollback plan"))  # no check knows this
    sheet.set("OPS06-BP04", Answer("partly"))  # agrees with the scan: 1 of 3 groups roll back
    save(sheet, answers)

    result = runner.invoke(wafr_app, ["review", str(snapshot_file), "--answers", str(answers),
                                      "-o", str(tmp_path / "out")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "1 of them disagrees with the scan" in " ".join(result.output.split())

    review = json.loads((tmp_path / "out" / "review.json").read_text(encoding="utf-8"))
    [conflict] = review["questionnaire"]["conflicts"]
    assert (conflict["best_practice"], conflict["answer"], conflict["scan"], conflict["status"]) == (
        "COST01-BP03", "met", "not met", "not met")
    practices = {bp["id"]: bp for q in review["assessments"] for bp in q["best_practices"]}
    assert practices["COST01-BP03"]["conflict"] == "answered met, but the scan shows not met"
    assert practices["OPS06-BP01"]["answer"] == "not-met" and practices["OPS06-BP01"]["status"] == "not met"
    assert practices["OPS06-BP04"]["conflict"] == "" and practices["OPS06-BP04"]["status"] == "partly"

    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    for report in (html, markdown):
        assert "Where the answers and the scan disagree" in report
        assert "answered met, but the scan shows not met" in report
        assert "Questions without an answer" in report


def test_a_malformed_answers_file_stops_the_command_before_any_work(snapshot_file, tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("schema: wafr.answers/1\nframework_edition: '2024-11-06'\nanswers:\n  OPS06-BP09: met\n",
                       encoding="utf-8")
    result = runner.invoke(wafr_app, ["review", str(snapshot_file), "--answers", str(answers),
                                      "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "line 4, answers.OPS06-BP09: unknown best practice ID" in " ".join(result.output.split())
    assert not (tmp_path / "out").exists()
