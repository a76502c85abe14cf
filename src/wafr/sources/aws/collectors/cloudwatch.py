"""CloudWatch: metric alarms, and what they watch and whom they tell."""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Resource
from wafr.resource_types import CLOUDWATCH_ALARM
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.registry import collector



@collector(
    "cloudwatch",
    resource_types=(CLOUDWATCH_ALARM,),
    operations=("cloudwatch:DescribeAlarms",),
)
def collect_cloudwatch(ctx: CollectContext) -> Iterator[Resource]:
    client = ctx.client("cloudwatch")
    for alarm in ctx.paginate(client, "describe_alarms", "MetricAlarms", AlarmTypes=["MetricAlarm"]):
        yield ctx.resource(CLOUDWATCH_ALARM, alarm["AlarmName"], arn=alarm.get("AlarmArn", ""), name=alarm["AlarmName"],
                           config=alarm)
