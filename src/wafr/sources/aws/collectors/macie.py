"""Amazon Macie: whether sensitive-data discovery is enabled in the Region (GetMacieSession)."""

from __future__ import annotations

from typing import Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import MACIE_SESSION
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector



def _not_enabled(error: ClientError) -> bool:
    """How Macie says it is off in the Region: AccessDeniedException "Macie is not enabled" (a denial by IAM
    says "not authorized"), or ResourceNotFoundException for the session."""
    code, message = error_code(error), str(error.response.get("Error", {}).get("Message", "")).lower()
    return code == "ResourceNotFoundException" or (code == "AccessDeniedException" and "not enabled" in message)


@collector("macie", client="macie2", resource_types=(MACIE_SESSION,), operations=("macie2:GetMacieSession",))
def collect_macie(ctx: CollectContext) -> Iterator[Resource]:
    try:
        session = ctx.client("macie2").get_macie_session()
        config = {k: v for k, v in session.items() if k != "ResponseMetadata"}
    except ClientError as error:
        if not _not_enabled(error):
            raise
        config = {"status": "NOT_ENABLED"}
    yield ctx.resource(MACIE_SESSION, ctx.account, name=ctx.account, config=config)
