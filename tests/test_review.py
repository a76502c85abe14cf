"""The Review: assessments, focus areas and bullets, projects, roadmap, summary and coverage, from real findings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter

import boto3
import pytest
from moto import mock_aws
from typer.testing import CliRunner

from wafr.checks.registry import all_checks
from wafr.cli import app
from wafr.findings import evaluate, findings_document
from wafr.report import review_json
from wafr.review import catalog as review_catalog
from wafr.review import review_of_estate, review_of_findings_document
from wafr.review.assessments import question_risk
from wafr.review.model import BestPracticeAssessment, Review
from wafr.sources import snapshot
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.session import open_session

DEPLOYERS = ("lambda-deployer", "temporaryCDKuser")


def arrange(boto: boto3.Session) -> None:
    """Deployer users with keys; a single-AZ production and development database and a Multi-AZ one."""
    iam = boto.client("iam")
    for user in DEPLOYERS:
        iam.create_user(UserName=user)
        iam.create_access_key(UserName=user)
    rds = boto.client("rds")
    for name, multi_az in (("prod-postgres", False), ("prod-ha-db", True), ("dev-db", False)):
        rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
                               MasterUsername="u", MasterUserPassword="password123", AllocatedStorage=20,
                               MultiAZ=multi_az)


@pytest.fixture(scope="module")
def scanned():
    """One small estate read by the real collectors; client-vpn is unsupported by moto, so coverage has a gap."""
    with mock_aws():
        arrange(boto3.Session(region_name="us-east-1"))
        estate = collect_account(open_session(region="us-east-1"), ["us-east-1"],
                                 services=["iam", "rds", "client-vpn"])
    # Judged 200 days after the keys were made, as a snapshot reviewed later would be: the keys are stale by then.
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=200)
    estate.metadata["collected_at"] = later.strftime("%Y-%m-%dT%H:%M:%SZ")
    findings = evaluate(estate)
    return estate, findings


@pytest.fixture(scope="module")
def review(scanned) -> Review:
    estate, findings = scanned
    return review_of_estate(estate, findings)


def area(review: Review, pillar: str, name: str):
    found = review.focus_area(f"{pillar}/{name}")
    assert found is not None, f"no focus area {pillar}/{name}"
    return found


# -- focus areas and bullets -----------------------------------------------------------------------------
def test_one_bullet_per_check_names_every_failing_resource_with_its_evidence(review):
    iam = area(review, "security", "IAM")
    assert iam.risk == "HIGH"
    removal = next(b for b in iam.bullets if b.check_id == "iam-user-long-lived-access-key")
    assert removal.text == ("Remove the IAM users `lambda-deployer`, `temporaryCDKuser`; "
                            "deploy through OIDC-federated roles")
    assert sorted(r.name for r in removal.resources) == sorted(DEPLOYERS)
    assert all(any("access key" in e for e in r.evidence) for r in removal.resources)
    assert iam.guidance, "a focus area with findings carries the data file's guidance"


def test_a_bullet_that_names_the_same_users_absorbs_the_rotation_bullet(review):
    iam = area(review, "security", "IAM")
    assert "iam-access-key-not-rotated" not in {b.check_id for b in iam.bullets}
    removal = next(b for b in iam.bullets if b.check_id == "iam-user-long-lived-access-key")
    assert removal.absorbed == ["iam-access-key-not-rotated"]
    assert all(len(r.evidence) == 2 and len(r.finding_ids) == 2 for r in removal.resources)
    assert "SEC02-BP05" in removal.best_practices


def test_focus_area_risk_is_the_highest_fail_risk_with_production_named_first(review):
    availability = area(review, "reliability", "Service availability")
    bullet = next(b for b in availability.bullets if b.check_id == "rds-instance-single-az")
    assert availability.risk == bullet.risk == "HIGH"
    assert bullet.names == ["prod-postgres", "dev-db"]
    assert [r.risk for r in bullet.resources] == ["HIGH", "LOW"]
    assert bullet.text == "Turn on Multi-AZ for the RDS instances `prod-postgres`, `dev-db`"


def test_low_focus_areas_stay_out_of_the_risk_tables_projects_and_first_phases(scanned):
    estate, findings = scanned
    without_prod = [f for f in findings if f.resource["id"] != "prod-postgres"]
    review = review_of_estate(estate, without_prod)
    availability = area(review, "reliability", "Service availability")
    assert availability.risk == "LOW"
    reliability = next(p for p in review.pillars if p.pillar == "reliability")
    assert availability not in reliability.at_risk("HIGH") + reliability.at_risk("MEDIUM")
    assert availability.project == ""
    assert all(availability.key not in p.focus_areas for p in review.projects)
    # (The scan read iam, rds and client-vpn only, so the area also sits in the item on what could not be judged.)
    low_item = next(i for i in review.roadmap[2].items if availability.key in i.focus_areas and "low-risk" in i.text)
    assert availability.title in low_item.text
    # The item names the area's findings (with those of any other low-risk area it groups).
    assert set(availability.finding_ids) <= set(low_item.finding_ids)


def test_a_focus_area_without_wording_keeps_its_name_and_gets_its_own_project(scanned):
    estate, findings = scanned
    odd = [dataclasses.replace(f, focus_area="Quantum readiness") if f.check_id == "rds-instance-single-az" else f
           for f in findings]
    review = review_of_estate(estate, odd)
    quantum = area(review, "reliability", "Quantum readiness")
    assert quantum.title == "Quantum readiness" and quantum.risk == "HIGH"
    project = review.project(quantum.project)
    assert project.title == "Quantum readiness" and project.focus_areas == [quantum.key]
    assert any(i.text == "Improve Quantum readiness" and i.projects == [project.letter] for i in review.roadmap[0].items)


# -- projects and roadmap --------------------------------------------------------------------------------
def test_projects_are_lettered_in_order_of_risk_then_effort(review):
    catalog = review_catalog.load()
    effort = {name: i for i, name in enumerate(catalog.efforts)}
    assert [p.letter for p in review.projects] == [chr(ord("A") + i) for i in range(len(review.projects))]
    ranks = [({"HIGH": 0, "MEDIUM": 1}[p.risk], effort[p.effort]) for p in review.projects]
    assert ranks == sorted(ranks)
    for project in review.projects:
        for key in project.focus_areas:
            assert review.focus_area(key).project == project.letter
        assert project.resources and project.best_practices and project.finding_ids
    actionable = [a for a in review.all_focus_areas() if a.risk in ("HIGH", "MEDIUM")]
    assert actionable and all(a.project for a in actionable)


def test_roadmap_puts_high_areas_in_months_1_to_3_and_medium_in_3_to_6(review):
    first, second, third = review.roadmap
    assert (first.months, second.months, third.months) == ("1-3", "3-6", "6-9")
    for phase, risk in ((first, "HIGH"), (second, "MEDIUM")):
        covered = {k for item in phase.items for k in item.focus_areas}
        assert covered == {a.key for a in review.all_focus_areas() if a.risk == risk}
        for item in phase.items:
            assert item.risk == risk and all(review.project(letter) for letter in item.projects)
            assert item.finding_ids
    finding_ids = {fid for a in review.all_focus_areas() for fid in a.finding_ids}
    assert all(set(i.finding_ids) <= finding_ids for p in (first, second) for i in p.items)
    texts = [i.text for i in third.items]
    assert any("client-vpn (unsupported)" in t for t in texts)
    assert any(t.startswith("Assess the areas this review could not judge") for t in texts)
    assert any(t.startswith("Run a new scan") for t in texts)


def test_accepted_risks_are_shown_and_revisited_not_counted_as_failures(scanned):
    estate, findings = scanned
    accepted = [dataclasses.replace(f, status="SUPPRESSED", evidence="accepted until the migration")
                if f.check_id == "rds-instance-single-az" and f.status == "FAIL" else f for f in findings]
    review = review_of_estate(estate, accepted)
    availability = area(review, "reliability", "Service availability")
    assert not availability.bullets and availability.risk == "NONE"
    assert {r.name for r in availability.accepted} == {"prod-postgres", "dev-db"}
    revisit = next(i for i in review.roadmap[2].items if i.text.startswith("Revisit the accepted risks"))
    assert len(revisit.finding_ids) == 2
    rel10 = next(bp for q in review.assessments for bp in q.best_practices if bp.id == "REL10-BP01")
    assert rel10.status == "met" and rel10.counts["SUPPRESSED"] == 2


# -- best-practice assessments ---------------------------------------------------------------------------
def test_best_practices_are_met_partly_not_met_or_not_assessed(review):
    practices = {bp.id: bp for q in review.assessments for bp in q.best_practices}
    assert practices["REL10-BP01"].status == "partly"  # prod-ha-db passes, the single-AZ ones fail
    assert practices["REL10-BP01"].failing == ["prod-postgres", "dev-db"]
    assert practices["SEC02-BP02"].status == "not met"
    assert practices["COST01-BP03"].status == "not assessed"  # budgets were not read
    questions = {q.id: q for q in review.assessments}
    assert questions["REL10"].risk == "HIGH"
    assert questions["COST01"].risk == "NOT_ASSESSED"


def _practice(risk: str, status: str) -> BestPracticeAssessment:
    return BestPracticeAssessment(id="X", title="x", risk=risk, status=status, counts={}, checks=[], failing=[],
                                  finding_ids=[])


def test_question_risk_follows_the_well_architected_tool():
    assert question_risk([_practice("High", "partly"), _practice("Medium", "not met")]) == "HIGH"
    assert question_risk([_practice("High", "met"), _practice("Medium", "not met")]) == "MEDIUM"
    assert question_risk([_practice("High", "met"), _practice("Low", "not met")]) == "NONE"
    assert question_risk([_practice("High", "not assessed"), _practice("Low", "met")]) == "NONE"
    assert question_risk([_practice("High", "not assessed")]) == "NOT_ASSESSED"


# -- summary and coverage --------------------------------------------------------------------------------
def test_summary_counts_per_pillar_and_top_risks_one_per_focus_area(scanned, review):
    _, findings = scanned
    counts = Counter((f.pillar, f.risk if f.status == "FAIL" else f.status) for f in findings)
    for pillar in review.summary.pillars:
        for key in ("HIGH", "MEDIUM", "LOW", "PASS", "NOT_ASSESSED"):
            assert pillar.findings[key] == counts[(pillar.pillar, key)]
    tops = review.summary.top_risks
    assert 0 < len(tops) <= 5
    assert len({t.focus_area for t in tops}) == len(tops)
    assert [t.risk for t in tops] == sorted((t.risk for t in tops), key=["HIGH", "MEDIUM"].index)
    assert any(t.text.startswith("Remove the IAM users") for t in tops)


def test_coverage_lists_what_was_not_read_and_what_could_not_be_judged(review):
    coverage = review.coverage
    assert coverage.total == coverage.assessed + len(coverage.gaps)
    assert [(g.service, g.status) for g in coverage.gaps] == [("client-vpn", "unsupported")]
    budgets = next(u for u in coverage.unassessed_checks if u.check_id == "no-budgets")
    assert "budgets" in budgets.reasons[0]


# -- serialisation and data ------------------------------------------------------------------------------
def test_review_json_round_trips_and_a_saved_findings_document_gives_the_same_review(scanned, review):
    again = Review.from_dict(json.loads(review_json.render(review)))
    assert again == review
    assert json.loads(review_json.render(review))["schema"] == "wafr.review/1"
    estate, findings = scanned
    from_document = review_of_findings_document(findings_document(estate, findings, review.generated_at))
    assert from_document == review


def test_the_data_file_is_checked_when_it_loads():
    raw = review_catalog.yaml.safe_load(
        review_catalog.resources.files("wafr").joinpath("data", review_catalog.DATA_FILE).read_text())
    broken_project = json.loads(json.dumps(raw))
    broken_project["projects"][0]["focus_areas"] = ["security/No such area"]
    with pytest.raises(ValueError, match="unknown focus area"):
        review_catalog.parse(broken_project)
    broken_bullet = json.loads(json.dumps(raw))
    broken_bullet["default_bullet"] = "{title}"
    with pytest.raises(ValueError, match="must contain"):
        review_catalog.parse(broken_bullet)
    assert "bullets" not in raw, "a check's bullet is declared with the check (wafr.checks.registry)"


def test_every_registered_focus_area_has_wording_in_the_data_file():
    catalog = review_catalog.load()
    missing = sorted({f"{c.pillar}/{c.focus_area}" for c in all_checks().values()
                      if f"{c.pillar}/{c.focus_area}".lower() not in catalog.focus_areas})
    assert not missing, f"add these focus areas to data/focus_areas.yaml: {missing}"


def test_review_command_writes_the_review_and_reports_beside_the_findings(scanned, tmp_path):
    estate, _ = scanned
    saved = tmp_path / "estate.json.gz"
    snapshot.write(estate, saved)
    result = CliRunner().invoke(app, ["review", str(saved), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["findings.json", "report.html", "report.md", "review.json"]
    document = json.loads((tmp_path / "out" / "review.json").read_text())
    assert document["schema"] == "wafr.review/1"


# -- the demo estate: the sample review's shape ----------------------------------------------------------
SAMPLE_HIGH_AREAS = [("security", "Account separation"), ("security", "IAM"), ("security", "Encryption at rest"),
                     ("security", "Network security"), ("reliability", "Service availability"),
                     ("reliability", "Disaster recovery")]
SAMPLE_MEDIUM_AREAS = [("reliability", "Workload protection")]
SAMPLE_RESOURCES = [  # (pillar, focus area, resource the sample names there, its type)
    ("security", "IAM", "lambda-deployer", "AWS::IAM::User"),
    ("security", "IAM", "temporaryCDKuser", "AWS::IAM::User"),
    ("security", "Account separation", "prodVpcStack/staging-VPC", "AWS::EC2::VPC"),
    ("security", "Encryption at rest", "prod-postgres", "AWS::RDS::DBInstance"),
    ("security", "Encryption at rest", "prod-redis", "AWS::ElastiCache::ReplicationGroup"),
    ("security", "Network security", "backend-service", "AWS::ECS::Service"),
    ("security", "Network security", "paymaster-service", "AWS::ECS::Service"),
    ("security", "Network security", "prod-postgres", "AWS::RDS::DBInstance"),
    ("security", "Network security", "prod-sg", "AWS::EC2::SecurityGroup"),
    ("reliability", "Service availability", "prod-postgres", "AWS::RDS::DBInstance"),
    ("reliability", "Service availability", "prod-redis", "AWS::ElastiCache::ReplicationGroup"),
    ("reliability", "Service availability", "backend-service", "AWS::ECS::Service"),
    ("reliability", "Disaster recovery", "prod-postgres", "AWS::RDS::DBInstance"),
    ("performance-efficiency", "Workload scaling", "paymaster-service", "AWS::ECS::Service"),
]


def _checks_for(pillar: str, focus_area: str, resource_type: str | None = None):
    return [c for c in all_checks().values() if c.pillar == pillar and c.focus_area.lower() == focus_area.lower()
            and (resource_type is None or resource_type in c.resource_types)]


@pytest.fixture(scope="module")
def demo_review() -> Review:
    run = pytest.importorskip("wafr.demo.run", reason="the demo estate is not available")
    estate = run.run_demo()
    return review_of_estate(estate, evaluate(estate))


@pytest.mark.parametrize("pillar,name", SAMPLE_HIGH_AREAS, ids=[n for _, n in SAMPLE_HIGH_AREAS])
def test_demo_review_has_the_sample_high_risk_focus_areas(demo_review, pillar, name):
    if not _checks_for(pillar, name):
        pytest.skip(f"no check for {pillar}/{name} is registered yet")
    assert area(demo_review, pillar, name).risk == "HIGH"


@pytest.mark.parametrize("pillar,name", SAMPLE_MEDIUM_AREAS, ids=[n for _, n in SAMPLE_MEDIUM_AREAS])
def test_demo_review_has_the_sample_medium_risk_focus_areas(demo_review, pillar, name):
    found = area(demo_review, pillar, name)
    assert found.risk == "MEDIUM"
    assert found in next(p for p in demo_review.pillars if p.pillar == pillar).at_risk("MEDIUM")


@pytest.mark.parametrize("pillar,name,resource,resource_type", SAMPLE_RESOURCES,
                         ids=[f"{n}:{r}" for _, n, r, _ in SAMPLE_RESOURCES])
def test_demo_remediation_names_the_sample_resources(demo_review, pillar, name, resource, resource_type):
    if not _checks_for(pillar, name, resource_type):
        pytest.skip(f"no check judges {resource_type} in {pillar}/{name} yet")
    named = {n for b in area(demo_review, pillar, name).bullets for n in b.names}
    assert resource in named


def test_demo_projects_and_roadmap_are_consistent(demo_review):
    keys = {a.key for a in demo_review.all_focus_areas()}
    for project in demo_review.projects:
        assert project.focus_areas and set(project.focus_areas) <= keys
    months_1_3 = {k for item in demo_review.roadmap[0].items for k in item.focus_areas}
    high = {a.key for a in demo_review.all_focus_areas() if a.risk == "HIGH"}
    assert high and high <= months_1_3
    letters = {p.letter for p in demo_review.projects}
    assert all(set(i.projects) <= letters for phase in demo_review.roadmap for i in phase.items)
