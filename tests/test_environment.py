"""Environment classification from tags, stacks, construct paths, names and inheritance."""

import pytest

from wafr.environment import classify_estate, environment_of_name, tokens
from wafr.estate import Estate, Resource


def make(type_, id_, name="", tags=None, links=None):
    return Resource(type=type_, id=id_, account="111122223333", region="us-east-1", name=name,
                    tags=tags or {}, links=links or {})


@pytest.mark.parametrize("key,value,expected", [
    ("Environment", "production", "prod"), ("env", "PRD", "prod"), ("Stage", "live", "prod"),
    ("environment", "uat", "staging"), ("Env", "stg", "staging"), ("ENV", "qa", "dev"),
    ("Environment", "sandbox", "dev"), ("Environment", "shared-services", "unknown"),
])
def test_environment_tags(key, value, expected):
    r = make("AWS::EC2::VPC", "vpc-1", tags={key: value})
    estate = Estate([r])
    classify_estate(estate)
    assert estate.environment_of(r) == expected


def test_construct_path_stack_beats_the_misleading_name():
    # The sample's production subnets are named after staging; the CDK stack says prod.
    subnet = make("AWS::EC2::Subnet", "subnet-1", name="prodVpcStack/staging-VPC/PublicSubnet2")
    estate = Estate([subnet])
    classify_estate(estate)
    assert estate.environment_of(subnet) == "prod"
    assert "prodVpcStack" in estate.environment_basis_of(subnet)


def test_stack_name_tag():
    r = make("AWS::RDS::DBInstance", "db-1", tags={"aws:cloudformation:stack-name": "devDataStack"})
    estate = Estate([r])
    classify_estate(estate)
    assert estate.environment_of(r) == "dev"


def test_tag_beats_name():
    r = make("AWS::EC2::Instance", "i-1", name="prod-migration-runner", tags={"Environment": "dev"})
    estate = Estate([r])
    classify_estate(estate)
    assert estate.environment_of(r) == "dev"


def test_inherits_from_vpc_and_cluster_when_it_has_no_signal_of_its_own():
    vpc = make("AWS::EC2::VPC", "vpc-1", tags={"Environment": "prod"})
    subnet = make("AWS::EC2::Subnet", "subnet-1", links={"vpc": ["vpc-1"]})
    instance = make("AWS::EC2::Instance", "i-1", links={"subnets": ["subnet-1"]})
    cluster = make("AWS::ECS::Cluster", "arn:cluster/c", name="dev-cluster")
    service = make("AWS::ECS::Service", "arn:service/s", name="api", links={"cluster": ["arn:cluster/c"]})
    estate = Estate([vpc, subnet, instance, cluster, service])
    classify_estate(estate)
    assert [estate.environment_of(r) for r in (subnet, instance, service)] == ["prod", "prod", "dev"]
    assert estate.environment_basis_of(service) == "inherited from dev-cluster"


def test_unknown_when_nothing_says():
    r = make("AWS::S3::Bucket", "assets-1234")
    estate = Estate([r])
    classify_estate(estate)
    assert estate.environment_of(r) == "unknown"


@pytest.mark.parametrize("name,expected", [
    ("backend-service", None), ("paymaster-service", None), ("latest-build", None), ("delivery", None),
    ("prodVpcStack", "prod"), ("dev-backend-service", "dev"), ("prod-vs-dev", None), ("my_stg_db", "staging"),
    ("non-prod-vpc", None), ("NonProdAccount", None), ("nonprod-dev", "dev"),
])
def test_name_tokens(name, expected):
    assert environment_of_name(name) == expected


def test_tokens_split_camel_case_and_separators():
    assert tokens("prodVpcStack/staging-VPC/PublicSubnet2") == [
        "prod", "vpc", "stack", "staging", "vpc", "public", "subnet2"]
