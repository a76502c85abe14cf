"""Systems Manager: the instances its agent manages (ping status, platform), which Session Manager can reach."""

from wafr.resource_types import SSM_MANAGED_INSTANCE
from wafr.sources.aws.declarative import Kind, List, declare

declare("ssm-managed-instances", Kind(SSM_MANAGED_INSTANCE, List("describe_instance_information",
                                                            "InstanceInformationList"), id="InstanceId"),
        client="ssm")
