"""Reviews built from estates whose names are hostile to HTML, Markdown and the terminal, for the renderers' tests."""

from __future__ import annotations

import boto3
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from wafr.findings import evaluate
from wafr.review import review_of_estate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.session import open_session

SCRIPT = "<script>alert(1)</script>"
MARKUP = "a|b `tick` [link](http://e.invalid) *em* <b>bold</b>"
# What a name or an error message can carry to take over a terminal: OSC 0 retitles the window, OSC 8 plants a
# hyperlink, CSI 2J clears the screen (also as the one-byte C1 CSI), BEL rings, U+202E reverses what follows,
# U+200B hides, and a carriage return rewrites the line.
OSC_TITLE = "\x1b]0;pwned\x07"
OSC_LINK = "\x1b]8;;mailto:a@e.invalid\x1b\\click\x1b]8;;\x1b\\"  # no "/", which would split the ECS ARN
CSI_CLEAR = "\x1b[2J\x1b[H"
C1_CSI = "\x9b2J"
BIDI = "\u202egnp.exe"
TERMINAL = f"prod{OSC_TITLE}{OSC_LINK}{CSI_CLEAR}{C1_CSI}{BIDI}\u200b\rok"
# Raw bytes none of them may leave behind in anything wafr prints or writes.
RAW_CONTROLS = ("\x1b", "\x9b", "\x07", "\u202e", "\u200b", "\r")


def terminal_hostile_estate():
    """An ECS cluster named to take over the terminal (ECS speaks JSON, so any byte survives the round trip), a VPC
    whose Name tag reverses text (EC2's XML carries no ESC), and a service whose AccessDenied message carries the
    same sequences into coverage (answered by a botocore hook in AWS's error shape, in front of moto)."""

    def denied(**_):
        http = AWSResponse("https://kms.us-east-1.amazonaws.com/", 400, {}, None)
        return http, {"Error": {"Code": "AccessDeniedException", "Message": f"not you {TERMINAL}"},
                      "ResponseMetadata": {"HTTPStatusCode": 400}}

    with mock_aws():
        boto = boto3.Session(region_name="us-east-1")
        boto.client("ecs").create_cluster(clusterName=TERMINAL, tags=[{"key": "Environment", "value": "prod"}])
        boto.client("ec2").create_vpc(CidrBlock="10.8.0.0/16", TagSpecifications=[{
            "ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": f"prod{BIDI}"}]}])
        aws = open_session(region="us-east-1")
        aws.session.events.register_first("before-call.kms.ListKeys", denied)
        estate = collect_account(aws, ["us-east-1"], services=["ecs", "vpc", "kms"])
    return estate, evaluate(estate)


def terminal_hostile_review():
    estate, findings = terminal_hostile_estate()
    return review_of_estate(estate, findings)


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
