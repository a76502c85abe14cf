"""Service Quotas: the limits wafr can compare with the estate's own counts (data/service_quotas.yaml), per
Region: the account's applied value where Service Quotas has one, else AWS's default."""

from __future__ import annotations

from functools import cache
from typing import Any, Iterator

from botocore.exceptions import BotoCoreError, ClientError

from wafr.data import load as load_data
from wafr.estate import Resource
from wafr.resource_types import SERVICE_QUOTAS_QUOTA
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector



@cache
def compared() -> dict[str, Any]:
    """The quotas compared with the estate: each with the resource type it limits and the collector that reads it."""
    return load_data("service_quotas.yaml")


def _quota(client: Any, ident: dict[str, str]) -> tuple[dict[str, Any], bool]:
    """The quota and whether it is the account's applied value (else AWS's default)."""
    try:
        return client.get_service_quota(**ident)["Quota"], True
    except ClientError as error:
        if error_code(error) != "NoSuchResourceException":
            raise
    return client.get_aws_default_service_quota(**ident)["Quota"], False  # never changed: the default applies


@collector(
    "service-quotas",
    resource_types=(SERVICE_QUOTAS_QUOTA,),
    operations=("service-quotas:GetServiceQuota", "service-quotas:GetAWSDefaultServiceQuota"),
)
def collect_service_quotas(ctx: CollectContext) -> Iterator[Resource]:
    client = ctx.client("service-quotas")
    failure: Exception | None = None
    read = 0
    for entry in compared()["quotas"]:
        ident = {"ServiceCode": entry["service"], "QuotaCode": entry["code"]}
        try:
            quota, applied = _quota(client, ident)
        except (ClientError, BotoCoreError, NotImplementedError) as error:  # one unread: a note; all: the coverage
            failure = error
            ctx.note(f"{entry['name']} ({entry['code']}) not read ({error_code(error)})")
            continue
        read += 1
        # What the quota limits travels with it, so the check counts those resources without reading this file.
        config = {"source": "Service Quotas", "serviceCode": entry["service"], "quotaCode": entry["code"],
                  "quotaName": quota.get("QuotaName") or entry["name"], "value": quota.get("Value"),
                  "applied": applied, "adjustable": quota.get("Adjustable"),
                  "counts": entry["counts"], "countedBy": entry["collector"]}
        yield ctx.resource(SERVICE_QUOTAS_QUOTA, f"{entry['service']}/{entry['code']}",
                           name=config["quotaName"], config=config)
    if failure is not None and not read:
        raise failure
