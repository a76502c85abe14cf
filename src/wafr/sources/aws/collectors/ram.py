"""AWS RAM: the resource shares the account owns, whether each may take principals outside the organization, and
the principals (accounts, OUs, the organization, roles) each is shared with."""

from __future__ import annotations

from typing import Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import RAM_RESOURCE_SHARE
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector

LIVE = ("ACTIVE", "PENDING")


@collector(
    "ram",
    resource_types=(RAM_RESOURCE_SHARE,),
    operations=("ram:GetResourceShares", "ram:GetResourceShareAssociations"),
)
def collect_ram(ctx: CollectContext) -> Iterator[Resource]:
    ram = ctx.client("ram")
    for share in ctx.paginate(ram, "get_resource_shares", "resourceShares", resourceOwner="SELF"):
        if share.get("status") not in LIVE:
            continue  # a deleted or failed share shares nothing
        arn = share["resourceShareArn"]
        config = dict(share)
        try:
            config["_principals"] = [a for a in ctx.paginate(ram, "get_resource_share_associations",
                                                             "resourceShareAssociations", associationType="PRINCIPAL",
                                                             resourceShareArns=[arn])
                                     if a.get("status") in ("ASSOCIATED", "ASSOCIATING")]
        except ClientError as error:
            config["_errors"] = {"GetResourceShareAssociations": error_code(error)}
        yield ctx.resource(RAM_RESOURCE_SHARE, arn.rsplit("/", 1)[-1], arn=arn, name=share.get("name", ""),
                           tags={t["key"]: t.get("value", "") for t in share.get("tags") or [] if "key" in t},
                           config=config)
