"""Checks on EC2 instances, EBS volumes and snapshots, Elastic IPs and EC2 Auto Scaling groups: each FAILs on the bad
resource and PASSes on its clean twin, both arranged in moto and read by the real collectors; a read that failed or
an API the endpoint lacks gives NOT_ASSESSED, never a pass."""

from __future__ import annotations

import datetime as dt

import boto3
import pytest
from botocore.stub import Stubber

from denial import deny
from twins import by_name, checks_in, scan_arranged
from wafr.checks.registry import all_checks
from wafr.estate import Coverage, Estate
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.registry import all_collectors

REGION, ACCOUNT = "us-east-1", "123456789012"
SERVICES = ["ec2", "elastic-ips", "ebs-snapshots", "ssm-managed-instances", "autoscaling"]
MODULES = {"compute", "block_storage", "auto_scaling"}
LATER = dt.timedelta(days=400)  # the estate is judged as of this long after it was arranged


def tagged(kind, environment, name=None):
    tags = [{"Key": "Environment", "Value": environment}] + ([{"Key": "Name", "Value": name}] if name else [])
    return [{"ResourceType": kind, "Tags": tags}]


def arrange(boto):
    ec2 = boto.client("ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnets = {s["AvailabilityZone"]: s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]}
    ssh = ec2.create_security_group(GroupName="ssh", Description="ssh", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=ssh, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    web = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]

    def launch(name, kind, *, tokens, monitoring, group, environment="prod"):
        return ec2.run_instances(
            ImageId=image, MinCount=1, MaxCount=1, InstanceType=kind, SecurityGroupIds=[group],
            SubnetId=subnets[f"{REGION}a"], MetadataOptions={"HttpTokens": tokens},
            Monitoring={"Enabled": monitoring}, TagSpecifications=tagged("instance", environment, name),
        )["Instances"][0]["InstanceId"]

    ids = {"legacy": launch("legacy", "m4.large", tokens="optional", monitoring=False, group=ssh),
           "modern": launch("modern", "m7g.large", tokens="required", monitoring=True, group=web),
           "parked": launch("parked", "t3.micro", tokens="required", monitoring=False, group=web)}
    ec2.stop_instances(InstanceIds=[ids["parked"]])

    ec2.create_volume(Size=200, AvailabilityZone=f"{REGION}a", VolumeType="gp2",
                      TagSpecifications=tagged("volume", "prod", "old-disk"))
    disk = ec2.create_volume(Size=200, AvailabilityZone=f"{REGION}a", VolumeType="gp3",
                             TagSpecifications=tagged("volume", "prod", "new-disk"))["VolumeId"]
    ec2.attach_volume(VolumeId=disk, InstanceId=ids["modern"], Device="/dev/sdf")
    ec2.create_snapshot(VolumeId=disk, Description="manual copy", TagSpecifications=tagged("snapshot", "prod",
                                                                                             "forgotten"))
    ec2.create_snapshot(VolumeId=disk, Description="This snapshot is created by the AWS Backup service.",
                        TagSpecifications=tagged("snapshot", "prod", "backed-up"))
    scratch = ec2.create_volume(Size=50, AvailabilityZone=f"{REGION}a", VolumeType="gp3")["VolumeId"]
    ec2.create_snapshot(VolumeId=scratch, TagSpecifications=tagged("snapshot", "prod", "orphaned"))
    ec2.delete_volume(VolumeId=scratch)
    ec2.allocate_address(Domain="vpc", TagSpecifications=tagged("elastic-ip", "prod", "spare-ip"))
    used = ec2.allocate_address(Domain="vpc", TagSpecifications=tagged("elastic-ip", "prod", "used-ip"))
    ec2.associate_address(AllocationId=used["AllocationId"], InstanceId=ids["modern"])

    target_group = boto.client("elbv2").create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)[
        "TargetGroups"][0]["TargetGroupArn"]
    template = {"LaunchTemplateName": "web", "Version": "$Latest"}
    ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={"ImageId": image,
                                                                             "InstanceType": "m7g.large"})
    autoscaling = boto.client("autoscaling")
    autoscaling.create_launch_configuration(LaunchConfigurationName="old-web", ImageId=image,
                                            InstanceType="m5.large", UserData="export DB_PASSWORD=hunter2")

    def group(name, environment, zones, **extra):
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=name, MinSize=0, MaxSize=4, DesiredCapacity=0,
            VPCZoneIdentifier=",".join(subnets[f"{REGION}{z}"] for z in zones),
            Tags=[{"Key": "Environment", "Value": environment, "PropagateAtLaunch": True}], **extra)

    group("web-bad", "prod", "a", LaunchConfigurationName="old-web", TargetGroupARNs=[target_group],
          HealthCheckType="EC2")
    group("web-good", "prod", "ab", LaunchTemplate=template, TargetGroupARNs=[target_group],
          HealthCheckType="ELB", HealthCheckGracePeriod=120)
    autoscaling.put_scaling_policy(
        AutoScalingGroupName="web-good", PolicyName="cpu", PolicyType="TargetTrackingScaling",
        TargetTrackingConfiguration={"TargetValue": 50.0, "PredefinedMetricSpecification": {
            "PredefinedMetricType": "ASGAverageCPUUtilization"}})
    spot = {"LaunchTemplate": {"LaunchTemplateSpecification": template, "Overrides": [
        {"InstanceType": "m7g.large"}, {"InstanceType": "m6g.large"}]},
        "InstancesDistribution": {"OnDemandBaseCapacity": 0, "OnDemandPercentageAboveBaseCapacity": 0,
                                  "SpotAllocationStrategy": "price-capacity-optimized"}}
    group("batch-bad", "dev", "ab", MixedInstancesPolicy=spot, CapacityRebalance=False)
    group("batch-good", "dev", "ab", MixedInstancesPolicy=spot, CapacityRebalance=True)
    group("dev-web", "dev", "ab", LaunchTemplate=template)
    autoscaling.put_scheduled_update_group_action(AutoScalingGroupName="batch-good", ScheduledActionName="night",
                                                  Recurrence="0 20 * * *", DesiredCapacity=0)
    autoscaling.create_or_update_tags(Tags=[{
        "ResourceId": "batch-bad", "ResourceType": "auto-scaling-group", "PropagateAtLaunch": False,
        "Key": "k8s.io/cluster-autoscaler/enabled", "Value": "true"}])
    return ids


def judged(estate, later=LATER):
    estate.metadata["collected_at"] = (dt.datetime.now(dt.timezone.utc) + later).strftime("%Y-%m-%dT%H:%M:%SZ")
    ours = {c.id: c for c in all_checks().values() if c.fn.__module__.rsplit(".", 1)[-1] in MODULES}
    found = by_name(evaluate(estate, ours))
    found.update({(f.check_id, f.resource["id"]): f for f in found.values()})
    return found


@pytest.fixture(scope="module")
def scanned():
    return scan_arranged(arrange, SERVICES, REGION)


@pytest.fixture(scope="module")
def findings(scanned):
    return judged(scanned[0])


CASES = [  # check, bad resource, its clean twin (by name)
    ("ec2-imdsv2-not-required", "legacy", "modern"),
    ("ec2-detailed-monitoring-off", "legacy", "modern"),
    ("ec2-instance-previous-generation", "legacy", "modern"),
    ("ec2-instance-long-stopped", "parked", "modern"),
    ("ec2-elastic-ip-unattached", "spare-ip", "used-ip"),
    ("ebs-volume-gp2", "old-disk", "new-disk"),
    ("ebs-volume-unattached", "old-disk", "new-disk"),
    ("ebs-snapshot-past-retention", "forgotten", "backed-up"),
    ("asg-single-az", "web-bad", "web-good"),
    ("asg-ec2-health-check-behind-load-balancer", "web-bad", "web-good"),
    ("asg-launch-configuration", "web-bad", "web-good"),
    ("asg-without-scaling-policy", "web-bad", "web-good"),
    ("asg-spot-without-capacity-rebalance", "batch-bad", "batch-good"),
    ("asg-non-production-without-spot", "dev-web", "batch-good"),
]


@pytest.mark.parametrize(("check_id", "bad", "good"), CASES, ids=[c[0] for c in CASES])
def test_fires_on_the_bad_resource_and_not_on_its_clean_twin(findings, check_id, bad, good):
    assert findings[(check_id, bad)].status == "FAIL", findings[(check_id, bad)].evidence
    assert findings[(check_id, good)].status == "PASS", findings[(check_id, good)].evidence


def test_every_new_check_has_a_case():
    # EBS encryption moved here from network.py; test_network_checks.py has it.
    earlier = {"ebs-volume-not-encrypted", "ebs-encryption-by-default-off"}
    ours = checks_in(*MODULES) - earlier
    # Judged account-wide or with Systems Manager's answer: tested below.
    assert ours == {c[0] for c in CASES} | {"ec2-graviton-share-low", "ec2-admin-by-ssh-without-session-manager"}


def test_evidence_gives_the_numbers(findings):
    gp2 = findings[("ebs-volume-gp2", "old-disk")].evidence
    # 200 GiB: gp2 at $0.10 against gp3 at $0.08 per GB-month, gp2's 600 IOPS and 125 MB/s within gp3's baseline.
    assert "save about $4.00 a month" in gp2 and "us-east-1" in gp2 and "aws.amazon.com/ebs/pricing" in gp2
    assert "m7g" in findings[("ec2-instance-previous-generation", "legacy")].evidence
    assert "400 days" in findings[("ebs-snapshot-past-retention", "forgotten")].evidence
    assert "no longer exists" not in findings[("ebs-snapshot-past-retention", "forgotten")].evidence
    assert "no longer exists" in findings[("ebs-snapshot-past-retention", "orphaned")].evidence
    # 200 GiB of gp2 at $0.10; a public IPv4 address at $0.005 an hour for 730 hours.
    assert "about $20.00 a month" in findings[("ebs-volume-unattached", "old-disk")].evidence
    assert "about $3.65 a month" in findings[("ec2-elastic-ip-unattached", "spare-ip")].evidence


def test_graviton_share_is_stated_as_a_number(scanned, findings):
    share = findings[("ec2-graviton-share-low", ACCOUNT)]
    # legacy m4.large (2 vCPU, x86) and modern m7g.large (2 vCPU, Graviton) run; parked is stopped.
    assert share.status == "FAIL"
    assert "50% of the 4 vCPU running on EC2 is Graviton and 50% is current generation" in share.evidence
    assert "legacy (m4.large -> m7g)" in share.evidence
    estate, ids = scanned
    graviton_only = Estate(resources=[r for r in estate.resources if r.id != ids["legacy"]],
                           coverage=list(estate.coverage), metadata=dict(estate.metadata))
    clean = judged(graviton_only)[("ec2-graviton-share-low", ACCOUNT)]
    assert clean.status == "PASS" and "100% of the 2 vCPU" in clean.evidence


def test_scheduled_actions_and_the_cluster_autoscaler_count_as_scaling(findings):
    assert "scheduled action" in findings[("asg-without-scaling-policy", "batch-good")].evidence
    assert "Cluster Autoscaler" in findings[("asg-without-scaling-policy", "batch-bad")].evidence
    assert findings[("asg-without-scaling-policy", "batch-bad")].status == "PASS"
    assert findings[("asg-without-scaling-policy", "dev-web")].status == "FAIL"


def test_a_recently_stopped_instance_is_not_long_stopped(scanned):
    assert judged(scanned[0], later=dt.timedelta(0))[("ec2-instance-long-stopped", "parked")].status == "PASS"


def test_user_data_of_a_launch_configuration_never_reaches_the_estate(scanned):
    configuration = next(r for r in scanned[0].resources if r.type == "AWS::AutoScaling::LaunchConfiguration")
    assert configuration.config["InstanceType"] == "m5.large"
    assert "hunter2" not in repr(configuration.config) and "DB_PASSWORD" not in repr(configuration.config)


def test_ssh_without_session_manager_fires_and_a_managed_instance_passes(scanned):
    """moto lacks ssm:DescribeInstanceInformation, so botocore's Stubber answers with AWS's documented shape
    (InstanceInformationList entries with InstanceId, PingStatus, PlatformType, ResourceType)."""
    estate, ids = scanned
    client = boto3.Session(region_name=REGION, aws_access_key_id="stub", aws_secret_access_key="stub").client("ssm")
    with Stubber(client) as stub:
        stub.add_response("describe_instance_information", {"InstanceInformationList": [
            {"InstanceId": ids["modern"], "PingStatus": "Online", "PlatformType": "Linux",
             "ResourceType": "EC2Instance", "AgentVersion": "3.3.0.0"}]})
        ctx = CollectContext(account=ACCOUNT, region=REGION, partition="aws", client_factory=lambda s, r: client)
        managed = list(all_collectors()["ssm-managed-instances"].collect(ctx))
    with_ssm = Estate(resources=[r for r in estate.resources if r.type != "AWS::SSM::ManagedInstance"] + managed,
                      coverage=[c for c in estate.coverage if c.service != "ssm-managed-instances"]
                      + [Coverage(ACCOUNT, REGION, "ssm-managed-instances", "assessed")],
                      metadata=dict(estate.metadata))
    found = judged(with_ssm)
    legacy = found[("ec2-admin-by-ssh-without-session-manager", "legacy")]
    assert legacy.status == "FAIL" and "SSH from 0.0.0.0/0" in legacy.evidence
    assert found[("ec2-admin-by-ssh-without-session-manager", "modern")].status == "PASS"


def test_failed_reads_are_not_assessed_never_passed(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["DescribePolicies", "DescribeSnapshots", "DescribeInstanceInformation"])
    estate = collect_account(aws, [REGION], services=SERVICES)
    found = judged(estate)
    assert found[("asg-without-scaling-policy", "web-good")].status == "NOT_ASSESSED"
    assert found[("asg-without-scaling-policy", "web-bad")].status == "NOT_ASSESSED"
    assert found[("asg-single-az", "web-bad")].status == "FAIL"  # read from the listing, which succeeded
    assert {f.status for (check_id, _), f in found.items() if check_id == "ebs-snapshot-past-retention"} == {
        "NOT_ASSESSED"}
    # Without Systems Manager's answer, an instance open to SSH may still be reachable by Session Manager.
    assert found[("ec2-admin-by-ssh-without-session-manager", "legacy")].status == "NOT_ASSESSED"


def test_instance_family_data_is_consistent():
    from wafr.checks import instance_families as families

    data = families.families()
    assert set(data["graviton_equivalent"].values()) <= set(data["graviton"])  # every suggestion runs on Graviton
    assert not set(data["graviton_equivalent"]) & set(data["graviton"])  # and is suggested only for x86
    assert families.vcpus({"InstanceType": "m5.4xlarge"}) == 16
    assert families.vcpus({"InstanceType": "t3.micro"}) == 2 and families.vcpus({"InstanceType": "t2.micro"}) == 1
    # What the instance reports wins over its size (an instance launched with fewer cores).
    assert families.vcpus({"InstanceType": "m5.4xlarge", "CpuOptions": {"CoreCount": 4, "ThreadsPerCore": 1}}) == 4
    assert families.vcpus({"InstanceType": "m5.metal"}) is None
