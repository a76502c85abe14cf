"""Alarms, runbooks, pipelines and deployments: what the collectors keep, and the operational-excellence checks."""

from __future__ import annotations

import json

import pytest
from world import mocked_world
from botocore.stub import Stubber

from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.policy import iam_action
from wafr.sources.aws.registry import all_collectors
from wafr.sources.aws.session import open_session

REGION, EMPTY_REGION = "us-east-1", "us-west-2"
TOPIC = "arn:aws:sns:us-east-1:123456789012:on-call"


@pytest.fixture(scope="module")
def world():
    yield from mocked_world(arrange)


def arrange(boto):
    """Clusters, services, alarms, databases, a load balancer, a runbook, a pipeline and deployment groups."""
    parts = {}
    subnets, group = network(boto)
    ecs = boto.client("ecs")
    ecs.create_cluster(clusterName="prod", settings=[{"name": "containerInsights", "value": "enabled"}],
                       tags=[{"key": "Environment", "value": "prod"}])
    ecs.create_cluster(clusterName="dev", tags=[{"key": "Environment", "value": "dev"}])
    ecs.register_task_definition(family="web", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 256}])
    for cluster, name, env, breaker in (("prod", "api", "prod", True), ("prod", "worker", "prod", False),
                                        ("dev", "api", "dev", False)):
        parts[f"{cluster}/{name}"] = ecs.create_service(
            cluster=cluster, serviceName=name, taskDefinition="web", desiredCount=2, launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [group]}},
            tags=[{"key": "Environment", "value": env}])["service"]["serviceArn"]
        if breaker:  # moto's create_service drops deploymentConfiguration; update_service keeps it
            ecs.update_service(cluster=cluster, service=name, deploymentConfiguration={
                "deploymentCircuitBreaker": {"enable": True, "rollback": True}})
    target_group = load_balancer(boto, subnets, group)
    parts["prod/web"] = ecs.create_service(  # watched only through its target group's alarm
        cluster="prod", serviceName="web", taskDefinition="web", desiredCount=2, launchType="FARGATE",
        loadBalancers=[{"targetGroupArn": target_group, "containerName": "app", "containerPort": 80}],
        networkConfiguration={"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [group]}},
        tags=[{"key": "Environment", "value": "prod"}])["service"]["serviceArn"]
    parts["prod/bluegreen"] = ecs.create_service(
        cluster="prod", serviceName="bluegreen", taskDefinition="web", desiredCount=2,
        deploymentController={"type": "CODE_DEPLOY"}, tags=[{"key": "Environment", "value": "prod"}],
    )["service"]["serviceArn"]
    alarms(boto)
    databases(boto)
    runbooks_and_pipelines(boto)
    return parts


def network(boto):
    ec2 = boto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
               for i, zone in enumerate(("us-east-1a", "us-east-1b"))]
    return subnets, ec2.create_security_group(GroupName="svc", Description="svc", VpcId=vpc)["GroupId"]


def alarms(boto):
    """prod/api alerts a person; prod/worker is only watched by target tracking's own (scaling) alarms."""
    cloudwatch = boto.client("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName="prod-api-cpu-high", Namespace="AWS/ECS", MetricName="CPUUtilization", Statistic="Average",
        Dimensions=[{"Name": "ClusterName", "Value": "prod"}, {"Name": "ServiceName", "Value": "api"}],
        Period=300, EvaluationPeriods=3, Threshold=85, ComparisonOperator="GreaterThanThreshold", AlarmActions=[TOPIC])
    cloudwatch.put_metric_alarm(  # dev/worker's alarm: the same service name, so it must not count for prod/worker
        AlarmName="dev-worker-cpu", Namespace="AWS/ECS", MetricName="CPUUtilization", Statistic="Average",
        Dimensions=[{"Name": "ClusterName", "Value": "dev"}, {"Name": "ServiceName", "Value": "worker"}],
        Period=300, EvaluationPeriods=3, Threshold=85, ComparisonOperator="GreaterThanThreshold", AlarmActions=[TOPIC])
    scaling = boto.client("application-autoscaling")
    scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId="service/prod/worker",
                                     ScalableDimension="ecs:service:DesiredCount", MinCapacity=2, MaxCapacity=4)
    scaling.put_scaling_policy(
        PolicyName="cpu", ServiceNamespace="ecs", ResourceId="service/prod/worker",
        ScalableDimension="ecs:service:DesiredCount", PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={"TargetValue": 60.0, "PredefinedMetricSpecification": {
            "PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})


def databases(boto):
    rds = boto.client("rds")
    for name in ("prod-db", "prod-orders"):
        rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
                               MasterUsername="app", MasterUserPassword="password123", AllocatedStorage=20)
    boto.client("cloudwatch").put_metric_alarm(
        AlarmName="prod-db-storage", Namespace="AWS/RDS", MetricName="FreeStorageSpace", Statistic="Minimum",
        Dimensions=[{"Name": "DBInstanceIdentifier", "Value": "prod-db"}], Period=300, EvaluationPeriods=1,
        Threshold=2e9, ComparisonOperator="LessThanThreshold", AlarmActions=[TOPIC])


def load_balancer(boto, subnets, group):
    """prod-alb, alarmed on its own 5xx and on its target group's unhealthy hosts; returns the target group."""
    elbv2 = boto.client("elbv2")
    lb = elbv2.create_load_balancer(Name="prod-alb", Subnets=subnets, SecurityGroups=[group],
                                    Tags=[{"Key": "Environment", "Value": "prod"}])["LoadBalancers"][0]
    vpc = boto.client("ec2").describe_subnets(SubnetIds=subnets[:1])["Subnets"][0]["VpcId"]
    target_group = elbv2.create_target_group(Name="prod-web", Protocol="HTTP", Port=80, VpcId=vpc,
                                             TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    dimension = lb["LoadBalancerArn"].split(":loadbalancer/", 1)[1]
    cloudwatch = boto.client("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName="prod-alb-5xx", Namespace="AWS/ApplicationELB", MetricName="HTTPCode_ELB_5XX_Count",
        Statistic="Sum", Dimensions=[{"Name": "LoadBalancer", "Value": dimension}], Period=60, EvaluationPeriods=5,
        Threshold=10, ComparisonOperator="GreaterThanThreshold", AlarmActions=[TOPIC])
    cloudwatch.put_metric_alarm(
        AlarmName="prod-web-unhealthy", Namespace="AWS/ApplicationELB", MetricName="UnHealthyHostCount",
        Statistic="Maximum", Period=60, EvaluationPeriods=3, Threshold=0, ComparisonOperator="GreaterThanThreshold",
        Dimensions=[{"Name": "TargetGroup", "Value": target_group.split(":", 5)[-1]},
                    {"Name": "LoadBalancer", "Value": dimension}], AlarmActions=[TOPIC])
    return target_group


def runbooks_and_pipelines(boto):
    boto.client("ssm").create_document(
        Name="restart-prod-api", DocumentType="Automation", DocumentFormat="JSON",
        Content=json.dumps({"schemaVersion": "0.3", "description": "Restart the API service",
                            "mainSteps": [{"name": "wait", "action": "aws:sleep", "inputs": {"Duration": "PT1S"}}]}))
    iam = boto.client("iam")
    # moto's CodePipeline wants the trust policy's service principal as one plain string.
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "codepipeline.amazonaws.com"}}]}
    role = iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    boto.client("codepipeline").create_pipeline(pipeline={
        "name": "prod-api", "roleArn": role, "artifactStore": {"type": "S3", "location": "artifacts"},
        "stages": [
            {"name": "Source", "actions": [{"name": "Source", "outputArtifacts": [{"name": "src"}],
                                            "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3",
                                                             "version": "1"},
                                            "configuration": {"S3Bucket": "artifacts", "S3ObjectKey": "api.zip"}}]},
            {"name": "Deploy", "actions": [{"name": "Deploy", "inputArtifacts": [{"name": "src"}],
                                            "actionTypeId": {"category": "Deploy", "owner": "AWS", "provider": "ECS",
                                                             "version": "1"},
                                            "configuration": {"ClusterName": "prod", "ServiceName": "api"}}]},
        ]})
    codedeploy = boto.client("codedeploy")
    codedeploy.create_application(applicationName="web", computePlatform="Server")
    codedeploy.create_deployment_group(applicationName="web", deploymentGroupName="prod", serviceRoleArn=role,
                                       autoRollbackConfiguration={"enabled": True, "events": ["DEPLOYMENT_FAILURE"]})
    codedeploy.create_deployment_group(applicationName="web", deploymentGroupName="staging", serviceRoleArn=role)


def findings_of(estate, check_id):
    return {f.resource["id"]: f for f in evaluate(estate) if f.check_id == check_id}


# -- collectors ------------------------------------------------------------------------------------------------------

def test_cloudwatch_collector_keeps_what_alarms_watch_and_whom_they_tell(world):
    estate = world.collected("cloudwatch")
    alarm = estate.get("prod-api-cpu-high", type="AWS::CloudWatch::Alarm")
    assert alarm.config["Namespace"] == "AWS/ECS" and alarm.config["MetricName"] == "CPUUtilization"
    assert alarm.config["Dimensions"] == [{"Name": "ClusterName", "Value": "prod"},
                                          {"Name": "ServiceName", "Value": "api"}]
    assert alarm.config["AlarmActions"] == [TOPIC] and alarm.arn.startswith("arn:aws:cloudwatch:")
    names = [a.name for a in estate.of_type("AWS::CloudWatch::Alarm")]
    assert any(name.startswith("TargetTracking-service/prod/worker") for name in names)


def test_ssm_collector_yields_only_the_accounts_own_documents(world):
    estate = world.collected("ssm")
    documents = estate.of_type("AWS::SSM::Document")
    assert [d.id for d in documents] == ["restart-prod-api"]
    assert documents[0].config["DocumentType"] == "Automation"
    assert documents[0].arn == f"arn:aws:ssm:{REGION}:{world.aws.account}:document/restart-prod-api"


def test_codepipeline_collector_keeps_the_stages(world):
    estate = world.collected("codepipeline")
    pipeline = estate.get("prod-api", type="AWS::CodePipeline::Pipeline")
    assert [s["name"] for s in pipeline.config["stages"]] == ["Source", "Deploy"]
    assert pipeline.arn == f"arn:aws:codepipeline:{REGION}:{world.aws.account}:prod-api"


def test_codedeploy_collector_keeps_auto_rollback(world):
    estate = world.collected("codedeploy")
    assert estate.get("web", type="AWS::CodeDeploy::Application").config["computePlatform"] == "Server"
    prod = estate.get("web/prod", type="AWS::CodeDeploy::DeploymentGroup")
    assert prod.name == "prod" and prod.config["autoRollbackConfiguration"]["enabled"] is True
    assert estate.get("web/staging").config["autoRollbackConfiguration"] == {}


def test_collectors_call_only_what_they_declare(world):
    seen: set[str] = set()

    def record(model=None, **_):
        seen.add(iam_action(model.service_model.service_name, model.service_model.signing_name, model.name))

    aws = open_session(region=REGION)  # a fresh session: clients copy its event hooks when they are made
    aws.session.events.register("before-parameter-build.*.*", record)
    for name in ("cloudwatch", "ssm", "codepipeline", "codedeploy"):
        seen.clear()
        collect_account(aws, [REGION], services=[name], max_workers=1)
        assert seen and seen <= set(all_collectors()[name].permissions), (name, seen)


def test_codedeploy_keeps_a_group_whose_settings_are_denied(world):
    """moto cannot refuse one call, so botocore's Stubber answers as AWS documents it, with AccessDenied last."""
    aws = open_session(region=REGION)
    client = aws.client("codedeploy", REGION)
    with Stubber(client) as stub:
        stub.add_response("list_applications", {"applications": ["web"]})
        stub.add_response("batch_get_applications", {"applicationsInfo": [
            {"applicationId": "0d6b4c4e-1111-4a8e-9c1e-000000000001", "applicationName": "web",
             "computePlatform": "ECS"}]})
        stub.add_response("list_deployment_groups", {"applicationName": "web", "deploymentGroups": ["prod"]})
        stub.add_client_error("get_deployment_group", service_error_code="AccessDeniedException", http_status_code=400)
        estate = collect_account(aws, [REGION], services=["codedeploy"], max_workers=1)
    group = estate.get("web/prod", type="AWS::CodeDeploy::DeploymentGroup")
    assert group.config["_errors"] == {"GetDeploymentGroup": "AccessDeniedException"}
    finding = findings_of(estate, "deployment-without-automatic-rollback")["web/prod"]
    assert finding.status == "NOT_ASSESSED" and "AccessDeniedException" in finding.evidence


# -- checks ----------------------------------------------------------------------------------------------------------

def test_rollback_fails_without_circuit_breaker_or_codedeploy_auto_rollback(world):
    found = findings_of(world.collected("ecs", "codedeploy"), "deployment-without-automatic-rollback")
    worker = found[world.parts["prod/worker"]]
    assert worker.status == "FAIL" and worker.risk == "HIGH" and "circuit breaker" in worker.evidence
    assert found[world.parts["prod/api"]].status == "PASS"
    assert found[world.parts["dev/api"]].risk == "LOW"
    assert world.parts["prod/bluegreen"] not in found  # CodeDeploy-controlled: judged on its deployment group
    staging = found["web/staging"]
    assert staging.status == "FAIL" and staging.risk == "MEDIUM" and "autoRollbackConfiguration" in staging.evidence
    assert found["web/prod"].status == "PASS"


def test_production_resources_without_alerting_alarms(world):
    found = findings_of(world.collected("ecs", "rds", "elbv2", "cloudwatch"),
                        "production-resource-without-alarms")
    assert found[world.parts["prod/api"]].status == "PASS"
    web = found[world.parts["prod/web"]]
    assert web.status == "PASS" and "prod-web-unhealthy" in web.evidence
    worker = found[world.parts["prod/worker"]]
    assert worker.status == "FAIL" and worker.risk == "HIGH" and "none notifies" in worker.evidence
    assert found["prod-orders"].status == "FAIL" and "no CloudWatch alarm" in found["prod-orders"].evidence
    assert found["prod-db"].status == "PASS"
    lb = next(f for f in found.values() if f.resource["type"] == "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert lb.status == "PASS" and "prod-alb-5xx" in lb.evidence
    assert world.parts["dev/api"] not in found  # alerting is judged for production only


def test_alarm_check_is_not_assessed_without_cloudwatch_coverage(world):
    found = findings_of(world.collected("ecs", "rds"), "production-resource-without-alarms")
    assert found and {f.status for f in found.values()} == {"NOT_ASSESSED"}
    assert "cloudwatch was not collected" in found["prod-db"].evidence


def test_runbooks_pass_when_the_account_owns_automation_documents(world):
    [finding] = findings_of(world.collected("ssm"), "no-runbooks-as-ssm-documents").values()
    assert finding.status == "PASS" and "restart-prod-api" in finding.evidence
    assert finding.resource["type"] == "AWS::::Account"


def test_runbooks_fail_when_the_regions_read_hold_none(world):
    [finding] = findings_of(world.collected("ssm", regions=(EMPTY_REGION,)), "no-runbooks-as-ssm-documents").values()
    assert finding.status == "FAIL" and finding.risk == "MEDIUM" and EMPTY_REGION in finding.evidence


def test_runbooks_not_assessed_without_ssm_coverage(world):
    [finding] = findings_of(world.collected("ecs"), "no-runbooks-as-ssm-documents").values()
    assert finding.status == "NOT_ASSESSED" and "ssm was not collected" in finding.evidence


def test_container_insights(world):
    found = findings_of(world.collected("ecs"), "ecs-cluster-without-container-insights")
    by_name = {f.resource["name"]: f for f in found.values()}
    assert by_name["prod"].status == "PASS"
    assert by_name["dev"].status == "FAIL" and by_name["dev"].risk == "LOW"
    assert by_name["dev"].evidence == "containerInsights is disabled"
