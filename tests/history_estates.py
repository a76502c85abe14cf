"""Two scans of one moto account for the history tests, with a resolved, a new, a risk-changed and an unreadable
finding between them."""

from __future__ import annotations

import boto3
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.session import open_session

REGION = "us-east-1"
SERVICES = ["vpc", "ec2", "rds", "dynamodb"]


def _admin_ingress(port: int) -> list[dict]:
    return [{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]


def _denied(**_):
    """What botocore builds from AWS's AccessDenied answer, so the collector sees a real ClientError."""
    http = AWSResponse("https://dynamodb.us-east-1.amazonaws.com/", 400, {}, None)
    return http, {"Error": {"Code": "AccessDeniedException", "Message": "not authorized to perform dynamodb:ListTables"},
                  "ResponseMetadata": {"HTTPStatusCode": 400}}


def two_scans():
    """Two scans of one moto account. Between them: the SSH rule is revoked (resolved), an RDP rule appears
    (new), the database is retagged dev -> prod (its single-AZ risk rises) and DynamoDB becomes unreadable."""
    with mock_aws():
        b = boto3.Session(region_name=REGION)
        ec2, rds, ddb = b.client("ec2"), b.client("rds"), b.client("dynamodb")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        web = ec2.create_security_group(GroupName="web-sg", Description="web", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=_admin_ingress(22))
        db = rds.create_db_instance(DBInstanceIdentifier="orders-db", Engine="postgres", DBInstanceClass="db.t3.micro",
                                    MasterUsername="app", MasterUserPassword="not-a-secret-1", AllocatedStorage=20,
                                    MultiAZ=False, Tags=[{"Key": "Environment", "Value": "dev"}])["DBInstance"]
        ddb.create_table(TableName="orders", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        first = collect_account(open_session(region=REGION), [REGION], services=SERVICES)

        ec2.revoke_security_group_ingress(GroupId=web, IpPermissions=_admin_ingress(22))
        admin = ec2.create_security_group(GroupName="admin-sg", Description="admin", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=admin, IpPermissions=_admin_ingress(3389))
        rds.add_tags_to_resource(ResourceName=db["DBInstanceArn"], Tags=[{"Key": "Environment", "Value": "prod"}])
        aws = open_session(region=REGION)
        aws.session.events.register_first("before-call.dynamodb.ListTables", _denied)
        second = collect_account(aws, [REGION], services=SERVICES)
    return first, second
