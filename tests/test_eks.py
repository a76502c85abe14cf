"""EKS checks: each FAILs on a bad cluster or node group and PASSes on its clean twin, both arranged in moto and
read by the real collector; the Kubernetes calendar is judged at the scan's time, as recorded in the estate."""

from __future__ import annotations

import pytest

from denial import deny
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/eks"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SCAN_TIME = "2026-01-15T00:00:00Z"  # 1.29 is past standard support (2025-03-23), 1.33 is not (2026-07-29)


def arrange(boto):
    ec2 = boto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    a, b = (ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24",
                              AvailabilityZone=f"{REGION}{z}")["Subnet"]["SubnetId"] for i, z in ((1, "a"), (2, "b")))
    a2 = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.3.0/24", AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
    eks = boto.client("eks")
    eks.create_cluster(name="legacy", version="1.29", roleArn=ROLE, tags={"Environment": "prod"},
                       resourcesVpcConfig={"subnetIds": [a, b], "endpointPublicAccess": True,
                                           "publicAccessCidrs": ["0.0.0.0/0"]},
                       logging={"clusterLogging": [{"types": ["scheduler"], "enabled": True}]})
    eks.create_cluster(name="current", version="1.33", roleArn=ROLE, tags={"Environment": "prod"},
                       resourcesVpcConfig={"subnetIds": [a, b], "endpointPublicAccess": True,
                                           "endpointPrivateAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]},
                       logging={"clusterLogging": [{"types": ["api", "audit", "authenticator"], "enabled": True}]},
                       encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": KEY}}])
    node_role = "arn:aws:iam::123456789012:role/nodes"
    eks.create_nodegroup(clusterName="current", nodegroupName="one-zone", subnets=[a, a2], nodeRole=node_role,
                         tags={"Environment": "prod"})
    eks.create_nodegroup(clusterName="current", nodegroupName="two-zones", subnets=[a, b], nodeRole=node_role,
                         tags={"Environment": "prod"})


@pytest.fixture
def verdicts(aws, boto):
    arrange(boto)
    estate = collect_account(aws, [REGION], services=["eks", "vpc"])
    estate.metadata["collected_at"] = SCAN_TIME
    return {(f.check_id, f.resource["id"]): f for f in evaluate(estate) if f.check_id.startswith("eks-")}


@pytest.mark.parametrize("check_id,bad,good,words", [
    ("eks-version-past-standard-support", "legacy", "current", "standard support ended 2025-03-23"),
    ("eks-control-plane-logging-incomplete", "legacy", "current", "api, audit, authenticator"),
    ("eks-endpoint-public-to-internet", "legacy", "current", "0.0.0.0/0"),
    ("eks-secrets-not-envelope-encrypted", "legacy", "current", "No encryptionConfig"),
    ("eks-nodegroup-single-az", "one-zone", "two-zones", "us-east-1a"),
])
def test_each_check_fails_the_bad_resource_and_passes_its_clean_twin(verdicts, check_id, bad, good, words):
    assert verdicts[(check_id, bad)].status == "FAIL" and words in verdicts[(check_id, bad)].evidence
    assert verdicts[(check_id, good)].status == "PASS"


def test_a_production_cluster_past_support_is_high_risk(verdicts):
    assert verdicts[("eks-version-past-standard-support", "legacy")].risk == "HIGH"


def test_a_version_missing_from_the_calendar_is_not_assessed(aws, boto):
    boto.client("eks").create_cluster(name="future", version="9.99", roleArn=ROLE,
                                      resourcesVpcConfig={"subnetIds": []})
    estate = collect_account(aws, [REGION], services=["eks"])
    finding = next(f for f in evaluate(estate) if f.check_id == "eks-version-past-standard-support")
    assert finding.status == "NOT_ASSESSED" and "9.99" in finding.evidence


def test_a_version_older_than_the_calendar_is_past_support(aws, boto):
    boto.client("eks").create_cluster(name="ancient", version="1.19", roleArn=ROLE,
                                      resourcesVpcConfig={"subnetIds": []})
    estate = collect_account(aws, [REGION], services=["eks"])
    finding = next(f for f in evaluate(estate) if f.check_id == "eks-version-past-standard-support")
    assert finding.status == "FAIL"


def test_a_denied_describe_cluster_is_not_a_pass(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["DescribeCluster"])
    estate = collect_account(aws, [REGION], services=["eks", "vpc"])
    found = [f for f in evaluate(estate) if f.check_id == "eks-secrets-not-envelope-encrypted"]
    assert found and all(f.status == "NOT_ASSESSED" for f in found)
    assert "DescribeCluster failed" in found[0].evidence


# -- managed add-ons: moto has no ListAddons, DescribeAddon or DescribeAddonVersions, so the eks client is answered
# by botocore's Stubber with the response shapes of the EKS API reference (Cluster, Addon, AddonInfo).
def addon(cluster, name, version):
    arn = f"arn:aws:eks:{REGION}:123456789012:addon/{cluster}/{name}/x"
    return {"addon": {"addonName": name, "clusterName": cluster, "status": "ACTIVE", "addonVersion": version,
                      "health": {"issues": []}, "addonArn": arn, "tags": {"Environment": "prod"},
                      "configurationValues": '{"env": {"TOKEN": "not-for-the-estate"}}'}}


def versions(name, kubernetes, default, newer):
    def info(version, is_default):
        return {"addonVersion": version, "architecture": ["amd64", "arm64"],
                "compatibilities": [{"clusterVersion": kubernetes, "platformVersions": ["*"],
                                     "defaultVersion": is_default}]}
    return {"addons": [{"addonName": name, "type": "networking",
                        "addonVersions": [info(newer, False), info(default, True)]}]}


def test_an_add_on_older_than_the_default_fails_and_one_at_it_passes(aws):
    from botocore.stub import Stubber

    with Stubber(aws.client("eks", REGION)) as stub:
        stub.add_response("list_clusters", {"clusters": ["shop"]})
        stub.add_response("describe_cluster", {"cluster": {"name": "shop", "version": "1.31"}}, {"name": "shop"})
        stub.add_response("list_addons", {"addons": ["vpc-cni", "coredns"]})
        stub.add_response("describe_addon", addon("shop", "vpc-cni", "v1.16.0-eksbuild.1"))
        stub.add_response("describe_addon_versions", versions("vpc-cni", "1.31", "v1.18.3-eksbuild.1",
                                                              "v1.19.0-eksbuild.1"))
        stub.add_response("describe_addon", addon("shop", "coredns", "v1.11.3-eksbuild.2"))
        stub.add_response("describe_addon_versions", versions("coredns", "1.31", "v1.11.3-eksbuild.1",
                                                              "v1.11.4-eksbuild.1"))
        estate = collect_account(aws, [REGION], services=["eks-addons"])
        stub.assert_no_pending_responses()
    assert estate.coverage_of(aws.account, REGION, "eks-addons").status == "assessed"
    assert "not-for-the-estate" not in str([r.config for r in estate.resources]), "configuration values are dropped"
    verdicts = {f.resource["id"]: f for f in evaluate(estate) if f.check_id == "eks-addon-behind-default"}
    assert verdicts["shop/vpc-cni"].status == "FAIL" and "v1.18.3-eksbuild.1" in verdicts["shop/vpc-cni"].evidence
    assert verdicts["shop/coredns"].status == "PASS"


def test_denied_add_on_reads_are_not_a_pass(aws):
    from botocore.stub import Stubber

    with Stubber(aws.client("eks", REGION)) as stub:
        stub.add_client_error("list_clusters", service_error_code="AccessDeniedException", http_status_code=403,
                              service_message="not authorized to perform: eks:ListClusters")
        estate = collect_account(aws, [REGION], services=["eks-addons"])
    assert estate.coverage_of(aws.account, REGION, "eks-addons").status == "denied"
    found = [f for f in evaluate(estate) if f.check_id == "eks-addon-behind-default"]
    assert found and {f.status for f in found} == {"NOT_ASSESSED"}
