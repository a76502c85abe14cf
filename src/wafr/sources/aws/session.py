"""Sessions for a live scan: boto3's credential chain and profiles, the allowlist guard, the account
identity and its enabled regions. ``AWS_ENDPOINT_URL`` (and ``AWS_ENDPOINT_URL_<SERVICE>``) work as
botocore defines them, since every client comes from a plain boto3 session."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Callable
from urllib.parse import urlsplit, urlunsplit

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    ProfileNotFound,
)

from wafr.errors import WafrError
from wafr.sources.aws import guard, retries
from wafr.sources.aws.account_id import require
from wafr.sources.aws.allowlist import SESSION_OPERATIONS, scan_allowlist  # noqa: F401 (declared there)
from wafr.sources.aws.calls import ApiCalls
from wafr.sources.aws.models import paginator_config, service_model

# Adaptive retries back off on throttling across all threads sharing a client.
CLIENT_CONFIG = Config(
    retries={"mode": "adaptive", "max_attempts": 8},
    max_pool_connections=32,
    connect_timeout=10,
    read_timeout=60,
    user_agent_extra="wafr",
)
# An endpoint of one's own (an emulator, a proxy) answers on its own host: botocore's host prefixes (s3control's
# "<account id>." in front of the host) would send those calls to a host that does not exist.
CUSTOM_ENDPOINT_CONFIG = CLIENT_CONFIG.merge(Config(inject_host_prefix=False))


def custom_endpoint(session: boto3.Session) -> bool:
    """Whether an endpoint URL is configured (AWS_ENDPOINT_URL[_<SERVICE>] or ``endpoint_url`` in the profile)."""
    if os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return False
    if any(value for key, value in os.environ.items()
           if key == "AWS_ENDPOINT_URL" or key.startswith("AWS_ENDPOINT_URL_")):
        return True
    try:
        return bool(session._session.get_scoped_config().get("endpoint_url"))
    except ProfileNotFound:
        return False


def _no_account_label(params: dict[str, Any], **_: Any) -> None:
    """Take the "<account id>." label off a custom endpoint's host. s3control's endpoint rules add it even
    with ``inject_host_prefix=False`` (which only drops the model's own host prefix); an endpoint of one's
    own has no such host, so the account-level S3 Block Public Access would never be read."""
    account = (params.get("headers") or {}).get("x-amz-account-id", "")
    parts = urlsplit(params.get("url", ""))
    if account and parts.netloc.startswith(f"{account}."):
        params["url"] = urlunsplit(parts._replace(netloc=parts.netloc[len(account) + 1:]))


def adapt_to_endpoint(session: boto3.Session) -> Config:
    """The client configuration for ``session``'s endpoint, with the hooks a custom endpoint needs."""
    if not custom_endpoint(session):
        return CLIENT_CONFIG
    session.events.register("before-call.s3-control.*", _no_account_label, unique_id="wafr-no-account-label")
    return CUSTOM_ENDPOINT_CONFIG


# Largest page sizes the API documentation states where the service model gives no maximum.
DOCUMENTED_PAGE_MAX = {("ecs", "maxResults"): 100}
# EC2's describes return everything in one answer when no page size is given, which no page size beats.
ALL_AT_ONCE = frozenset({"ec2"})


@cache
def largest_page(service: str, operation: str) -> tuple[str, int] | None:
    """(limit parameter, largest value the API allows) for a paginated operation, if it has one."""
    if service in ALL_AT_ONCE:
        return None
    try:
        config = paginator_config(service, operation)
        shape = service_model(service).operation_model(operation).input_shape
    except Exception:  # noqa: BLE001 - no model: leave the call alone
        return None
    if config is None:
        return None
    key = config.get("limit_key")
    member = shape.members.get(key) if shape is not None and key else None
    if member is None:
        return None
    largest = member.metadata.get("max") or DOCUMENTED_PAGE_MAX.get((service, key))
    return (key, int(largest)) if largest else None


def _largest_pages(params: dict[str, Any], model: Any, **_: Any) -> None:
    """Ask for the largest page the API allows unless the caller chose a size: fewer calls for the same items."""
    page = largest_page(model.service_model.service_name, model.name)
    if page and page[0] not in params:
        params[page[0]] = page[1]


@dataclass
class AwsSession:
    session: boto3.Session
    account: str
    partition: str
    home_region: str
    calls: ApiCalls = field(default_factory=ApiCalls)  # every call made through this session, by service
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _reads: dict[str, Any] = field(default_factory=dict)
    _config: Config = field(default=CLIENT_CONFIG, init=False, repr=False)

    def read_once(self, key: str, read: Callable[[], Any]) -> Any:
        """The result of a read that two parts of a scan need (an organization's accounts: discovery and the
        organizations collector), made once per session. A failed read is not kept."""
        with self._lock:
            if key in self._reads:
                return self._reads[key]
        value = read()
        with self._lock:
            return self._reads.setdefault(key, value)

    def __post_init__(self) -> None:
        retries.install(self.session.events)
        self._config = adapt_to_endpoint(self.session)
        self.calls.install(self.session.events)
        self.session.events.register("provide-client-params.*.*", _largest_pages, unique_id="wafr-largest-pages")

    def client(self, service: str, region: str) -> Any:
        """A client per service x region, created once (boto3 sessions are not thread-safe to create from)."""
        key = (service, region)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self.session.client(service, region_name=region, config=self._config)
            return self._clients[key]

    def known_regions(self, service: str = "ec2") -> set[str]:
        """Where botocore says the service is offered; asked once per service, not once per collector task."""
        return self.read_once(f"known-regions:{service}", lambda: set(
            self.session.get_available_regions(service, partition_name=self.partition)))

    def enabled_regions(self) -> list[str]:
        """The regions enabled for the account (opt-in regions only when opted in)."""
        ec2 = self.client("ec2", self.home_region)
        response = ec2.describe_regions(AllRegions=False)
        return sorted(r["RegionName"] for r in response["Regions"]
                      if r.get("OptInStatus", "opt-in-not-required") != "not-opted-in")


def open_session(profile: str | None = None, region: str | None = None) -> AwsSession:
    """Open a guarded session and learn the account it reads; user-facing errors become WafrError."""
    try:
        session = boto3.Session(profile_name=profile, region_name=region)
    except ProfileNotFound as missing:
        named = repr(profile) if profile else f"{missing.kwargs.get('profile')!r} (from AWS_PROFILE)"
        raise WafrError(f"AWS profile {named} was not found in your AWS config or credentials files.") from None
    guard.install(session.events, scan_allowlist())
    retries.install(session.events)
    home = region or session.region_name or "us-east-1"
    try:
        sts = session.client("sts", region_name=home, config=adapt_to_endpoint(session))
        identity = sts.get_caller_identity()
    except NoCredentialsError:
        raise WafrError(
            "No AWS credentials found. Set a profile (--profile or AWS_PROFILE), environment credentials, or SSO login."
        ) from None
    except ClientError as error:
        raise WafrError(f"AWS refused the credentials: {error.response['Error'].get('Message', error)}") from None
    except BotoCoreError as error:
        raise WafrError(f"Could not reach AWS STS in {home}: {error}") from None
    arn = identity["Arn"]
    partition = arn.split(":")[1] if arn.startswith("arn:") else "aws"
    account = require([identity.get("Account")], f"STS GetCallerIdentity in {home}")[0]
    return AwsSession(session=session, account=account, partition=partition, home_region=home)


PARTITIONS = ("aws", "aws-cn", "aws-us-gov")


def check_region_names(regions: list[str]) -> None:
    """Refuse region names botocore has never heard of, before any credentials are needed."""
    session = boto3.Session()
    known = {r for p in PARTITIONS for r in session.get_available_regions("ec2", partition_name=p)}
    unknown = [r for r in regions if r not in known]
    if unknown:
        sample = ", ".join(sorted(r for r in known if r.startswith(("us-", "eu-")))[:6])
        raise WafrError(f"Unknown region(s): {', '.join(unknown)}. Region names look like: {sample}, …")


def resolve_regions(aws: AwsSession, requested: list[str] | None) -> list[str]:
    """The regions to scan: those asked for (validated), else the account's enabled regions."""
    if not requested:
        try:
            return aws.enabled_regions()
        except (ClientError, BotoCoreError) as error:
            raise WafrError(f"Could not list the account's enabled regions ({error}); pass --regions.") from None
    check_region_names(requested)
    outside = [r for r in requested if r not in aws.known_regions()]
    if outside:
        raise WafrError(f"Region(s) {', '.join(outside)} are not in the account's partition ({aws.partition}).")
    return requested
