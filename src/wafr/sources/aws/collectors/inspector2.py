"""Amazon Inspector: whether the account's vulnerability scanning is enabled in the Region, per resource type."""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Resource
from wafr.resource_types import INSPECTOR2_ACCOUNT_STATUS
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.registry import collector



@collector("inspector2", resource_types=(INSPECTOR2_ACCOUNT_STATUS,), operations=("inspector2:BatchGetAccountStatus",))
def collect_inspector2(ctx: CollectContext) -> Iterator[Resource]:
    response = ctx.client("inspector2").batch_get_account_status(accountIds=[ctx.account])
    mine = [a for a in response.get("accounts") or [] if a.get("accountId") == ctx.account]
    failed = [a for a in response.get("failedAccounts") or [] if a.get("accountId") == ctx.account]
    if mine:
        config = mine[0]
    elif failed:  # the account's status could not be read: said so, not taken for "disabled"
        config = {"_errors": {"BatchGetAccountStatus": failed[0].get("errorCode", "Unknown")}}
    else:  # an account that never enabled Inspector has no status (as emulators answer): it is not enabled
        config = {"accountId": ctx.account, "state": {"status": "DISABLED"}}
    yield ctx.resource(INSPECTOR2_ACCOUNT_STATUS, ctx.account, name=ctx.account, config=config)
