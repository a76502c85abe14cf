"""A review built from an estate whose names are hostile to HTML and Markdown, for the renderers' tests."""

from __future__ import annotations

import boto3
from moto import mock_aws

from wafr.findings import evaluate
from wafr.review import review_of_estate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.session import open_session

SCRIPT = "<script>alert(1)</script>"
MARKUP = "a|b `tick` [link](http://e.invalid) *em* <b>bold</b>"


def hostile_review():
    """Two production VPCs with hostile Name tags and the same range, and a deployer user with a key."""
    with mock_aws():
        boto = boto3.Session(region_name="us-east-1")
        for name in (SCRIPT, MARKUP):
            boto.client("ec2").create_vpc(CidrBlock="10.9.0.0/16", TagSpecifications=[{
                "ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}, {"Key": "Environment", "Value": "prod"}]}])
        boto.client("iam").create_user(UserName="lambda-deployer")
        boto.client("iam").create_access_key(UserName="lambda-deployer")
        estate = collect_account(open_session(region="us-east-1"), ["us-east-1"], services=["vpc", "iam", "client-vpn"])
    return review_of_estate(estate, evaluate(estate))
