"""review.json's schema (wafr.review/1), derived from the Review model itself, so a field added to the model is
validated from then on without a second definition to keep in step.

Types are strict (no "3" for 3, no null where the model has no None). Keys the model does not know are ignored,
at the top level and inside sections: a review.json written by a newer wafr of the same schema version may carry
sections this one does not render yet (history, accepted risks...), and re-rendering it must still work. The
``schema`` key is what says whether the document is a review at all, and it must match exactly.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, Iterator, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from wafr.review.model import SCHEMA, Review
from wafr.schemas.snapshot import Period, Timestamp

_CONFIG = ConfigDict(strict=True, extra="ignore", populate_by_name=True)
# Fields whose type says too little for a renderer: a chart's period and start are date arithmetic.
_NARROWER = {("SeriesChart", "period"): Period, ("SeriesChart", "start"): Timestamp}


@functools.cache
def model_of(kind: type) -> type[BaseModel]:
    """The pydantic model of a dataclass of the review (recursively)."""
    hints = typing.get_type_hints(kind)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(kind):
        if not f.init:
            continue
        options: dict[str, Any] = {}
        if f.default is not dataclasses.MISSING:
            options["default"] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            options["default_factory"] = f.default_factory
        annotation = _NARROWER.get((kind.__name__, f.name)) or _schema_type(hints[f.name])
        if hasattr(BaseModel, f.name):  # "schema", "json", "copy": kept under an alias
            fields[f"{f.name}_"] = (annotation, Field(alias=f.name, **options))
        else:
            fields[f.name] = (annotation, Field(**options))
    return create_model(f"{kind.__name__}Doc", __config__=_CONFIG, **fields)


def _schema_type(kind: Any) -> Any:
    if dataclasses.is_dataclass(kind):
        return model_of(kind)
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is list:
        return list[_schema_type(args[0])]
    if origin is dict:
        return dict[args[0], _schema_type(args[1])]
    if origin is tuple:
        return tuple[tuple(_schema_type(a) for a in args)]
    if origin in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        member = _schema_type(inner[0]) if len(inner) == 1 else Union[tuple(_schema_type(a) for a in inner)]
        return Optional[member] if len(inner) < len(args) else member
    return kind


def validate(data: Any) -> None:
    """Raise pydantic's ValidationError when ``data`` is not a review this wafr can render, and ValueError
    (naming the path) when one part names a focus area or project the review does not have."""
    model_of(Review).model_validate(data)
    dangling = next(broken_references(data), None)
    if dangling:
        raise ValueError(dangling)


def broken_references(data: dict[str, Any]) -> Iterator[str]:
    """The renderers look focus areas up by key and projects by letter: every such name must exist."""
    areas = {fa["key"] for pillar in data["pillars"] for fa in pillar["focus_areas"]}
    letters = {project["letter"] for project in data["projects"]}

    def check(path: str, name: str, known: set[str], what: str) -> Iterator[str]:
        if name and name not in known:
            yield f"{path}: names {what} {name[:60]!r}, which the review does not have"

    for i, pillar in enumerate(data["pillars"]):
        for j, area in enumerate(pillar["focus_areas"]):
            yield from check(f"pillars[{i}].focus_areas[{j}].project", area.get("project", ""), letters, "project")
    for i, project in enumerate(data["projects"]):
        for j, key in enumerate(project["focus_areas"]):
            yield from check(f"projects[{i}].focus_areas[{j}]", key, areas, "focus area")
    for i, phase in enumerate(data["roadmap"]):
        for j, item in enumerate(phase["items"]):
            for k, letter in enumerate(item["projects"]):
                yield from check(f"roadmap[{i}].items[{j}].projects[{k}]", letter, letters, "project")
            for k, key in enumerate(item["focus_areas"]):
                yield from check(f"roadmap[{i}].items[{j}].focus_areas[{k}]", key, areas, "focus area")
    evidence = data.get("metric_evidence") or {}
    for i, finding in enumerate(evidence.get("findings", [])):
        yield from check(f"metric_evidence.findings[{i}].focus_area", finding["focus_area"], areas, "focus area")
        yield from check(f"metric_evidence.findings[{i}].project", finding["project"], letters, "project")
    for letter in evidence.get("by_project", {}):
        yield from check(f"metric_evidence.by_project.{letter}", letter, letters, "project")


__all__ = ["SCHEMA", "model_of", "validate"]
