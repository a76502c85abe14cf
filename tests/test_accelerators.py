"""accelerator-underused: GPU instances judged on the CloudWatch agent's GPU utilisation. A GPU left mostly idle
FAILs with the figure and its monthly price, a busy one PASSes, and one without GPU metrics (or whose accelerator
publishes none wafr can read) is NOT_ASSESSED, never passed. The query for an accelerated instance is read from
moto; moto has no percentiles, so wafr reads hourly Maximum and Average and computes them."""

from __future__ import annotations

import datetime as dt

import pytest

from wafr.estate import Resource
from wafr.findings import evaluate
from wafr.metrics.accelerators import accelerator_of
from wafr.metrics.collect import collect_metrics
from wafr.metrics.series import series_of
from wafr.metrics.synthetic import ACCOUNT, REGION, daily, estate_with, every, flat, values
from wafr.resource_types import EC2_INSTANCE
from wafr.sources.aws.collect import collect_account

CHECK = "accelerator-underused"
HOURS = 14 * 24
GPU_MAX, GPU_AVERAGE = "nvidia_smi_utilization_gpu:Maximum", "nvidia_smi_utilization_gpu"
CPU_MAX = "CPUUtilization:Maximum"


def instance(name: str, instance_type: str, state: str = "running") -> Resource:
    return Resource(type=EC2_INSTANCE, id=f"i-{name}", account=ACCOUNT, region=REGION, name=name,
                    tags={"Environment": "prod", "Name": name},
                    config={"InstanceId": f"i-{name}", "InstanceType": instance_type, "State": {"Name": state}})


def gpu(maximum, average=None, cpu=flat(30, 2)):
    out = {GPU_MAX: values(maximum, HOURS), CPU_MAX: values(cpu, HOURS, seed=2)}
    if average is not None:
        out[GPU_AVERAGE] = values(average, HOURS, seed=3)
    return out


INSTANCES = [instance("idle-gpu", "g5.xlarge"), instance("busy-gpu", "g5.xlarge"),
             instance("unpriced-idle-gpu", "p4d.24xlarge"), instance("no-agent-gpu", "g4dn.xlarge"),
             instance("sparse-gpu", "g5.xlarge"), instance("inferentia", "inf2.xlarge"),
             instance("cpu-only", "m5.large"), instance("stopped-gpu", "g5.xlarge", state="stopped")]
SERIES = {
    "idle-gpu": gpu(flat(6, 1), flat(2, 0.3)),
    "busy-gpu": gpu(daily(30, 95, 2), daily(20, 80, 2)),
    "unpriced-idle-gpu": gpu(flat(3, 0.5)),
    "no-agent-gpu": {CPU_MAX: values(flat(40, 2), HOURS)},
    "sparse-gpu": {GPU_MAX: every(values(flat(5, 0.5), HOURS), 12)},
    "inferentia": {CPU_MAX: values(flat(40, 2), HOURS)},
    "cpu-only": {CPU_MAX: values(flat(40, 2), HOURS)},
}


def found_in(estate):
    return {f.resource["name"]: f for f in evaluate(estate) if f.check_id == CHECK}


@pytest.fixture(scope="module")
def found():
    return found_in(estate_with(INSTANCES, SERIES, read=("cloudwatch-metrics", "ec2")))


@pytest.mark.parametrize("name, status, words", [
    ("idle-gpu", "FAIL", ["NVIDIA A10G GPUs reach 7", "p95 of hourly maxima", "2.0% on average",
                          "under the 20%", "$734 a month"]),
    ("unpriced-idle-gpu", "FAIL", ["NVIDIA A100 GPUs", "no EC2 price is recorded for p4d.24xlarge"]),
    ("busy-gpu", "PASS", ["kept busy"]),
    ("no-agent-gpu", "NOT_ASSESSED", ["the CloudWatch agent publishes no GPU utilisation for it",
                                      "aggregation_dimensions"]),
    ("sparse-gpu", "NOT_ASSESSED", ["only 28 hourly", "datapoints"]),
    ("inferentia", "NOT_ASSESSED", ["AWS Inferentia2 chips", "cannot read"]),
])
def test_accelerated_instances_are_judged_on_their_gpu_utilisation(found, name, status, words):
    finding = found[name]
    assert finding.status == status, finding.evidence
    assert all(w in finding.evidence for w in words), finding.evidence
    assert set(finding.best_practices) == {"SUS05-BP04", "PERF02-BP06"}
    assert (finding.pillar, finding.focus_area) == ("sustainability", "Hardware efficiency")


def test_instances_without_accelerators_or_not_running_are_not_judged(found):
    assert "cpu-only" not in found and "stopped-gpu" not in found


def test_the_failure_carries_the_figures_and_the_series_that_show_it(found):
    measured = found["idle-gpu"].measurements
    assert measured["numbers"]["gpu_peak_pct"] < 20 and measured["numbers"]["monthly_cost_usd"] == 734.38
    assert {s["metric"] for s in measured["series"]} == {GPU_MAX, GPU_AVERAGE, CPU_MAX}
    assert found["idle-gpu"].risk == "MEDIUM"


def test_without_metric_coverage_an_accelerated_instance_is_not_assessed():
    found = found_in(estate_with(INSTANCES, SERIES, read=("ec2",)))
    assert {f.status for f in found.values()} == {"NOT_ASSESSED"}
    assert "cloudwatch-metrics was not collected" in found["idle-gpu"].evidence


def test_accelerator_families_are_data():
    assert accelerator_of("p5.48xlarge").carries == "NVIDIA H100 GPUs" and accelerator_of("g5.xlarge").measurable
    assert accelerator_of("trn1.32xlarge").kind == "neuron" and not accelerator_of("inf2.xlarge").measurable
    assert accelerator_of("m5.large") is None and accelerator_of(None) is None


# -- the query against moto --------------------------------------------------------------------------------------
NOW = dt.datetime(2026, 11, 26, 12, 30, tzinfo=dt.timezone.utc)
END = NOW.replace(minute=0)
SEEDED = 72  # moto's GetMetricData costs periods x stored points: three days, the least an analysis judges


def launch(boto, name, instance_type):
    ec2 = boto.client("ec2", region_name=REGION)
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    tags = [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}]
    launched = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType=instance_type,
                                 TagSpecifications=tags)
    return launched["Instances"][0]["InstanceId"]


def seed_gpu(boto, instance_id, average, maximum):
    """Hourly StatisticValues as the agent's aggregation by InstanceId leaves them."""
    start = END - dt.timedelta(hours=SEEDED)
    data = [{"MetricName": "nvidia_smi_utilization_gpu", "Dimensions": [{"Name": "InstanceId", "Value": instance_id}],
             "Timestamp": start + dt.timedelta(hours=h),
             "StatisticValues": {"SampleCount": 60, "Sum": average * 60, "Minimum": 0, "Maximum": maximum}}
            for h in range(SEEDED)]
    boto.client("cloudwatch", region_name=REGION).put_metric_data(Namespace="CWAgent", MetricData=data)


def test_gpu_utilisation_is_read_for_gpu_instances_only_and_feeds_the_check(aws, boto):
    idle = launch(boto, "idle-gpu", "g5.xlarge")
    plain = launch(boto, "plain", "m5.large")
    seed_gpu(boto, idle, average=1.5, maximum=4.0)
    asked: list[dict] = []
    aws.session.events.register("provide-client-params.monitoring.GetMetricData",
                                lambda params=None, **_: asked.extend(params["MetricDataQueries"]))
    estate = collect_account(aws, [REGION], services=["ec2"])
    collect_metrics(aws, estate, lookback_days=3, now=NOW)

    gpu_queries = [q["MetricStat"] for q in asked if q["MetricStat"]["Metric"]["MetricName"].startswith("nvidia")]
    assert {(q["Metric"]["Namespace"], q["Stat"]) for q in gpu_queries} == {("CWAgent", "Maximum"),
                                                                           ("CWAgent", "Average")}
    assert {d["Value"] for q in gpu_queries for d in q["Metric"]["Dimensions"]} == {idle}
    series = series_of(estate, estate.get(idle, type=EC2_INSTANCE))
    assert series[GPU_MAX].values[0] == 4.0 and series[GPU_AVERAGE].values[0] == 1.5
    assert not any(k.startswith("nvidia") for k in series_of(estate, estate.get(plain, type=EC2_INSTANCE)))

    finding = found_in(estate)["idle-gpu"]
    assert finding.status == "FAIL" and "reach 4.0%" in finding.evidence, finding.evidence
