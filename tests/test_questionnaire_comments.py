"""Comments a team writes in its answers file survive every rewrite: `questions ask` (which saves after each
answer) and `questions init --update` (which refreshes the scan's evidence); `--force` starts over without them."""

from __future__ import annotations

import pytest
from moto import mock_aws
from typer.testing import CliRunner

from wafr.questionnaire.answers import Answer, AnswerSheet
from wafr.questionnaire.cli import questions_app
from wafr.questionnaire.questions import load as load_questions
from wafr.questionnaire.reader import read
from wafr.questionnaire.writer import save
from wafr.sources import snapshot
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.session import open_session

runner = CliRunner()
# (where, comment): on a line of its own above a key, on a key's line, or closing an entry's block.
TEAM_COMMENTS = [
    "# team: platform; reviewed every quarter",
    "# do not edit by hand, ask Dana",
    "# priorities come from the OKR doc",
    "# pending the April workshop",
    "# ask finance first",
    "# shorthand entry",
    "# closing note under OPS01-BP01",
    "# end of the file",
]


def with_team_comments(text: str) -> str:
    c = TEAM_COMMENTS
    text = text.replace("schema: wafr.answers/1\n", f"{c[0]}\nschema: wafr.answers/1  {c[1]}\n")
    text = text.replace("  OPS01-BP01:\n    status: unanswered\n",
                        f"  {c[2]}\n  OPS01-BP01:\n    status: unanswered  {c[3]}\n    {c[6]}\n")
    text = text.replace("  # scan: no-budgets", f"  {c[4]}\n  # scan: no-budgets")  # above the scan's lines
    text = text.replace("  OPS01-BP02:\n    status: unanswered\n", f"  OPS01-BP02: met  {c[5]}\n")
    return text + c[7] + "\n"


def assert_kept(text: str) -> None:
    for comment in TEAM_COMMENTS:
        assert text.count(comment) == 1, comment
    lines = text.splitlines()
    at = {c: next(i for i, line in enumerate(lines) if c in line) for c in TEAM_COMMENTS}
    key = {k: next(i for i, line in enumerate(lines) if line.strip().startswith(k)) for k in
           ("schema:", "OPS01-BP01:", "OPS01-BP02:", "COST01-BP03:", "status:")}
    assert at[TEAM_COMMENTS[0]] == key["schema:"] - 1 and at[TEAM_COMMENTS[1]] == key["schema:"]
    assert at[TEAM_COMMENTS[2]] < key["OPS01-BP01:"] < at[TEAM_COMMENTS[3]] < at[TEAM_COMMENTS[6]] < key["OPS01-BP02:"]
    assert lines[at[TEAM_COMMENTS[3]]].strip().startswith("status:")
    assert at[TEAM_COMMENTS[5]] == key["OPS01-BP02:"]
    assert at[TEAM_COMMENTS[4]] < key["COST01-BP03:"]
    assert lines[-1] == TEAM_COMMENTS[7]


@pytest.fixture(scope="module")
def snapshot_file(tmp_path_factory):
    """An account without budgets: the scan's evidence for COST01-BP03."""
    path = tmp_path_factory.mktemp("scan") / "estate.json.gz"
    with mock_aws():
        estate = collect_account(open_session(region="us-east-1"), ["us-east-1"], services=["budgets"])
    snapshot.write(estate, path)
    return path


@pytest.fixture
def commented(tmp_path):
    sheet = AnswerSheet(edition=load_questions().edition, answers={
        "OPS01-BP01": Answer(), "OPS01-BP02": Answer(), "OPS01-BP03": Answer(),
        "COST01-BP03": Answer(suggested="not-met", evidence=["no-budgets: FAIL - an older scan's line"])})
    path = tmp_path / "answers.yaml"
    save(sheet, path)
    path.write_text(with_team_comments(path.read_text()))
    assert read(path).get("OPS01-BP02").status == "met", "the hand-edited file is valid"
    assert read(path).get("COST01-BP03").evidence == ["no-budgets: FAIL - an older scan's line"]
    return path


def test_questions_ask_keeps_the_teams_comments(commented):
    result = runner.invoke(questions_app, ["ask", str(commented)], input="me\nn no okr yet\np\nq\n")
    assert result.exit_code == 0, result.output
    text = commented.read_text()
    assert_kept(text)
    sheet = read(commented)
    assert sheet.get("OPS01-BP01").status == "not-met" and sheet.get("OPS01-BP01").note == "no okr yet"
    assert sheet.get("OPS01-BP03").status == "partly"
    # Another sitting, another rewrite: still each comment once, in its place.
    again = runner.invoke(questions_app, ["ask", str(commented)], input="\nm\nq\n")
    assert again.exit_code == 0, again.output
    assert_kept(commented.read_text())


def test_init_update_keeps_the_teams_comments_and_refreshes_the_evidence(commented, snapshot_file):
    result = runner.invoke(questions_app, ["init", str(snapshot_file), "-o", str(commented), "--update",
                                           "--pillar", "ops", "--pillar", "cost"])
    assert result.exit_code == 0, result.output
    text = commented.read_text()
    assert_kept(text)
    assert "an older scan's line" not in text
    evidence = read(commented).get("COST01-BP03").evidence
    assert len(evidence) == 1 and evidence[0].startswith("no-budgets: FAIL - no AWS Budgets budget is defined")
    assert read(commented).get("OPS01-BP02").status == "met"


def test_init_force_starts_over_without_them(commented):
    result = runner.invoke(questions_app, ["init", "-o", str(commented), "--force", "--pillar", "ops"])
    assert result.exit_code == 0, result.output
    text = commented.read_text()
    assert not any(comment in text for comment in TEAM_COMMENTS)


def test_rewriting_is_stable_once_wafr_has_laid_the_file_out(commented):
    save(read(commented), commented)
    laid_out = commented.read_text()
    assert_kept(laid_out)
    assert "  OPS01-BP02:  # shorthand entry\n    status: met\n" in laid_out
    save(read(commented), commented)
    assert commented.read_text() == laid_out
