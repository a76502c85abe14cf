"""Secrets in boot scripts: what the secret scanner found in instances', launch templates' and launch
configurations' user data (the kind of secret and its line; the values were never kept)."""

from __future__ import annotations

from wafr.checks.registry import Result, check, judged, not_assessed, unread
from wafr.estate import Resource
from wafr.phrases import first_few
from wafr.resource_types import AUTOSCALING_LAUNCH_CONFIGURATION, EC2_INSTANCE, EC2_LAUNCH_TEMPLATE

# The call that reads each type's user data; where it failed, nothing is known about the secrets in it.
USER_DATA_READ = {EC2_INSTANCE: "DescribeInstanceAttribute", EC2_LAUNCH_TEMPLATE: "DescribeLaunchTemplateVersions",
                  AUTOSCALING_LAUNCH_CONFIGURATION: "DescribeLaunchConfigurations"}


@check(
    "secret-in-user-data",
    title="Secrets in EC2 user data",
    pillar="security", focus_area="IAM",
    risk="HIGH",  # anyone who can describe the instance or template reads the boot script, in every environment
    best_practices=["SEC02-BP03"],
    remediation="Take the credentials out of the boot script: have it read them at start-up from AWS Secrets Manager "
                "or SSM Parameter Store (SecureString) through the instance role, publish a new launch template "
                "version (and delete the old ones, which still hold the secret), and rotate every value that was "
                "exposed.",
    bullet="Move the credentials in the user data of {resources} to Secrets Manager and rotate them",
    each=(EC2_INSTANCE, EC2_LAUNCH_TEMPLATE, AUTOSCALING_LAUNCH_CONFIGURATION),
)
def secret_in_user_data(resource: Resource) -> Result:
    if why := unread(resource, USER_DATA_READ[resource.type]):
        return not_assessed(resource, f"{why} Its user data was not scanned for secrets.")
    found = resource.config.get("UserDataSecrets")
    if found is None:
        return not_assessed(resource, "Its user data was not scanned for secrets.")
    places = [f"{f.get('kind', 'secret')} ({f.get('where', 'user data')})" for f in found]
    return judged(resource, not found, "The secret scanner found no credential in its user data.",
                  f"The secret scanner found {len(found)} likely credential(s) in its user data: "
                  f"{first_few(places, 5)}. Anyone allowed to describe it can read them.")
