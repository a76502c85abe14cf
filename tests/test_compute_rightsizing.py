"""EC2 and Auto Scaling right-sizing, non-production compute that never stops, read-heavy databases without a
replica and busy public endpoints without CloudFront: wafr's own CloudWatch analyses over an estate shaped as the
collectors and metric collection leave it, each FAILing on the bad resource and PASSing on its clean twin; and the
new series (network, the CloudWatch agent's memory, Auto Scaling groups, request counts, read and write IOPS) read
from CloudWatch in moto with the queries the analyses need."""

from __future__ import annotations

import datetime as dt

import pytest

from wafr.estate import Resource
from wafr.findings import evaluate
from wafr.metrics.collect import collect_metrics
from wafr.metrics.series import metric_key, series_of
from wafr.metrics.synthetic import ACCOUNT, REGION, ec2_instance, estate_with, flat, rds_instance, values
from wafr.resource_types import (APIGW_REST_API, APIGW_STAGE, APIGWV2_API, AUTOSCALING_GROUP, CLOUDFRONT_DISTRIBUTION,
                                 ELB_LOAD_BALANCER)
from wafr.sources.aws.collect import collect_account

HOURS = 14 * 24
READ = ("cloudwatch-metrics", "autoscaling", "elbv2", "cloudfront", "apigateway", "apigatewayv2")
GBIT_HOUR = 1e9 / 8 * 3600  # bytes in an hour at 1 Gbit/s


def instance(instance_id, instance_type, environment="prod", group=None):
    resource = ec2_instance(instance_id, environment=environment)
    resource.config["InstanceType"] = instance_type
    if group:
        resource.tags["aws:autoscaling:groupName"] = group
    return resource


def group(name, instance_type, count, environment="prod"):
    """An Auto Scaling group as DescribeAutoScalingGroups returns it, with its in-service instances."""
    return Resource(type=AUTOSCALING_GROUP, id=name, account=ACCOUNT, region=REGION, name=name,
                    arn=f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:1:autoScalingGroupName/{name}",
                    tags={"Environment": environment},
                    config={"AutoScalingGroupName": name, "DesiredCapacity": count, "Instances": [
                        {"InstanceId": f"i-{name}-{n}", "InstanceType": instance_type,
                         "LifecycleState": "InService"} for n in range(count)]})


def database(name, environment="prod", replicas=()):
    db = rds_instance(name, "db.r6g.xlarge", environment=environment)
    db.config["ReadReplicaDBInstanceIdentifiers"] = list(replicas)
    return db


def balancer(name, scheme="internet-facing"):
    arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/{name}/50dc6c495c0c9188"
    return Resource(type=ELB_LOAD_BALANCER, id=arn, account=ACCOUNT, region=REGION, arn=arn, name=name,
                    tags={"Environment": "prod"},
                    config={"LoadBalancerArn": arn, "LoadBalancerName": name, "Type": "application",
                            "Scheme": scheme, "DNSName": f"{name}-1234567890.{REGION}.elb.amazonaws.com"})


def rest_api(api_id, name, types=("REGIONAL",)):
    return Resource(type=APIGW_REST_API, id=api_id, account=ACCOUNT, region=REGION, name=name,
                    tags={"Environment": "prod"},
                    config={"id": api_id, "name": name, "endpointConfiguration": {"types": list(types)}})


def stage(api, cache):
    return Resource(type=APIGW_STAGE, id=f"{api.id}/prod", account=ACCOUNT, region=REGION, name=f"{api.name}/prod",
                    config={"restApiId": api.id, "stageName": "prod", "cacheClusterEnabled": cache})


def http_api(api_id, name):
    return Resource(type=APIGWV2_API, id=api_id, account=ACCOUNT, region=REGION, name=name,
                    tags={"Environment": "prod"}, config={"ApiId": api_id, "Name": name, "ProtocolType": "HTTP"})


def distribution(name, *origins):
    return Resource(type=CLOUDFRONT_DISTRIBUTION, id=name, account=ACCOUNT, region="global", name=name,
                    config={"Origins": {"Quantity": len(origins), "Items": [
                        {"Id": f"o{n}", "DomainName": domain} for n, domain in enumerate(origins)]}})


def compute(cpu_max, memory=None, network_gbps=0.01):
    series = {"CPUUtilization:Maximum": values(flat(cpu_max, 0.5), HOURS),
              "CPUUtilization": values(flat(cpu_max / 2, 0.2), HOURS),
              "NetworkIn:Sum": [network_gbps * GBIT_HOUR / 2] * HOURS,
              "NetworkOut:Sum": [network_gbps * GBIT_HOUR / 2] * HOURS}
    if memory is not None:
        series["mem_used_percent:Maximum"] = values(flat(memory, 0.5), HOURS)
    return series


def office_hours(level):
    """CPU only from 08:00 to 20:00 UTC on weekdays: the instance is stopped the rest of the week."""
    start = dt.datetime(2026, 11, 12, tzinfo=dt.timezone.utc)  # estate_with's window start
    out = []
    for h in range(HOURS):
        moment = start + dt.timedelta(hours=h)
        out.append(level if moment.weekday() < 5 and 8 <= moment.hour < 20 else None)
    return {"CPUUtilization": out, "CPUUtilization:Maximum": list(out)}


def io(reads, writes):
    return {"ReadIOPS": values(flat(reads, 5), HOURS), "WriteIOPS": values(flat(writes, 1), HOURS)}


def requests(per_hour):
    return {"Count:Sum": [per_hour] * HOURS}


def arranged_estate():
    quiet = balancer("quiet-alb")
    fronted = balancer("cdn-alb")
    orders_api, search_api, edge_api = rest_api("a1b2c3", "orders-api"), rest_api("d4e5f6", "search-api"), \
        rest_api("g7h8i9", "edge-api", types=("EDGE",))
    events_api = http_api("j1k2l3", "events-api")
    resources = [
        instance("i-big", "m5.4xlarge"), instance("i-busy", "m5.large"), instance("i-noagent", "m6i.2xlarge"),
        instance("i-stream", "m5.2xlarge"), instance("i-idle", "m5.large"), instance("i-proxy", "m5.large"),
        instance("i-member", "c5.2xlarge", group="web-asg"),
        group("web-asg", "c5.2xlarge", 4), group("mixed-asg", "c5.large", 2),
        instance("i-devbox", "t3.xlarge", environment="dev"), instance("i-office", "t3.xlarge", environment="staging"),
        group("dev-asg", "t3.large", 2, environment="dev"),
        database("orders-db"), database("ledger-db", replicas=["ledger-db-replica"]), database("events-db"),
        database("dev-db", environment="dev"),
        balancer("shop-alb"), quiet, fronted, balancer("internal-alb", scheme="internal"),
        orders_api, stage(orders_api, True), search_api, stage(search_api, False), edge_api, events_api,
        distribution("E1CDN", fronted.config["DNSName"], f"{events_api.id}.execute-api.{REGION}.amazonaws.com"),
    ]
    mixed = next(r for r in resources if r.name == "mixed-asg")
    mixed.config["Instances"][1]["InstanceType"] = "c5.xlarge"  # it runs two types
    series = {
        "i-big": compute(12, memory=15), "i-busy": compute(70, memory=60), "i-noagent": compute(10),
        "i-stream": compute(10, memory=10, network_gbps=2.5),
        "i-idle": compute(0.5, memory=5, network_gbps=1e-6), "i-proxy": compute(0.5, memory=5, network_gbps=0.01),
        "i-member": compute(15, memory=10),
        "web-asg": compute(15, memory=10), "mixed-asg": compute(5, memory=5),
        "i-devbox": compute(40, memory=50), "i-office": office_hours(40), "dev-asg": compute(40, memory=50),
        "orders-db": io(2000, 100), "ledger-db": io(2000, 100), "events-db": io(500, 400), "dev-db": io(2000, 100),
        "shop-alb": {"RequestCount:Sum": [100_000] * HOURS}, "quiet-alb": {"RequestCount:Sum": [1_000] * HOURS},
        "cdn-alb": {"RequestCount:Sum": [100_000] * HOURS}, "internal-alb": {"RequestCount:Sum": [100_000] * HOURS},
        "orders-api": requests(50_000), "search-api": requests(50_000), "edge-api": requests(50_000),
        "events-api": requests(50_000),
    }
    return estate_with(resources, series, read=READ)


@pytest.fixture(scope="module")
def found():
    return {(f.check_id, f.resource["name"] or f.resource["id"]): f for f in evaluate(arranged_estate())}


CASES = [
    # (check, resource, status, words the evidence must hold)
    ("ec2-over-provisioned", "i-big", "FAIL", ["m5.xlarge", "$420 a month", "memory at 16% of 64 GiB"]),
    ("ec2-over-provisioned", "i-busy", "PASS", ["m5.large is the smallest m5 size"]),
    ("ec2-over-provisioned", "i-noagent", "FAIL", ["memory was not measured", "m6i.large"]),
    ("ec2-over-provisioned", "i-stream", "PASS", ["2.50 Gbit/s", "no smaller m5 size keeps 20% headroom"]),
    ("ec2-over-provisioned", "i-idle", "NOT_ASSESSED", ["it is idle"]),
    ("resource-idle", "i-idle", "FAIL", ["MiB an hour crossed its network", "$70.08 a month"]),
    ("resource-idle", "i-proxy", "PASS", ["crossed its network in its busiest hour: something uses it"]),
    ("ec2-over-provisioned", "web-asg", "FAIL", ["4 c5.2xlarge instances", "c5.large", "$745 a month"]),
    ("ec2-over-provisioned", "mixed-asg", "NOT_ASSESSED", ["2 instance types"]),
    ("non-production-always-on", "i-devbox", "FAIL", ["a dev instance running 168 of 168 hours a week"]),
    ("non-production-always-on", "dev-asg", "FAIL", ["dev Auto Scaling group running 168 of 168 hours"]),
    ("non-production-always-on", "i-office", "PASS", ["staging instance running 61 of 168 hours a week"]),
    ("rds-read-heavy-without-replica", "orders-db", "FAIL", ["against 100 write IOPS (20 to 1)", "no read replica"]),
    ("rds-read-heavy-without-replica", "ledger-db", "PASS", ["1 read replica"]),
    ("rds-read-heavy-without-replica", "events-db", "PASS", ["not read-heavy enough"]),
    ("alb-busy-without-cdn", "shop-alb", "FAIL", ["100,000 requests in the median hour", "custom domain"]),
    ("alb-busy-without-cdn", "cdn-alb", "PASS", ["CloudFront serves it (E1CDN)"]),
    ("alb-busy-without-cdn", "quiet-alb", "PASS", ["fewer than 36,000"]),
    ("api-busy-without-cdn-or-cache", "search-api", "FAIL", ["50,000 requests"]),
    ("api-busy-without-cdn-or-cache", "orders-api", "PASS", ["stage cache is on"]),
    ("api-busy-without-cdn-or-cache", "edge-api", "PASS", ["edge-optimized"]),
    ("api-busy-without-cdn-or-cache", "events-api", "PASS", ["CloudFront serves it"]),
]


@pytest.mark.parametrize("check_id, name, status, words", CASES, ids=[f"{c}:{n}" for c, n, *_ in CASES])
def test_each_check_judges_its_twin(found, check_id, name, status, words):
    finding = found[(check_id, name)]
    assert finding.status == status, finding.evidence
    for word in words:
        assert word in finding.evidence, (word, finding.evidence)


def test_findings_carry_the_saving_and_the_series_behind_them(found):
    big = found[("ec2-over-provisioned", "i-big")]
    assert big.risk == "HIGH"  # three quarters of what it costs is unused
    assert set(big.best_practices) == {"COST06-BP02", "PERF02-BP04", "SUS05-BP01"}
    assert big.measurements["numbers"]["recommended_type"] == "m5.xlarge"
    assert big.measurements["saving"]["monthly_usd"] == pytest.approx((0.768 - 0.192) * 730)
    assert {s["metric"] for s in big.measurements["series"]} >= {"CPUUtilization:Maximum", "mem_used_percent:Maximum"}
    assert found[("non-production-always-on", "i-devbox")].measurements["numbers"]["hours_a_week"] == 168


@pytest.mark.parametrize("check_id, name", [
    ("ec2-over-provisioned", "i-member"),  # sized through its group
    ("non-production-always-on", "i-big"),  # production runs around the clock on purpose
    ("rds-read-heavy-without-replica", "dev-db"),  # replicas are a production question
    ("alb-busy-without-cdn", "internal-alb"),  # not public
])
def test_what_is_not_the_question_is_not_judged(found, check_id, name):
    assert (check_id, name) not in found


def test_without_metrics_every_new_check_is_not_assessed_never_passed():
    estate = arranged_estate()
    estate.metrics = {}
    checks = {"ec2-over-provisioned", "non-production-always-on", "rds-read-heavy-without-replica",
              "alb-busy-without-cdn", "api-busy-without-cdn-or-cache"}
    statuses = {f.status for f in evaluate(estate) if f.check_id in checks}
    assert statuses == {"NOT_ASSESSED"}


# -- collection: the new series are read with the dimensions AWS publishes them under --------------------------
NOW = dt.datetime(2026, 11, 26, 12, 30, tzinfo=dt.timezone.utc)
END = NOW.replace(minute=0)
SEED_HOURS = 72


def seed(cloudwatch, namespace, name, dimensions, value):
    start = END - dt.timedelta(hours=SEED_HOURS)
    cloudwatch.put_metric_data(Namespace=namespace, MetricData=[
        {"MetricName": name, "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
         "Timestamp": start + dt.timedelta(hours=h),
         "StatisticValues": {"SampleCount": 60, "Sum": value * 60, "Minimum": value / 2, "Maximum": value}}
        for h in range(SEED_HOURS)])


def test_collection_reads_network_memory_groups_requests_iops_and_table_capacity(aws, boto):
    ec2, cloudwatch = boto.client("ec2"), boto.client("cloudwatch")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance_id = ec2.run_instances(ImageId=image, InstanceType="m5.xlarge", MinCount=1, MaxCount=1)[
        "Instances"][0]["InstanceId"]
    template = ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={
        "ImageId": image, "InstanceType": "c5.large"})["LaunchTemplate"]["LaunchTemplateId"]
    boto.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName="web-asg", MinSize=1, MaxSize=2, DesiredCapacity=1,
        LaunchTemplate={"LaunchTemplateId": template}, AvailabilityZones=[f"{REGION}a"])
    boto.client("rds").create_db_instance(
        DBInstanceIdentifier="orders-db", DBInstanceClass="db.r6g.xlarge", Engine="postgres", MasterUsername="u",
        MasterUserPassword="password123", AllocatedStorage=20)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24", AvailabilityZone=f"{REGION}{z}")["Subnet"]
               ["SubnetId"] for n, z in enumerate("ab")]
    alb = boto.client("elbv2").create_load_balancer(Name="shop-alb", Subnets=subnets, Scheme="internet-facing",
                                                    Type="application")["LoadBalancers"][0]
    boto.client("dynamodb").create_table(
        TableName="archive", BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}])
    seed(cloudwatch, "AWS/DynamoDB", "ConsumedReadCapacityUnits", {"TableName": "archive"}, 3.0)
    seed(cloudwatch, "AWS/EC2", "NetworkIn", {"InstanceId": instance_id}, 5e8)
    seed(cloudwatch, "CWAgent", "mem_used_percent", {"InstanceId": instance_id}, 42.0)
    seed(cloudwatch, "AWS/EC2", "CPUUtilization", {"AutoScalingGroupName": "web-asg"}, 30.0)
    seed(cloudwatch, "AWS/RDS", "ReadIOPS", {"DBInstanceIdentifier": "orders-db"}, 900.0)
    seed(cloudwatch, "AWS/ApplicationELB", "RequestCount",
         {"LoadBalancer": alb["LoadBalancerArn"].partition(":loadbalancer/")[2]}, 20.0)

    estate = collect_account(aws, [REGION], services=["ec2", "autoscaling", "rds", "elbv2", "dynamodb"])
    collect_metrics(aws, estate, lookback_days=3, now=NOW)
    by_name = {r.name or r.id: r for r in estate.resources}
    asg = next(r for r in estate.resources if r.type == AUTOSCALING_GROUP)
    got = {name: series_of(estate, by_name[name]) for name in (instance_id, "orders-db", "shop-alb", "archive")}
    got["web-asg"] = series_of(estate, asg)
    assert max(got[instance_id]["mem_used_percent:Maximum"].present) == 42.0
    assert got[instance_id]["NetworkIn:Sum"].present  # bytes an hour
    assert max(got["web-asg"]["CPUUtilization:Maximum"].present) == 30.0
    assert got["orders-db"]["ReadIOPS"].present
    assert got["shop-alb"]["RequestCount:Sum"].present
    assert got["archive"]["ConsumedReadCapacityUnits:Sum"].present
    assert metric_key(asg) in estate.metrics["series"]
