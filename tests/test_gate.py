"""The CI gate and wafr's exit codes: 0 clean, 2 bad input or usage, 3 --strict gap, 4 findings at or above the
--fail-on threshold (only new ones with --new-only), 130 interrupted."""

from __future__ import annotations

import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws
from scanned import REGION, scanned
from typer.testing import CliRunner

from wafr.cli import app
from wafr.findings import Finding
from wafr.gate import gate
from wafr.terminal import GATE_EXIT, INTERRUPTED_EXIT, STRICT_EXIT, USER_ERROR_EXIT

runner = CliRunner()


def finding(fid: str, risk: str, status: str = "FAIL") -> Finding:
    return Finding(id=fid, check_id="rds-instance-single-az", title="RDS instance runs in a single AZ", status=status,
                   risk=risk, pillar="reliability", focus_area="Service availability", best_practices=["REL10-BP01"],
                   resource={"type": "AWS::RDS::DBInstance", "id": fid, "arn": "", "account": "123456789012",
                             "region": REGION, "name": fid},
                   environment="prod", evidence="", remediation="")


FINDINGS = [finding("high", "HIGH"), finding("medium", "MEDIUM"), finding("low", "LOW"),
            finding("accepted-high", "HIGH", "SUPPRESSED"), finding("unjudged-high", "HIGH", "NOT_ASSESSED"),
            finding("passed-high", "HIGH", "PASS")]


@pytest.mark.parametrize("threshold, failing", [
    ("high", ["high"]), ("medium", ["high", "medium"]), ("low", ["high", "medium", "low"]),
])
def test_the_gate_counts_unaccepted_failures_at_or_above_the_threshold(threshold, failing):
    assert [f.id for f in gate(FINDINGS, threshold, None)] == failing


def test_with_known_ids_only_new_failures_count():
    assert [f.id for f in gate(FINDINGS, "low", {"high", "low"})] == ["medium"]
    assert gate(FINDINGS, "high", {"high"}) == []


# -- exit codes, through the command line -----------------------------------------------------------------
def review(tmp_path, *args: str):
    return runner.invoke(app, ["review", str(scanned().snapshot), "-o", str(tmp_path / "out"), *args])


def test_exit_0_without_a_gate_even_with_high_findings(tmp_path):
    assert scanned().failed() and any(f["risk"] == "HIGH" for f in scanned().failed())
    result = review(tmp_path, "--no-history")
    assert result.exit_code == 0, result.output


def test_exit_4_when_an_unaccepted_finding_reaches_the_threshold(tmp_path):
    high = [f for f in scanned().failed() if f["risk"] == "HIGH"]
    result = review(tmp_path, "--no-history", "--fail-on", "HIGH")
    assert result.exit_code == GATE_EXIT == 4
    assert f"{len(high)} unaccepted finding(s) at or above HIGH" in result.output
    assert all(f["id"] in result.output for f in high)
    assert (tmp_path / "out" / "report.html").exists()  # the review is written before the gate fails the run


def test_accepting_the_high_findings_clears_a_high_gate_but_not_a_medium_one(tmp_path):
    acceptances = tmp_path / "acceptances.yaml"
    high = [f for f in scanned().failed() if f["risk"] == "HIGH"]
    for f in high:
        accepted = runner.invoke(app, ["accept", f["id"], "--until", "2099-01-01", "--reason", "r", "--owner", "o",
                                       "--file", str(acceptances), "--findings", str(scanned().findings_path)])
        assert accepted.exit_code == 0, accepted.output
    gate_high = review(tmp_path, "--no-history", "--fail-on", "high", "--acceptances", str(acceptances))
    assert gate_high.exit_code == 0, gate_high.output
    gate_medium = review(tmp_path, "--no-history", "--fail-on", "medium", "--acceptances", str(acceptances))
    assert gate_medium.exit_code == GATE_EXIT
    assert not any(f["id"] in gate_medium.output for f in high)


def test_new_only_fails_on_the_first_milestone_and_not_on_an_unchanged_second(tmp_path):
    history = str(tmp_path / "history.sqlite")
    first = review(tmp_path, "--history", history, "--fail-on", "high", "--new-only")
    assert first.exit_code == GATE_EXIT  # no previous milestone: every finding is new
    second = review(tmp_path, "--history", history, "--fail-on", "high", "--new-only")
    assert second.exit_code == 0, second.output
    everything = review(tmp_path, "--history", history, "--fail-on", "high")
    assert everything.exit_code == GATE_EXIT


def test_new_only_counts_a_finding_whose_acceptance_expired_as_new(tmp_path):
    history = str(tmp_path / "history.sqlite")
    high = [f for f in scanned().failed() if f["risk"] == "HIGH"]
    entries = "".join(f"  - match: {{resource: '{f['resource']['arn']}'}}\n    reason: r\n    owner: o\n"
                      f"    expires: {{expires}}\n" for f in high)
    active, expired = tmp_path / "active.yaml", tmp_path / "expired.yaml"
    active.write_text("schema: wafr.acceptances/1\nacceptances:\n" + entries.replace("{expires}", "2099-01-01"))
    expired.write_text("schema: wafr.acceptances/1\nacceptances:\n" + entries.replace("{expires}", "2001-01-01"))
    accepted = review(tmp_path, "--history", history, "--acceptances", str(active), "--fail-on", "high")
    assert accepted.exit_code == 0, accepted.output
    lapsed = review(tmp_path, "--history", history, "--acceptances", str(expired), "--fail-on", "high", "--new-only")
    assert lapsed.exit_code == GATE_EXIT  # accepted last time, not failing: new once its acceptance lapses
    assert all(f["id"] in lapsed.output for f in high)


@pytest.mark.parametrize("args, fragment", [
    (["--fail-on", "critical"], "'critical' is not one of"),  # Typer's own usage error
    (["--bogus-option"], "No such option"),
    (["--new-only"], "--new-only needs --fail-on"),
])
def test_exit_2_for_bad_usage(tmp_path, args, fragment):
    result = review(tmp_path, "--no-history", *args)
    assert result.exit_code == USER_ERROR_EXIT == 2
    assert fragment in result.output
    assert not (tmp_path / "out").exists()


def test_exit_2_for_a_missing_snapshot(tmp_path):
    result = runner.invoke(app, ["review", str(tmp_path / "missing.json.gz"), "--no-history"])
    assert result.exit_code == USER_ERROR_EXIT and "does not exist" in result.output


def _access_denied(**_):
    """A before-call answer in AWS's error shape, so botocore raises the ClientError a denied read raises."""
    http = AWSResponse("https://ec2.amazonaws.com/", 403, {}, None)
    return http, {"Error": {"Code": "UnauthorizedOperation", "Message": "not authorized"},
                  "ResponseMetadata": {"HTTPStatusCode": 403}}


def test_exit_3_when_strict_meets_a_read_that_was_denied(tmp_path, monkeypatch):
    from wafr.sources.aws import session as session_module

    real = session_module.open_session

    def denying_ec2(*args, **kwargs):
        aws = real(*args, **kwargs)
        aws.session.events.register_first("before-call.ec2.DescribeInstances", _access_denied)
        return aws

    monkeypatch.setattr(session_module, "open_session", denying_ec2)
    args = ["scan", "--regions", REGION, "--services", "ec2", "--no-metrics", "--no-history"]
    with mock_aws():
        lenient = runner.invoke(app, [*args, "-o", str(tmp_path / "a")])
        strict = runner.invoke(app, [*args, "-o", str(tmp_path / "b"), "--strict"])
    assert lenient.exit_code == 0, lenient.output
    assert strict.exit_code == STRICT_EXIT == 3, strict.output
    assert "--strict" in strict.output


def test_exit_130_when_interrupted(tmp_path, monkeypatch):
    from wafr.sources import snapshot

    def interrupted(path):
        raise KeyboardInterrupt

    monkeypatch.setattr(snapshot, "read", interrupted)
    result = review(tmp_path, "--no-history")
    assert result.exit_code == INTERRUPTED_EXIT == 130
    assert "interrupted" in result.output


def test_the_documented_workflow_is_valid_and_gates_on_new_high_findings(tmp_path):
    """docs/ci.md: the workflow parses, assumes a role through OIDC, gates and uploads the review; its wafr.toml is
    valid."""
    from pathlib import Path

    import yaml

    from wafr.config import read_config

    doc = (Path(__file__).resolve().parents[1] / "docs" / "ci.md").read_text()
    workflow = yaml.safe_load(doc.split("```yaml\n", 1)[1].split("```", 1)[0])
    steps = workflow["jobs"]["review"]["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    assert "aws-actions/configure-aws-credentials" in uses and "actions/upload-artifact" in uses
    assert workflow["permissions"]["id-token"] == "write"
    assert "schedule" in workflow[True]  # YAML 1.1 reads the key `on` as true
    run = next(s["run"] for s in steps if "wafr scan" in s.get("run", ""))
    assert "--fail-on high" in run and "--new-only" in run
    toml = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "wafr.toml").write_text(toml)
    assert read_config(tmp_path / "wafr.toml").fail_on == "high"
