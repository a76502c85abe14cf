"""AWS X-Ray: trace groups and whether X-Ray Insights watches their traces for anomalies (names and settings
only: a group's filter expression is dropped)."""

from wafr.resource_types import XRAY_GROUP
from wafr.sources.aws.declarative import Kind, List, declare


def _settings(config: dict) -> dict:
    return {"FilterExpression": None}


declare("xray", Kind(XRAY_GROUP, List("get_groups", "Groups"), id="GroupName", arn="GroupARN", derive=_settings))
