"""An organization's member accounts, and a guarded session in each through an assumed read-only role.

Members come from AWS Organizations, read from the management account or a delegated administrator.
Each member session holds refreshable credentials: botocore calls AssumeRole again before they expire, so
a scan longer than the role's session duration keeps reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
import botocore.loaders
import botocore.session
from botocore.credentials import (
    CredentialProvider,
    CredentialResolver,
    RefreshableCredentials,
)
from botocore.exceptions import BotoCoreError, ClientError

from wafr.errors import WafrError
from wafr.sources.aws import guard
from wafr.sources.aws.account_id import is_account_id, require, shown
from wafr.sources.aws.allowlist import ORGANIZATION_OPERATIONS, scan_allowlist  # noqa: F401 (declared there)
from wafr.sources.aws.errors import classify
from wafr.sources.aws.session import AwsSession

DEFAULT_ROLE = "OrganizationAccountAccessRole"
SESSION_NAME = "wafr-review"
DURATION_SECONDS = 3600
# One loader for every member session: each would otherwise parse its own copy of every service model
# (about 35 MB per account for the services a scan reads).
_MODELS = botocore.loaders.create_loader()


@dataclass(frozen=True)
class Member:
    id: str
    name: str = ""
    status: str = "ACTIVE"


@dataclass(frozen=True)
class Discovery:
    """What listing the organization found: the members to read, and the ids it refused to use."""

    members: list[Member]
    rejected: list[str]  # ids that are not 12 digits, as listed (never used in a file name or ARN)


def discover(base: AwsSession) -> Discovery:
    """The organization's active accounts with a valid id; any other id is set aside to be reported."""
    members = discover_members(base)
    return Discovery([m for m in members if is_account_id(m.id)], [m.id for m in members if not is_account_id(m.id)])


def discover_members(base: AwsSession) -> list[Member]:
    """The organization's active accounts, as the management account or a delegated administrator sees them.

    Ids are as listed, unchecked: use ``discover`` to keep only valid ones."""
    org = base.client("organizations", base.home_region)
    try:
        from wafr.sources.aws.collectors.organizations import LIST_ACCOUNTS

        accounts = base.read_once(LIST_ACCOUNTS, lambda: [
            a for page in org.get_paginator("list_accounts").paginate() for a in page["Accounts"]])
        members = [Member(a["Id"], a.get("Name", ""), a.get("Status", "ACTIVE")) for a in accounts]
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        raise WafrError(
            f"Could not list the organization's accounts ({code}). Run --org from the management account or a "
            "delegated administrator for AWS Organizations, or name the accounts with --accounts."
        ) from None
    except BotoCoreError as error:
        raise WafrError(f"Could not reach AWS Organizations: {error}") from None
    return [m for m in members if m.status == "ACTIVE"]


def choose_members(discovered: list[Member] | None, requested: list[str] | None) -> list[Member]:
    """The accounts to scan: those asked for (which must be in the organization, when it was read), else all."""
    if not requested:
        return list(discovered or [])
    require(requested, "--accounts")
    if discovered is None:
        return [Member(a) for a in dict.fromkeys(requested)]
    known = {m.id: m for m in discovered}
    unknown = [a for a in requested if a not in known]
    if unknown:
        raise WafrError(f"Account(s) {', '.join(unknown)} are not active members of the organization.")
    return [known[a] for a in dict.fromkeys(requested)]


class _Fixed(CredentialProvider):
    """Hands botocore one credentials object: the refreshable set of the assumed role."""

    METHOD = "assume-role"

    def __init__(self, credentials: RefreshableCredentials) -> None:
        self._credentials = credentials

    def load(self) -> RefreshableCredentials:
        return self._credentials


class AssumeRoleFailed(Exception):
    """The member account's role could not be assumed; ``status`` and ``reason`` are for coverage."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def role_arn(base: AwsSession, account: str, role_name: str) -> str:
    return f"arn:{base.partition}:iam::{account}:role/{role_name}"


def assume(base: AwsSession, account: str, role_name: str = DEFAULT_ROLE, external_id: str | None = None,
           duration_seconds: int = DURATION_SECONDS) -> AwsSession:
    """A guarded session in ``account`` through ``role_name``; the caller's own account needs no role."""
    if account == base.account:
        return base
    if not is_account_id(account):
        raise AssumeRoleFailed("failed", f"{shown(account)} is not an account id (12 digits)")
    arn = role_arn(base, account, role_name)
    params: dict[str, Any] = {"RoleArn": arn, "RoleSessionName": SESSION_NAME, "DurationSeconds": duration_seconds}
    if external_id:
        params["ExternalId"] = external_id
    sts = base.client("sts", base.home_region)

    def fetch() -> dict[str, str]:
        creds = sts.assume_role(**params)["Credentials"]
        expiry = creds["Expiration"]
        return {"access_key": creds["AccessKeyId"], "secret_key": creds["SecretAccessKey"],
                "token": creds["SessionToken"], "expiry_time": expiry.isoformat() if hasattr(expiry, "isoformat")
                else str(expiry)}

    try:
        first = fetch()  # fail here, once, rather than in every collector
    except (ClientError, BotoCoreError) as error:
        status, detail = classify(error)
        # Any refusal by STS (no such role, trust policy, external id, SCP) leaves the whole account unread.
        raise AssumeRoleFailed("denied" if isinstance(error, ClientError) else status,
                               f"could not assume {arn}: {detail}") from None
    credentials = RefreshableCredentials.create_from_metadata(first, refresh_using=fetch, method=_Fixed.METHOD)
    core = botocore.session.get_session()
    core.register_component("data_loader", _MODELS)
    core.register_component("credential_provider", CredentialResolver([_Fixed(credentials)]))
    session = boto3.Session(botocore_session=core, region_name=base.home_region)
    guard.install(session.events, scan_allowlist())
    return AwsSession(session=session, account=account, partition=base.partition, home_region=base.home_region)
