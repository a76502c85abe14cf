"""CloudWatch: metric alarms, and what they watch and whom they tell."""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Resource
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.registry import collector

ALARM = "AWS::CloudWatch::Alarm"


@collector(
    "cloudwatch",
    resource_types=(ALARM,),
    operations=("cloudwatch:DescribeAlarms",),
)
def collect_cloudwatch(ctx: CollectContext) -> Iterator[Resource]:
    client = ctx.client("cloudwatch")
    for alarm in ctx.paginate(client, "describe_alarms", "MetricAlarms", AlarmTypes=["MetricAlarm"]):
        yield ctx.resource(ALARM, alarm["AlarmName"], arn=alarm.get("AlarmArn", ""), name=alarm["AlarmName"],
                           config=alarm)
