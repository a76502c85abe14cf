"""CloudWatch: metric alarms, and what they watch and whom they tell; composite alarms (whose inputs need no
actions of their own); and the dashboards that exist (their names only, never their bodies)."""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Resource
from wafr.resource_types import CLOUDWATCH_ALARM, CLOUDWATCH_COMPOSITE_ALARM, CLOUDWATCH_DASHBOARD
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.registry import collector

DASHBOARD_KEPT = ("DashboardName", "DashboardArn", "LastModified", "Size")


@collector(
    "cloudwatch",
    resource_types=(CLOUDWATCH_ALARM, CLOUDWATCH_COMPOSITE_ALARM, CLOUDWATCH_DASHBOARD),
    operations=("cloudwatch:DescribeAlarms", "cloudwatch:ListDashboards"),
)
def collect_cloudwatch(ctx: CollectContext) -> Iterator[Resource]:
    client = ctx.client("cloudwatch")
    for alarm in ctx.paginate(client, "describe_alarms", "MetricAlarms", AlarmTypes=["MetricAlarm"]):
        yield ctx.resource(CLOUDWATCH_ALARM, alarm["AlarmName"], arn=alarm.get("AlarmArn", ""), name=alarm["AlarmName"],
                           config=alarm)
    for alarm in ctx.paginate(client, "describe_alarms", "CompositeAlarms", AlarmTypes=["CompositeAlarm"]):
        yield ctx.resource(CLOUDWATCH_COMPOSITE_ALARM, alarm["AlarmName"], arn=alarm.get("AlarmArn", ""),
                           name=alarm["AlarmName"], config=alarm)
    for dashboard in ctx.paginate(client, "list_dashboards", "DashboardEntries"):
        config = {k: dashboard[k] for k in DASHBOARD_KEPT if k in dashboard}
        yield ctx.resource(CLOUDWATCH_DASHBOARD, dashboard["DashboardName"], arn=dashboard.get("DashboardArn", ""),
                           name=dashboard["DashboardName"], config=config)
