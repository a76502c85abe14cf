"""The review's advisor section: built from findings and coverage entries alone (no AWS), it names each advisor's
reads, the reads that did not happen and why, and the findings of the checks that need it; it says plainly when no
advisor answered; and every rendering carries it with account strings escaped."""

from __future__ import annotations

import json

import pytest

from wafr.findings import Finding, finding_id
from wafr.report import html, markdown, review_json
from wafr.review import build_review
from wafr.review.model import CoverageEntry, Review
from wafr.review.schema import validate

ACCOUNT, OTHER, REGION = "111122223333", "444455556666", "eu-west-1"
# An account string that tries to be markup in both renderings.
HOSTILE = "<script>alert(1)</script>|**x**"


def finding(check_id: str, status: str, account: str = ACCOUNT, pillar: str = "cost-optimization") -> Finding:
    resource = {"type": "AWS::ECS::Service", "id": f"svc-{check_id}-{status}", "name": f"svc-{status}",
                "arn": "", "account": account, "region": REGION}
    return Finding(id=finding_id(check_id, account, REGION, resource["type"], resource["id"]), check_id=check_id,
                   title=check_id, status=status, risk="MEDIUM", pillar=pillar, focus_area="Right-sizing",
                   best_practices=["COST06-BP02"], resource=resource, environment="prod", evidence="evidence",
                   remediation="fix it")


def cover(service: str, status: str, account: str = ACCOUNT, region: str = "global", detail: str = "") -> CoverageEntry:
    return CoverageEntry(account=account, region=region, service=service, status=status, detail=detail)


COVERAGE = [
    cover("compute-optimizer", "assessed", region=REGION),
    cover("compute-optimizer", "not-enabled", account=OTHER, region=REGION,
          detail="Compute Optimizer: the account has not opted in"),
    cover("trusted-advisor", "not-enabled", detail="not available: the Trusted Advisor API needs a Business plan"),
    cover("health", "denied", detail="AccessDeniedException: not authorized to perform health:DescribeEvents"),
    cover("cost-explorer", "failed", detail="could not connect: endpoint unreachable"),
    cover("cost-optimization-hub", "unsupported", detail="404: Not yet implemented"),
    cover("ec2", "assessed", region=REGION),  # not an advisor: never in the section
]
FINDINGS = [
    finding("compute-optimizer-over-provisioned", "FAIL"),
    finding("compute-optimizer-over-provisioned", "PASS"),
    finding("compute-optimizer-under-provisioned", "PASS", pillar="performance-efficiency"),
    finding("health-scheduled-change-pending", "NOT_ASSESSED", pillar="operational-excellence"),
    finding("ecs-service-without-autoscaling", "FAIL", pillar="performance-efficiency"),  # rests on no advisor
]


def review_of(findings: list[Finding], coverage: list[CoverageEntry], **scope: object) -> Review:
    return build_review(findings, coverage, {"accounts": [ACCOUNT, OTHER], "regions": [REGION], "source": "aws",
                                             **scope}, generated_at="2026-11-29T00:00:00Z")


@pytest.fixture(scope="module")
def review() -> Review:
    return review_of(FINDINGS, COVERAGE)


def test_each_advisor_shows_where_it_was_read_and_where_not(review):
    sources = {s.service: s for s in review.advisors.sources}
    assert list(sources) == ["compute-optimizer", "trusted-advisor", "health", "cost-explorer",
                             "cost-optimization-hub"], "the vocabulary's order; an advisor not tried is left out"
    optimizer = sources["compute-optimizer"]
    assert optimizer.name == "AWS Compute Optimizer"
    assert [(r.account, r.region) for r in optimizer.read] == [(ACCOUNT, REGION)]
    assert [(r.account, r.status) for r in optimizer.unread] == [(OTHER, "not-enabled")]
    for service, status in (("trusted-advisor", "not-enabled"), ("health", "denied"), ("cost-explorer", "failed"),
                            ("cost-optimization-hub", "unsupported")):
        assert not sources[service].read and [r.status for r in sources[service].unread] == [status]
    assert "Business plan" in sources["trusted-advisor"].unread[0].detail


def test_findings_resting_on_an_advisor_are_counted_by_check(review):
    sources = {s.service: s for s in review.advisors.sources}
    optimizer = sources["compute-optimizer"]
    assert (optimizer.failed, optimizer.passed, optimizer.not_assessed) == (1, 2, 0)
    assert optimizer.checks == ["compute-optimizer-over-provisioned", "compute-optimizer-under-provisioned"]
    assert (sources["health"].not_assessed, sources["health"].checks) == (1, ["health-scheduled-change-pending"])
    assert sources["cost-explorer"].checks == [] and sources["cost-explorer"].failed == 0


def test_the_section_names_the_advisors_used(review):
    md, page = markdown.render(review), html.render(review)
    section = md.split("## Advisor evidence")[1].split("## Coverage")[0]
    assert "advisors that answered, and are part of the review's evidence: AWS Compute Optimizer." in section
    assert "1 failed, 2 passed" in section and "`compute-optimizer-over-provisioned`" in section
    assert f"`{ACCOUNT} {REGION}`" in section and f"`{OTHER} {REGION}`: not enabled (Compute Optimizer" in section
    assert "`111122223333`: denied (AccessDeniedException" in section
    assert "[Advisor evidence](#advisor-evidence)" in md
    block = page.split('id="advisors"')[1].split("</section>")[0]
    assert "AWS Trusted Advisor" in block and "not enabled (not available: the Trusted Advisor API" in block
    assert '<a href="#advisors">Advisor evidence</a>' in page


def test_no_advisor_available_is_said_plainly():
    unread = [c for c in COVERAGE if c.status != "assessed"]
    review = review_of([], unread)
    assert not review.advisors.used
    md = markdown.render(review)
    assert "No AWS advisor was available: none of those the scan asked answered" in md
    nothing = review_of([], [cover("ec2", "assessed", region=REGION)])
    assert nothing.advisors.sources == []
    assert "No AWS advisor was read in this scan" in markdown.render(nothing)
    assert "No AWS advisor was read in this scan" in html.render(nothing)


def test_sample_answers_are_labelled_as_samples():
    review = review_of(FINDINGS, COVERAGE, sample_sources=["compute-optimizer", "health"])
    samples = [s.service for s in review.advisors.samples]
    assert samples == ["compute-optimizer"], "health was not read, so no sample of it stands in the review"
    note = "The answers of AWS Compute Optimizer here are sample responses"
    assert note in markdown.render(review) and note in html.render(review)
    assert "| Source | aws; advisor answers are sample responses |" in markdown.render(review)
    assert "sample responses" not in markdown.render(review_of(FINDINGS, COVERAGE))


def test_account_strings_are_escaped_in_every_rendering():
    hostile = [cover("health", "denied", account=HOSTILE, detail=f"denied for {HOSTILE}")]
    review = review_of([], hostile)
    page, md = html.render(review), markdown.render(review)
    assert "<script>" not in page and "&lt;script&gt;" in page
    section = md.split("## Advisor evidence")[1].split("## Coverage")[0]
    row = next(line for line in section.splitlines() if line.startswith("| AWS Health"))
    # The account is shown in a code span (where Markdown shows markup as written); the detail as escaped text.
    outside_code = "".join(row.split("`")[0::2])
    assert "<script>" not in outside_code and "\\*\\*x\\*\\*" in outside_code
    assert row.count(" | ") == 4, "a pipe in an account string must not add a column"


def test_review_json_carries_the_section_and_reads_back(review):
    doc = json.loads(review_json.render(review))
    validate(doc)
    assert [s["service"] for s in doc["advisors"]["sources"]][0] == "compute-optimizer"
    again = Review.from_dict(doc)
    assert again.advisors == review.advisors
    del doc["advisors"]  # a review.json written before the section existed still renders, without it
    older = Review.from_dict(doc)
    assert older.advisors is None and "## Advisor evidence" not in markdown.render(older)
