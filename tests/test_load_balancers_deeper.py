"""Load balancers deeper (attributes, TLS policies, target groups, Classic Load Balancers), Auto Scaling groups that
scale on demand, and production instances that run alone: each check FAILs on the bad resource and PASSes on its
clean twin, both arranged in moto and read by the real collectors (moto answers every call these collectors make);
a read that failed gives NOT_ASSESSED, never a pass."""

from __future__ import annotations

import pytest

from denial import deny
from twins import by_name, scan_arranged
from wafr.checks.load_balancers import allows_tls_below_1_2
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account

REGION = "us-east-1"
SERVICES = ["ec2", "elbv2", "elb", "autoscaling"]
IMAGE = "ami-12c6146b"


def tags(environment, name=None):
    return [{"Key": "Environment", "Value": environment}] + ([{"Key": "Name", "Value": name}] if name else [])


def arrange(boto):
    ec2, elbv2, elb = boto.client("ec2"), boto.client("elbv2"), boto.client("elb")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    a, b = (ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{z}")["Subnet"][
        "SubnetId"] for i, z in ((1, "a"), (2, "b")))

    def instance(name, subnet, environment="prod"):
        return ec2.run_instances(ImageId=IMAGE, MinCount=1, MaxCount=1, SubnetId=subnet, TagSpecifications=[
            {"ResourceType": "instance", "Tags": tags(environment, name)}])["Instances"][0]["InstanceId"]

    web_a, web_b, solo, _ = instance("web-a", a), instance("web-b", b), instance("solo", a), instance("lonely", a)
    instance("dev-box", a, "dev")
    bucket = "lb-logs"
    boto.client("s3").create_bucket(Bucket=bucket)
    cert = boto.client("acm").request_certificate(DomainName="shop.example.com")["CertificateArn"]

    def balancer(name, kind="application", **attributes):
        arn = elbv2.create_load_balancer(Name=name, Subnets=[a, b], Type=kind, Tags=tags("prod"))[
            "LoadBalancers"][0]["LoadBalancerArn"]
        if attributes:
            elbv2.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[
                {"Key": k, "Value": v} for k, v in attributes.items()])
        return arn

    def target_group(name, targets, **health):
        arn = elbv2.create_target_group(Name=name, Protocol="HTTP", Port=80, VpcId=vpc, Tags=tags("prod"),
                                        **health)["TargetGroups"][0]["TargetGroupArn"]
        elbv2.register_targets(TargetGroupArn=arn, Targets=[{"Id": t} for t in targets])
        return arn

    good_alb = balancer("good-alb", **{
        "access_logs.s3.enabled": "true", "access_logs.s3.bucket": bucket, "deletion_protection.enabled": "true",
        "routing.http.drop_invalid_header_fields.enabled": "true"})
    bad_alb = balancer("bad-alb")
    good_tg = target_group("good-tg", [web_a, web_b], HealthCheckIntervalSeconds=15, UnhealthyThresholdCount=3)
    bad_tg = target_group("bad-tg", [solo], HealthCheckIntervalSeconds=300, UnhealthyThresholdCount=10)
    for lb, group, policy in ((good_alb, good_tg, "ELBSecurityPolicy-TLS13-1-2-2021-06"),
                              (bad_alb, bad_tg, "ELBSecurityPolicy-2016-08")):
        forward = [{"Type": "forward", "TargetGroupArn": group}]
        elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTPS", Port=443, SslPolicy=policy,
                              Certificates=[{"CertificateArn": cert}], DefaultActions=forward)
    balancer("good-nlb", "network", **{"load_balancing.cross_zone.enabled": "true"})
    balancer("bad-nlb", "network", **{"load_balancing.cross_zone.enabled": "false"})

    for name, protocol, port, crossing in (("old-plain", "HTTP", 80, False), ("old-tls", "HTTPS", 443, True)):
        listener = {"Protocol": protocol, "LoadBalancerPort": port, "InstancePort": 80,
                    **({"SSLCertificateId": cert} if protocol == "HTTPS" else {})}
        elb.create_load_balancer(LoadBalancerName=name, Listeners=[listener], Subnets=[a, b], Tags=tags("prod"))
        elb.modify_load_balancer_attributes(LoadBalancerName=name, LoadBalancerAttributes={
            "CrossZoneLoadBalancing": {"Enabled": crossing},
            "AccessLog": {"Enabled": crossing, "S3BucketName": bucket, "EmitInterval": 60}})
    elb.register_instances_with_load_balancer(LoadBalancerName="old-tls",
                                              Instances=[{"InstanceId": web_a}, {"InstanceId": web_b}])
    elb.register_instances_with_load_balancer(LoadBalancerName="old-plain", Instances=[{"InstanceId": solo}])

    ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={"ImageId": IMAGE,
                                                                             "InstanceType": "t3.micro"})
    autoscaling = boto.client("autoscaling")
    for name, size in (("scaled", 1), ("clocked", 0)):
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=name, MinSize=size, MaxSize=4, DesiredCapacity=size, VPCZoneIdentifier=f"{a},{b}",
            LaunchTemplate={"LaunchTemplateName": "web", "Version": "$Latest"},
            Tags=[{"Key": "Environment", "Value": "prod", "PropagateAtLaunch": True}])
    autoscaling.put_scaling_policy(
        AutoScalingGroupName="scaled", PolicyName="cpu", PolicyType="TargetTrackingScaling",
        TargetTrackingConfiguration={"TargetValue": 50.0, "PredefinedMetricSpecification": {
            "PredefinedMetricType": "ASGAverageCPUUtilization"}})
    autoscaling.put_scheduled_update_group_action(AutoScalingGroupName="clocked", ScheduledActionName="mornings",
                                                  Recurrence="0 7 * * *", DesiredCapacity=2)
    [grouped] = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["scaled"])["AutoScalingGroups"][0][
        "Instances"]
    return {"grouped": grouped["InstanceId"]}


@pytest.fixture(scope="module")
def scanned():
    estate, arranged = scan_arranged(arrange, SERVICES, REGION)
    return estate, arranged, by_name(evaluate(estate))


CASES = [
    ("load-balancer-outdated-tls-policy", "bad-alb", "good-alb"),
    ("load-balancer-access-logs-off", "bad-alb", "good-alb"),
    ("load-balancer-access-logs-off", "old-plain", "old-tls"),
    ("alb-invalid-header-fields-kept", "bad-alb", "good-alb"),
    ("load-balancer-deletion-protection-off", "bad-alb", "good-alb"),
    ("load-balancer-cross-zone-off", "bad-nlb", "good-nlb"),
    ("load-balancer-cross-zone-off", "old-plain", "old-tls"),
    ("load-balancer-targets-in-one-az", "bad-alb", "good-alb"),
    ("load-balancer-targets-in-one-az", "old-plain", "old-tls"),
    ("target-group-slow-health-check", "bad-tg", "good-tg"),
    ("classic-load-balancer-without-https", "old-plain", "old-tls"),
    ("asg-not-scaling-on-demand", "clocked", "scaled"),
    ("ec2-standalone-instance", "lonely", "grouped"),
]


@pytest.mark.parametrize("check_id, bad, good", CASES)
def test_bad_resource_fails_and_its_clean_twin_passes(scanned, check_id, bad, good):
    _, arranged, found = scanned
    good = arranged.get(good, good)
    assert found[(check_id, bad)].status == "FAIL", found[(check_id, bad)].evidence
    assert found[(check_id, good)].status == "PASS", found[(check_id, good)].evidence


def test_what_each_failure_says(scanned):
    _, _, found = scanned
    assert "HTTPS:443 (ELBSecurityPolicy-2016-08)" in found[("load-balancer-outdated-tls-policy", "bad-alb")].evidence
    assert "about 3000 s" in found[("target-group-slow-health-check", "bad-tg")].evidence
    assert "us-east-1a" in found[("load-balancer-targets-in-one-az", "bad-alb")].evidence
    assert "1 scheduled action(s)" in found[("asg-not-scaling-on-demand", "clocked")].evidence
    assert found[("classic-load-balancer-in-use", "old-tls")].status == "FAIL"
    assert "HTTPS:443" in found[("classic-load-balancer-in-use", "old-tls")].evidence


def test_what_is_not_judged(scanned):
    _, _, found = scanned
    judged = {key for key in found}
    assert ("load-balancer-cross-zone-off", "good-alb") not in judged  # an ALB always balances across zones
    assert ("alb-invalid-header-fields-kept", "bad-nlb") not in judged
    assert ("load-balancer-access-logs-off", "bad-nlb") not in judged  # an NLB logs only TLS listeners
    assert ("ec2-standalone-instance", "dev-box") not in judged  # not production
    assert ("ec2-standalone-instance", "solo") not in judged  # behind a load balancer: traffic fails over
    assert ("load-balancer-outdated-tls-policy", "bad-nlb") not in judged  # no TLS listener


@pytest.mark.parametrize("policy, old", [
    ("ELBSecurityPolicy-2016-08", True), ("ELBSecurityPolicy-TLS-1-1-2017-01", True),
    ("ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04", True), ("ELBSecurityPolicy-FS-1-1-2019-08", True),
    ("ELBSecurityPolicy-TLS13-1-2-Res-2021-06", False), ("ELBSecurityPolicy-TLS-1-2-Ext-2018-06", False),
    ("ELBSecurityPolicy-FS-1-2-Res-2020-10", False), ("ELBSecurityPolicy-TLS13-1-3-2021-06", False),
])
def test_which_tls_policies_accept_tls_below_1_2(policy, old):
    assert allows_tls_below_1_2(policy) is old


def test_unread_attributes_and_target_health_are_not_assessed(aws, boto):
    arrange(boto)
    deny(aws.session.events, ["DescribeLoadBalancerAttributes", "DescribeTargetHealth"])
    estate = collect_account(aws, [REGION], services=SERVICES)
    found = {(f.check_id, f.resource["name"]): f for f in evaluate(estate)}
    for check_id in ("load-balancer-access-logs-off", "alb-invalid-header-fields-kept",
                     "load-balancer-deletion-protection-off", "load-balancer-targets-in-one-az"):
        for name in ("bad-alb", "good-alb"):
            assert found[(check_id, name)].status == "NOT_ASSESSED", (check_id, name)
    assert found[("load-balancer-cross-zone-off", "old-tls")].status == "NOT_ASSESSED"
    assert found[("load-balancer-outdated-tls-policy", "bad-alb")].status == "FAIL"  # read from the listeners


def test_without_the_classic_load_balancers_an_instance_alone_is_not_assessed(aws, boto):
    """A Classic Load Balancer may be what sends the instance traffic: unread, no verdict rests on its absence."""
    grouped = arrange(boto)["grouped"]
    estate = collect_account(aws, [REGION], services=["ec2", "elbv2", "autoscaling"])
    found = {(f.check_id, f.resource["name"]): f for f in evaluate(estate)}
    alone = found[("ec2-standalone-instance", "lonely")]
    assert alone.status == "NOT_ASSESSED" and "elb was not collected" in alone.evidence
    assert ("ec2-standalone-instance", grouped) not in found  # its pass is withheld, never given
    # What was read already shows bad-alb's targets in one zone; the Classic Load Balancers are another matter.
    assert found[("load-balancer-targets-in-one-az", "bad-alb")].status == "FAIL"
    assert ("load-balancer-targets-in-one-az", "good-alb") not in found
