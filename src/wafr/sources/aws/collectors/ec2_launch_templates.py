"""EC2 launch templates: their $Latest and $Default versions' user data scanned for secrets, then dropped."""

from __future__ import annotations

from typing import Any, Mapping

from wafr.resource_types import EC2_LAUNCH_TEMPLATE
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare
from wafr.sources.aws.secret_scan import scan_user_data


def user_data_secrets(config: Mapping[str, Any]) -> dict[str, Any]:
    """What the scanner found in each read version's user data; nothing when the versions could not be read (the
    failure is recorded under _errors, and the check says so)."""
    versions = config.get("LaunchTemplateVersions")
    if versions is None:
        return {}
    found: list[dict[str, Any]] = []
    for number in sorted({v.get("VersionNumber") for v in versions}):
        version = next(v for v in versions if v.get("VersionNumber") == number)
        where = f"launch template {config.get('LaunchTemplateId', '')} version {number} user data"
        found += scan_user_data((version.get("LaunchTemplateData") or {}).get("UserData"), where)
    return {"UserDataSecrets": found}


# The versions an Auto Scaling group or a RunInstances call picks up by default: $Latest and $Default. Kept through
# data/redaction.yaml's allowlist: everything but the version numbers and the scan's findings is dropped.
declare("ec2-launch-templates", Kind(
    EC2_LAUNCH_TEMPLATE, List("describe_launch_templates", "LaunchTemplates"),
    details=[Detail("describe_launch_template_versions", "LaunchTemplateVersions",
                    LaunchTemplateId=at("LaunchTemplateId"), Versions=["$Latest", "$Default"])],
    id="LaunchTemplateId", name="LaunchTemplateName", tags="Tags", derive=user_data_secrets,
), client="ec2")
