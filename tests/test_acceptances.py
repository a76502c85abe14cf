"""Accepted risks: acceptances.yaml validated at load, matched by each selector kind, expiry and staleness, the
review's own section, and `wafr accept` keeping the user's comments."""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap

import pytest
from scanned import scanned
from typer.testing import CliRunner

from wafr.acceptances import AcceptancesFile, apply_acceptances, read_acceptances
from wafr.acceptances.file import SCHEMA
from wafr.cli import app
from wafr.errors import WafrError
from wafr.findings import Finding

runner = CliRunner()
TODAY = dt.date(2026, 11, 29)
ACCOUNT, OTHER_ACCOUNT = "123456789012", "210987654321"


def finding(check_id="rds-instance-single-az", *, status="FAIL", risk="HIGH", resource_id="prod-db",
            account=ACCOUNT, environment="prod", best_practices=("REL10-BP01",)) -> Finding:
    arn = f"arn:aws:rds:us-east-1:{account}:db:{resource_id}"
    return Finding(id=f"{check_id}|{account}|{resource_id}", check_id=check_id, title=check_id, status=status,
                   risk=risk, pillar="reliability", focus_area="Service availability",
                   best_practices=list(best_practices),
                   resource={"type": "AWS::RDS::DBInstance", "id": resource_id, "arn": arn, "account": account,
                             "region": "us-east-1", "name": resource_id},
                   environment=environment, evidence="MultiAZ is false", remediation="")


def acceptances(*matches: dict, expires: dt.date = dt.date(2027, 6, 30)) -> AcceptancesFile:
    return AcceptancesFile.model_validate({"schema": SCHEMA, "acceptances": [
        {"match": m, "reason": "accepted for a test", "owner": "platform-team", "expires": expires} for m in matches]})


def statuses(findings: list[Finding]) -> dict[str, str]:
    return {f.id: f.status for f in findings}


# -- matching, by each selector kind ----------------------------------------------------------------------
FINDINGS = [
    finding(),
    finding(resource_id="legacy-db-1", environment="dev", risk="LOW"),
    finding("rds-storage-not-encrypted", resource_id="prod-db", best_practices=("SEC08-BP02",)),
    finding(resource_id="prod-db", account=OTHER_ACCOUNT),
]


@pytest.mark.parametrize("match, accepted", [
    ({"check": "rds-storage-not-encrypted"}, {"rds-storage-not-encrypted|123456789012|prod-db"}),
    ({"best_practice": "SEC08-BP02"}, {"rds-storage-not-encrypted|123456789012|prod-db"}),
    ({"resource": "legacy-*"}, {"rds-instance-single-az|123456789012|legacy-db-1"}),
    ({"resource": f"arn:aws:rds:*:{OTHER_ACCOUNT}:db:*"}, {"rds-instance-single-az|210987654321|prod-db"}),
    ({"account": OTHER_ACCOUNT}, {"rds-instance-single-az|210987654321|prod-db"}),
    ({"environment": "dev"}, {"rds-instance-single-az|123456789012|legacy-db-1"}),
    # every key given must match
    ({"check": "rds-instance-single-az", "account": ACCOUNT, "resource": "prod-*"},
     {"rds-instance-single-az|123456789012|prod-db"}),
])
def test_each_selector_kind_suppresses_exactly_its_findings(match, accepted):
    result, outcome = apply_acceptances(FINDINGS, acceptances(match), "acceptances.yaml", today=TODAY)
    suppressed = {f.id for f in result if f.status == "SUPPRESSED"}
    assert suppressed == accepted
    assert all(f.status == "FAIL" for f in result if f.id not in accepted)
    assert [[f.id for f in fs] for _, fs in outcome.accepted] == [sorted(accepted)]
    attached = next(f for f in result if f.status == "SUPPRESSED").acceptance
    assert attached["owner"] == "platform-team" and attached["expires"] == "2027-06-30" and attached["match"] == match


def test_only_failed_findings_are_accepted():
    mixed = [finding(status="PASS", resource_id="a"), finding(status="NOT_ASSESSED", resource_id="b")]
    result, outcome = apply_acceptances(mixed, acceptances({"check": "rds-instance-single-az"}), "f", today=TODAY)
    assert [f.status for f in result] == ["NOT_ASSESSED", "PASS"]
    assert len(outcome.stale) == 1 and not outcome.accepted


def test_an_expired_acceptance_leaves_its_findings_failed_and_is_listed():
    expired = acceptances({"environment": "dev"}, expires=TODAY - dt.timedelta(days=1))
    result, outcome = apply_acceptances(FINDINGS, expired, "f", today=TODAY)
    assert statuses(result) == statuses(FINDINGS)
    assert [[f.id for f in fs] for _, fs in outcome.expired] == [["rds-instance-single-az|123456789012|legacy-db-1"]]
    assert not outcome.accepted and not outcome.stale


def test_an_acceptance_holds_through_its_expiry_date():
    result, _ = apply_acceptances(FINDINGS, acceptances({"environment": "dev"}, expires=TODAY), "f", today=TODAY)
    assert "SUPPRESSED" in {f.status for f in result}


def test_an_acceptance_that_matches_nothing_failing_is_stale():
    file = acceptances({"check": "rds-instance-single-az"}, {"resource": "decommissioned-*"})
    result, outcome = apply_acceptances(FINDINGS, file, "f", today=TODAY)
    assert [a.match.resource for a in outcome.stale] == ["decommissioned-*"]
    assert len(outcome.accepted) == 1


def test_the_first_active_acceptance_is_attached_and_findings_stay_worst_first():
    file = acceptances({"account": ACCOUNT}, {"check": "rds-storage-not-encrypted"})
    file.acceptances[1].owner = "security-team"
    result, outcome = apply_acceptances(FINDINGS, file, "f", today=TODAY)
    assert [f.status for f in result] == ["FAIL", "SUPPRESSED", "SUPPRESSED", "SUPPRESSED"]
    assert {f.acceptance["owner"] for f in result if f.acceptance} == {"platform-team"}
    # the second also matches a failed finding, so it is accepted (listed with it), not stale
    assert [len(fs) for _, fs in outcome.accepted] == [3, 1] and not outcome.stale


def test_the_acceptance_is_an_optional_field_of_findings_json():
    plain = finding().to_dict()
    assert "acceptance" not in plain  # wafr.findings/1 unchanged for findings nobody accepted
    result, _ = apply_acceptances([finding()], acceptances({"check": "rds-instance-single-az"}), "f", today=TODAY)
    assert result[0].to_dict()["acceptance"]["reason"] == "accepted for a test"
    assert Finding(**result[0].to_dict()) == result[0]


# -- the file: validated at load, errors name the file, the place and the line ------------------------------
def write(tmp_path, text: str):
    path = tmp_path / "acceptances.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_a_valid_file_reads_with_an_unquoted_account_id(tmp_path):
    path = write(tmp_path, f"""\
        schema: {SCHEMA}
        acceptances:
          - match: {{account: 012345678901, environment: dev}}
            reason: sandbox
            owner: platform-team
            expires: 2027-06-30
            ticket: https://tickets.example.com/OPS-1
        """)
    entry = read_acceptances(path).acceptances[0]
    assert entry.match.account == "012345678901" and entry.expires == dt.date(2027, 6, 30)


@pytest.mark.parametrize("entry, place, line", [
    ("  - match: {check: rds-instance-single-az}\n    reason: r\n    owner: o\n", "acceptances[0].expires", 3),
    ("  - match: {}\n    reason: r\n    owner: o\n    expires: 2027-01-01\n", "acceptances[0].match", 3),
    ("  - match: {check: no-such-check}\n    reason: r\n    owner: o\n    expires: 2027-01-01\n",
     "acceptances[0].match.check", 3),
    ("  - match: {check: rds-instance-single-az}\n    reason: r\n    owner: o\n    expires: 2027-01-01\n"
     "    approver: me\n", "acceptances[0].approver", 7),
    ("  - match: {environment: production}\n    reason: r\n    owner: o\n    expires: 2027-01-01\n",
     "acceptances[0].match.environment", 3),
    ("  - match: {account: '1234'}\n    reason: r\n    owner: o\n    expires: 2027-01-01\n",
     "acceptances[0].match.account", 3),
    ("  - match: {check: rds-instance-single-az}\n    reason: r\n    owner: o\n    expires: 2027-01-01\n"
     "    ticket: javascript:alert(1)\n", "acceptances[0].ticket", 7),
])
def test_an_invalid_entry_is_named_by_file_place_and_line(tmp_path, entry, place, line):
    path = write(tmp_path, f"# accepted risks\nschema: {SCHEMA}\nacceptances:\n")
    path.write_text(path.read_text() + entry)
    with pytest.raises(WafrError) as error:
        read_acceptances(path)
    message = str(error.value)
    assert str(path) in message and place in message and f"line {line + 1}" in message


@pytest.mark.parametrize("text, fragment", [
    ("", "is empty"),
    ("schema: wafr.answers/1\nacceptances: []\n", "schema: wafr.acceptances/1"),
    ("schema: [unclosed\n", "not valid YAML"),
    ("- just a list\n", "not an acceptances file"),
    (f"schema: {SCHEMA}\nacceptances:\n  - expires: 2027-13-01\n", "month must be in 1..12"),
])
def test_a_file_that_is_not_an_acceptances_file(tmp_path, text, fragment):
    with pytest.raises(WafrError, match="acceptances.yaml") as error:
        read_acceptances(write(tmp_path, text))
    assert fragment in str(error.value)


# -- end to end: a scanned account, accepted through `wafr accept`, reviewed again -------------------------
COMMENTED = f"""\
# Risks we carry knowingly -- reviewed every quarter by the platform team.
schema: {SCHEMA}  # do not change
acceptances:
  # The dev sandbox keeps SSH open for the bastion-less lab.
  - match: {{environment: dev, check: security-group-admin-port-open-to-internet}}
    reason: lab sandbox, no data
    owner: platform-team
    expires: 2099-12-31
  - match: {{resource: "arn:aws:s3:::retired-*"}}  # buckets deleted last spring
    reason: retired buckets
    owner: data-team
    expires: 2099-12-31
"""


@pytest.fixture
def accepted(tmp_path):
    """acceptances.yaml with the user's comments, plus the production group accepted through `wafr accept`."""
    estate = scanned()
    prod_group = next(f for f in estate.failed("security-group-admin-port-open-to-internet")
                      if f["environment"] == "prod")
    path = tmp_path / "acceptances.yaml"
    path.write_text(COMMENTED)
    result = runner.invoke(app, ["accept", prod_group["id"][:10], "--until", "2099-06-30", "--reason",
                                 "SSH needed until the SSM migration", "--owner", "network-team", "--ticket",
                                 "https://tickets.example.com/NET-7", "--file", str(path),
                                 "--findings", str(estate.findings_path)])
    assert result.exit_code == 0, result.output
    return path, prod_group


def test_accept_adds_the_finding_and_keeps_every_comment(accepted):
    path, prod_group = accepted
    text = path.read_text()
    for line in COMMENTED.splitlines():  # the user's file is intact, comments and all, in its order
        assert line in text
    assert text.startswith(COMMENTED)
    entry = read_acceptances(path).acceptances[-1]
    assert entry.match.check == prod_group["check_id"] and entry.match.resource == prod_group["resource"]["arn"]
    assert entry.match.account == prod_group["resource"]["account"] and entry.owner == "network-team"
    assert entry.expires == dt.date(2099, 6, 30) and entry.ticket == "https://tickets.example.com/NET-7"
    assert prod_group["id"] in text  # the new entry says which finding it came from
    assert not list(path.parent.glob("*.partial"))


def test_accept_refuses_a_finding_already_accepted_and_leaves_the_file(accepted):
    path, prod_group = accepted
    before = path.read_text()
    result = runner.invoke(app, ["accept", prod_group["id"], "--until", "2099-01-01", "--reason", "again",
                                 "--owner", "x", "--file", str(path), "--findings", str(scanned().findings_path)])
    assert result.exit_code == 2 and "already accepted" in result.output
    assert path.read_text() == before


@pytest.mark.parametrize("args, fragment", [
    (["--until", "2001-01-01"], "in the past"),
    (["--until", "30/06/2027"], "YYYY-MM-DD"),
    (["--until", "2099-01-01", "--ticket", "not a url"], "ticket"),
])
def test_accept_rejects_bad_input_without_writing(tmp_path, args, fragment):
    estate = scanned()
    target = tmp_path / "acceptances.yaml"
    result = runner.invoke(app, ["accept", estate.failed()[0]["id"], "--reason", "r", "--owner", "o", *args,
                                 "--file", str(target), "--findings", str(estate.findings_path)])
    assert result.exit_code == 2 and fragment in result.output
    assert not target.exists()


def test_accept_an_unknown_finding(tmp_path):
    result = runner.invoke(app, ["accept", "ffffffffff", "--until", "2099-01-01", "--reason", "r", "--owner", "o",
                                 "--file", str(tmp_path / "a.yaml"), "--findings", str(scanned().findings_path)])
    assert result.exit_code == 2 and "No finding with id 'ffffffffff'" in result.output


def test_the_review_shows_accepted_expired_and_stale_risks(accepted, tmp_path):
    path, prod_group = accepted
    # One more entry, expired: the EBS finding it names counts again.
    path.write_text(path.read_text() + "  - match: {check: ebs-encryption-by-default-off}\n"
                    "    reason: waiting for the migration\n    owner: storage-team\n    expires: 2001-01-01\n")
    assert len(read_acceptances(path).acceptances) == 4
    out = tmp_path / "out"
    result = runner.invoke(app, ["review", str(scanned().snapshot), "-o", str(out), "--no-history",
                                 "--acceptances", str(path)])
    assert result.exit_code == 0, result.output

    findings = {f["id"]: f for f in json.loads((out / "findings.json").read_text())["findings"]}
    dev_group = next(f for f in scanned().failed("security-group-admin-port-open-to-internet")
                     if f["environment"] == "dev")
    assert findings[prod_group["id"]]["status"] == "SUPPRESSED"
    assert findings[prod_group["id"]]["acceptance"]["owner"] == "network-team"
    assert findings[dev_group["id"]]["status"] == "SUPPRESSED"
    ebs = scanned().failed("ebs-encryption-by-default-off")[0]
    assert findings[ebs["id"]]["status"] == "FAIL" and "acceptance" not in findings[ebs["id"]]

    review = json.loads((out / "review.json").read_text())
    section = review["accepted_risks"]
    assert {a["owner"] for a in section["accepted"]} == {"platform-team", "network-team"}
    assert [a["owner"] for a in section["expired"]] == ["storage-team"]
    assert [f["id"] for f in section["expired"][0]["findings"]] == [ebs["id"]]
    assert [a["match"] for a in section["stale"]] == [{"resource": "arn:aws:s3:::retired-*"}]
    # Accepted findings do not count in a focus area's risk: no bullet names them, the security groups' area
    # is judged by what still fails.
    bullet_ids = {fid for p in review["pillars"] for fa in p["focus_areas"] for b in fa["bullets"]
                  for r in b["resources"] for fid in r["finding_ids"]}
    assert prod_group["id"] not in bullet_ids and dev_group["id"] not in bullet_ids and ebs["id"] in bullet_ids
    area = next(fa for p in review["pillars"] for fa in p["focus_areas"] if fa["name"] == prod_group["focus_area"])
    assert area["risk"] != "HIGH"

    markdown = (out / "report.md").read_text()
    html = (out / "report.html").read_text()
    for report in (markdown, html):
        assert "Accepted risks" in report and "SSH needed until the SSM migration" in report
        assert "Expired acceptances" in report and "waiting for the migration" in report
        assert "Stale acceptances" in report and "retired-*" in report
        assert "https://tickets.example.com/NET-7" in report
    # review.json keeps the section: `wafr report` renders it again without the acceptances file
    again = runner.invoke(app, ["report", str(out / "review.json"), "--format", "md", "-o", str(tmp_path / "again")])
    assert again.exit_code == 0, again.output
    assert "Stale acceptances" in (tmp_path / "again" / "report.md").read_text()


def test_acceptances_yaml_in_the_working_directory_is_used_by_default(accepted, tmp_path, monkeypatch):
    path, prod_group = accepted
    monkeypatch.chdir(path.parent)
    out = tmp_path / "default"
    result = runner.invoke(app, ["review", str(scanned().snapshot), "-o", str(out), "--no-history"])
    assert result.exit_code == 0, result.output
    findings = {f["id"]: f for f in json.loads((out / "findings.json").read_text())["findings"]}
    assert findings[prod_group["id"]]["status"] == "SUPPRESSED"


def test_a_broken_acceptances_file_stops_the_run_before_anything_is_written(tmp_path):
    broken = write(tmp_path, f"schema: {SCHEMA}\nacceptances:\n  - match: {{check: rds-instance-single-az}}\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["review", str(scanned().snapshot), "-o", str(out), "--no-history",
                                 "--acceptances", str(broken)])
    assert result.exit_code == 2 and "acceptances.yaml" in result.output and "line 3" in result.output
    assert not out.exists()


def test_the_readme_example_is_a_valid_acceptances_file(tmp_path):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    example = readme.split("**Accepted risks.**", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    entry = read_acceptances(write(tmp_path, example)).acceptances[0]
    assert entry.match.environment == "dev" and entry.expires == dt.date(2027, 6, 30)


def test_the_section_escapes_what_the_file_and_the_account_supplied(tmp_path):
    from wafr.report import html, markdown
    from wafr.report.review_json import load
    from wafr.review.model import AcceptedFinding, AcceptedRisks, RiskAcceptance

    review = load(scanned().directory / "review.json")
    hostile = "<script>alert(1)</script> | **bold** [x](javascript:alert(1))"
    entry = RiskAcceptance(match={"resource": "sg-*<b>"}, reason=hostile, owner="<img src=x onerror=alert(1)>",
                           expires="2027-06-30", ticket="javascript:alert(1)",
                           findings=[AcceptedFinding(id="f", check_id="c", title="t", risk="HIGH",
                                                     resource="name|with`tick<b>", account=ACCOUNT,
                                                     region="us-east-1")])
    review.accepted_risks = AcceptedRisks(source="acceptances.yaml", accepted=[entry], expired=[], stale=[entry])
    page = html.render(review)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page and 'href="javascript:' not in page
    md = markdown.render(review)
    section = md.split("## Accepted risks: owners and expiry", 1)[1].split("\n## ", 1)[0]
    assert "<script>" not in section and "\\*\\*bold\\*\\*" in section and "\\](javascript:" in section
    assert not re.search(r"(?<!\\)\]\(javascript:", section)  # the link text stays text, never a link
    rows = [line for line in section.splitlines() if line.startswith("| resource")]
    # accepted (5 columns) and stale (4): a pipe in a value never splits a cell
    assert [row.count("|") - row.count("\\|") for row in rows] == [6, 5]
