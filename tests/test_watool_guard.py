"""Writing is separate from scanning: the scan's guard never lets a Well-Architected Tool write through, the WA Tool
session refuses whatever it did not declare, and its calls survive throttling.

moto has no Well-Architected Tool API. The throttling test answers at botocore's ``before-send`` hook with HTTP
responses shaped like AWS's documented ones (a 400 with ``x-amzn-ErrorType: ThrottlingException``, then a 200
ListWorkloads body): unlike Stubber, which answers before botocore's retry loop, this goes through the retries.
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from wafr.sources.aws import guard
from wafr.sources.aws.allowlist import scan_allowlist
from wafr.sources.aws.guard import ReadOnlyViolation
from wafr.watool.plan import CHOICE_NOTES_MAX, NOTES_MAX, choice_for, question_notes
from wafr.watool.session import OPERATIONS, WRITES, WaTool, write_policy
from wafr.watool.workload import find_workload
from wafr.review.model import NOT_APPLICABLE, NOT_MET, BestPracticeAssessment

REGION = "us-east-1"
WORKLOAD_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


def test_scan_allowlist_has_no_well_architected_write():
    scan = scan_allowlist()
    assert not {op for service, op in scan if service == "wellarchitected" and not guard.is_read_operation(op)}
    assert not WRITES & scan


def test_scan_session_refuses_a_well_architected_write():
    session = boto3.Session(region_name=REGION)
    guard.install(session.events, scan_allowlist())
    client = session.client("wellarchitected")
    with pytest.raises(ReadOnlyViolation, match="UpdateAnswer"):
        client.update_answer(WorkloadId=WORKLOAD_ID, LensAlias="wellarchitected", QuestionId="priorities",
                             SelectedChoices=[])


@pytest.mark.parametrize("call", [
    lambda c: c.delete_workload(WorkloadId=WORKLOAD_ID, ClientRequestToken="t"),
    lambda c: c.update_workload(WorkloadId=WORKLOAD_ID, Description="changed by mistake"),
    lambda c: c.delete_lens(LensAlias="custom", ClientRequestToken="t", LensStatus="ALL"),
])
def test_wa_tool_session_refuses_what_it_did_not_declare(call):
    wa = WaTool.from_session(boto3.Session(region_name=REGION))
    with pytest.raises(ReadOnlyViolation, match="not an operation this session declared"):
        call(wa.client)


def test_the_printed_policy_is_the_declared_operations():
    actions = write_policy()["Statement"][0]["Action"]
    assert sorted(actions) == sorted(f"wellarchitected:{op}" for _, op in OPERATIONS)
    assert {"wellarchitected:UpdateAnswer", "wellarchitected:CreateMilestone"} <= set(actions)


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_):
        yield self.data


def test_throttled_calls_are_retried_with_back_off(monkeypatch):
    wa = WaTool.from_session(boto3.Session(region_name=REGION))
    attempts, sleeps = [], []
    monkeypatch.setattr("botocore.endpoint.time.sleep", sleeps.append)  # record the back-off, do not wait it out
    summary = {"WorkloadId": WORKLOAD_ID, "WorkloadName": "payments-prod", "Owner": "123456789012",
               "UpdatedAt": 1764417600, "Lenses": ["wellarchitected"], "ImprovementStatus": "NOT_STARTED",
               "WorkloadArn": f"arn:aws:wellarchitected:{REGION}:123456789012:workload/{WORKLOAD_ID}"}

    def answer(request, **_):
        attempts.append(request.url)
        if len(attempts) <= 2:
            return AWSResponse(request.url, 400, {"x-amzn-ErrorType": "ThrottlingException",
                                                  "Content-Type": "application/json"},
                               _Body(b'{"Message":"Rate exceeded"}'))
        return AWSResponse(request.url, 200, {"Content-Type": "application/json"},
                           _Body(json.dumps({"WorkloadSummaries": [summary]}).encode()))

    wa.client.meta.events.register_first("before-send.wellarchitected.ListWorkloads", answer)
    found = find_workload(wa, "payments-prod")
    assert found["WorkloadId"] == WORKLOAD_ID
    assert len(attempts) == 3 and len([s for s in sleeps if s > 0]) >= 2
    assert wa.client.meta.config.retries["mode"] in ("adaptive", "standard")


def _practice(bp_id: str, status: str, failing: list[str], note: str = "") -> BestPracticeAssessment:
    return BestPracticeAssessment(id=bp_id, title="t", risk="High", status=status, counts={}, checks=[],
                                  failing=failing, finding_ids=[], note=note)


def test_notes_stay_within_the_api_limits_and_names_stay_one_plain_line():
    hostile = ["\x1b]0;owned\x07" + "b" * 300, "line\nbreak", *[f"bucket-{i}" * 20 for i in range(40)]]
    practices = [_practice(f"SEC08-BP{i:02d}", NOT_MET, hostile, note="x" * 400) for i in range(1, 40)]
    notes = question_notes(practices, "report.html of the wafr review in wafr-review")
    assert len(notes) <= NOTES_MAX and notes.endswith("report.html of the wafr review in wafr-review")
    assert "\x1b" not in notes and "\x07" not in notes and "more in the report" in notes
    assert all("\n" not in line[1:] for line in notes.splitlines())
    na = choice_for(_practice("SEC08-BP01", NOT_APPLICABLE, [], note="y" * 600))
    assert na.status == "NOT_APPLICABLE" and len(na.notes) <= CHOICE_NOTES_MAX
