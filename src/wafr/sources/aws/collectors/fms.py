"""AWS Firewall Manager: the policies that deploy security groups, WAF, Network Firewall and DNS Firewall rules to
the organization's accounts and VPCs automatically.

Only the organization's Firewall Manager administrator account can list them. Elsewhere AWS answers
AccessDeniedException with a message saying the account is not (or there is no) administrator: that is recorded as
coverage ``not-enabled``, apart from a denial of fms:ListPolicies itself, and never taken for "no policy"."""

from __future__ import annotations

from typing import Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import FMS_POLICY
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import NotEnabled, error_code
from wafr.sources.aws.registry import collector

# What AWS says to an account that is not the Firewall Manager administrator (or when the organization has none).
NOT_ADMINISTRATOR = ("only available to administration account", "no default admin could be found")
NOT_ADMINISTRATOR_REASON = ("this account is not the organization's Firewall Manager administrator, so its policies "
                            "can be listed only from that account")


@collector("fms", resource_types=(FMS_POLICY,), operations=("fms:ListPolicies",))
def collect_fms(ctx: CollectContext) -> Iterator[Resource]:
    fms = ctx.client("fms")
    try:
        policies = list(ctx.paginate(fms, "list_policies", "PolicyList"))
    except ClientError as error:
        message = str(error.response.get("Error", {}).get("Message", "")).lower()
        if error_code(error) == "AccessDeniedException" and any(m in message for m in NOT_ADMINISTRATOR):
            raise NotEnabled(NOT_ADMINISTRATOR_REASON) from None
        raise
    for policy in policies:
        yield ctx.resource(FMS_POLICY, policy["PolicyId"], arn=policy.get("PolicyArn", ""),
                           name=policy.get("PolicyName", ""), config=policy)
