"""Derive a JSON Schema for one OCSF event class from the OCSF schema sources (github.com/ocsf/ocsf-schema, Apache-2.0).

    python tests/data/ocsf/derive.py OCSF_SCHEMA_CHECKOUT compliance_finding > tests/data/ocsf/compliance_finding-1.5.0.schema.json

It follows the schema's own rules: a class extends its parent (attributes and enums merged, the child's settings
winning), `$include` pulls in profile and include files, attribute types come from dictionary.json, and an object's
attributes from objects/<name>.json along its `extends` chain. Profile attributes are allowed but not required
(wafr declares the profiles it uses in metadata.profiles). Only what the class reaches is emitted, and unknown
attributes are refused, so a misspelt key fails validation.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SCALARS = {"boolean_t": "boolean", "integer_t": "integer", "long_t": "integer", "float_t": "number",
           "string_t": "string", "timestamp_t": "integer", "port_t": "integer", "json_t": None}


def _load(root: Path, rel: str) -> dict:
    return json.loads((root / rel).read_text(encoding="utf-8"))


def _attributes(root: Path, spec: dict) -> dict:
    """A file's attributes with its $include files merged in (its own settings win)."""
    attrs: dict = {}
    own = dict(spec.get("attributes", {}))
    for rel in own.pop("$include", []):
        included = _load(root, rel)
        profile = included.get("name") if included.get("meta") == "profile" else None
        for name, value in _attributes(root, included).items():
            merged = {**value, **({"profile": profile} if profile else {})}
            attrs[name] = {**attrs.get(name, {}), **merged}
    for name, value in own.items():
        attrs[name] = _merge(attrs.get(name, {}), value)
    return attrs


def _merge(parent: dict, child: dict) -> dict:
    merged = {**parent, **child}
    if "enum" in parent and "enum" in child:
        merged["enum"] = {**parent["enum"], **child["enum"]}
    return merged


def _chain(root: Path, name: str, index: dict) -> dict:
    spec = index[name]
    attrs = _attributes(root, spec)
    if spec.get("extends"):
        parent = _chain(root, spec["extends"], index)
        attrs = {k: _merge(parent.get(k, {}), attrs.get(k, {})) for k in {**parent, **attrs}}
    return attrs


def derive(root: Path, class_name: str) -> dict:
    dictionary = _load(root, "dictionary.json")
    types = dictionary["types"]["attributes"]
    events = {p.stem: json.loads(p.read_text()) for p in (root / "events").rglob("*.json")}
    events["base_event"] = _load(root, "events/base_event.json")
    objects = {json.loads(p.read_text())["name"]: json.loads(p.read_text()) for p in (root / "objects").glob("*.json")}
    categories = _load(root, "categories.json")["attributes"]
    definitions: dict = {}

    def scalar(type_name: str) -> dict:
        base = type_name
        while base not in SCALARS and types.get(base, {}).get("type"):
            base = types[base]["type"]
        kind = SCALARS.get(base)
        return {"type": kind} if kind else {}

    def prop(name: str, setting: dict) -> dict:
        info = _merge(dictionary["attributes"].get(name, {}), setting)
        type_name = info.get("type", "string_t")
        if type_name == "object":  # OCSF's free-form object (unmapped, data): any keys
            item: dict = {"type": "object"}
        elif type_name in objects:
            if type_name not in definitions:
                definitions[type_name] = {}  # placeholder against recursion
                definitions[type_name] = obj(type_name)
            item = {"$ref": f"#/$defs/{type_name}"}
        else:
            item = scalar(type_name)
            if "enum" in info and item.get("type") == "integer":
                item["enum"] = sorted(int(k) for k in info["enum"])
        return {"type": "array", "items": item} if info.get("is_array") else item

    def shape(attrs: dict) -> dict:
        properties = {name: prop(name, setting) for name, setting in attrs.items()}
        required = sorted(n for n, s in attrs.items() if s.get("requirement") == "required" and not s.get("profile"))
        return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}

    def obj(name: str) -> dict:
        return shape(_chain(root, name, objects))

    attrs = _chain(root, class_name, events)
    spec, category = events[class_name], None
    cursor = spec
    while category is None and cursor:
        category = cursor.get("category")
        cursor = events.get(cursor.get("extends", ""))
    class_uid = categories[category]["uid"] * 1000 + spec["uid"]
    schema = shape(attrs)
    activities = schema["properties"]["activity_id"].get("enum", [])
    schema["properties"]["class_uid"] = {"const": class_uid}
    schema["properties"]["category_uid"] = {"const": categories[category]["uid"]}
    schema["properties"]["type_uid"] = {"enum": [class_uid * 100 + a for a in activities]}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"OCSF {spec.get('caption', class_name)} (class {class_uid}), derived from ocsf-schema",
            "$comment": "Derived by tests/data/ocsf/derive.py from https://github.com/ocsf/ocsf-schema (Apache-2.0).",
            **schema, "$defs": definitions}


if __name__ == "__main__":
    print(json.dumps(derive(Path(sys.argv[1]), sys.argv[2]), indent=1, sort_keys=True))
