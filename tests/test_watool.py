"""`wafr wa-tool push` and `pull` against the AWS Well-Architected Tool.

moto has no Well-Architected Tool API, so botocore's Stubber answers: every response below is shaped like the one
AWS documents for ListWorkloads, GetWorkload, ListAnswers, GetAnswer, UpdateAnswer, ListMilestones and
CreateMilestone, and Stubber validates both wafr's parameters and these responses against botocore's
``wellarchitected`` service model. ``Workload`` holds what the console would show for one workload, so the
responses of a second push or a pull are the answers the first push set (UpdateAnswer as AWS documents it:
SelectedChoices replaces the selection, ChoiceUpdates set a choice's status, reason and notes).
"""

from __future__ import annotations

import copy
import datetime as dt
import json

import boto3
import pytest
from botocore.stub import ANY, Stubber
from typer.testing import CliRunner

from wafr.cli import app
from wafr.questionnaire import read_answers
from wafr.report.review_json import load
from wafr.review.model import MET, NOT_APPLICABLE, NOT_MET, PARTLY
from wafr.watool import cli as watool_cli
from wafr.watool.mapping import WaQuestion, cross_check, taxonomy
from wafr.watool.plan import NOTES_MAX, PARTLY_NOTE, JUDGED
from wafr.watool.session import WaTool

REGION = "us-east-1"
ACCOUNT = "123456789012"
WORKLOAD_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
WORKLOAD_ARN = f"arn:aws:wellarchitected:{REGION}:{ACCOUNT}:workload/{WORKLOAD_ID}"
LENS_ARN = "arn:aws:wellarchitected::aws:lens/wellarchitected"
NAME = "payments-prod"
NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone.utc)
ANSWERS_STATUS = {MET: "met", PARTLY: "partly", NOT_MET: "not-met", NOT_APPLICABLE: "not-applicable"}


class Workload:
    """One WA Tool workload's questions and answers, as AWS's responses show them."""

    def __init__(self, page_size: int = 50) -> None:
        self.page_size = page_size
        self.questions: list[dict] = []
        for i, q in enumerate(taxonomy()):
            # The taxonomy has no id for the Sustainability questions; the WA Tool has its own.
            qid = q.wa_question_id or f"sus-question-{i}"
            choices = [{"ChoiceId": cid, "Title": bp, "Description": f"Best practice {bp}."} for bp, cid in q.choices]
            choices.append({"ChoiceId": f"{qid}_no", "Title": "None of these", "Description": "None of these."})
            self.questions.append({"QuestionId": qid, "PillarId": q.wa_pillar_id, "QuestionTitle": q.title,
                                   "Choices": choices})
        self.answers = {q["QuestionId"]: {"SelectedChoices": [], "ChoiceAnswers": {}, "Notes": ""}
                        for q in self.questions}

    def question(self, qid: str) -> dict:
        return next(q for q in self.questions if q["QuestionId"] == qid)

    def _choice_answers(self, qid: str, with_notes: bool) -> list[dict]:
        answer, out = self.answers[qid], []
        for choice in self.question(qid)["Choices"]:
            cid = choice["ChoiceId"]
            given = answer["ChoiceAnswers"].get(cid, {})
            status = given.get("Status") or ("SELECTED" if cid in answer["SelectedChoices"] else "UNSELECTED")
            entry = {"ChoiceId": cid, "Status": status, "Reason": given.get("Reason", "NONE")}
            if with_notes and given.get("Notes"):
                entry["Notes"] = given["Notes"]
            out.append(entry)
        return out

    def _risk(self, qid: str) -> str:
        answer = self.answers[qid]
        na = any(c.get("Status") == "NOT_APPLICABLE" for c in answer["ChoiceAnswers"].values())
        return "MEDIUM" if answer["SelectedChoices"] or na else "UNANSWERED"

    def summary(self, qid: str) -> dict:
        q = self.question(qid)
        return {**q, "SelectedChoices": list(self.answers[qid]["SelectedChoices"]),
                "ChoiceAnswerSummaries": self._choice_answers(qid, with_notes=False), "IsApplicable": True,
                "Risk": self._risk(qid), "QuestionType": "NON_PRIORITIZED"}

    def answered(self, qid: str) -> bool:
        return self._risk(qid) != "UNANSWERED"

    def list_answers(self, pillar: str) -> list[dict]:
        ids = [q["QuestionId"] for q in self.questions if q["PillarId"] == pillar]
        pages = [ids[i:i + self.page_size] for i in range(0, len(ids), self.page_size)] or [[]]
        responses = []
        for n, page in enumerate(pages):
            response = {"WorkloadId": WORKLOAD_ID, "LensAlias": "wellarchitected", "LensArn": LENS_ARN,
                        "AnswerSummaries": [self.summary(qid) for qid in page]}
            if n + 1 < len(pages):
                response["NextToken"] = f"page{n + 2}"
            responses.append(response)
        return responses

    def get_answer(self, qid: str) -> dict:
        answer = {**self.summary(qid), "ChoiceAnswers": self._choice_answers(qid, with_notes=True)}
        del answer["ChoiceAnswerSummaries"], answer["QuestionType"]
        if self.answers[qid]["Notes"]:
            answer["Notes"] = self.answers[qid]["Notes"]
        return {"WorkloadId": WORKLOAD_ID, "LensAlias": "wellarchitected", "LensArn": LENS_ARN, "Answer": answer}

    def update(self, params: dict) -> None:
        answer = self.answers[params["QuestionId"]]
        for cid, change in params.get("ChoiceUpdates", {}).items():
            answer["ChoiceAnswers"][cid] = {"Reason": "NONE", **change}
        if "SelectedChoices" in params:
            answer["SelectedChoices"] = list(params["SelectedChoices"])
            for cid, given in answer["ChoiceAnswers"].items():
                if given.get("Status") == "SELECTED" and cid not in params["SelectedChoices"]:
                    given["Status"] = "UNSELECTED"
        if "Notes" in params:
            answer["Notes"] = params["Notes"]


SUMMARY = {"WorkloadId": WORKLOAD_ID, "WorkloadArn": WORKLOAD_ARN, "WorkloadName": NAME, "Owner": ACCOUNT,
           "UpdatedAt": NOW, "Lenses": ["wellarchitected"], "RiskCounts": {"UNANSWERED": 57},
           "ImprovementStatus": "NOT_STARTED"}
WORKLOAD = {"Workload": {"WorkloadId": WORKLOAD_ID, "WorkloadArn": WORKLOAD_ARN, "WorkloadName": NAME,
                         "Description": "Payments platform", "Environment": "PRODUCTION", "UpdatedAt": NOW,
                         "AwsRegions": [REGION], "Lenses": ["wellarchitected"], "Owner": ACCOUNT,
                         "ImprovementStatus": "NOT_STARTED", "RiskCounts": {"UNANSWERED": 57}}}


@pytest.fixture
def wa():
    """A WA Tool session exactly as the commands open it (guard and retries), with Stubber on its client."""
    tool = WaTool.from_session(boto3.Session(region_name=REGION))
    with Stubber(tool.client) as stub:
        tool.stub = stub
        tool.sent = []  # UpdateAnswer's parameters, as wafr built them
        tool.client.meta.events.register("before-parameter-build.wellarchitected.UpdateAnswer",
                                         lambda params, **_: tool.sent.append(copy.deepcopy(params)))
        yield tool


@pytest.fixture
def cli(wa, monkeypatch):
    monkeypatch.setattr(watool_cli, "open_wa_tool", lambda profile=None, region=None: wa)
    return lambda *args: CliRunner().invoke(app, ["wa-tool", *args])


@pytest.fixture(scope="module")
def demo_review(demo_outputs):
    return load(demo_outputs / "review.json")


def judged(review) -> dict[str, list]:
    return {q.id: [p for p in q.best_practices if p.status in JUDGED] for q in review.assessments}


def targets(review, workload: Workload) -> list[str]:
    """The WA Tool questions whose answers the review sets, in the framework's order."""
    by_question = judged(review)
    out = []
    for q, wa_q in zip(taxonomy(), workload.questions):
        if any(p.id in dict(q.choices) for p in by_question.get(q.id, [])):
            out.append(wa_q["QuestionId"])
    return out


def queue_reads(stub: Stubber, workload: Workload, questions: list[str], existing: bool = True) -> None:
    """What wafr reads before it plans: the workload (when it exists), every pillar's questions, the answers."""
    if existing:
        stub.add_response("list_workloads", {"WorkloadSummaries": [SUMMARY]}, {"WorkloadNamePrefix": NAME})
        stub.add_response("get_workload", copy.deepcopy(WORKLOAD), {"WorkloadId": WORKLOAD_ID})
    for pillar in dict.fromkeys(q["PillarId"] for q in workload.questions):
        for n, page in enumerate(workload.list_answers(pillar)):
            expected = {"WorkloadId": WORKLOAD_ID, "LensAlias": "wellarchitected", "PillarId": pillar}
            if n:
                expected["NextToken"] = f"page{n + 1}"
            stub.add_response("list_answers", page, expected)
    for qid in questions:
        stub.add_response("get_answer", workload.get_answer(qid),
                          {"WorkloadId": WORKLOAD_ID, "LensAlias": "wellarchitected", "QuestionId": qid})


def queue_writes(stub: Stubber, questions: list[str], milestone: str | None, number: int = 1) -> None:
    """The milestone's name is checked before any answer is written; the milestone comes last."""
    if milestone is not None:
        stub.add_response("list_milestones", {"WorkloadId": WORKLOAD_ID, "MilestoneSummaries": []},
                          {"WorkloadId": WORKLOAD_ID})
    for _ in questions:
        stub.add_response("update_answer", {"WorkloadId": WORKLOAD_ID, "LensAlias": "wellarchitected",
                                            "LensArn": LENS_ARN}, None)
    if milestone is not None:
        stub.add_response("create_milestone", {"WorkloadId": WORKLOAD_ID, "MilestoneNumber": number},
                          {"WorkloadId": WORKLOAD_ID, "MilestoneName": milestone, "ClientRequestToken": ANY})


def push_demo(cli, wa, review, demo_outputs, workload: Workload, *extra: str):
    questions = targets(review, workload)
    queue_reads(wa.stub, workload, questions)
    queue_writes(wa.stub, questions, f"wafr {review.generated_at}")
    result = cli("push", str(demo_outputs), "--workload", NAME, "--yes", *extra)
    assert result.exit_code == 0, result.output
    wa.stub.assert_no_pending_responses()
    for params in wa.sent:
        workload.update(params)
    return questions, result


def test_push_sets_every_judged_practice_and_records_a_milestone(cli, wa, demo_review, demo_outputs):
    workload = Workload(page_size=4)  # several ListAnswers pages per pillar
    questions, result = push_demo(cli, wa, demo_review, demo_outputs, workload)
    assert [p["QuestionId"] for p in wa.sent] == questions and len(questions) >= 30
    by_question = judged(demo_review)
    choice_of = {bp: cid for q in taxonomy() for bp, cid in q.choices}
    for params, q in zip(wa.sent, [q for q in taxonomy() if q.id in by_question and by_question[q.id]]):
        practices = by_question[q.id]
        selected, updates = set(params["SelectedChoices"]), params.get("ChoiceUpdates", {})
        for p in practices:
            cid = choice_of[p.id]
            assert (cid in selected) == (p.status == MET), (p.id, p.status)
            if p.status == NOT_APPLICABLE:
                assert updates[cid]["Status"] == "NOT_APPLICABLE" and updates[cid]["Reason"] == "OUT_OF_SCOPE"
                assert updates[cid]["Notes"] == p.note
            if p.status == PARTLY:
                assert updates[cid]["Notes"].startswith(PARTLY_NOTE)
        none = f"{params['QuestionId']}_no"
        nothing_met = not any(p.status == MET for p in practices)
        assert (none in selected) == (nothing_met and any(p.status in (NOT_MET, PARTLY) for p in practices))
        assert len(params["Notes"]) <= NOTES_MAX and "report.html" in params["Notes"]
        assert all(p.id in params["Notes"] for p in practices[:3])
    assert f"Recorded milestone #1 'wafr {demo_review.generated_at}'" in result.output


def test_second_push_changes_nothing(cli, wa, demo_review, demo_outputs):
    workload = Workload()
    push_demo(cli, wa, demo_review, demo_outputs, workload)
    wa.sent.clear()
    # Only reads are queued: an UpdateAnswer or CreateMilestone would meet no stubbed response and fail.
    queue_reads(wa.stub, workload, targets(demo_review, workload))
    result = cli("push", str(demo_outputs), "--workload", NAME, "--yes")
    assert result.exit_code == 0, result.output
    wa.stub.assert_no_pending_responses()
    assert wa.sent == [] and "0 to update" in result.output and "No milestone" in result.output


def test_a_console_answer_the_review_could_not_judge_is_kept(cli, wa, demo_review, demo_outputs):
    workload = Workload()
    questions = targets(demo_review, workload)
    unjudged = next((q, bp, cid) for q, wq in zip(taxonomy(), workload.questions) if wq["QuestionId"] in questions
                    for bp, cid in q.choices if bp not in {p.id for p in judged(demo_review)[q.id]})
    q, bp, cid = unjudged
    qid = q.wa_question_id
    workload.answers[qid]["SelectedChoices"] = [cid]  # the team ticked it in the console
    push_demo(cli, wa, demo_review, demo_outputs, workload)
    sent = next(p for p in wa.sent if p["QuestionId"] == qid)
    assert cid in sent["SelectedChoices"] and f"{qid}_no" not in sent["SelectedChoices"]


def test_without_yes_the_plan_is_shown_and_nothing_is_written(cli, wa, demo_review, demo_outputs):
    workload = Workload()
    questions = targets(demo_review, workload)
    queue_reads(wa.stub, workload, questions)
    result = cli("push", str(demo_outputs), "--workload", NAME)
    assert result.exit_code == 0, result.output
    wa.stub.assert_no_pending_responses()
    assert wa.sent == [] and "add --yes to write" in result.output
    assert f"{len(questions)} to update" in result.output


def test_dry_run_shows_every_question_and_choice(cli, wa, demo_review, demo_outputs):
    workload = Workload()
    questions = targets(demo_review, workload)
    queue_reads(wa.stub, workload, questions)
    result = CliRunner().invoke(app, ["wa-tool", "push", str(demo_outputs), "--workload", NAME, "--dry-run",
                                      "--yes"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert wa.sent == [] and "dry run" in result.output
    choice_of = {bp: cid for q in taxonomy() for bp, cid in q.choices}
    for qid in questions:
        assert f" {qid} (update)" in result.output
    for practices in judged(demo_review).values():
        for p in practices:
            assert f"{choice_of[p.id]}  {p.id} {p.status}" in result.output


def test_missing_workload_is_an_error_unless_created(cli, wa, demo_review, demo_outputs):
    wa.stub.add_response("list_workloads", {"WorkloadSummaries": []}, {"WorkloadNamePrefix": NAME})
    result = cli("push", str(demo_outputs), "--workload", NAME, "--yes")
    assert result.exit_code == 2 and "No WA Tool workload named 'payments-prod'" in result.output
    assert "Traceback" not in result.output


def test_create_makes_the_workload_then_answers_it(cli, wa, demo_review, demo_outputs):
    workload = Workload()
    questions = targets(demo_review, workload)
    wa.stub.add_response("list_workloads", {"WorkloadSummaries": []}, {"WorkloadNamePrefix": NAME})
    wa.stub.add_response("create_workload", {"WorkloadId": WORKLOAD_ID, "WorkloadArn": WORKLOAD_ARN},
                         {"WorkloadName": NAME, "Environment": "PRODUCTION", "Lenses": ["wellarchitected"],
                          "Description": ANY, "AccountIds": demo_review.scope["accounts"],
                          "AwsRegions": [r for r in demo_review.scope["regions"] if r != "global"],
                          "ClientRequestToken": ANY})
    queue_reads(wa.stub, workload, questions, existing=False)
    queue_writes(wa.stub, questions, "first review")
    result = cli("push", str(demo_outputs), "--workload", NAME, "--create", "--milestone", "first review", "--yes")
    assert result.exit_code == 0, result.output
    wa.stub.assert_no_pending_responses()
    assert "Created WA Tool workload" in result.output and len(wa.sent) == len(questions)


def test_create_dry_run_plans_from_the_taxonomy_and_writes_nothing(cli, wa, demo_review, demo_outputs):
    wa.stub.add_response("list_workloads", {"WorkloadSummaries": []}, {"WorkloadNamePrefix": NAME})
    result = cli("push", str(demo_outputs), "--workload", NAME, "--create", "--dry-run")
    assert result.exit_code == 0, result.output
    wa.stub.assert_no_pending_responses()
    assert "Would create WA Tool workload 'payments-prod'" in result.output
    assert "checked against ListAnswers" in result.output
    assert f"{len(targets(demo_review, Workload()))} to update" in result.output


def test_an_existing_milestone_name_stops_the_push_before_any_write(cli, wa, demo_review, demo_outputs):
    workload = Workload()
    queue_reads(wa.stub, workload, targets(demo_review, workload))
    wa.stub.add_response("list_milestones", {"WorkloadId": WORKLOAD_ID, "MilestoneSummaries": [
        {"MilestoneNumber": 1, "MilestoneName": "Q3 review", "RecordedAt": NOW,
         "WorkloadSummary": {"WorkloadId": WORKLOAD_ID, "WorkloadName": NAME}}]}, {"WorkloadId": WORKLOAD_ID})
    result = cli("push", str(demo_outputs), "--workload", NAME, "--milestone", "Q3 review", "--yes")
    assert result.exit_code == 2 and "already has a milestone named 'Q3 review'" in result.output
    assert wa.sent == []


@pytest.mark.parametrize("args, message", [
    (["--workload", "ab"], "workload name has 3 to 100 characters"),
    (["--workload", NAME, "--milestone", "x" * 101], "milestone name has 3 to 100 characters"),
])
def test_names_the_api_would_refuse_are_refused_before_any_call(cli, wa, demo_outputs, args, message):
    result = cli("push", str(demo_outputs), *args, "--create", "--yes")  # nothing stubbed: no call may happen
    assert result.exit_code == 2 and message in result.output


def test_access_denied_on_the_workload_is_a_clear_error(cli, wa, demo_outputs):
    wa.stub.add_response("list_workloads", {"WorkloadSummaries": [SUMMARY]}, {"WorkloadNamePrefix": NAME})
    wa.stub.add_client_error(
        "get_workload", service_error_code="AccessDeniedException", http_status_code=403,
        service_message=f"User: arn:aws:iam::{ACCOUNT}:user/ci is not authorized to perform: "
                        f"wellarchitected:GetWorkload on resource: {WORKLOAD_ARN}",
        expected_params={"WorkloadId": WORKLOAD_ID})
    result = cli("push", str(demo_outputs), "--workload", NAME, "--yes")
    assert result.exit_code == 2, result.output
    assert "refused GetWorkload" in result.output and "wafr wa-tool iam-policy" in result.output
    assert "Traceback" not in result.output and wa.sent == []


def test_round_trip_push_then_pull_gives_the_same_assessments(cli, wa, demo_review, demo_outputs, tmp_path):
    workload = Workload()
    push_demo(cli, wa, demo_review, demo_outputs, workload)
    answered = [q["QuestionId"] for q in workload.questions if workload.answered(q["QuestionId"])]
    queue_reads(wa.stub, workload, answered)
    out = tmp_path / "answers.yaml"
    result = cli("pull", NAME, "-o", str(out))
    assert result.exit_code == 0, result.output
    wa.stub.assert_no_pending_responses()
    sheet = read_answers(out)  # the file validates as an answers file
    pushed = {p.id: ANSWERS_STATUS[p.status] for ps in judged(demo_review).values() for p in ps}
    pulled = {bp: a.status for bp, a in sheet.answers.items()}
    assert pulled == pushed
    for ps in judged(demo_review).values():
        for p in ps:
            if p.status == NOT_APPLICABLE:
                assert sheet.answers[p.id].reason == p.note


def test_pull_never_overwrites_without_force(cli, wa, tmp_path):
    out = tmp_path / "answers.yaml"
    out.write_text("mine\n")
    result = cli("pull", NAME, "-o", str(out))  # nothing is stubbed: any AWS call would fail the test
    assert result.exit_code == 2 and "--force" in result.output
    assert out.read_text() == "mine\n"


def test_pull_reads_console_answers(cli, wa, tmp_path):
    workload = Workload()
    sec = next(q for q in taxonomy() if q.id == "SEC08")
    qid = sec.wa_question_id
    (bp1, c1), (bp2, c2), (bp3, c3) = sec.choices[:3]
    workload.answers[qid] = {"SelectedChoices": [c1], "Notes": "", "ChoiceAnswers": {
        c2: {"Status": "NOT_APPLICABLE", "Reason": "BUSINESS_PRIORITIES"},
        c3: {"Status": "UNSELECTED", "Reason": "NONE", "Notes": "Partly met: only the main bucket"}}}
    queue_reads(wa.stub, workload, [qid])
    out = tmp_path / "answers.yaml"
    out.write_text("not an answers file: [\n")
    result = cli("pull", NAME, "-o", str(out), "--force")
    assert result.exit_code == 0, result.output
    sheet = read_answers(out)
    assert sheet.status(bp1) == "met" and sheet.status(bp2) == "not-applicable"
    assert "business priorities" in sheet.get(bp2).reason
    assert sheet.status(bp3) == "partly" and sheet.get(bp3).note == "only the main bucket"
    assert all(sheet.status(bp) == "not-met" for bp, _ in sec.choices[3:])
    assert sheet.workload == NAME and len(sheet.answers) == len(sec.choices)


def test_choice_mismatch_is_reported_not_guessed():
    workload = Workload()
    sec = next(q for q in taxonomy() if q.id == "SEC08")
    question = workload.question(sec.wa_question_id)
    renamed = sec.choices[0][1]
    question["Choices"][0]["ChoiceId"] = renamed + "_v2"  # a lens update renamed the choice
    wa_questions = [WaQuestion.of(workload.summary(q["QuestionId"])) for q in workload.questions]
    mapping = cross_check(wa_questions)
    mapped = mapping.of("SEC08")
    assert sec.choices[0][0] not in mapped.choices and len(mapped.choices) == len(sec.choices) - 1
    assert any(renamed in p and sec.choices[0][0] in p for p in mapping.problems)
    assert any(renamed + "_v2" in p for p in mapping.problems)


def test_a_renamed_question_is_identified_by_its_choices_and_reported():
    workload = Workload()
    ops02 = next(q for q in taxonomy() if q.id == "OPS02")
    workload.question(ops02.wa_question_id)["QuestionId"] = "operating-model"
    workload.answers["operating-model"] = workload.answers.pop(ops02.wa_question_id)
    mapping = cross_check([WaQuestion.of(workload.summary(q["QuestionId"])) for q in workload.questions])
    assert mapping.of("OPS02").wa.id == "operating-model"
    assert any("OPS02" in p and ops02.wa_question_id in p and "operating-model" in p for p in mapping.problems)


def test_sustainability_questions_are_identified_by_their_choices():
    workload = Workload()
    mapping = cross_check([WaQuestion.of(workload.summary(q["QuestionId"])) for q in workload.questions])
    assert mapping.problems == []
    assert mapping.of("SUS01").wa.id.startswith("sus-question-")


def test_iam_policy_is_the_declared_operations():
    result = CliRunner().invoke(app, ["wa-tool", "iam-policy"])
    actions = json.loads(result.output)["Statement"][0]["Action"]
    assert "wellarchitected:UpdateAnswer" in actions and "wellarchitected:DeleteWorkload" not in actions
    assert all(a.startswith("wellarchitected:") for a in actions)
