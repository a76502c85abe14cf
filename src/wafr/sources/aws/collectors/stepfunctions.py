"""Step Functions: state machines, with their logging, tracing and encryption settings and the shape of their
definitions (each state's type, retriers and catchers; data/redaction.yaml drops every other value)."""

from wafr.resource_types import SFN_STATE_MACHINE
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare


declare("stepfunctions", Kind(
    SFN_STATE_MACHINE, List("list_state_machines", "stateMachines"),
    details=[Detail("describe_state_machine", "", stateMachineArn=at("stateMachineArn"))],
    id="name", arn="stateMachineArn",
    tags=Detail("list_tags_for_resource", "tags", resourceArn=at("stateMachineArn")),
    json=["definition"],
))
