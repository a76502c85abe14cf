"""EventBridge: event buses (with their resource policies) and the rules on each bus, with their targets."""

from wafr.resource_types import EVENTS_EVENT_BUS, EVENTS_RULE
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare


declare(
    "events",
    Kind(EVENTS_EVENT_BUS, List("list_event_buses", "EventBuses"), id="Name", arn="Arn", json=["Policy"],
         tags=Detail("list_tags_for_resource", "Tags", ResourceARN=at("Arn"))),
    Kind(EVENTS_RULE, List("list_rules", "Rules", within=EVENTS_EVENT_BUS, EventBusName=at("Name")),
         id="Arn", name="Name", arn="Arn",
         details=[Detail("list_targets_by_rule", "Targets", Rule=at("Name"), EventBusName=at("EventBusName"))],
         tags=Detail("list_tags_for_resource", "Tags", ResourceARN=at("Arn"))),
)
