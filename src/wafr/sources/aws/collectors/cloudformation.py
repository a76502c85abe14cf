"""CloudFormation: stacks, with how changes to them are made and undone (drift status, rollback, termination
protection); descriptions, parameter values and outputs are redacted to their keys."""

from wafr.resource_types import CLOUDFORMATION_STACK
from wafr.sources.aws.declarative import Kind, List, declare


declare("cloudformation", Kind(
    CLOUDFORMATION_STACK, List("describe_stacks", "Stacks"),
    id="StackId", arn="StackId", name="StackName", tags="Tags",
))
