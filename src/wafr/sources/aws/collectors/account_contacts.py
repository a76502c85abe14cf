"""AWS Account: whether the account names a security and an operations alternate contact, the people AWS tells
about abuse, compromise and operational events.

A contact's name, title, email and phone are personal data: only whether each contact is set is kept. An account
that never set one answers ResourceNotFoundException, read as "not set"; a call that fails otherwise is recorded
on that contact, and when every call fails the error is the service's coverage (denied, failed)."""

from __future__ import annotations

from typing import Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import ACCOUNT_ALTERNATE_CONTACT
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector

CONTACT_TYPES = ("SECURITY", "OPERATIONS")
NOT_SET = "ResourceNotFoundException"


@collector(
    "account-contacts",
    client="account",
    resource_types=(ACCOUNT_ALTERNATE_CONTACT,),
    operations=("account:GetAlternateContact",),
    global_service=True,
)
def collect_account_contacts(ctx: CollectContext) -> Iterator[Resource]:
    account = ctx.client("account")
    found: list[Resource] = []
    failures: list[ClientError] = []
    for contact_type in CONTACT_TYPES:
        config: dict[str, object] = {"AlternateContactType": contact_type}
        try:
            account.get_alternate_contact(AlternateContactType=contact_type)
            config["Set"] = True
        except ClientError as error:
            if error_code(error) == NOT_SET:
                config["Set"] = False
            else:
                config["_errors"] = {"GetAlternateContact": error_code(error)}
                failures.append(error)
        found.append(ctx.resource(ACCOUNT_ALTERNATE_CONTACT, f"{ctx.account}/{contact_type}",
                                  name=f"{contact_type.lower()} contact of {ctx.account}", config=config))
    if len(failures) == len(CONTACT_TYPES):
        raise failures[0]  # nothing was read: the account's coverage says why
    yield from found
