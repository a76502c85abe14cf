"""EC2 Auto Scaling: groups with their scaling policies, scheduled actions and tags; launch configurations
(their user data dropped)."""

from wafr.resource_types import AUTOSCALING_GROUP, AUTOSCALING_LAUNCH_CONFIGURATION
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare

declare(
    "autoscaling",
    Kind(AUTOSCALING_GROUP, List("describe_auto_scaling_groups", "AutoScalingGroups"),
         details=[Detail("describe_policies", "ScalingPolicies", AutoScalingGroupName=at("AutoScalingGroupName")),
                  Detail("describe_scheduled_actions", "ScheduledUpdateGroupActions",
                         AutoScalingGroupName=at("AutoScalingGroupName"))],
         id="AutoScalingGroupName", arn="AutoScalingGroupARN", tags="Tags"),
    # Kept through data/redaction.yaml's allowlist: user data can carry secrets and never reaches the estate.
    Kind(AUTOSCALING_LAUNCH_CONFIGURATION, List("describe_launch_configurations", "LaunchConfigurations"),
         id="LaunchConfigurationName", arn="LaunchConfigurationARN"),
)
