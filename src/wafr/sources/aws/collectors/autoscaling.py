"""EC2 Auto Scaling: groups with their scaling policies, scheduled actions and tags; launch configurations
(their user data scanned for secrets, then dropped)."""

from wafr.resource_types import AUTOSCALING_GROUP, AUTOSCALING_LAUNCH_CONFIGURATION
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare
from wafr.sources.aws.secret_scan import scan_user_data

declare(
    "autoscaling",
    Kind(AUTOSCALING_GROUP, List("describe_auto_scaling_groups", "AutoScalingGroups"),
         details=[Detail("describe_policies", "ScalingPolicies", AutoScalingGroupName=at("AutoScalingGroupName")),
                  Detail("describe_scheduled_actions", "ScheduledUpdateGroupActions",
                         AutoScalingGroupName=at("AutoScalingGroupName"))],
         id="AutoScalingGroupName", arn="AutoScalingGroupARN", tags="Tags"),
    # Kept through data/redaction.yaml's allowlist: user data can carry secrets and never reaches the estate; it is
    # scanned for them first, and only what was found where is kept.
    Kind(AUTOSCALING_LAUNCH_CONFIGURATION, List("describe_launch_configurations", "LaunchConfigurations"),
         id="LaunchConfigurationName", arn="LaunchConfigurationARN",
         derive=lambda config: {"UserDataSecrets": scan_user_data(config.get("UserData"))}),
)
