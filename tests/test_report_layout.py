"""report.html layout: a project card never shows an empty "Resources:" line, and the table of unanswered questions
gives its list of practice ids room, wrapping between ids rather than inside one."""

from __future__ import annotations

import re

import pytest
from moto import mock_aws

from hostile import hostile_review

from wafr.findings import evaluate
from wafr.questionnaire.answers import Answer, AnswerSheet
from wafr.questionnaire.questions import load as load_questions
from wafr.report import html
from wafr.review import review_of_estate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.session import open_session

RESOURCES_LINE = re.compile(r"<p><strong>Resources:</strong>(.*?)</p>", re.S)


@pytest.fixture(scope="module")
def answered_only():
    """A project that only the team's answers call for (cost analysis not met): it names no resource."""
    with mock_aws():
        estate = collect_account(open_session(region="us-east-1"), ["us-east-1"], services=["vpc"])
    sheet = AnswerSheet(edition=load_questions().edition,
                        answers={f"COST05-BP0{i}": Answer(status="not-met") for i in (1, 2, 3, 5, 6)})
    review = review_of_estate(estate, evaluate(estate), answers=sheet)
    return review, html.render(review)


def test_a_project_without_resources_has_no_resources_line(answered_only):
    review, page = answered_only
    assert [p.resources for p in review.projects] == [[]], "the fixture's one project names no resource"
    assert review.projects[0].title in page
    assert not RESOURCES_LINE.search(page)


def test_a_project_with_resources_still_lists_them():
    review = hostile_review()
    page = html.render(review)
    lines = RESOURCES_LINE.findall(page)
    assert len(lines) == sum(1 for p in review.projects if p.resources) > 0
    assert all(re.sub(r"<[^>]+>", "", line).strip() for line in lines)


def test_unanswered_questions_table_sizes_its_columns_and_keeps_ids_whole(answered_only):
    review, page = answered_only
    table = page[page.index("<h3>Questions without an answer</h3>"):]
    table = table[:table.index("</table>")]
    assert '<table class="unanswered">' in table
    assert re.search(r'<colgroup><col class="c-question"><col class="c-pillar"><col class="c-practices"></colgroup>',
                     table)
    widths = dict(re.findall(r"table\.unanswered col\.c-(\w+) \{ width: (\d+)%; \}", page))
    assert set(widths) == {"question", "pillar", "practices"} and sum(map(int, widths.values())) == 100
    assert int(widths["practices"]) >= 35, "the id list gets a real share of the width"
    unanswered = [bp for u in review.questionnaire.unanswered for bp in u.unknown]
    assert unanswered and all(f'<span class="bp">{bp}</span>' in table for bp in unanswered)
    assert re.search(r"\.bp \{[^}]*white-space: nowrap", page), "an id never breaks at its hyphen"
