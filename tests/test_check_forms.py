"""The short form of a check: ``each=`` over one resource, ``judged``, ``bullet=`` and ``needs`` derived from the
types it reads; and the environment index the estate holds instead of changing its resources."""

from __future__ import annotations

import pytest

from wafr.checks import registry
from wafr.checks.registry import CHECKS, check, judged, not_assessed
from wafr.estate import Estate, Resource
from wafr.resource_types import ECR_REPOSITORY, SQS_QUEUE
from wafr.vocabulary import FAIL, NOT_ASSESSED, PASS


@pytest.fixture
def scratch():
    """Checks registered by a test are removed after it."""
    before = set(CHECKS)
    yield
    for extra in set(CHECKS) - before:
        del CHECKS[extra]


def repository(name: str, mutability: str) -> Resource:
    return Resource(type=ECR_REPOSITORY, id=name, account="123456789012", region="eu-west-1", name=name,
                    config={"imageTagMutability": mutability})


def test_each_runs_over_the_types_with_needs_from_the_data_file(scratch):
    @check("t-each", title="T", pillar="security", focus_area="Compute protection", risk="LOW",
           best_practices=["SEC06-BP04"], remediation="Fix.", bullet=("Fix {resources}", "Fix all of {resources}"),
           each=ECR_REPOSITORY)
    def one(resource):
        if resource.id == "skip":
            return None
        return judged(resource, resource.config["imageTagMutability"] == "IMMUTABLE", "fine", "not fine")

    declared = CHECKS["t-each"]
    assert declared.needs == ("ecr",) and declared.resource_types == (ECR_REPOSITORY,)
    assert declared.bullet.for_count(1) == "Fix {resources}" and declared.bullet.for_count(2) == "Fix all of {resources}"
    estate = Estate([repository("a", "IMMUTABLE"), repository("b", "MUTABLE"), repository("skip", "MUTABLE")])
    results = {r.resource.id: r for r in declared.run(estate)}
    assert {k: r.status for k, r in results.items()} == {"a": PASS, "b": FAIL}
    assert results["b"].evidence == "not fine"
    assert declared.fn.__module__ == __name__  # grouped with the module that defines it


def test_each_with_the_estate_and_several_results(scratch):
    @check("t-each-estate", title="T", pillar="reliability", focus_area="Failure handling", risk="LOW",
           best_practices=["REL05-BP04"], remediation="Fix.", each=[ECR_REPOSITORY, SQS_QUEUE], needs=("sqs",))
    def both(resource, estate):
        yield not_assessed(resource, f"{len(estate)} resources")

    estate = Estate([repository("a", "MUTABLE"),
                     Resource(type=SQS_QUEUE, id="q", account="123456789012", region="eu-west-1")])
    results = list(CHECKS["t-each-estate"].run(estate))
    assert [r.status for r in results] == [NOT_ASSESSED, NOT_ASSESSED] and results[0].evidence == "2 resources"
    assert CHECKS["t-each-estate"].needs == ("sqs",)  # declared needs are kept as given


def test_a_bullet_must_name_the_resources(scratch):
    with pytest.raises(ValueError, match="resources"):
        check("t-bad-bullet", title="T", pillar="security", focus_area="IAM", risk="LOW",
              best_practices=["SEC02-BP01"], remediation="Fix.", bullet="Fix them")
    with pytest.raises(ValueError, match="absorbs"):
        check("t-bad-absorbs", title="T", pillar="security", focus_area="IAM", risk="LOW",
              best_practices=["SEC02-BP01"], remediation="Fix.", absorbs=["x"])


def test_environments_are_an_index_not_a_change_to_resources():
    prod = Resource(type=SQS_QUEUE, id="q", account="123456789012", region="eu-west-1", tags={"env": "prod"})
    dev = Resource(type=SQS_QUEUE, id="d", account="123456789012", region="eu-west-1", tags={"env": "dev"})
    bare = Resource(type=SQS_QUEUE, id="x", account="123456789012", region="eu-west-1")
    estate = Estate([prod, dev, bare])
    before = [r.to_dict() for r in estate]
    from wafr.environment import classify_estate

    classify_estate(estate)
    assert [estate.environment_of(r) for r in estate] == ["prod", "dev", "unknown"]
    assert estate.environment_basis_of(prod) == "tag env=prod"
    assert [estate.in_production(r) for r in estate] == [True, False, True]  # unknown is judged as production
    assert [r.to_dict() for r in estate] == before


def test_every_check_names_the_few_best_practices_its_evidence_addresses():
    """Every result is keyed to the framework, and a check's evidence addresses one to three practices: a longer list
    would be padding the coverage count."""
    wide = {c.id: c.best_practices for c in registry.all_checks().values() if not 1 <= len(c.best_practices) <= 3}
    assert not wide
