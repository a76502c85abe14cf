"""The question set and the answers file: complete against the taxonomy, a lossless round trip, strict errors."""

from __future__ import annotations

import os

import pytest

from wafr.framework import load as load_framework
from wafr.questionnaire.answers import AnswersError, Answer, AnswerSheet
from wafr.questionnaire.questions import CORE_PILLARS
from wafr.questionnaire.questions import load as load_questions
from wafr.questionnaire.questions import parse as parse_questions
from wafr.questionnaire.reader import parse, read
from wafr.questionnaire.writer import render, save

QUESTIONS = load_questions()
EDITION = QUESTIONS.edition


def document(entries: str, edition: str = EDITION) -> str:
    return f"schema: wafr.answers/1\nframework_edition: '{edition}'\nanswers:\n{entries}"


def test_every_question_of_the_taxonomy_is_asked_with_its_practices_as_choices():
    framework = load_framework()
    assert QUESTIONS.edition == framework.edition
    assert QUESTIONS.practice_ids == list(framework.best_practices)
    core = QUESTIONS.in_pillars(CORE_PILLARS)
    assert len(core) == 51 and sum(len(q.choices) for q in core) == 278
    for question in QUESTIONS.questions:
        assert question.guidance and question.title == framework[question.choices[0].id].question_title
        for choice in question.choices:
            assert choice.hint.startswith("Met when") and choice.title == framework[choice.id].title


def test_a_question_set_that_no_longer_matches_the_taxonomy_is_refused():
    import yaml
    from importlib import resources

    data = yaml.safe_load(resources.files("wafr").joinpath("data", "questions.yaml").read_text(encoding="utf-8"))
    del data["questions"]["OPS06"]["practices"]["OPS06-BP04"]
    with pytest.raises(ValueError, match="OPS06 must list"):
        parse_questions(data, load_framework())
    data["framework_edition"] = "2099-01-01"
    with pytest.raises(ValueError, match="update the questions"):
        parse_questions(data, load_framework())


def test_answers_survive_a_round_trip_with_their_evidence_comments(tmp_path):
    sheet = AnswerSheet(edition=EDITION, workload="payments: prod", prefilled_from="estate.json.gz", answers={
        "OPS06-BP01": Answer("not-met", note='no plan: "yet" # really', owner="platform team", suggested="not-met",
                             evidence=["deployment-without-automatic-rollback: 3 of 4 resources fail (api, worker)"]),
        "REL01-BP02": Answer("not-applicable", reason="one account, one Region", owner="ops"),
        "COST01-BP03": Answer("unanswered", suggested="not-met", evidence=["no-budgets: FAIL - no budget"]),
        "SEC02-BP01": Answer("met", note="yes"),  # a note that YAML would read as a boolean
        "SEC02-BP02": Answer("partly", note="bell\x07 and\nnewline", evidence=["a name with a bell\x07"]),
    })
    path = tmp_path / "answers.yaml"
    save(sheet, path)
    again = read(path)
    assert again.get("SEC02-BP02").evidence == ["a name with a bell"]  # comments hold one printable line
    sheet.answers["SEC02-BP02"].evidence = ["a name with a bell"]
    assert again == sheet
    assert render(again, path.name) == path.read_text(encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    assert "# scan: no-budgets: FAIL - no budget\n  COST01-BP03:" in text
    assert text.index("OPS06-BP01") < text.index("COST01-BP03")  # framework order, whatever the dict order


def test_shorthand_entries_and_missing_practices_count_as_written():
    sheet = parse(document("  OPS06-BP01: met\n  OPS06-BP02: unanswered\n"))
    assert sheet.status("OPS06-BP01") == "met" and sheet.status("OPS06-BP02") == "unanswered"
    assert sheet.status("COST01-BP01") == "unanswered"  # absent from the file


@pytest.mark.parametrize("entries, line, message", [
    ("  OPS06-BP01:\n    status: done\n", 5, "OPS06-BP01.status: 'done' is not one of met, partly"),
    ("  OPS06-BP01:\n    status: met\n    colour: blue\n", 6, "OPS06-BP01.colour: unknown key"),
    ("  OPS06-BP01:\n    note: forgot the status\n", 5, "OPS06-BP01.status: is missing"),
    ("  OPS06-BP01:\n    status: not-applicable\n", 5, "OPS06-BP01: not-applicable needs a reason"),
    ("  OPS06-BP01:\n    status: met\n    reason: because\n", 5, "a reason is only given for not-applicable"),
    ("  OPS06-BP01:\n    status: met\n    suggested: maybe\n", 6, "suggested: 'maybe' is not one of"),
    ("  OPS06-BP01: met\n  OPS06-BP01: partly\n", 5, "OPS06-BP01: appears twice (first on line 4)"),
    ("  OPS06-BP01:\n    status: [met]\n", 5, "must be a single value"),
    ("  OPS06-BP01:\n    status: met\n   note: bad indent\n", 6, "not valid YAML"),
    ("  - OPS06-BP01\n", 4, "answers: must be a mapping"),
])
def test_a_malformed_file_names_the_line_and_the_key(entries, line, message):
    with pytest.raises(AnswersError) as raised:
        parse(document(entries), origin="answers.yaml")
    assert f"answers.yaml, line {line}" in str(raised.value) and message in str(raised.value)


def test_an_unknown_best_practice_is_an_error_not_ignored():
    with pytest.raises(AnswersError, match=r"line 6, answers.OPS06-BP09: unknown best practice ID \(did you mean "
                                           r"OPS06-BP0\d\?\)"):
        parse(document("  OPS06-BP01: met\n\n  OPS06-BP09: met\n"), origin="answers.yaml")
    with pytest.raises(AnswersError, match="answers.banana: unknown best practice ID$"):
        parse(document("  banana: met\n"), origin="answers.yaml")


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty"),
    ("- 1\n", "top level: must be a mapping"),
    ("schema: wafr.answers/1\nanswers: {}\n", "framework_edition: is missing"),
    ("schema: wafr.answers/9\nframework_edition: x\nanswers: {}\n", "line 1, schema: is 'wafr.answers/9'"),
    (document("", edition="2020-07-02"), "line 2, framework_edition: answers are for edition '2020-07-02'"),
    ("schema: wafr.answers/1\nframework_edition: x\nanswers: {}\nextra: 1\n", "line 4, extra: unknown key"),
])
def test_a_file_that_is_not_an_answers_file_says_why(text, message):
    with pytest.raises(AnswersError, match=message):
        parse(text, origin="answers.yaml")


def test_a_missing_file_says_how_to_create_one(tmp_path):
    with pytest.raises(AnswersError, match="does not exist; create it with `wafr questions init`"):
        read(tmp_path / "answers.yaml")


def test_saving_never_leaves_half_a_file(tmp_path, monkeypatch):
    path = tmp_path / "answers.yaml"
    save(AnswerSheet(edition=EDITION, answers={"OPS06-BP01": Answer("met")}), path)
    before = path.read_text(encoding="utf-8")

    def broken_replace(src, dst):
        raise KeyboardInterrupt  # Ctrl-C at the worst moment

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(KeyboardInterrupt):
        save(AnswerSheet(edition=EDITION, answers={"OPS06-BP01": Answer("not-met")}), path)
    assert path.read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.yaml"]  # no stray temporary file
