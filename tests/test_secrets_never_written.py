"""No secret value is ever written: a marker planted through moto in every field that can carry one reaches no
output file, no terminal line and no log line of `wafr scan`; and each rule of the redaction allowlist
(src/wafr/data/redaction.yaml) does what it says.

Each field gets its own marker, so a leak names the field. Before asserting a marker is absent from the outputs,
the test asserts it is present in what AWS (moto) returns, so the test can fail.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import logging
import uuid
import zipfile
from pathlib import Path

import boto3
import pytest
from typer.testing import CliRunner

from wafr.sources.aws.redact import REDACTED, Allowlist, allowlists, redact
from wafr.sources.aws.registry import all_collectors

REGION = "us-east-1"
ACCOUNT = "123456789012"
BASE = f"WAFR-MARKER-{uuid.uuid4().hex}"
runner = CliRunner()


def marker(field: str) -> str:
    return f"{BASE}-{field}"


def b64(field: str) -> str:
    return base64.b64encode(marker(field).encode()).decode()


# Fields of configurations wafr collects: their values must be dropped.
ECS_FIELDS = (
    "ecs.environment.value", "ecs.environment.secret-named", "ecs.secrets.valueFrom", "ecs.repositoryCredentials",
    "ecs.environmentFiles.value", "ecs.command", "ecs.entryPoint", "ecs.dockerLabels", "ecs.healthCheck.command",
    "ecs.linuxParameters.tmpfs.mountOptions", "ecs.linuxParameters.devices.hostPath",
    "ecs.logConfiguration.options", "ecs.logConfiguration.secretOptions", "ecs.firelensConfiguration.options",
    "ecs.systemControls.value", "ecs.extraHosts.hostname", "ecs.hostname", "ecs.workingDirectory",
    "ecs.dnsSearchDomains", "ecs.mountPoints.containerPath", "ecs.credentialSpecs",
    "ecs.volumes.driverOpts", "ecs.volumes.labels", "ecs.volumes.host.sourcePath", "ecs.volumes.efs.rootDirectory",
    "ecs.proxyConfiguration.properties", "ecs.placementConstraints.expression",
)
PIPELINE_FIELDS = (
    "pipeline.github.OAuthToken", "pipeline.codebuild.EnvironmentVariables", "pipeline.s3.ObjectKey",
    "pipeline.variables.defaultValue", "pipeline.variables.description",
)
LAMBDA_FIELDS = (
    "lambda.environment.plain", "lambda.environment.secret-named", "lambda.description",
    "lambda.image.command", "lambda.image.entryPoint", "lambda.image.workingDirectory",
)
# Values wafr does not collect at all (the guard refuses their reads); planted to show they stay out too.
UNCOLLECTED_FIELDS = (
    "ec2.instance.userData", "ec2.launchTemplate.userData", "ssm.parameter.value", "ssm.document.content",
    "secretsmanager.secretString", "dynamodb.item",
)
FIELDS = ECS_FIELDS + PIPELINE_FIELDS + LAMBDA_FIELDS + UNCOLLECTED_FIELDS
BASE64_FIELDS = ("ec2.instance.userData", "ec2.launchTemplate.userData")  # AWS returns user data base64-encoded


def _role(iam, name: str, service: str) -> str:
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]


def _plant_ecs(session: boto3.Session) -> str:
    ecs = session.client("ecs")
    role = f"arn:aws:iam::{ACCOUNT}:role/task-execution"
    ecs.create_cluster(clusterName="prod")
    definition = ecs.register_task_definition(
        family="orders", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="512", memory="1024",
        executionRoleArn=role, runtimePlatform={"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
        volumes=[
            {"name": "data", "dockerVolumeConfiguration": {
                "scope": "shared", "autoprovision": True, "driver": "local",
                "driverOpts": {"password": marker("ecs.volumes.driverOpts")},
                "labels": {"owner": marker("ecs.volumes.labels")}}},
            {"name": "host", "host": {"sourcePath": marker("ecs.volumes.host.sourcePath")}},
            {"name": "efs", "efsVolumeConfiguration": {"fileSystemId": "fs-12345678",
                                                       "rootDirectory": marker("ecs.volumes.efs.rootDirectory")}},
        ],
        proxyConfiguration={"type": "APPMESH", "containerName": "envoy",
                            "properties": [{"name": "IgnoredUID",
                                            "value": marker("ecs.proxyConfiguration.properties")}]},
        placementConstraints=[{"type": "memberOf", "expression": marker("ecs.placementConstraints.expression")}],
        containerDefinitions=[{
            "name": "app", "image": "public.ecr.aws/nginx/nginx:1.27", "cpu": 256, "memory": 512, "essential": True,
            "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
            "environment": [{"name": "GREETING", "value": marker("ecs.environment.value")},
                            {"name": "DB_PASSWORD", "value": marker("ecs.environment.secret-named")}],
            "secrets": [{"name": "API_KEY", "valueFrom": marker("ecs.secrets.valueFrom")}],
            "repositoryCredentials": {"credentialsParameter": marker("ecs.repositoryCredentials")},
            "environmentFiles": [{"type": "s3", "value": marker("ecs.environmentFiles.value")}],
            "command": ["serve", marker("ecs.command")], "entryPoint": [marker("ecs.entryPoint")],
            "dockerLabels": {"token": marker("ecs.dockerLabels")},
            "healthCheck": {"command": ["CMD-SHELL", marker("ecs.healthCheck.command")], "interval": 30},
            "linuxParameters": {
                "tmpfs": [{"containerPath": "/scratch", "size": 64,
                           "mountOptions": [marker("ecs.linuxParameters.tmpfs.mountOptions")]}],
                "devices": [{"hostPath": marker("ecs.linuxParameters.devices.hostPath")}]},
            "logConfiguration": {
                "logDriver": "splunk", "options": {"splunk-token": marker("ecs.logConfiguration.options")},
                "secretOptions": [{"name": "splunk-url", "valueFrom": marker("ecs.logConfiguration.secretOptions")}]},
            "firelensConfiguration": {"type": "fluentbit",
                                      "options": {"config-file-value": marker("ecs.firelensConfiguration.options")}},
            "systemControls": [{"namespace": "net.core.somaxconn", "value": marker("ecs.systemControls.value")}],
            "extraHosts": [{"hostname": marker("ecs.extraHosts.hostname"), "ipAddress": "10.0.0.1"}],
            "hostname": marker("ecs.hostname"), "workingDirectory": marker("ecs.workingDirectory"),
            "dnsSearchDomains": [marker("ecs.dnsSearchDomains")],
            "mountPoints": [{"sourceVolume": "data", "containerPath": marker("ecs.mountPoints.containerPath")}],
            "credentialSpecs": [marker("ecs.credentialSpecs")],
        }],
    )["taskDefinition"]
    return json.dumps(ecs.describe_task_definition(taskDefinition=definition["taskDefinitionArn"]), default=str)


def _plant_pipeline(session: boto3.Session) -> str:
    role = _role(session.client("iam"), "pipeline", "codepipeline.amazonaws.com")
    build_variables = json.dumps([{"name": "DEPLOY_KEY", "type": "PLAINTEXT",
                                   "value": marker("pipeline.codebuild.EnvironmentVariables")}])
    pipeline = session.client("codepipeline")
    pipeline.create_pipeline(pipeline={
        "name": "orders-release", "roleArn": role, "artifactStore": {"type": "S3", "location": "orders-artifacts"},
        "variables": [{"name": "release", "defaultValue": marker("pipeline.variables.defaultValue"),
                       "description": marker("pipeline.variables.description")}],
        "stages": [
            {"name": "Source", "actions": [
                {"name": "github", "runOrder": 1, "outputArtifacts": [{"name": "code"}],
                 "actionTypeId": {"category": "Source", "owner": "ThirdParty", "provider": "GitHub", "version": "1"},
                 "configuration": {"Owner": "acme", "Repo": "orders", "Branch": "main",
                                   "OAuthToken": marker("pipeline.github.OAuthToken")}},
                {"name": "config", "runOrder": 1, "outputArtifacts": [{"name": "config"}],
                 "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
                 "configuration": {"S3Bucket": "orders-config", "S3ObjectKey": marker("pipeline.s3.ObjectKey")}}]},
            {"name": "Build", "actions": [
                {"name": "build", "inputArtifacts": [{"name": "code"}],
                 "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"},
                 "configuration": {"ProjectName": "orders", "EnvironmentVariables": build_variables}}]},
        ]})
    return json.dumps(pipeline.get_pipeline(name="orders-release"), default=str)


def _plant_lambda(session: boto3.Session) -> str:
    role = _role(session.client("iam"), "function", "lambda.amazonaws.com")
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return event\n")
    functions = session.client("lambda")
    functions.create_function(
        FunctionName="orders-api", Runtime="python3.8", Role=role, Handler="handler.handle",
        Code={"ZipFile": code.getvalue()}, Description=marker("lambda.description"),
        Environment={"Variables": {"GREETING": marker("lambda.environment.plain"),
                                   "DB_PASSWORD": marker("lambda.environment.secret-named")}})
    functions.create_function(
        FunctionName="orders-worker", Role=role, PackageType="Image",
        Code={"ImageUri": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/orders:1"},
        ImageConfig={"Command": [marker("lambda.image.command")], "EntryPoint": [marker("lambda.image.entryPoint")],
                     "WorkingDirectory": marker("lambda.image.workingDirectory")})
    return json.dumps(functions.list_functions(), default=str)


def _plant_uncollected(session: boto3.Session) -> str:
    """Values behind reads wafr never makes: user data, parameters, documents' content, secrets, items."""
    ec2 = session.client("ec2")
    image = ec2.describe_images()["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1,
                                 UserData=marker("ec2.instance.userData"))["Instances"][0]["InstanceId"]
    ec2.create_launch_template(LaunchTemplateName="orders", LaunchTemplateData={
        "ImageId": image, "UserData": b64("ec2.launchTemplate.userData")})
    ssm = session.client("ssm")
    ssm.put_parameter(Name="/orders/db-password", Type="SecureString", Value=marker("ssm.parameter.value"))
    ssm.create_document(Name="orders-restart", DocumentType="Command", Content=json.dumps({
        "schemaVersion": "2.2", "description": "restart",
        "mainSteps": [{"action": "aws:runShellScript", "name": "restart",
                       "inputs": {"runCommand": [f"echo {marker('ssm.document.content')}"]}}]}))
    secrets = session.client("secretsmanager")
    secrets.create_secret(Name="orders/db", SecretString=marker("secretsmanager.secretString"))
    dynamodb = session.client("dynamodb")
    dynamodb.create_table(TableName="orders", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                          BillingMode="PAY_PER_REQUEST")
    dynamodb.put_item(TableName="orders", Item={"id": {"S": marker("dynamodb.item")}})
    raw = [
        ec2.describe_instance_attribute(InstanceId=instance, Attribute="userData"),
        ec2.describe_launch_template_versions(LaunchTemplateName="orders"),
        ssm.get_parameter(Name="/orders/db-password", WithDecryption=True),
        ssm.get_document(Name="orders-restart"),
        secrets.get_secret_value(SecretId="orders/db"),
        dynamodb.scan(TableName="orders"),
    ]
    user_data = (raw[0]["UserData"]["Value"], raw[1]["LaunchTemplateVersions"][0]["LaunchTemplateData"]["UserData"])
    return json.dumps(raw, default=str) + "".join(base64.b64decode(value).decode() for value in user_data)


class _Records(logging.Handler):
    """Every log record of the run, at every level."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.name, record.levelno, record.getMessage()))


LOGGERS = ("", "botocore", "boto3", "urllib3", "s3transfer")  # the root logger and the AWS libraries


def _logger_settings() -> dict[str, tuple[int, int]]:
    return {name: (logging.getLogger(name).level, len(logging.getLogger(name).handlers)) for name in LOGGERS}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    """The markers planted through moto, then `wafr scan` run in-process with every log record captured."""
    from moto import mock_aws

    from wafr.cli import app

    output, state = tmp_path_factory.mktemp("review"), tmp_path_factory.mktemp("state")
    records, root = _Records(), logging.getLogger()
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        raw = {"ecs": _plant_ecs(session), "pipeline": _plant_pipeline(session), "lambda": _plant_lambda(session),
               "uncollected": _plant_uncollected(session)}
        before, level = _logger_settings(), root.level
        root.addHandler(records)
        root.setLevel(logging.DEBUG)  # botocore logs response bodies at DEBUG: wafr must never pass them on
        try:
            result = runner.invoke(app, ["scan", "--regions", REGION, "-o", str(output),
                                         "--history", str(state / "history.sqlite")], catch_exceptions=False)
        finally:
            root.removeHandler(records)
            root.setLevel(level)
        after = _logger_settings()
    return {"raw": raw, "result": result, "output": output, "state": state, "records": records.lines,
            "loggers": (before, after)}


def _raw_of(field: str, raw: dict[str, str]) -> str:
    return raw["uncollected" if field in UNCOLLECTED_FIELDS else field.split(".", 1)[0]]


@pytest.mark.parametrize("field", FIELDS)
def test_the_planted_value_is_in_what_aws_returns(scanned, field):
    assert marker(field) in _raw_of(field, scanned["raw"]), f"moto does not return {field}: the test proves nothing"


def _file_texts(output: Path) -> dict[str, str]:
    """Every output file as text: gzip decompressed, zip archives (office formats) member by member."""
    texts = {}
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        if zipfile.is_zipfile(io.BytesIO(data)):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                data = b"".join(archive.read(name) for name in archive.namelist())
        texts[str(path.relative_to(output))] = data.decode("utf-8", errors="replace")
    return texts


def _leaks(text: str) -> list[str]:
    """The planted fields whose value (or, for user data, its base64 form) is in the text."""
    return [f for f in FIELDS if marker(f) in text or (f in BASE64_FIELDS and b64(f) in text)]


def test_the_scan_writes_its_outputs_and_collects_the_planted_resources(scanned):
    result = scanned["result"]
    assert result.exit_code == 0, result.output
    files = _file_texts(scanned["output"])
    assert {"findings.json", "estate.json.gz", "report.html", "report.md"} <= set(files)
    estate = json.loads(files["estate.json.gz"])
    resources = {r["type"]: r for r in estate["resources"]}
    # Collected, with keys and shape kept: the markers are missing because their values were dropped.
    definition = resources["AWS::ECS::TaskDefinition"]["config"]
    assert definition["volumes"][0]["dockerVolumeConfiguration"]["driverOpts"] == {"password": REDACTED}
    assert definition["proxyConfiguration"]["properties"] == [{"name": "IgnoredUID", "value": REDACTED}]
    container = definition["containerDefinitions"][0]
    assert container["linuxParameters"]["tmpfs"][0] == {"containerPath": REDACTED, "size": 64,
                                                        "mountOptions": [REDACTED]}
    assert container["image"] == "public.ecr.aws/nginx/nginx:1.27"
    assert container["portMappings"] == [{"containerPort": 8080, "protocol": "tcp"}]
    assert (definition["cpu"], definition["memory"], definition["runtimePlatform"]["cpuArchitecture"]) == (
        "512", "1024", "ARM64")
    pipeline = resources["AWS::CodePipeline::Pipeline"]["config"]
    build = pipeline["stages"][1]["actions"][0]
    # The build project's name is kept (a pipeline is matched to its CodeBuild project); its variables are not.
    assert build["configuration"] == {"ProjectName": "orders", "EnvironmentVariables": REDACTED}
    assert build["actionTypeId"]["provider"] == "CodeBuild"
    assert any(r["type"] == "AWS::Lambda::Function" for r in estate["resources"])


def test_no_output_file_holds_a_planted_value(scanned):
    files = {**_file_texts(scanned["output"]), **_file_texts(scanned["state"])}  # the review and the history store
    assert "history.sqlite" in files
    leaks = {name: _leaks(text) for name, text in files.items()}
    assert not {name: fields for name, fields in leaks.items() if fields}


def test_no_terminal_line_holds_a_planted_value(scanned):
    result = scanned["result"]
    assert not _leaks(result.stdout) and not _leaks(result.stderr)


def test_no_log_line_holds_a_planted_value(scanned):
    records = scanned["records"]
    # botocore's debug records print response bodies: the capture sees the values, so it could see a leak.
    assert [name for name, level, message in records if name.startswith("botocore") and _leaks(message)]
    ours = [(name, message) for name, _, message in records if name == "wafr" or name.startswith("wafr.")]
    assert not [line for line in ours if _leaks(line[1])]
    # What a user sees without asking for debug output: nothing above DEBUG, from any library, carries a value.
    assert not [(name, level) for name, level, message in records if level > logging.DEBUG and _leaks(message)]
    before, after = scanned["loggers"]
    assert before == after, "the scan changed the logging set-up (botocore's debug output prints response bodies)"


def test_the_checks_keep_their_evidence_without_the_values(scanned):
    findings = json.loads((scanned["output"] / "findings.json").read_text(encoding="utf-8"))["findings"]
    plaintext = {f["resource"]["name"]: f for f in findings if f["check_id"] == "plaintext-secret-in-environment"}
    assert plaintext["orders-api"]["status"] == "FAIL" and "DB_PASSWORD" in plaintext["orders-api"]["evidence"]
    assert plaintext["orders:1"]["status"] == "FAIL" and "DB_PASSWORD" in plaintext["orders:1"]["evidence"]
    runtime = {f["resource"]["name"]: f for f in findings if f["check_id"] == "lambda-deprecated-runtime"}
    assert runtime["orders-api"]["status"] == "FAIL" and "python3.8" in runtime["orders-api"]["evidence"]


# -- the rules, one by one --------------------------------------------------------------------------------------------

def test_an_unlisted_string_is_dropped_with_its_key_and_the_shape_kept():
    rules = Allowlist.of({"keep": ["name"]})
    config = {"name": "api", "options": {"token": "s3cr3t"}, "args": ["a", "b"], "count": 3, "on": True,
              "nested": [{"deep": {"value": "x"}}], "never": None}
    assert rules.apply(config) == {"name": "api", "options": {"token": REDACTED}, "args": [REDACTED, REDACTED],
                                   "count": 3, "on": True, "nested": [{"deep": {"value": REDACTED}}], "never": None}


def test_a_kept_path_keeps_everything_under_it():
    rules = Allowlist.of({"keep": ["items[].ports"]})
    config = {"items": [{"ports": [{"containerPort": 80, "protocol": "tcp"}], "label": "x"}]}
    assert rules.apply(config) == {"items": [{"ports": [{"containerPort": 80, "protocol": "tcp"}], "label": REDACTED}]}


def test_a_star_matches_any_key_but_not_list_items():
    rules = Allowlist.of({"keep": ["stores.*.location"]})
    config = {"stores": {"us-east-1": {"location": "b1", "key": "k"}, "eu-west-1": {"location": "b2"}},
              "list": ["v"]}
    assert rules.apply(config) == {"stores": {"us-east-1": {"location": "b1", "key": REDACTED},
                                              "eu-west-1": {"location": "b2"}}, "list": [REDACTED]}


def test_the_arn_rule_keeps_a_reference_and_drops_anything_else():
    rules = Allowlist.of({"arn": ["secrets[].valueFrom"], "keep": ["secrets[].name"]})
    reference = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
    config = {"secrets": [{"name": "DB", "valueFrom": reference}, {"name": "KEY", "valueFrom": "hunter2"},
                          {"name": "URL", "valueFrom": "arn:aws:ssm::123:parameter/x extra words"}]}
    assert [s["valueFrom"] for s in rules.apply(config)["secrets"]] == [reference, REDACTED, REDACTED]


def test_the_variables_rule_keeps_names_and_the_secret_hint_of_a_map_and_of_a_list():
    rules = Allowlist.of({"variables": ["env", "list"], "keep": ["env[].name", "list[].name"]})
    config = {"env": {"DB_PASSWORD": "pa55", "STAGE": "prod"},
              "list": [{"name": "DATABASE_URL", "value": "postgres://app:pa55@db:5432/app"}]}
    assert rules.apply(config) == {
        "env": [{"name": "DB_PASSWORD", "valueRedacted": True, "_looksSecret": True},
                {"name": "STAGE", "valueRedacted": True, "_looksSecret": False}],
        "list": [{"name": "DATABASE_URL", "valueRedacted": True, "_looksSecret": True}]}


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="unknown rule 'maybe'"):
        Allowlist.of({"maybe": ["name"]})


def test_every_allowlist_belongs_to_a_collected_resource_type():
    collected = {t for c in all_collectors().values() for t in c.resource_types}
    assert set(allowlists()) <= collected


def test_a_task_definition_keeps_what_the_checks_and_analyses_read():
    """Shaped as DescribeTaskDefinition documents it."""
    definition = {
        "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3", "family": "web",
        "revision": 3, "cpu": "256", "memory": "512", "requiresCompatibilities": ["FARGATE"],
        "runtimePlatform": {"cpuArchitecture": "ARM64"}, "networkMode": "awsvpc",
        "containerDefinitions": [{"name": "web", "image": "nginx", "environment": [{"name": "A", "value": "b"}],
                                  "logConfiguration": {"logDriver": "awslogs",
                                                       "options": {"awslogs-group": "/ecs/web", "tag": "x"}}}],
        "somethingAwsAddsLater": "free text",
    }
    clean = redact("AWS::ECS::TaskDefinition", definition)
    for key in ("taskDefinitionArn", "family", "revision", "cpu", "memory", "requiresCompatibilities",
                "runtimePlatform", "networkMode"):
        assert clean[key] == definition[key], key
    container = clean["containerDefinitions"][0]
    assert container["environment"] == [{"name": "A", "valueRedacted": True, "_looksSecret": False}]
    assert container["logConfiguration"] == {"logDriver": "awslogs",
                                             "options": {"awslogs-group": "/ecs/web", "tag": REDACTED}}
    assert clean["somethingAwsAddsLater"] == REDACTED


def test_a_function_keeps_its_runtime_and_placement_and_drops_its_arguments():
    function = {"FunctionName": "f", "Runtime": "python3.12", "Description": "uses key k",
                "VpcConfig": {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"], "VpcId": "vpc-1"},
                "Environment": {"Variables": {"TOKEN": "t"}, "Error": {"ErrorCode": "KMSAccessDenied",
                                                                        "Message": "value t could not be read"}},
                "ImageConfigResponse": {"ImageConfig": {"Command": ["--password", "p"], "WorkingDirectory": "/app"}}}
    clean = redact("AWS::Lambda::Function", function)
    assert clean["Runtime"] == "python3.12" and clean["VpcConfig"] == function["VpcConfig"]
    assert clean["Description"] == REDACTED
    assert clean["Environment"] == {"Variables": [{"name": "TOKEN", "valueRedacted": True, "_looksSecret": True}],
                                    "Error": {"ErrorCode": "KMSAccessDenied", "Message": REDACTED}}
    assert clean["ImageConfigResponse"]["ImageConfig"] == {"Command": [REDACTED, REDACTED],
                                                           "WorkingDirectory": REDACTED}


def test_a_pipeline_action_keeps_its_configuration_keys_only():
    pipeline = {"name": "p", "stages": [{"name": "Deploy", "actions": [{
        "name": "deploy", "actionTypeId": {"category": "Deploy", "owner": "AWS", "provider": "ECS", "version": "1"},
        "configuration": {"ClusterName": "prod", "ServiceName": "api"},
        "environmentVariables": [{"name": "TOKEN", "value": "t", "type": "PLAINTEXT"}],
        "commands": ["deploy --token t"]}]}], "metadata": {"pipelineArn": "arn:aws:codepipeline:us-east-1:1:p"}}
    action = redact("AWS::CodePipeline::Pipeline", pipeline)["stages"][0]["actions"][0]
    assert action["actionTypeId"] == pipeline["stages"][0]["actions"][0]["actionTypeId"]
    assert action["configuration"] == {"ClusterName": REDACTED, "ServiceName": REDACTED}
    assert action["environmentVariables"] == [{"name": "TOKEN", "value": REDACTED, "type": "PLAINTEXT"}]
    assert action["commands"] == [REDACTED]


def test_a_deployment_group_keeps_its_rollback_and_drops_an_inline_revision():
    """moto does not record a group's target revision, so the group is shaped as GetDeploymentGroup documents it."""
    group = {"applicationName": "web", "deploymentGroupName": "prod",
             "autoRollbackConfiguration": {"enabled": True, "events": ["DEPLOYMENT_FAILURE"]},
             "targetRevision": {"revisionType": "AppSpecContent",
                                "appSpecContent": {"content": "hooks: {password: p}", "sha256": "abc"}},
             "_errors": {"GetDeploymentGroup": "AccessDeniedException"}}
    clean = redact("AWS::CodeDeploy::DeploymentGroup", group)
    assert clean["autoRollbackConfiguration"] == group["autoRollbackConfiguration"]
    assert clean["_errors"] == group["_errors"]
    assert clean["targetRevision"] == {"revisionType": "AppSpecContent",
                                       "appSpecContent": {"content": REDACTED, "sha256": "abc"}}
