"""ECS, Application Auto Scaling and Lambda: what the collectors keep (and never keep), and the workload checks."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from world import mocked_world
from botocore.stub import Stubber

from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.redact import looks_secret
from wafr.sources.aws.policy import iam_action
from wafr.sources.aws.registry import all_collectors
from wafr.sources.aws.session import open_session

from aws_shapes import function_settings_never_set

REGION = "us-east-1"
SECRET_VALUE = "hunter2-super-secret"


def network(boto, zones=("us-east-1a", "us-east-1b")):
    """A VPC with one subnet per zone and a security group (moto's awsvpc services need real SGs)."""
    ec2 = boto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = {zone: ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=zone)
               ["Subnet"]["SubnetId"] for i, zone in enumerate(zones)}
    group = ec2.create_security_group(GroupName="svc", Description="service", VpcId=vpc)["GroupId"]
    return subnets, group


def task_definition(boto, family="web", environment=()):
    ecs = boto.client("ecs")
    return ecs.register_task_definition(
        family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[{
            "name": "app", "image": "nginx", "memory": 512, "command": ["serve", f"--db-password={SECRET_VALUE}"],
            "environment": [{"name": n, "value": v} for n, v in environment],
            "secrets": [{"name": "API_TOKEN", "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:t"}],
            "dockerLabels": {"auth": SECRET_VALUE},
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web",
                                                                      "splunk-token": SECRET_VALUE}},
        }],
    )["taskDefinition"]["taskDefinitionArn"]


def service(boto, cluster, name, subnets, group, *, public="DISABLED", desired=2, rebalancing="ENABLED",
            environment="prod", taskdef="web"):
    """An awsvpc Fargate service; moto's create_service drops availabilityZoneRebalancing, so update_service sets it."""
    ecs = boto.client("ecs")
    arn = ecs.create_service(
        cluster=cluster, serviceName=name, taskDefinition=taskdef, desiredCount=desired, launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": list(subnets), "securityGroups": [group],
                                                      "assignPublicIp": public}},
        tags=[{"key": "Environment", "value": environment}],
    )["service"]["serviceArn"]
    if rebalancing:
        ecs.update_service(cluster=cluster, service=name, availabilityZoneRebalancing=rebalancing)
    return arn


@pytest.fixture(scope="module")
def world():
    yield from mocked_world(arrange)


def arrange(boto):
    """A prod cluster with a well-built service and a badly-built one, a dev cluster, and three functions."""
    subnets, group = network(boto)
    ecs = boto.client("ecs")
    ecs.create_cluster(clusterName="prod", tags=[{"key": "Environment", "value": "prod"}])
    ecs.create_cluster(clusterName="dev", tags=[{"key": "Environment", "value": "dev"}])
    task_definition(boto, environment=[("DB_PASSWORD", SECRET_VALUE), ("LOG_LEVEL", "info"),
                                       ("DB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db")])
    task_definition(boto, family="worker", environment=[("QUEUE", "jobs")])
    good = service(boto, "prod", "api", subnets.values(), group)
    bad = service(boto, "prod", "paymaster", [subnets["us-east-1a"]], group, public="ENABLED", desired=1,
                  rebalancing=None)
    dev = service(boto, "dev", "api", subnets.values(), group, environment="dev", taskdef="worker")
    scaling = boto.client("application-autoscaling")
    scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId="service/prod/api",
                                     ScalableDimension="ecs:service:DesiredCount", MinCapacity=2, MaxCapacity=6)
    scaling.put_scaling_policy(
        PolicyName="cpu60", ServiceNamespace="ecs", ResourceId="service/prod/api",
        ScalableDimension="ecs:service:DesiredCount", PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={"TargetValue": 60.0, "PredefinedMetricSpecification": {
            "PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})
    scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId="service/dev/api",
                                     ScalableDimension="ecs:service:DesiredCount", MinCapacity=1, MaxCapacity=1)
    functions(boto, subnets, group)
    return {"good": good, "bad": bad, "dev": dev}


def functions(boto, subnets, group):
    role = boto.client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return event\n")
    lam = boto.client("lambda")
    for name, runtime, variables in (
        ("prod-legacy", "python3.7", {"STRIPE_API_KEY": SECRET_VALUE, "STAGE": "prod"}),
        ("prod-current", "python3.12", {"TABLE_NAME": "orders"}),
        ("prod-soon", "python3.10", {}),
    ):
        lam.create_function(FunctionName=name, Runtime=runtime, Role=role, Handler="handler.handle",
                            Code={"ZipFile": code.getvalue()}, Environment={"Variables": variables},
                            VpcConfig={"SubnetIds": list(subnets.values()), "SecurityGroupIds": [group]},
                            Tags={"Environment": "prod"})


def findings_of(estate, check_id):
    return {f.resource["id"]: f for f in evaluate(estate) if f.check_id == check_id}


# -- collectors ------------------------------------------------------------------------------------------------------

def test_ecs_collector_yields_clusters_services_and_task_definitions(world):
    estate = world.collected("ecs")
    assert estate.coverage_of(world.aws.account, REGION, "ecs").status == "assessed"
    clusters = {c.name: c for c in estate.of_type("AWS::ECS::Cluster")}
    assert set(clusters) == {"prod", "dev"} and clusters["prod"].tags == {"Environment": "prod"}
    api = estate.get(world.parts["good"])
    assert api.type == "AWS::ECS::Service" and api.name == "api"
    assert api.link("cluster") == [clusters["prod"].arn]
    assert len(api.link("subnets")) == 2 and len(api.link("security_groups")) == 1
    assert api.config["availabilityZoneRebalancing"] == "ENABLED" and api.tags == {"Environment": "prod"}
    definitions = {d.name for d in estate.of_type("AWS::ECS::TaskDefinition")}
    assert definitions == {"web:1", "worker:1"}


def test_ecs_collector_never_stores_a_plaintext_value(world):
    estate = world.collected("ecs", "lambda")
    dumped = json.dumps([r.to_dict() for r in estate])
    assert SECRET_VALUE not in dumped
    web = next(d for d in estate.of_type("AWS::ECS::TaskDefinition") if d.name == "web:1")
    container = web.config["containerDefinitions"][0]
    by_name = {v["name"]: v for v in container["environment"]}
    assert by_name["DB_PASSWORD"] == {"name": "DB_PASSWORD", "valueRedacted": True, "_looksSecret": True}
    assert by_name["LOG_LEVEL"]["_looksSecret"] is False and by_name["DB_SECRET_ARN"]["_looksSecret"] is False
    assert container["secrets"][0]["valueFrom"].startswith("arn:aws:secretsmanager")  # references are kept
    assert container["logConfiguration"]["options"]["awslogs-group"] == "/ecs/web"
    assert SECRET_VALUE not in json.dumps([f.to_dict() for f in evaluate(estate)])


def test_secret_hint_reads_names_and_value_shapes():
    assert looks_secret("DB_PASSWORD", "x1")
    assert looks_secret("DATABASE_URL", "postgres://app:pa55@db.internal:5432/app")
    assert looks_secret("WHATEVER", "-----BEGIN RSA PRIVATE KEY-----\nMIIE")
    assert looks_secret("AWS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    assert not looks_secret("DB_PASSWORD_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:1:secret:x")
    assert not looks_secret("GIT_SHA", "0123456789abcdef0123456789abcdef01234567")
    assert not looks_secret("API_TOKEN", "")
    assert not looks_secret("LOG_LEVEL", "debug")


def test_application_autoscaling_collector_yields_targets_and_policies(world):
    estate = world.collected("application-autoscaling")
    assert estate.coverage_of(world.aws.account, REGION, "application-autoscaling").status == "assessed"
    target = estate.get("service/prod/api|ecs:service:DesiredCount")
    assert target.type == "AWS::ApplicationAutoScaling::ScalableTarget" and target.name == "service/prod/api"
    assert (target.config["MinCapacity"], target.config["MaxCapacity"]) == (2, 6)
    policies = estate.of_type("AWS::ApplicationAutoScaling::ScalingPolicy")
    assert [p.name for p in policies] == ["cpu60"] and policies[0].config["ResourceId"] == "service/prod/api"


def test_lambda_collector_keeps_names_placement_and_tags_only(world):
    estate = world.collected("lambda")
    legacy = estate.get("prod-legacy", type="AWS::Lambda::Function")
    assert legacy.config["Runtime"] == "python3.7" and legacy.tags == {"Environment": "prod"}
    assert len(legacy.link("subnets")) == 2 and legacy.link("vpc") and legacy.link("security_groups")
    variables = {v["name"]: v for v in legacy.config["Environment"]["Variables"]}
    assert variables["STRIPE_API_KEY"] == {"name": "STRIPE_API_KEY", "valueRedacted": True, "_looksSecret": True}
    assert variables["STAGE"]["_looksSecret"] is False
    assert SECRET_VALUE not in json.dumps(legacy.to_dict())


def test_lambda_keeps_a_function_whose_tags_are_denied(world):
    """moto cannot refuse one call, so botocore's Stubber answers as AWS documents it, with AccessDenied for tags."""
    aws = open_session(region=REGION)
    client = aws.client("lambda", REGION)
    arn = "arn:aws:lambda:us-east-1:123456789012:function:orders"
    with Stubber(client) as stub:
        stub.add_response("list_functions", {"Functions": [{
            "FunctionName": "orders", "FunctionArn": arn, "Runtime": "nodejs18.x", "Handler": "index.handler",
            "Role": "arn:aws:iam::123456789012:role/orders", "MemorySize": 256, "Timeout": 10,
            "Environment": {"Variables": {"DB_PASSWORD": SECRET_VALUE}}}]})
        stub.add_client_error("list_tags", service_error_code="AccessDeniedException", http_status_code=403)
        function_settings_never_set(stub)
        estate = collect_account(aws, [REGION], services=["lambda"], max_workers=1)
    function = estate.get("orders", type="AWS::Lambda::Function")
    assert function.config["_errors"] == {"ListTags": "AccessDeniedException"} and function.tags == {}
    assert SECRET_VALUE not in json.dumps(function.to_dict())
    assert findings_of(estate, "plaintext-secret-in-environment")["orders"].status == "FAIL"


def test_collectors_call_only_what_they_declare(world):
    seen: set[str] = set()

    def record(model=None, **_):
        seen.add(iam_action(model.service_model.service_name, model.service_model.signing_name, model.name))

    aws = open_session(region=REGION)  # a fresh session: clients copy its event hooks when they are made
    aws.session.events.register("before-parameter-build.*.*", record)
    for name in ("ecs", "application-autoscaling", "lambda"):
        seen.clear()
        collect_account(aws, [REGION], services=[name], max_workers=1)
        assert seen and seen <= set(all_collectors()[name].permissions), (name, seen)


# -- checks ----------------------------------------------------------------------------------------------------------

def test_ecs_public_ip_fails_on_public_tasks_and_passes_private_ones(world):
    found = findings_of(world.collected("ecs"), "ecs-service-public-ip")
    bad = found[world.parts["bad"]]
    assert bad.status == "FAIL" and bad.risk == "HIGH" and "assignPublicIp is ENABLED" in bad.evidence
    assert found[world.parts["good"]].status == "PASS"
    assert found[world.parts["dev"]].status == "PASS"


def test_ecs_single_az_fails_on_one_zone_without_rebalancing(world):
    found = findings_of(world.collected("ecs", "vpc"), "ecs-service-single-az")
    bad = found[world.parts["bad"]]
    assert bad.status == "FAIL" and bad.risk == "HIGH"
    assert "availabilityZoneRebalancing is not reported" in bad.evidence
    assert "one Availability Zone (us-east-1a)" in bad.evidence and "desiredCount is 1" in bad.evidence
    good = found[world.parts["good"]]
    assert good.status == "PASS" and "2 Availability Zones" in good.evidence


def test_ecs_single_az_says_so_when_the_subnets_were_not_collected(world):
    found = findings_of(world.collected("ecs"), "ecs-service-single-az")
    good = found[world.parts["good"]]
    assert good.status == "NOT_ASSESSED" and "not in the collected estate" in good.evidence
    assert found[world.parts["bad"]].status == "FAIL"  # no rebalancing is a failure whatever the zones


def test_ecs_without_autoscaling(world):
    found = findings_of(world.collected("ecs", "application-autoscaling"), "ecs-service-without-autoscaling")
    bad = found[world.parts["bad"]]
    assert bad.status == "FAIL" and bad.risk == "MEDIUM" and "service/prod/paymaster" in bad.evidence
    assert found[world.parts["good"]].status == "PASS" and "cpu60" in found[world.parts["good"]].evidence
    dev = found[world.parts["dev"]]
    assert dev.status == "FAIL" and dev.risk == "LOW" and "MinCapacity = MaxCapacity = 1" in dev.evidence


def test_ecs_without_autoscaling_is_not_assessed_without_autoscaling_coverage(world):
    found = findings_of(world.collected("ecs"), "ecs-service-without-autoscaling")
    assert {f.status for f in found.values()} == {"NOT_ASSESSED"}
    assert "application-autoscaling was not collected" in found[world.parts["bad"]].evidence


def test_plaintext_secrets_fail_by_name_only(world):
    found = findings_of(world.collected("ecs", "lambda"), "plaintext-secret-in-environment")
    web = next(f for f in found.values() if f.resource["name"] == "web:1")
    assert web.status == "FAIL" and web.risk == "HIGH" and "DB_PASSWORD" in web.evidence
    assert "DB_SECRET_ARN" not in web.evidence and SECRET_VALUE not in web.evidence
    legacy = found["prod-legacy"]
    assert legacy.status == "FAIL" and "STRIPE_API_KEY" in legacy.evidence
    assert next(f for f in found.values() if f.resource["name"] == "worker:1").status == "PASS"
    assert found["prod-current"].status == "PASS"


def test_lambda_deprecated_runtime(world):
    estate = world.collected("lambda")
    estate.metadata["collected_at"] = "2026-02-01T00:00:00Z"  # judged as of the day of collection
    found = findings_of(estate, "lambda-deprecated-runtime")
    legacy = found["prod-legacy"]
    assert legacy.status == "FAIL" and legacy.risk == "MEDIUM" and "deprecated on 2023-12-04" in legacy.evidence
    soon = found["prod-soon"]
    assert soon.status == "FAIL" and soon.risk == "LOW" and "2026-06-30" in soon.evidence
    assert found["prod-current"].status == "PASS"
