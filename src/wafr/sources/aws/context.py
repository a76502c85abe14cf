"""What a collector gets: clients for one account x region, and helpers that build Resources."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterator

from wafr.estate import Resource


def plain(value: Any) -> Any:
    """botocore's response values as JSON data: datetimes become ISO strings, so a snapshot of the estate
    reads back exactly as it was collected."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, Decimal):
        return int(value) if value == int(value) else float(value)
    return value


def tags_from_list(items: list[dict[str, str]] | None, key: str = "Key", value: str = "Value") -> dict[str, str]:
    """AWS's ``[{"Key": k, "Value": v}]`` tag lists as a plain dict."""
    return {t[key]: t.get(value, "") for t in items or [] if key in t}


@dataclass
class CollectContext:
    account: str
    region: str  # the region being read; for a global service, the region its client talks to
    partition: str
    client_factory: Callable[[str, str], Any]
    home_region: str = "us-east-1"
    notes: list[str] = field(default_factory=list)  # partial gaps inside an otherwise assessed service
    # Reads shared with the rest of the scan (see AwsSession.read_once); by default simply made.
    read_once: Callable[[str, Callable[[], Any]], Any] = field(default=lambda _key, read: read())

    @property
    def resource_region(self) -> str:
        return self.region

    def client(self, service: str, region: str | None = None) -> Any:
        return self.client_factory(service, region or self.region)

    def paginate(self, client: Any, operation: str, result_key: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every item of a paginated describe/list, at the largest page size botocore's paginator uses."""
        if client.can_paginate(operation):
            for page in client.get_paginator(operation).paginate(**params):
                yield from page.get(result_key, []) or []
        else:
            yield from getattr(client, operation)(**params).get(result_key, []) or []

    def resource(
        self,
        type: str,
        id: str,
        *,
        arn: str = "",
        name: str = "",
        tags: dict[str, str] | None = None,
        config: dict[str, Any] | None = None,
        links: dict[str, list[str]] | None = None,
        region: str | None = None,
        origin: str = "",
    ) -> Resource:
        tags = tags or {}
        return Resource(
            type=type, id=id, account=self.account, region=region or self.region, arn=arn,
            name=name or tags.get("Name", ""), tags=tags, config=plain(config or {}),
            links={k: [v for v in vs if v] for k, vs in (links or {}).items() if any(vs)},
            origin=origin,
        )

    def note(self, message: str) -> None:
        """Record a part of this service that could not be read; the service stays assessed."""
        self.notes.append(message)
