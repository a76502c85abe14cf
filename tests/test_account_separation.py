"""Account separation: production and non-production workloads in one account, VPC or subnet."""

import boto3
import pytest
from moto import mock_aws

from wafr.estate import Coverage, Estate, Resource
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.session import open_session

REGION = "us-east-1"
ACCOUNT = "123456789012"


def tagged(kind, name, **extra):
    tags = [{"Key": "Name", "Value": name}] + [{"Key": k, "Value": v} for k, v in extra.items()]
    return [{"ResourceType": kind, "Tags": tags}]


def foreign(type_, id_, name="", tags=None, links=None, config=None):
    """A resource of a type other people's collectors yield (RDS, ECS), as those collectors shape it."""
    return Resource(type=type_, id=id_, account=ACCOUNT, region=REGION, name=name, tags=tags or {},
                    links=links or {}, config=config or {})


def results(findings, check_id):
    return {f.resource["id"]: f for f in findings if f.check_id == check_id}


@pytest.fixture(scope="module")
def mixed():
    """The sample's account: a prod VPC (CDK stack prodVpcStack) hosting prod instances, a prod database and a
    dev instance in the same public subnet; a dev VPC next to it whose instances only inherit dev."""
    with mock_aws():
        aws = open_session(region=REGION)
        ec2 = boto3.Session(region_name=REGION).client("ec2")
        ids = {}
        ids["prod_vpc"] = ec2.create_vpc(CidrBlock="10.0.0.0/16",
                                         TagSpecifications=tagged("vpc", "prodVpcStack/staging-VPC"))["Vpc"]["VpcId"]
        ids["shared_subnet"] = ec2.create_subnet(
            VpcId=ids["prod_vpc"], CidrBlock="10.0.1.0/24",
            TagSpecifications=tagged("subnet", "prodVpcStack/staging-VPC/PublicSubnet1"))["Subnet"]["SubnetId"]
        ids["prod_subnet"] = ec2.create_subnet(
            VpcId=ids["prod_vpc"], CidrBlock="10.0.2.0/24",
            TagSpecifications=tagged("subnet", "prodVpcStack/staging-VPC/PrivateSubnet1"))["Subnet"]["SubnetId"]
        ids["dev_vpc"] = ec2.create_vpc(CidrBlock="10.1.0.0/16",
                                        TagSpecifications=tagged("vpc", "devVpcStack/dev-VPC"))["Vpc"]["VpcId"]
        ids["dev_subnet"] = ec2.create_subnet(VpcId=ids["dev_vpc"], CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]

        def instance(role, subnet, name, **tags):
            reservation = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet,
                                            TagSpecifications=tagged("instance", name, **tags))
            ids[role] = reservation["Instances"][0]["InstanceId"]

        instance("prod_api", ids["prod_subnet"], "prod-api")
        instance("dev_runner", ids["shared_subnet"], "dev-migration-runner", Environment="dev")
        instance("inherits_dev", ids["dev_subnet"], "batch-runner")  # no signal of its own: inherits dev
        estate = collect_account(aws, [REGION], services=["vpc", "ec2"])
        estate.extend([
            foreign("AWS::RDS::DBInstance", "prod-postgres", "prod-postgres",
                    links={"vpc": [ids["prod_vpc"]], "subnets": [ids["shared_subnet"], ids["prod_subnet"]]}),
            foreign("AWS::ECS::Service", "arn:aws:ecs:us-east-1:123456789012:service/dev/dev-backend-service",
                    "dev-backend-service", links={"subnets": [ids["dev_subnet"]]}),
        ])
        # The other workload services were read and hold only the resources above: a gap would withhold passes.
        for service in ("rds", "ecs", "elasticache", "dynamodb", "lambda", "elbv2"):
            estate.record(Coverage(ACCOUNT, REGION, service, "assessed"))
        yield ids, evaluate(estate)


def test_account_holding_prod_and_dev_fails_naming_both(mixed):
    _, findings = mixed
    finding = results(findings, "environments-share-account")[ACCOUNT]
    assert finding.status == "FAIL" and finding.risk == "HIGH"
    assert "prod: 3 (vpc prodVpcStack/staging-VPC, ec2 prod-api, rds prod-postgres)" in finding.evidence
    assert "dev: 4 (vpc devVpcStack/dev-VPC" in finding.evidence and "ec2 dev-migration-runner" in finding.evidence
    assert finding.best_practices == ["SEC01-BP01", "COST02-BP03", "OPS05-BP08"]


def test_vpc_and_subnet_hosting_a_dev_instance_next_to_prod_fail(mixed):
    ids, findings = mixed
    found = results(findings, "environments-share-network")
    vpc = found[ids["prod_vpc"]]
    assert vpc.status == "FAIL" and vpc.risk == "HIGH"
    assert "ec2 dev-migration-runner (tag Environment=dev)" in vpc.evidence and "rds prod-postgres" in vpc.evidence
    assert found[ids["shared_subnet"]].status == "FAIL"
    assert found[ids["prod_subnet"]].status == "PASS"


def test_inherited_environments_are_not_evidence_of_mixing(mixed):
    ids, findings = mixed
    found = results(findings, "environments-share-network")
    # batch-runner inherits dev from the VPC; dev-backend-service names dev itself: both agree with the VPC.
    assert found[ids["dev_vpc"]].status == "PASS"
    assert found[ids["dev_subnet"]].status == "PASS"


def test_account_with_one_environment_passes_and_one_without_signals_is_not_assessed():
    prod_only = [
        foreign("AWS::EC2::VPC", "vpc-1", "prodVpcStack/prod-VPC"),
        foreign("AWS::RDS::DBInstance", "prod-postgres", "prod-postgres", links={"vpc": ["vpc-1"]}),
        foreign("AWS::EC2::Instance", "i-1", "worker", links={"vpc": ["vpc-1"]}),
    ]
    finding = results(evaluate(Estate(prod_only)), "environments-share-account")[ACCOUNT]
    assert finding.status == "PASS" and "prod (3)" in finding.evidence

    unlabelled = [foreign("AWS::EC2::Instance", "i-2", "worker"), foreign("AWS::Lambda::Function", "fn", "resize")]
    finding = results(evaluate(Estate(unlabelled)), "environments-share-account")[ACCOUNT]
    assert finding.status == "NOT_ASSESSED"


def test_staging_and_dev_sharing_a_vpc_is_medium():
    estate = Estate([
        foreign("AWS::EC2::VPC", "vpc-9", "stagingVpcStack/staging-VPC"),
        foreign("AWS::EC2::Instance", "i-9", "dev-tools", links={"vpc": ["vpc-9"]}),
    ])
    finding = results(evaluate(estate), "environments-share-network")["vpc-9"]
    assert finding.status == "FAIL" and finding.risk == "MEDIUM"
