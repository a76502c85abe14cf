"""How changes reach production: CodeBuild projects, CodePipeline pipelines, CodeDeploy groups, CloudFormation stacks
and the share of production made by infrastructure as code. Each check FAILs on a bad resource and PASSes on its clean
twin, arranged in moto and read by the real collectors; moto's DescribeStacks reports neither drift nor rollback
settings, so the CloudFormation checks are answered by botocore's Stubber on the scan's own client, in the shape of
DescribeStacks in the CloudFormation API reference."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from botocore.stub import Stubber

from denial import deny
from twins import by_name, checks_in, findings_of_arranged, scan_arranged
from wafr.checks.infrastructure_as_code import WORKLOAD_TYPES
from wafr.findings import evaluate
from wafr.resource_types import CLOUDFORMATION_STACK, CODEBUILD_PROJECT, services_of
from wafr.sources.aws.collect import collect_account

REGION, ACCOUNT = "us-east-1", "123456789012"
WORKLOAD_SERVICES = sorted({s for t in WORKLOAD_TYPES for s in services_of(t)})
DELIVERY = ["codebuild", "codepipeline", "codedeploy", "iam"]
SERVICES = DELIVERY + WORKLOAD_SERVICES
PROD = [{"key": "Environment", "value": "prod"}]
LEAKED = "hunter2-correct-horse-battery"  # a plaintext value that must never reach the estate


def inline(*commands):
    return "version: 0.2\nphases:\n  build:\n    commands:\n" + "".join(f"      - {c}\n" for c in commands)


def project(codebuild, name, *, source, buildspec, privileged=False, variables=()):
    codebuild.create_project(
        # moto asks every source for a location, even NO_SOURCE and CODEPIPELINE, which AWS does not.
        name=name, source={"type": source, "buildspec": buildspec, "location": "https://github.com/acme/shop"},
        artifacts={"type": "NO_ARTIFACTS"}, serviceRole="arn:aws:iam::123456789012:role/build", tags=PROD,
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType":
                     "BUILD_GENERAL1_SMALL", "privilegedMode": privileged, "environmentVariables": list(variables)})


def action(name, category, provider, **configuration):
    return {"name": name, "actionTypeId": {"category": category, "owner": "AWS", "provider": provider, "version": "1"},
            "configuration": configuration, "inputArtifacts": [] if category == "Source" else [{"name": "src"}],
            "outputArtifacts": [{"name": "src"}] if category == "Source" else []}


def pipeline(client, role, name, source, build_project, step="Build", deploys=(("Deploy", "prod"),)):
    """A pipeline that builds, then deploys to an ECS cluster per (stage, cluster) of ``deploys``, in order."""
    client.create_pipeline(pipeline={
        "name": name, "roleArn": role, "artifactStore": {"type": "S3", "location": "artifacts"}, "stages": [
            {"name": "Source", "actions": [source]},
            {"name": step, "actions": [action(step, step, "CodeBuild", ProjectName=build_project)]},
            *({"name": stage, "actions": [action("Deploy", "Deploy", "ECS", ClusterName=cluster, ServiceName="api")]}
              for stage, cluster in deploys)]})


def arrange(boto):
    codebuild = boto.client("codebuild")
    project(codebuild, "leaky", source="NO_SOURCE", privileged=True, buildspec=inline("./deploy.sh"),
            variables=[{"name": "DB_PASSWORD", "value": LEAKED, "type": "PLAINTEXT"}])
    project(codebuild, "tidy", source="GITHUB", privileged=True, buildspec=inline("docker build -t api .", "pytest"),
            variables=[{"name": "DB_PASSWORD", "value": "/prod/db/password", "type": "PARAMETER_STORE"},
                       {"name": "STAGE", "value": "prod", "type": "PLAINTEXT"}])
    project(codebuild, "unit-tests", source="CODEPIPELINE", buildspec=inline("npm ci", "npm audit", "npm test"))
    project(codebuild, "package", source="CODEPIPELINE", buildspec=inline("zip -r app.zip ."))
    project(codebuild, "opaque", source="CODEPIPELINE", privileged=True, buildspec="buildspec.yml")

    iam = boto.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "codepipeline.amazonaws.com"}}]}
    role = iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.create_open_id_connect_provider(Url="https://token.actions.githubusercontent.com",
                                        ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40])
    pipelines = boto.client("codepipeline")
    s3_source = action("Source", "Source", "S3", S3Bucket="artifacts", S3ObjectKey="api.zip")
    repo_source = action("Source", "Source", "CodeStarSourceConnection", ConnectionArn="arn:aws:codestar-"
                         "connections:us-east-1:123456789012:connection/abc", FullRepositoryId="acme/shop",
                         BranchName="main")
    pipeline(pipelines, role, "prod-release", s3_source, "package")
    pipeline(pipelines, role, "prod-safe", repo_source, "unit-tests")
    pipeline(pipelines, role, "prod-opaque", repo_source, "opaque")
    pipeline(pipelines, role, "prod-checked", repo_source, "package", step="Test")  # a test action, no scanner
    # Rehearsed: a staging cluster before the production one. Blind: what deploys first names no environment.
    pipeline(pipelines, role, "prod-rehearsed", repo_source, "unit-tests",
             deploys=(("Rehearse", "shop-staging"), ("Release", "shop-prod")))
    pipeline(pipelines, role, "prod-blind", repo_source, "unit-tests", deploys=(("Canary", "edge"), ("Deploy", "main")))
    pipeline(pipelines, role, "shop-release", repo_source, "unit-tests", deploys=(("Deploy", "main"),))
    # A change set only prepared on the staging stack deploys nothing there: no rehearsal.
    pipelines.create_pipeline(pipeline={
        "name": "prod-prepared", "roleArn": role, "artifactStore": {"type": "S3", "location": "artifacts"}, "stages": [
            {"name": "Source", "actions": [repo_source]},
            {"name": "Build", "actions": [action("Build", "Build", "CodeBuild", ProjectName="unit-tests")]},
            {"name": "Staging", "actions": [action("Plan", "Deploy", "CloudFormation", ActionMode="CHANGE_SET_REPLACE",
                                                   StackName="shop-staging", ChangeSetName="next",
                                                   ParameterOverrides=json.dumps({"DbPassword": LEAKED}))]},
            {"name": "Production", "actions": [action("Deploy", "Deploy", "ECS", ClusterName="shop-prod")]}]})

    codedeploy = boto.client("codedeploy")
    codedeploy.create_application(applicationName="web", computePlatform="Server")
    for group, config in (("prod-all", "CodeDeployDefault.AllAtOnce"),
                          ("prod-gradual", "CodeDeployDefault.HalfAtATime")):
        codedeploy.create_deployment_group(applicationName="web", deploymentGroupName=group, serviceRoleArn=role,
                                           deploymentConfigName=config)

    # Production made as code but for one table in five: at the limit, not above it.
    dynamodb = boto.client("dynamodb")
    for index in range(5):
        tags = [{"Key": "Environment", "Value": "prod"}] + ([{"Key": "ManagedBy", "Value": "terraform"}] if index
                                                             else [])
        dynamodb.create_table(TableName=f"orders-{index}", BillingMode="PAY_PER_REQUEST", Tags=tags,
                              KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])


@pytest.fixture(scope="module")
def scanned():
    return scan_arranged(arrange, SERVICES, REGION)


@pytest.fixture(scope="module")
def findings(scanned):
    return by_name(evaluate(scanned[0]))


CASES = [  # check, bad resource, its clean twin (by name)
    ("codebuild-plaintext-secret", "leaky", "tidy"),
    ("codebuild-privileged-without-image-build", "leaky", "tidy"),
    ("codebuild-source-not-in-version-control", "leaky", "tidy"),
    ("pipeline-source-not-in-version-control", "prod-release", "prod-safe"),
    ("pipeline-deploys-without-tests", "prod-release", "prod-safe"),
    ("pipeline-without-security-tests", "prod-release", "prod-safe"),
    ("codedeploy-all-at-once", "prod-all", "prod-gradual"),
    ("pipeline-deploys-to-production-first", "prod-release", "prod-rehearsed"),
]
ACCOUNT_CASES = ["no-build-and-deploy-automation", "production-not-deployed-as-code"]
EXECUTION_CHECKS = ["pipeline-ships-rarely"]
STACK_CHECKS = ["cloudformation-stack-drifted", "cloudformation-rollback-disabled"]


@pytest.mark.parametrize(("check_id", "bad", "good"), CASES, ids=[c[0] for c in CASES])
def test_fires_on_the_bad_resource_and_not_on_its_clean_twin(findings, check_id, bad, good):
    assert findings[(check_id, bad)].status == "FAIL", findings[(check_id, bad)].evidence
    assert findings[(check_id, good)].status == "PASS", findings[(check_id, good)].evidence


def test_every_new_check_has_a_case():
    assert checks_in("delivery", "infrastructure_as_code") == {c[0] for c in CASES} | {
        *ACCOUNT_CASES, *STACK_CHECKS, *EXECUTION_CHECKS}


def test_a_plaintext_value_never_reaches_the_estate_but_its_name_and_type_do(scanned):
    estate, _ = scanned
    assert LEAKED not in json.dumps([r.to_dict() for r in estate], default=str)
    tidy = next(r for r in estate.of_type(CODEBUILD_PROJECT) if r.name == "tidy")
    variables = tidy.config["environment"]["environmentVariables"]
    assert [(v["name"], v["type"], v["_looksSecret"]) for v in variables] == [
        ("DB_PASSWORD", "PARAMETER_STORE", False), ("STAGE", "PLAINTEXT", False)]  # a parameter's name is no secret
    assert "docker" not in json.dumps(tidy.config)  # the buildspec's commands are not kept, only what they do


def test_a_deploy_action_keeps_the_names_of_its_target_and_no_other_setting(scanned):
    estate, _ = scanned
    assert LEAKED not in json.dumps([r.to_dict() for r in estate], default=str)
    prepared = next(r for r in estate if r.name == "prod-prepared")
    plan = prepared.config["stages"][2]["actions"][0]
    assert plan["deployTarget"] == {"ActionMode": "CHANGE_SET_REPLACE", "StackName": "shop-staging"}
    assert "shop-staging" not in json.dumps(plan["configuration"])  # the configuration itself keeps its keys only


def test_evidence_names_the_variable_and_the_source(findings):
    assert "DB_PASSWORD" in findings[("codebuild-plaintext-secret", "leaky")].evidence
    assert "Source" in findings[("pipeline-source-not-in-version-control", "prod-release")].evidence
    assert "unit-tests" in findings[("pipeline-deploys-without-tests", "prod-safe")].evidence


def test_what_cannot_be_read_is_not_assessed_or_not_judged(findings):
    # A buildspec kept in the repository is not read: whether the build tests or builds images stays unknown.
    assert findings[("pipeline-deploys-without-tests", "prod-opaque")].status == "NOT_ASSESSED"
    assert findings[("pipeline-without-security-tests", "prod-opaque")].status == "NOT_ASSESSED"
    assert findings[("codebuild-privileged-without-image-build", "opaque")].status == "NOT_ASSESSED"
    # A test action is a test whatever it runs; it is no security test unless its buildspec runs a scanner.
    assert findings[("pipeline-deploys-without-tests", "prod-checked")].status == "PASS"
    assert findings[("pipeline-without-security-tests", "prod-checked")].status == "FAIL"
    # A project fed by its pipeline is judged on the pipeline's source.
    assert ("codebuild-source-not-in-version-control", "opaque") not in findings


def test_a_rehearsal_is_named_and_an_unnamed_deploy_is_never_guessed(findings):
    rehearsed = findings[("pipeline-deploys-to-production-first", "prod-rehearsed")].evidence
    assert "Rehearse/Deploy (staging, by its ClusterName shop-staging)" in rehearsed and "Release/Deploy" in rehearsed
    assert "ClusterName prod" in findings[("pipeline-deploys-to-production-first", "prod-release")].evidence
    # A deploy before production that names no environment may or may not rehearse it.
    blind = findings[("pipeline-deploys-to-production-first", "prod-blind")]
    assert blind.status == "NOT_ASSESSED" and "Canary/Deploy" in blind.evidence
    # Its last deploy names nothing: the pipeline's own name says where it goes.
    assert "by the pipeline's own environment, name prod-blind" in blind.evidence
    # A pipeline whose stages, actions, targets and own name say no environment: where it deploys is unknown.
    unnamed = findings[("pipeline-deploys-to-production-first", "shop-release")]
    assert unnamed.status == "NOT_ASSESSED" and "name no environment" in unnamed.evidence
    prepared = findings[("pipeline-deploys-to-production-first", "prod-prepared")]
    assert prepared.status == "FAIL" and "Production/Deploy" in prepared.evidence
    # Pipelines created today are too young to judge how often they ship.
    assert not [key for key in findings if key[0] == "pipeline-ships-rarely"]


def test_an_account_with_pipelines_and_code_passes_naming_them(findings):
    automation = findings[("no-build-and-deploy-automation", ACCOUNT)]
    assert automation.status == "PASS"
    assert "8 CodePipeline pipeline(s)" in automation.evidence and "GitHub Actions" in automation.evidence
    as_code = findings[("production-not-deployed-as-code", ACCOUNT)]
    assert as_code.status == "PASS" and "1 of 5 production resources (20%)" in as_code.evidence


def hand_made(boto):
    for name in ("sessions", "carts"):
        boto.client("dynamodb").create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST", Tags=[{"Key": "Environment", "Value": "prod"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])


def test_an_account_built_by_hand_fails_both_account_checks():
    found = findings_of_arranged(hand_made, SERVICES, REGION)
    automation = found[("no-build-and-deploy-automation", ACCOUNT)]
    assert automation.status == "FAIL" and "2 production resource(s)" in automation.evidence
    as_code = found[("production-not-deployed-as-code", ACCOUNT)]
    assert as_code.status == "FAIL" and "2 of 2 production resources (100%)" in as_code.evidence
    assert "carts" in as_code.evidence and "sessions" in as_code.evidence


def test_failed_detail_reads_are_not_assessed_never_passed(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["GetPipeline", "GetDeploymentGroup"])
    estate = collect_account(aws, [REGION], services=DELIVERY)
    found = {(f.check_id, f.resource["name"]): f.status for f in evaluate(estate)}
    for name in ("prod-release", "prod-safe", "prod-rehearsed"):
        assert found[("pipeline-deploys-to-production-first", name)] == "NOT_ASSESSED"
        assert found[("pipeline-ships-rarely", name)] == "NOT_ASSESSED"
    for name in ("prod-release", "prod-safe"):
        assert found[("pipeline-source-not-in-version-control", name)] == "NOT_ASSESSED"
        assert found[("pipeline-deploys-without-tests", name)] == "NOT_ASSESSED"
    assert found[("codedeploy-all-at-once", "prod-all")] == found[("codedeploy-all-at-once", "prod-gradual")] == (
        "NOT_ASSESSED")


def test_a_denied_build_service_leaves_the_pipeline_test_check_not_assessed(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["ListProjects"])
    estate = collect_account(aws, [REGION], services=DELIVERY)
    assert estate.coverage_of(aws.account, REGION, "codebuild").status == "denied"
    statuses = {f.status for f in evaluate(estate) if f.check_id == "pipeline-deploys-without-tests"}
    assert statuses == {"NOT_ASSESSED"}


# -- CloudFormation: moto lacks DriftInformation and DisableRollback ----------------------------------------------
def stack(name, drift, *, disable_rollback=False, triggers=()):
    # The shape of a Stack in DescribeStacks (CloudFormation API reference).
    arn = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{name}/0a1b2c3d-1111-2222-3333-444455556666"
    info = {"StackDriftStatus": drift} | ({"LastCheckTimestamp": dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)}
                                          if drift != "NOT_CHECKED" else {})
    return {"StackId": arn, "StackName": name, "CreationTime": dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc),
            "StackStatus": "UPDATE_COMPLETE", "Description": f"{name} holds {LEAKED}", "DisableRollback":
            disable_rollback, "EnableTerminationProtection": False, "DriftInformation": info,
            "Parameters": [{"ParameterKey": "DbPassword", "ParameterValue": LEAKED}],
            "Outputs": [{"OutputKey": "Endpoint", "OutputValue": LEAKED}],
            "RollbackConfiguration": {"RollbackTriggers": [{"Arn": t, "Type": "AWS::CloudWatch::Alarm"}
                                                           for t in triggers]},
            "Tags": [{"Key": "Environment", "Value": "prod"}]}


def test_cloudformation_stacks_drift_and_rollback(aws):
    alarm = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:api-5xx"
    stacks = [stack("hand-edited", "DRIFTED", disable_rollback=True), stack("kept", "IN_SYNC", triggers=[alarm]),
              stack("never-checked", "NOT_CHECKED")]
    with Stubber(aws.client("cloudformation", REGION)) as stub:
        stub.add_response("describe_stacks", {"Stacks": stacks})
        estate = collect_account(aws, [REGION], services=["cloudformation"])
        stub.assert_no_pending_responses()
    assert estate.coverage_of(aws.account, REGION, "cloudformation").status == "assessed"
    kept = next(r for r in estate.of_type(CLOUDFORMATION_STACK) if r.name == "kept")
    assert kept.tags == {"Environment": "prod"} and kept.config["Parameters"][0]["ParameterKey"] == "DbPassword"
    assert LEAKED not in json.dumps([r.to_dict() for r in estate], default=str)
    found = {(f.check_id, f.resource["name"]): f for f in evaluate(estate) if f.check_id in STACK_CHECKS}
    assert found[("cloudformation-stack-drifted", "hand-edited")].status == "FAIL"
    assert found[("cloudformation-stack-drifted", "kept")].status == "PASS"
    assert "2026-11-01" in found[("cloudformation-stack-drifted", "kept")].evidence
    assert found[("cloudformation-stack-drifted", "never-checked")].status == "NOT_ASSESSED"
    assert found[("cloudformation-rollback-disabled", "hand-edited")].status == "FAIL"
    assert found[("cloudformation-rollback-disabled", "kept")].status == "PASS"
    assert "1 alarm(s)" in found[("cloudformation-rollback-disabled", "kept")].evidence


def test_cloudformation_denied_is_a_gap(aws):
    with Stubber(aws.client("cloudformation", REGION)) as stub:
        stub.add_client_error("describe_stacks", service_error_code="AccessDenied", http_status_code=403)
        estate = collect_account(aws, [REGION], services=["cloudformation"])
    assert estate.coverage_of(aws.account, REGION, "cloudformation").status == "denied"


# -- How often production changes: moto's executions cannot be dated, so ListPipelineExecutions is stubbed ------
def summary(status, days_ago, **extra):
    """An execution summary in the shape of ListPipelineExecutions (CodePipeline API reference), with the free text
    (status summary, commit message) the collector must drop."""
    started = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days_ago, hours=1)
    return {"pipelineExecutionId": f"{status}-{days_ago}", "status": status, "statusSummary": LEAKED,
            "startTime": started, "lastUpdateTime": started + dt.timedelta(minutes=12),
            "sourceRevisions": [{"actionName": "Source", "revisionId": "abc123", "revisionSummary": LEAKED}],
            "trigger": {"triggerType": "Webhook", "triggerDetail": LEAKED}, **extra}


def described(name):
    """GetPipeline's answer (CodePipeline API reference): source, then one deploy to the production cluster."""
    created = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    return {"pipeline": {"name": name, "roleArn": f"arn:aws:iam::{ACCOUNT}:role/deployer", "version": 3,
                         "artifactStore": {"type": "S3", "location": "artifacts"}, "stages": [
                             {"name": "Source", "actions": [action("Source", "Source", "S3", S3Bucket="artifacts")]},
                             {"name": "Deploy", "actions": [action("Deploy", "Deploy", "ECS", ClusterName="prod")]}]},
            "metadata": {"pipelineArn": f"arn:aws:codepipeline:{REGION}:{ACCOUNT}:{name}", "created": created,
                         "updated": created}}


HISTORIES = {  # pipeline -> its executions, newest first
    # One release in 90 days, and 14 of its last 20 runs failed.
    "prod-rare": [summary("Failed", d) for d in range(1, 15)] + [summary("Succeeded", 40)]
    + [summary("Stopped", d) for d in range(41, 46)],
    "prod-steady": [summary("Succeeded", d) for d in range(2, 90, 7)],  # weekly
    # Monthly until two months ago, then nothing: five releases in the window, none in the last 30 days.
    "prod-quiet": [summary("Succeeded", d) for d in (35, 45, 55, 65, 80)],
    # A rollback is no release.
    "prod-rolled-back": [summary("Succeeded", 3, executionType="ROLLBACK")]
    + [summary("Succeeded", d) for d in (50, 70)],
}


def test_release_frequency_from_stubbed_executions(aws):
    client = aws.client("codepipeline", REGION)
    names = [*HISTORIES, "prod-hidden"]
    with Stubber(client) as stub:
        listed = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
        stub.add_response("list_pipelines", {"pipelines": [{"name": n, "version": 3, "created": listed,
                                                            "updated": listed} for n in names]})
        for name in names:
            stub.add_response("get_pipeline", described(name), {"name": name})
            if name in HISTORIES:
                stub.add_response("list_pipeline_executions",
                                  {"pipelineExecutionSummaries": HISTORIES[name]}, {"pipelineName": name,
                                                                                    "maxResults": 100})
            else:
                stub.add_client_error("list_pipeline_executions", service_error_code="AccessDeniedException",
                                      http_status_code=400)
        estate = collect_account(aws, [REGION], services=["codepipeline"])
        stub.assert_no_pending_responses()
    assert estate.coverage_of(aws.account, REGION, "codepipeline").status == "assessed"
    assert LEAKED not in json.dumps([r.to_dict() for r in estate], default=str)
    found = {f.resource["name"]: f for f in evaluate(estate) if f.check_id == "pipeline-ships-rarely"}
    rare = found["prod-rare"]
    assert rare.status == "FAIL" and rare.risk == "LOW"
    assert "1 successful release in the last 90 days" in rare.evidence
    assert "14 of its last 20 finished executions failed" in rare.evidence
    assert found["prod-steady"].status == "PASS" and "13 successful releases" in found["prod-steady"].evidence
    assert found["prod-quiet"].status == "FAIL" and "no successful release in the last 30 days" in (
        found["prod-quiet"].evidence)
    assert found["prod-rolled-back"].status == "FAIL" and "2 successful releases" in found["prod-rolled-back"].evidence
    assert found["prod-hidden"].status == "NOT_ASSESSED" and "ListPipelineExecutions" in found["prod-hidden"].evidence
