"""Declarative collectors: a plain service described as data, run by one engine.

A declaration names, per resource type, the list call and the path to its items, the per-resource detail calls
(each kept as a field of the resource's configuration, or merged into it), and where the id, ARN, name and tags
are. The engine paginates with botocore's paginator where one exists, records a failed detail call on the
resource under ``_errors`` (a missing piece is unknown, not absent), and registers the collector in the same
registry as the hand-written ones, with its ``operations`` derived from the calls it declares: the guard's
allowlist and ``wafr iam-policy`` cannot drift from what the engine calls.

    declare("sqs", Kind(QUEUE, List("list_queues", "QueueUrls", item="QueueUrl"),
                        details=[Detail("get_queue_attributes", "Attributes", QueueUrl=at("QueueUrl"),
                                        AttributeNames=["All"])],
                        id=tail("QueueUrl", "/"), arn="QueueArn",
                        tags=Detail("list_queue_tags", "Tags", QueueUrl=at("QueueUrl"))))

Calls are named as boto3 names them (``list_queues``). A request parameter given as ``at("Path")`` takes its
value from the resource read so far, one given as a function (``tail("Id", "/")``) is called with it; any other
value is passed as is. Response keys may be dotted paths (``"DistributionList.Items"``).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Callable, Iterator, Mapping, Sequence, Union

from botocore import xform_name
from botocore.loaders import create_loader
from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.sources.aws.context import CollectContext, tags_from_list
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.redact import allowlists, redact
from wafr.sources.aws.registry import collector

Config = dict[str, Any]
Locator = Union[str, Callable[[Config], Any]]  # a dotted path into the configuration, or a function of it


@dataclass(frozen=True)
class at:  # noqa: N801  (reads as part of a declaration: QueueUrl=at("QueueUrl"))
    """A request parameter taken from the resource: a dotted path into its configuration."""

    path: str


@dataclass(frozen=True)
class List:
    """The call that lists a resource type and the response key holding its items (a call that returns one settings
    object lists that one, the whole response for key ""). ``item`` names a scalar item
    (a queue URL, a table name) as a field; ``within`` lists once per resource of an earlier kind (rules per bus),
    its ``at`` parameters read from that resource; ``carry`` copies fields of that resource into each item
    (field -> dotted path), for items that do not name their parent (an API Gateway stage its API)."""

    call: str
    key: str
    item: str | None = None
    within: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    carry: Mapping[str, str] = field(default_factory=dict)

    def __init__(self, call: str, key: str, *, item: str | None = None, within: str | None = None,
                 carry: Mapping[str, str] | None = None, **params: Any) -> None:
        object.__setattr__(self, "call", call)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "item", item)
        object.__setattr__(self, "within", within)
        object.__setattr__(self, "params", params)
        object.__setattr__(self, "carry", dict(carry or {}))


@dataclass(frozen=True)
class Detail:
    """One per-resource call. Its response's ``key`` becomes the field ``into`` (default: ``key``); ``into=""``
    merges a dict response into the configuration. An error code in ``absent`` means "none configured" (ECR's
    LifecyclePolicyNotFoundException) and is kept as None, not as an error."""

    call: str
    key: str
    into: str | None = None
    absent: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, call: str, key: str, *, into: str | None = None, absent: Sequence[str] = (),
                 **params: Any) -> None:
        object.__setattr__(self, "call", call)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "into", key if into is None else into)
        object.__setattr__(self, "absent", tuple(absent))
        object.__setattr__(self, "params", params)


@dataclass(frozen=True)
class Kind:
    """One resource type of a declarative collector. ``tags`` is a path in the item or a tags call; ``json``
    names string fields that hold JSON documents (policies, definitions), parsed so checks read them as data.
    A type listed in data/redaction.yaml keeps only the values its allowlist keeps."""

    type: str
    list: List
    id: Locator
    arn: Locator = ""
    name: Locator | None = None  # default: the id
    details: Sequence[Detail] = ()
    tags: str | Detail | None = None
    json: Sequence[str] = ()
    # Fields computed from the read configuration before redaction drops its values: a secret scan of user data
    # keeps what was found where, and the user data itself is dropped by the type's allowlist.
    derive: Callable[[Config], Mapping[str, Any]] | None = None

    @property
    def calls(self) -> list[str]:
        tags = [self.tags.call] if isinstance(self.tags, Detail) else []
        return [self.list.call, *(d.call for d in self.details), *tags]


def tail(path: str, separator: str) -> Callable[[Config], str]:
    """The last part of a field: a queue's name from its URL, a topic's from its ARN."""
    return lambda config: str(lookup(config, path) or "").rsplit(separator, 1)[-1]


def lookup(config: Any, path: str) -> Any:
    for step in path.split("."):
        config = config.get(step) if isinstance(config, Mapping) else None
    return config


def locate(config: Config, locator: Locator) -> Any:
    if callable(locator):
        return locator(config)
    return lookup(config, locator) if locator else ""


def as_tags(value: Any) -> dict[str, str]:
    """Tags however a service spells them: a map, or a list of Key/Value, key/value or TagKey/TagValue pairs."""
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    for key, val in (("Key", "Value"), ("key", "value"), ("TagKey", "TagValue")):
        if value and isinstance(value[0], Mapping) and key in value[0]:
            return tags_from_list(value, key=key, value=val)
    return {}


@cache
def _api_names(service: str) -> dict[str, str]:
    """boto3 method name -> API operation name, from botocore's model of ``service``."""
    # The loader alone: the model is data, and reading it must not depend on the user's profile or config.
    model = create_loader().load_service_model(service, "service-2")
    return {xform_name(op): op for op in model["operations"]}


def operation_name(service: str, call: str) -> str:
    names = _api_names(service)
    if call not in names:
        raise ValueError(f"{service} has no call {call!r}")
    return names[call]


def declare(name: str, *kinds: Kind, client: str | None = None, global_service: bool = False,
            region: str | None = None) -> None:
    """Register a declarative collector: its operations are the calls its kinds declare. A global service
    (CloudFront, Route 53) is read once per account; ``region`` pins the client where an API answers only in one
    region (WAF's CLOUDFRONT scope, us-east-1)."""
    service = client or name
    operations = [f"{service}:{operation_name(service, call)}" for kind in kinds for call in kind.calls]

    def collect(ctx: CollectContext) -> Iterator[Resource]:
        yield from run(ctx, service, kinds, region)

    # Tooling that reads a collector's source (its declared calls) finds the declaration, not this engine.
    collect.__module__ = sys._getframe(1).f_globals.get("__name__", __name__)
    collector(name, client=service, resource_types=[k.type for k in kinds], operations=operations,
              global_service=global_service)(collect)


def run(ctx: CollectContext, service: str, kinds: Sequence[Kind], region: str | None = None) -> Iterator[Resource]:
    """Every resource of ``kinds``, in order (a kind listed ``within`` another follows it)."""
    client = ctx.client(service, region)
    read: dict[str, list[Resource]] = {}
    failed: dict[str, int] = {}
    for kind in kinds:
        parents = [r.config for r in read.get(kind.list.within, [])] if kind.list.within else [{}]
        read[kind.type] = []
        for parent in parents:
            params = _params(kind.list.params, parent)
            carried = {name: lookup(parent, path) for name, path in kind.list.carry.items()}
            for item in _items(ctx, client, kind.list, params):
                config = {kind.list.item: item} if kind.list.item else dict(item)
                resource = _resource(ctx, client, kind, {**carried, **config})
                for operation, code in (resource.config.get("_errors") or {}).items():
                    failed[f"{operation}: {code}"] = failed.get(f"{operation}: {code}", 0) + 1
                read[kind.type].append(resource)
                yield resource
    for failure, count in failed.items():
        ctx.note(f"{failure} for {count} resource(s)")


def _items(ctx: CollectContext, client: Any, listing: List, params: dict[str, Any]) -> Iterator[Any]:
    """A listing's items; a call that returns one settings object (key "" for the whole response) gives one item."""
    if client.can_paginate(listing.call) and "." in listing.key:  # items nested in the page (CloudFront's)
        for page in client.get_paginator(listing.call).paginate(**params):
            yield from lookup(page, listing.key) or []
        return
    if client.can_paginate(listing.call):
        yield from ctx.paginate(client, listing.call, listing.key, **params)
        return
    response = getattr(client, listing.call)(**params)
    found = lookup(response, listing.key) if listing.key else {k: v for k, v in response.items() if k != "ResponseMetadata"}
    yield from found if isinstance(found, list) else [found] if found else []


def _resource(ctx: CollectContext, client: Any, kind: Kind, config: Config) -> Resource:
    errors: dict[str, str] = {}
    for detail in kind.details:
        value = _detail(ctx, client, detail, config, errors)
        if detail.into == "" and isinstance(value, Mapping):  # the response's fields first, as AWS orders them
            config = {**value, **{k: v for k, v in config.items() if k not in value}}
        elif detail.into:
            config[detail.into] = value
    if isinstance(kind.tags, Detail):
        tags = as_tags(_detail(ctx, client, kind.tags, config, errors))
    else:
        tags = as_tags(lookup(config, kind.tags)) if kind.tags else {}
    for path in kind.json:
        if isinstance(config.get(path), str) and config[path]:
            try:
                config[path] = json.loads(config[path])
            except ValueError:
                errors[f"{path} (not JSON)"] = "Unreadable"
    if errors:
        config["_errors"] = errors
    ident = str(locate(config, kind.id) or "")
    name = str(locate(config, kind.name) or "") if kind.name is not None else ident
    arn = str(locate(config, kind.arn) or "")
    if kind.derive is not None:
        config = {**config, **kind.derive(config)}
    if kind.type in allowlists():
        config = redact(kind.type, config)
    return ctx.resource(kind.type, ident, arn=arn, name=name, tags=tags, config=config)


def _detail(ctx: CollectContext, client: Any, detail: Detail, config: Config, errors: dict[str, str]) -> Any:
    """One per-resource call's value; None (with the error code under its operation) when it failed."""
    operation = operation_name(client.meta.service_model.service_name, detail.call)
    params = _params(detail.params, config)
    if any(value is None for value in params.values()):
        if not errors:  # else an earlier failed call already says why this one could not be asked
            errors[operation] = "MissingInput"
        return None
    try:
        if client.can_paginate(detail.call):
            return list(ctx.paginate(client, detail.call, detail.key, **params))
        response = getattr(client, detail.call)(**params)
        return {k: v for k, v in response.items() if k != "ResponseMetadata"} if not detail.key else (
            lookup(response, detail.key))
    except ClientError as error:
        code = error_code(error)
        if code not in detail.absent:
            errors[operation] = code
        return None


def _params(params: Mapping[str, Any], config: Config) -> dict[str, Any]:
    """Request parameters: ``at`` a path, a function of the resource (``tail("Id", "/")``), or a literal."""
    return {key: lookup(config, value.path) if isinstance(value, at) else value(config) if callable(value) else value
            for key, value in params.items()}
