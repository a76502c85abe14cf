"""IAM Identity Center: instances and how many permission sets each offers."""

from __future__ import annotations

from typing import Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import SSO_INSTANCE
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector


# Identity Center lives in one home Region per organization, not everywhere. We read it once per account, as a
# global service, from the session's home Region: an instance homed elsewhere is not seen. Member accounts do
# not see the organization's instance at all; they show it through its AWSSSO_ SAML provider (see iam).
@collector(
    "identity-center",
    client="sso-admin",
    resource_types=(SSO_INSTANCE,),
    operations=("sso-admin:ListInstances", "sso-admin:ListPermissionSets"),
    global_service=True,
)
def collect_identity_center(ctx: CollectContext) -> Iterator[Resource]:
    sso = ctx.client("sso-admin")
    for instance in ctx.paginate(sso, "list_instances", "Instances"):
        arn, config = instance["InstanceArn"], dict(instance)
        try:
            config["_permission_sets"] = sum(
                1 for _ in ctx.paginate(sso, "list_permission_sets", "PermissionSets", InstanceArn=arn))
        except ClientError as error:
            config["_errors"] = {"ListPermissionSets": error_code(error)}
        yield ctx.resource(SSO_INSTANCE, arn, arn=arn,
                           name=instance.get("Name") or instance.get("IdentityStoreId", ""), config=config)
