"""CloudWatch RUM: the app monitors that measure real users' page loads, errors and sessions (name and state)."""

from wafr.resource_types import RUM_APP_MONITOR
from wafr.sources.aws.declarative import Kind, List, declare


declare("rum", Kind(RUM_APP_MONITOR, List("list_app_monitors", "AppMonitorSummaries"), id="Id", name="Name"))
