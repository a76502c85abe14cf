"""The demo estate: provisions estate.yaml into moto with plain boto3 calls, one writer, in dependency order.

The session given must be a plain boto3 session inside ``mock_aws`` (wafr's guarded session refuses writes).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import boto3
import yaml

SPEC_FILE = Path(__file__).with_name("estate.yaml")
STACK_TAG = "aws:cloudformation:stack-name"  # AWS reserves aws: tags for CloudFormation; moto lets us set it


def load_spec() -> dict[str, Any]:
    """The demo estate's shape: names, CIDRs, sizes, and the resources that must stay clean."""
    with SPEC_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def provision(session: boto3.Session, region: str = "us-east-1") -> dict[str, Any]:
    """Create the demo estate in the mocked account; returns the ids of what was created, by kind and name."""
    builder = _Builder(session, region, load_spec())
    builder.build()
    return builder.summary()


def _tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": str(v)} for k, v in tags.items()]


def _tag_spec(resource_type: str, tags: dict[str, str]) -> list[dict[str, Any]]:
    return [{"ResourceType": resource_type, "Tags": _tags(tags)}]


def _trust(service: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def _handler_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return {'statusCode': 200}\n")
    return buffer.getvalue()


class _Builder:
    """Creates each section of the spec in turn, remembering ids so later sections can refer to names."""

    def __init__(self, session: boto3.Session, region: str, spec: dict[str, Any]) -> None:
        self.session, self.region, self.spec = session, region, spec
        self._clients: dict[str, Any] = {}
        self.ids: dict[str, dict[str, str]] = defaultdict(dict)
        self.account = self.client("sts").get_caller_identity()["Account"]

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(service, region_name=self.region)
        return self._clients[service]

    def build(self) -> None:
        for step in (self.kms_keys, self.network, self.security_groups, self.instances, self.volumes,
                     self.ebs_default, self.databases, self.caches, self.buckets, self.tables, self.iam_users,
                     self.parameters, self.log_groups, self.load_balancers, self.clusters, self.queues,
                     self.functions, self.http_apis, self.alarms, self.codedeploy, self.detection):
            step()

    def summary(self) -> dict[str, Any]:
        return {"account": self.account, "region": self.region, "ids": {k: dict(v) for k, v in self.ids.items()},
                "clean": list(self.spec.get("clean", []))}

    # -- helpers ---------------------------------------------------------------------------------
    def subnet_ids(self, vpc_key: str, names: list[str]) -> list[str]:
        vpc_name = self.spec["vpcs"][vpc_key]["name"]
        return [self.ids["subnets"][f"{vpc_name}/{name}"] for name in names]

    def sg_ids(self, names: list[str]) -> list[str]:
        return [self.ids["security_groups"][name] for name in names]

    def key_arn(self, alias: str) -> str:
        return self.ids["kms_key_arns"][alias]

    def role(self, name: str, service: str) -> str:
        if name not in self.ids["roles"]:
            role = self.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=_trust(service))
            self.ids["roles"][name] = role["Role"]["Arn"]
        return self.ids["roles"][name]

    def az(self, letter: str) -> str:
        return f"{self.region}{letter}"

    # -- security and data ------------------------------------------------------------------------
    def kms_keys(self) -> None:
        kms = self.client("kms")
        for spec in self.spec.get("kms_keys", []):
            key = kms.create_key(Description=spec["description"], Tags=[
                {"TagKey": k, "TagValue": v} for k, v in spec.get("tags", {}).items()])["KeyMetadata"]
            if spec.get("rotation"):
                kms.enable_key_rotation(KeyId=key["KeyId"])
            kms.create_alias(AliasName=f"alias/{spec['alias']}", TargetKeyId=key["KeyId"])
            self.ids["kms_keys"][f"alias/{spec['alias']}"] = key["KeyId"]
            self.ids["kms_key_arns"][spec["alias"]] = key["Arn"]

    def network(self) -> None:
        """Each VPC the way CDK lays it out: public subnets to an IGW, private ones to their zone's NAT gateway."""
        ec2 = self.client("ec2")
        for key, spec in self.spec["vpcs"].items():
            name = spec["name"]
            tags = {"Name": name, STACK_TAG: spec["stack"]}
            vpc_id = ec2.create_vpc(CidrBlock=spec["cidr"], TagSpecifications=_tag_spec("vpc", tags))["Vpc"]["VpcId"]
            ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
            self.ids["vpcs"][name] = vpc_id
            self.ids["vpc_keys"][key] = vpc_id
            igw = ec2.create_internet_gateway(TagSpecifications=_tag_spec("internet-gateway", tags))
            igw_id = igw["InternetGateway"]["InternetGatewayId"]
            ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
            self.ids["internet_gateways"][name] = igw_id
            subnets = self.spec["subnets"]
            for subnet in [s for s in subnets if s.get("public")] + [s for s in subnets if not s.get("public")]:
                self.subnet(vpc_id, f"{name}/{subnet['name']}", subnet, igw_id, spec["stack"])

    def subnet(self, vpc_id: str, path: str, spec: dict[str, Any], igw_id: str, stack: str) -> None:
        ec2 = self.client("ec2")
        tags = {"Name": path, STACK_TAG: stack}
        subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=spec["cidr"], AvailabilityZone=self.az(spec["az"]),
                                      TagSpecifications=_tag_spec("subnet", tags))["Subnet"]["SubnetId"]
        self.ids["subnets"][path] = subnet_id
        table = ec2.create_route_table(VpcId=vpc_id, TagSpecifications=_tag_spec("route-table", tags))
        table_id = table["RouteTable"]["RouteTableId"]
        ec2.associate_route_table(RouteTableId=table_id, SubnetId=subnet_id)
        self.ids["route_tables"][path] = table_id
        if spec.get("public"):
            ec2.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": True})
            ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)
            eip = ec2.allocate_address(Domain="vpc", TagSpecifications=_tag_spec(
                "elastic-ip", {"Name": f"{path}/EIP", STACK_TAG: stack}))
            nat = ec2.create_nat_gateway(
                SubnetId=subnet_id, AllocationId=eip["AllocationId"],
                TagSpecifications=_tag_spec("natgateway", {"Name": f"{path}/NATGateway", STACK_TAG: stack}))
            self.ids["nat_gateways"][f"{path}/NATGateway"] = nat["NatGateway"]["NatGatewayId"]
        else:
            nat_path = f"{path.rsplit('/', 1)[0]}/{spec['nat']}/NATGateway"
            ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0",
                             NatGatewayId=self.ids["nat_gateways"][nat_path])

    def security_groups(self) -> None:
        """Groups first, rules second: a rule may name a group defined after it."""
        ec2 = self.client("ec2")
        groups = self.spec.get("security_groups", [])
        for spec in groups:
            vpc_id = self.ids["vpc_keys"][spec["vpc"]]
            tags = {"Name": spec["name"], **spec.get("tags", {})}
            self.ids["security_groups"][spec["name"]] = ec2.create_security_group(
                GroupName=spec["name"], Description=spec["description"], VpcId=vpc_id,
                TagSpecifications=_tag_spec("security-group", tags))["GroupId"]
        for spec in groups:
            permissions = [self.permission(rule) for rule in spec.get("ingress", [])]
            if permissions:
                ec2.authorize_security_group_ingress(GroupId=self.ids["security_groups"][spec["name"]],
                                                     IpPermissions=permissions)

    def permission(self, rule: dict[str, Any]) -> dict[str, Any]:
        permission: dict[str, Any] = {"IpProtocol": "tcp", "FromPort": rule["port"], "ToPort": rule["port"]}
        if "source" in rule:
            permission["UserIdGroupPairs"] = [{"GroupId": self.ids["security_groups"][rule["source"]]}]
        else:
            permission["IpRanges"] = [{"CidrIp": rule["cidr"]}]
        return permission

    def instances(self) -> None:
        ec2 = self.client("ec2")
        specs = self.spec.get("instances", [])
        if not specs:
            return
        images = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": ["amzn2-ami-hvm-*"]}])
        image_id = images["Images"][0]["ImageId"]
        for spec in specs:
            tags = {"Name": spec["name"], **spec.get("tags", {})}
            instance = ec2.run_instances(
                ImageId=image_id, InstanceType=spec["type"], MinCount=1, MaxCount=1,
                SubnetId=self.subnet_ids(spec["vpc"], [spec["subnet"]])[0],
                SecurityGroupIds=self.sg_ids(spec["security_groups"]),
                TagSpecifications=_tag_spec("instance", tags) + _tag_spec("volume", tags),
            )["Instances"][0]
            self.ids["instances"][spec["name"]] = instance["InstanceId"]

    def volumes(self) -> None:
        ec2 = self.client("ec2")
        for spec in self.spec.get("volumes", []):
            tags = {"Name": spec["name"], **spec.get("tags", {})}
            volume = ec2.create_volume(AvailabilityZone=self.az(spec["az"]), Size=spec["size"], VolumeType="gp3",
                                       Encrypted=spec["encrypted"], TagSpecifications=_tag_spec("volume", tags))
            self.ids["volumes"][spec["name"]] = volume["VolumeId"]

    def ebs_default(self) -> None:
        ec2 = self.client("ec2")
        if self.spec.get("ebs_encryption_by_default"):
            ec2.enable_ebs_encryption_by_default()
        else:
            ec2.disable_ebs_encryption_by_default()

    def databases(self) -> None:
        rds = self.client("rds")
        for group in self.spec.get("db_subnet_groups", []):
            rds.create_db_subnet_group(DBSubnetGroupName=group["name"], DBSubnetGroupDescription=group["name"],
                                       SubnetIds=self.subnet_ids(group["vpc"], group["subnets"]))
        for spec in self.spec.get("databases", []):
            params: dict[str, Any] = dict(
                DBInstanceIdentifier=spec["id"], Engine=spec["engine"], DBInstanceClass=spec["class"],
                AllocatedStorage=spec["storage"], StorageType="gp3", MasterUsername="postgres",
                MasterUserPassword="demo-password-not-real", DBSubnetGroupName=spec["subnet_group"],
                VpcSecurityGroupIds=self.sg_ids(spec["security_groups"]), PubliclyAccessible=spec["public"],
                MultiAZ=spec["multi_az"], StorageEncrypted=spec["encrypted"],
                BackupRetentionPeriod=spec["backup_retention"], DeletionProtection=spec["deletion_protection"],
                Tags=_tags(spec.get("tags", {})),
            )
            if spec.get("kms_key"):
                params["KmsKeyId"] = self.key_arn(spec["kms_key"])
            if spec.get("performance_insights"):
                params["EnablePerformanceInsights"] = True
            self.ids["databases"][spec["id"]] = rds.create_db_instance(**params)["DBInstance"]["DBInstanceArn"]
            if spec.get("performance_insights"):
                self._keep_performance_insights(spec["id"])

    def _keep_performance_insights(self, db_id: str) -> None:
        """moto accepts EnablePerformanceInsights but does not keep it; its record is what DescribeDBInstances
        serialises, so setting it there reports the instance as AWS would. A moto whose record differs leaves the
        setting off (the demo's clean database then shows the finding), rather than stopping the demo."""
        try:
            from moto.rds.models import rds_backends

            database = rds_backends[self.account][self.region].databases[db_id]
        except (ImportError, KeyError, AttributeError):
            return
        database.performance_insights_enabled = True

    def caches(self) -> None:
        elasticache = self.client("elasticache")
        for group in self.spec.get("cache_subnet_groups", []):
            elasticache.create_cache_subnet_group(CacheSubnetGroupName=group["name"],
                                                  CacheSubnetGroupDescription=group["name"],
                                                  SubnetIds=self.subnet_ids(group["vpc"], group["subnets"]))
        for spec in self.spec.get("caches", []):
            params: dict[str, Any] = dict(
                ReplicationGroupId=spec["id"], ReplicationGroupDescription=spec["id"], Engine="redis",
                # moto gives NumCacheClusters=N a single member; replicas per node group come out as AWS has them.
                CacheNodeType=spec["node_type"], ReplicasPerNodeGroup=spec["nodes"] - 1,
                AutomaticFailoverEnabled=spec["failover"], MultiAZEnabled=spec["failover"],
                AtRestEncryptionEnabled=spec["at_rest_encryption"],
                TransitEncryptionEnabled=spec["transit_encryption"],
                CacheSubnetGroupName=spec["subnet_group"], SecurityGroupIds=self.sg_ids(spec["security_groups"]),
                SnapshotRetentionLimit=spec.get("snapshot_retention", 0), Tags=_tags(spec.get("tags", {})),
            )
            if spec.get("kms_key"):
                params["KmsKeyId"] = self.key_arn(spec["kms_key"])
            group = elasticache.create_replication_group(**params)["ReplicationGroup"]
            self.ids["caches"][spec["id"]] = group["ARN"]
            self._cache_interfaces(spec)

    def _cache_interfaces(self, spec: dict[str, Any]) -> None:
        """The network interface AWS creates for each cache node (moto creates none), in the subnet group's subnets
        with the cache's security groups: what shows a group is in use."""
        subnet_group = next(g for g in self.spec["cache_subnet_groups"] if g["name"] == spec["subnet_group"])
        subnets = self.subnet_ids(subnet_group["vpc"], subnet_group["subnets"])
        for node in range(spec["nodes"]):
            self.client("ec2").create_network_interface(
                SubnetId=subnets[node % len(subnets)], Groups=self.sg_ids(spec["security_groups"]),
                Description=f"ElastiCache {spec['id']}-{node + 1:03d}")

    def buckets(self) -> None:
        s3 = self.client("s3")
        block_all = {k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                                       "RestrictPublicBuckets")}
        for spec in self.spec.get("buckets", []):
            name = spec["name"]
            if self.region == "us-east-1":
                s3.create_bucket(Bucket=name)
            else:
                s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.region})
            # moto leaves new buckets without default encryption or ownership controls; AWS sets both.
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [{
                "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                       "KMSMasterKeyID": self.key_arn(spec["kms_key"])},
                "BucketKeyEnabled": True}]})
            s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls={
                "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=block_all)
            s3.put_bucket_policy(Bucket=name, Policy=json.dumps(self.bucket_policy(name)))
            if spec.get("versioning"):
                s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
            if spec.get("tags"):
                s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": _tags(spec["tags"])})
            self.ids["buckets"][name] = name
        for spec in self.spec.get("buckets", []):  # once every bucket exists: logs and replicas go to others
            self.bucket_data_protection(s3, spec)
        if self.spec.get("account_public_access_block"):
            self.client("s3control").put_public_access_block(AccountId=self.account,
                                                             PublicAccessBlockConfiguration=block_all)

    def bucket_data_protection(self, s3: Any, spec: dict[str, Any]) -> None:
        """Lifecycle rules, server access logging and same-Region replication, as the spec asks."""
        name = spec["name"]
        if spec.get("lifecycle"):
            s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": [{
                "ID": "age-out", "Status": "Enabled", "Filter": {"Prefix": ""},
                "Transitions": [{"Days": 90, "StorageClass": "GLACIER_IR"}],
                "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]})
        if spec.get("access_logs"):
            s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={"LoggingEnabled": {
                "TargetBucket": spec["access_logs"], "TargetPrefix": f"{name}/"}})
        if spec.get("replica"):
            s3.put_bucket_replication(Bucket=name, ReplicationConfiguration={
                "Role": self.role("s3-replication", "s3.amazonaws.com"), "Rules": [{
                    "ID": "copy", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
                    "DeleteMarkerReplication": {"Status": "Disabled"},
                    "Destination": {"Bucket": f"arn:aws:s3:::{spec['replica']}"}}]})

    def bucket_policy(self, bucket: str) -> dict[str, Any]:
        """TLS only; the access-log bucket also lets S3 deliver logs, the trail's bucket lets CloudTrail write this
        account's logs. (Principal {"AWS": "*"}, the same as "*": moto's log-delivery check cannot read the string.)"""
        arn = f"arn:aws:s3:::{bucket}"
        statements: list[dict[str, Any]] = [{
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*",
            "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
        if any(spec.get("access_logs") == bucket for spec in self.spec.get("buckets", [])):
            statements.append({"Sid": "S3ServerAccessLogs", "Effect": "Allow",
                               "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
                               "Resource": f"{arn}/*", "Condition": {"StringEquals": {"aws:SourceAccount": self.account}}})
        trail = (self.spec.get("detection") or {}).get("trail") or {}
        if trail.get("bucket") == bucket:
            cloudtrail = {"Service": "cloudtrail.amazonaws.com"}
            statements += [
                {"Sid": "CloudTrailAclCheck", "Effect": "Allow", "Principal": cloudtrail,
                 "Action": "s3:GetBucketAcl", "Resource": arn},
                {"Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": cloudtrail, "Action": "s3:PutObject",
                 "Resource": f"{arn}/AWSLogs/{self.account}/*",
                 "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]
        return {"Version": "2012-10-17", "Statement": statements}

    def tables(self) -> None:
        dynamodb = self.client("dynamodb")
        for spec in self.spec.get("tables", []):
            # Without kms_key, the table keeps DynamoDB's default encryption (an AWS owned key).
            sse = ({"SSESpecification": {"Enabled": True, "SSEType": "KMS",
                                         "KMSMasterKeyId": self.key_arn(spec["kms_key"])}}
                   if spec.get("kms_key") else {})
            table = dynamodb.create_table(
                TableName=spec["name"], BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": spec["key"], "AttributeType": "S"}],
                KeySchema=[{"AttributeName": spec["key"], "KeyType": "HASH"}],
                DeletionProtectionEnabled=spec.get("deletion_protection", False), Tags=_tags(spec.get("tags", {})),
                **sse,
            )["TableDescription"]
            if spec.get("point_in_time_recovery"):
                dynamodb.update_continuous_backups(TableName=spec["name"], PointInTimeRecoverySpecification={
                    "PointInTimeRecoveryEnabled": True})
            self.ids["tables"][spec["name"]] = table["TableArn"]

    def iam_users(self) -> None:
        iam = self.client("iam")
        for spec in self.spec.get("iam_users", []):
            iam.create_user(UserName=spec["name"])
            iam.put_user_policy(UserName=spec["name"], PolicyName="deploy", PolicyDocument=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": spec["actions"], "Resource": "*"}]}))
            key = iam.create_access_key(UserName=spec["name"])["AccessKey"]
            self.ids["users"][spec["name"]] = spec["name"]
            self.ids["access_keys"][spec["name"]] = key["AccessKeyId"]

    def parameters(self) -> None:
        ssm = self.client("ssm")
        for spec in self.spec.get("parameters", []):
            ssm.put_parameter(Name=spec["name"], Type="SecureString", Value="demo-value-not-a-secret",
                              KeyId=self.key_arn(spec["kms_key"]))
            self.ids["parameters"][spec["name"]] = (
                f"arn:aws:ssm:{self.region}:{self.account}:parameter{spec['name']}")

    def log_groups(self) -> None:
        logs = self.client("logs")
        for spec in self.spec.get("log_groups", []):
            logs.create_log_group(logGroupName=spec["name"], kmsKeyId=self.key_arn(spec["kms_key"]))
            logs.put_retention_policy(logGroupName=spec["name"], retentionInDays=spec["retention"])
            self.ids["log_groups"][spec["name"]] = spec["name"]

    # -- workloads --------------------------------------------------------------------------------
    def load_balancers(self) -> None:
        elbv2 = self.client("elbv2")
        for spec in self.spec.get("load_balancers", []):
            lb = elbv2.create_load_balancer(
                Name=spec["name"], Type="application", Scheme=spec["scheme"],
                Subnets=self.subnet_ids(spec["vpc"], spec["subnets"]),
                SecurityGroups=self.sg_ids(spec["security_groups"]),
            )["LoadBalancers"][0]
            self.ids["load_balancers"][spec["name"]] = lb["LoadBalancerArn"]
            for tg in spec["target_groups"]:
                group = elbv2.create_target_group(
                    Name=tg["name"], Protocol="HTTP", Port=tg["port"], VpcId=self.ids["vpc_keys"][spec["vpc"]],
                    TargetType="ip", HealthCheckPath="/health")["TargetGroups"][0]
                self.ids["target_groups"][tg["name"]] = group["TargetGroupArn"]
            self.listener(lb["LoadBalancerArn"], spec)

    def listener(self, lb_arn: str, spec: dict[str, Any]) -> None:
        """The first target group is the default; the others are reached by path."""
        elbv2 = self.client("elbv2")
        default, *routed = spec["target_groups"]
        listener = elbv2.create_listener(
            LoadBalancerArn=lb_arn, Protocol=spec["listener"]["protocol"], Port=spec["listener"]["port"],
            DefaultActions=[{"Type": "forward", "TargetGroupArn": self.ids["target_groups"][default["name"]]}],
        )["Listeners"][0]
        for priority, tg in enumerate(routed, start=10):
            elbv2.create_rule(ListenerArn=listener["ListenerArn"], Priority=priority,
                              Conditions=[{"Field": "path-pattern", "Values": [tg["path"]]}],
                              Actions=[{"Type": "forward", "TargetGroupArn": self.ids["target_groups"][tg["name"]]}])

    def clusters(self) -> None:
        ecs = self.client("ecs")
        execution_role = self.role("ecsTaskExecutionRole", "ecs-tasks.amazonaws.com")
        for cluster in self.spec.get("clusters", []):
            arn = ecs.create_cluster(clusterName=cluster["name"])["cluster"]["clusterArn"]
            self.ids["clusters"][cluster["name"]] = arn
            for service in cluster["services"]:
                task_arn = self.task_definition(service, execution_role)
                self.service(cluster, service, task_arn)

    def task_definition(self, spec: dict[str, Any], execution_role: str) -> str:
        container: dict[str, Any] = {
            "name": spec["name"], "essential": True,
            "image": f"{self.account}.dkr.ecr.{self.region}.amazonaws.com/{spec['name']}:latest",
            "memory": spec["memory"], "portMappings": [{"containerPort": spec["port"], "protocol": "tcp"}],
            "environment": [{"name": k, "value": str(v)} for k, v in spec.get("environment", {}).items()],
            "secrets": [{"name": k, "valueFrom": self.ids["parameters"][v]}
                        for k, v in spec.get("secrets", {}).items()],
        }
        log_group = f"/ecs/{spec['name']}"
        if log_group in self.ids["log_groups"]:
            container["logConfiguration"] = {"logDriver": "awslogs", "options": {
                "awslogs-group": log_group, "awslogs-region": self.region, "awslogs-stream-prefix": spec["name"]}}
        definition = self.client("ecs").register_task_definition(
            family=spec["name"], networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu=str(spec["cpu"]),
            memory=str(spec["memory"]), executionRoleArn=execution_role, containerDefinitions=[container],
        )["taskDefinition"]
        self.ids["task_definitions"][spec["name"]] = definition["taskDefinitionArn"]
        return definition["taskDefinitionArn"]

    def service(self, cluster: dict[str, Any], spec: dict[str, Any], task_arn: str) -> None:
        ecs = self.client("ecs")
        params: dict[str, Any] = dict(
            cluster=cluster["name"], serviceName=spec["name"], taskDefinition=task_arn,
            desiredCount=spec["desired"], launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {
                "subnets": self.subnet_ids(cluster["vpc"], spec["subnets"]),
                "securityGroups": self.sg_ids(spec["security_groups"]),
                "assignPublicIp": "ENABLED" if spec["public_ip"] else "DISABLED"}},
            tags=[{"key": k, "value": v} for k, v in spec.get("tags", {}).items()],
        )
        if spec.get("target_group"):
            params["loadBalancers"] = [{"targetGroupArn": self.ids["target_groups"][spec["target_group"]],
                                        "containerName": spec["name"], "containerPort": spec["port"]}]
        arn = ecs.create_service(**params)["service"]["serviceArn"]
        # moto's create_service drops these two settings; update_service keeps them, as AWS shows them.
        enabled = bool(spec.get("circuit_breaker"))
        ecs.update_service(
            cluster=cluster["name"], service=spec["name"],
            deploymentConfiguration={"deploymentCircuitBreaker": {"enable": enabled, "rollback": enabled},
                                     "maximumPercent": 200, "minimumHealthyPercent": 100},
            availabilityZoneRebalancing="ENABLED" if spec.get("az_rebalancing") else "DISABLED",
        )
        self.ids["services"][spec["name"]] = arn
        if spec.get("autoscaling"):
            self.autoscaling(cluster["name"], spec["name"], spec["autoscaling"])

    def autoscaling(self, cluster: str, service: str, spec: dict[str, Any]) -> None:
        scaling = self.client("application-autoscaling")
        target = dict(ServiceNamespace="ecs", ResourceId=f"service/{cluster}/{service}",
                      ScalableDimension="ecs:service:DesiredCount")
        scaling.register_scalable_target(**target, MinCapacity=spec["min"], MaxCapacity=spec["max"])
        scaling.put_scaling_policy(**target, PolicyName=f"{service}-cpu", PolicyType="TargetTrackingScaling",
                                   TargetTrackingScalingPolicyConfiguration={
                                       "TargetValue": float(spec["cpu_target"]),
                                       "PredefinedMetricSpecification": {
                                           "PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})

    def queues(self) -> None:
        sqs = self.client("sqs")
        for spec in self.spec.get("queues", []):
            attributes = {"SqsManagedSseEnabled": str(spec.get("encrypted", False)).lower()}
            if spec.get("retention"):
                attributes["MessageRetentionPeriod"] = str(spec["retention"])
            if spec.get("dead_letter"):
                dead_letter = self.ids["queues"][spec["dead_letter"]]
                attributes["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": dead_letter, "maxReceiveCount": 5})
            url = sqs.create_queue(QueueName=spec["name"], Attributes=attributes,
                                   tags={k: str(v) for k, v in spec.get("tags", {}).items()})["QueueUrl"]
            self.ids["queues"][spec["name"]] = sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def functions(self) -> None:
        lambda_ = self.client("lambda")
        for spec in self.spec.get("functions", []):
            role = self.role(f"{spec['name']}-role", "lambda.amazonaws.com")
            placement = {"VpcConfig": {"SubnetIds": self.subnet_ids(spec["vpc"], spec["subnets"]),
                                       "SecurityGroupIds": self.sg_ids(spec["security_groups"])}
                         } if spec.get("vpc") else {}
            function = lambda_.create_function(
                FunctionName=spec["name"], Runtime=spec["runtime"], Role=role, Handler="index.handler",
                Code={"ZipFile": _handler_zip()}, Timeout=30, MemorySize=256,
                Architectures=[spec.get("architecture", "x86_64")],
                TracingConfig={"Mode": spec.get("tracing", "PassThrough")}, Tags=spec.get("tags", {}), **placement,
            )
            name = spec["name"]
            if spec.get("reserved_concurrency"):
                lambda_.put_function_concurrency(FunctionName=name,
                                                 ReservedConcurrentExecutions=spec["reserved_concurrency"])
            if spec.get("on_failure"):
                lambda_.put_function_event_invoke_config(FunctionName=name, DestinationConfig={
                    "OnFailure": {"Destination": self.ids["queues"][spec["on_failure"]]}})
            if spec.get("queue"):
                lambda_.create_event_source_mapping(EventSourceArn=self.ids["queues"][spec["queue"]],
                                                    FunctionName=name, BatchSize=10)
            self.ids["functions"][name] = function["FunctionArn"]

    def http_apis(self) -> None:
        apis, lambda_ = self.client("apigatewayv2"), self.client("lambda")
        for spec in self.spec.get("http_apis", []):
            tags = {k: str(v) for k, v in spec.get("tags", {}).items()}
            api = apis.create_api(Name=spec["name"], ProtocolType="HTTP", Tags=tags)["ApiId"]
            function = self.ids["functions"][spec["function"]]
            integration = apis.create_integration(ApiId=api, IntegrationType="AWS_PROXY", IntegrationUri=function,
                                                  PayloadFormatVersion="2.0")["IntegrationId"]
            for route in spec["routes"]:
                apis.create_route(ApiId=api, RouteKey=route, AuthorizationType=spec["authorization"],
                                  Target=f"integrations/{integration}")
            stage: dict[str, Any] = {"AutoDeploy": True, "Tags": tags}
            if spec.get("access_logs"):
                stage["AccessLogSettings"] = {
                    "DestinationArn": f"arn:aws:logs:{self.region}:{self.account}:log-group:{spec['access_logs']}",
                    "Format": "$context.requestId $context.identity.sourceIp $context.status"}
            if spec.get("throttling"):
                stage["DefaultRouteSettings"] = {"ThrottlingRateLimit": float(spec["throttling"]["rate"]),
                                                 "ThrottlingBurstLimit": spec["throttling"]["burst"]}
            apis.create_stage(ApiId=api, StageName="prod", **stage)
            # API Gateway may invoke the function from this API only: a policy with a source condition.
            lambda_.add_permission(FunctionName=spec["function"], StatementId=f"{spec['name']}-invoke",
                                   Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com",
                                   SourceArn=f"arn:aws:execute-api:{self.region}:{self.account}:{api}/*")
            self.ids["http_apis"][spec["name"]] = api

    # -- operations -------------------------------------------------------------------------------
    def alarms(self) -> None:
        specs = self.spec.get("alarms", [])
        if not specs:
            return
        topic = self.client("sns").create_topic(Name=self.spec["alarm_topic"])["TopicArn"]
        cloudwatch = self.client("cloudwatch")
        for spec in specs:
            cloudwatch.put_metric_alarm(
                AlarmName=spec["name"], Namespace=spec["namespace"], MetricName=spec["metric"],
                Dimensions=[{"Name": k, "Value": v} for k, v in spec["dimensions"].items()],
                Statistic="Average", Period=300, EvaluationPeriods=3, Threshold=float(spec["threshold"]),
                ComparisonOperator="GreaterThanThreshold", AlarmActions=[topic], OKActions=[topic],
            )
            self.ids["alarms"][spec["name"]] = spec["name"]

    def codedeploy(self) -> None:
        codedeploy = self.client("codedeploy")
        role = self.role("codedeploy-ecs-role", "codedeploy.amazonaws.com")
        for app in self.spec.get("codedeploy", []):
            codedeploy.create_application(applicationName=app["application"], computePlatform=app["platform"])
            for group in app["deployment_groups"]:
                params: dict[str, Any] = dict(
                    applicationName=app["application"], deploymentGroupName=group["name"], serviceRoleArn=role,
                    deploymentStyle={"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"})
                if group["auto_rollback"]:
                    params["autoRollbackConfiguration"] = {
                        "enabled": True, "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]}
                created = codedeploy.create_deployment_group(**params)
                self.ids["deployment_groups"][group["name"]] = created["deploymentGroupId"]

    def detection(self) -> None:
        spec = self.spec.get("detection") or {}
        if spec.get("trail"):
            trail = spec["trail"]
            cloudtrail = self.client("cloudtrail")
            created = cloudtrail.create_trail(
                Name=trail["name"], S3BucketName=trail["bucket"], IsMultiRegionTrail=True,
                IncludeGlobalServiceEvents=True, EnableLogFileValidation=True, KmsKeyId=self.key_arn(trail["kms_key"]))
            cloudtrail.start_logging(Name=trail["name"])
            self.ids["trails"][trail["name"]] = created["TrailARN"]
        if spec.get("guardduty"):
            guardduty = self.client("guardduty")
            detector = guardduty.create_detector(Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES")
            self.ids["detectors"]["guardduty"] = detector["DetectorId"]
        if spec.get("security_hub"):
            self.client("securityhub").enable_security_hub(EnableDefaultStandards=True)
