"""A second estate, unlike the demo's: other names on every run, another engine, overlapping /16 and /17.

It has the review's kinds of problems so a scan through moto_server must find them by what they are, not by
the demo's names.
"""

from __future__ import annotations

import json
import random
import string
from typing import Any

import boto3

PROD_CIDR, DEV_CIDR = "10.20.0.0/16", "10.20.128.0/17"  # the dev range sits inside the prod one


def _tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _tag_spec(resource_type: str, tags: dict[str, str]) -> list[dict[str, Any]]:
    return [{"ResourceType": resource_type, "Tags": _tags(tags)}]


class ScanEstate:
    """Provisions the estate through one boto3 session against ``endpoint_url``, one call at a time."""

    def __init__(self, session: boto3.Session, endpoint_url: str | None, seed: int | None = None) -> None:
        self.session, self.endpoint_url = session, endpoint_url
        self.suffix = "".join(random.Random(seed).choices(string.ascii_lowercase + string.digits, k=6))
        self.created: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        return self.session.client(service, endpoint_url=self.endpoint_url)

    def name(self, stem: str) -> str:
        return f"{stem}-{self.suffix}"

    def provision(self) -> dict[str, Any]:
        """Create everything; returns names and ids by role ("prod_db", "users", …)."""
        prod_vpc, public = self.network()
        self.identities()
        self.database(public, prod_vpc)
        self.cache(public)
        self.service(prod_vpc, public)
        return self.created

    def network(self) -> tuple[str, list[str]]:
        ec2 = self.client("ec2")
        vpcs = {}
        for role, cidr, env in (("prod_vpc", PROD_CIDR, "production"), ("dev_vpc", DEV_CIDR, "development")):
            name = self.name(f"payments-{env}")
            vpcs[role] = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=_tag_spec(
                "vpc", {"Name": name, "Environment": env}))["Vpc"]["VpcId"]
            self.created[role] = {"id": vpcs[role], "name": name}
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpcs["prod_vpc"])
        table = ec2.create_route_table(VpcId=vpcs["prod_vpc"])["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        public = []
        for index, zone in enumerate(("a", "b")):
            subnet = ec2.create_subnet(VpcId=vpcs["prod_vpc"], CidrBlock=f"10.20.{index * 16}.0/20",
                                       AvailabilityZone=f"us-east-1{zone}",
                                       TagSpecifications=_tag_spec("subnet", {"Name": self.name(f"web-{zone}")}))
            subnet_id = subnet["Subnet"]["SubnetId"]
            ec2.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": True})
            ec2.associate_route_table(RouteTableId=table, SubnetId=subnet_id)
            public.append(subnet_id)
        ec2.create_subnet(VpcId=vpcs["dev_vpc"], CidrBlock="10.20.128.0/20", AvailabilityZone="us-east-1a")
        return vpcs["prod_vpc"], public

    def identities(self) -> None:
        iam = self.client("iam")
        users = [self.name("ci-publisher"), self.name("ops-admin")]
        for user in users:
            iam.create_user(UserName=user)
            iam.create_access_key(UserName=user)
        self.created["users"] = users

    def security_group(self, vpc_id: str, stem: str, port: int, cidr: str) -> str:
        ec2 = self.client("ec2")
        name = self.name(stem)
        group = ec2.create_security_group(GroupName=name, Description=stem, VpcId=vpc_id)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}])
        return group

    def database(self, public: list[str], vpc_id: str) -> None:
        rds = self.client("rds")
        group = self.name("orders-public")
        rds.create_db_subnet_group(DBSubnetGroupName=group, DBSubnetGroupDescription="orders", SubnetIds=public)
        name = self.name("orders")
        rds.create_db_instance(
            DBInstanceIdentifier=name, Engine="mysql", DBInstanceClass="db.m6g.large", AllocatedStorage=50,
            MasterUsername="admin", MasterUserPassword="not-a-real-password", DBSubnetGroupName=group,
            VpcSecurityGroupIds=[self.security_group(vpc_id, "orders-db", 3306, "0.0.0.0/0")],
            PubliclyAccessible=True, MultiAZ=False, StorageEncrypted=False, BackupRetentionPeriod=3,
            Tags=_tags({"Environment": "production"}))
        self.created["prod_db"] = name

    def cache(self, subnets: list[str]) -> None:
        elasticache = self.client("elasticache")
        group = self.name("sessions-subnets")
        elasticache.create_cache_subnet_group(CacheSubnetGroupName=group, CacheSubnetGroupDescription="sessions",
                                              SubnetIds=subnets)
        name = self.name("sessions")
        elasticache.create_replication_group(
            ReplicationGroupId=name, ReplicationGroupDescription="sessions", Engine="redis",
            CacheNodeType="cache.r6g.large", NumCacheClusters=1, AutomaticFailoverEnabled=False,
            AtRestEncryptionEnabled=False, CacheSubnetGroupName=group, Tags=_tags({"Environment": "production"}))
        self.created["prod_cache"] = name

    def service(self, vpc_id: str, public: list[str]) -> None:
        ecs = self.client("ecs")
        cluster = self.name("payments")
        ecs.create_cluster(clusterName=cluster, tags=[{"key": "Environment", "value": "production"}])
        family = self.name("checkout-api")
        ecs.register_task_definition(
            family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="512", memory="1024",
            containerDefinitions=[{"name": "api", "image": "public.ecr.aws/nginx/nginx:latest", "memory": 1024,
                                   "portMappings": [{"containerPort": 443}]}])
        group = self.security_group(vpc_id, "checkout-api", 443, "0.0.0.0/0")
        service = ecs.create_service(
            cluster=cluster, serviceName=family, taskDefinition=family, desiredCount=3, launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {
                "subnets": public, "securityGroups": [group], "assignPublicIp": "ENABLED"}})["service"]
        self.created["prod_service"] = {"name": family, "arn": service["serviceArn"], "cluster": cluster}


def provision(session: boto3.Session, endpoint_url: str | None = None, seed: int | None = None) -> dict[str, Any]:
    """Create the scan-test estate; returns what was created, by role."""
    return ScanEstate(session, endpoint_url, seed).provision()


if __name__ == "__main__":  # seed a running moto_server by hand: python tests/estates.py http://127.0.0.1:5000
    import sys

    url = sys.argv[1]
    created = provision(boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                      region_name="us-east-1"), url)
    print(json.dumps(created, indent=2))
