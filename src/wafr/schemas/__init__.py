"""The schemas wafr's input files are validated against at load (pydantic models), and how a violation is told.

Each input kind has its module: ``snapshot`` (estate.json.gz), ``answers`` (the answers file); review.json's
schema is derived from the Review model, so it lives beside it (``wafr.review.schema``). A violation becomes one line naming the file and the path inside it::

    estate.json.gz: resources[3].tags: expected a mapping, got a list
"""

from __future__ import annotations

from typing import Any, Iterable

from pydantic import ValidationError

from wafr.errors import WafrError

_JSON_KINDS = ((type(None), "null"), (bool, "a boolean"), (int, "a number"), (float, "a number"), (str, "a string"),
               (list, "a list"), (dict, "a mapping"))
_EXPECTED = {
    "dict_type": "expected a mapping", "model_type": "expected a mapping", "dataclass_type": "expected a mapping",
    "model_attributes_type": "expected a mapping", "list_type": "expected a list", "string_type": "expected a string",
    "int_type": "expected a whole number", "float_type": "expected a number", "bool_type": "expected true or false",
    "none_required": "expected null", "finite_number": "expected a finite number",
}


class SchemaError(WafrError):
    """A file that does not match its schema; the message names the file and the path inside it."""


def kind_of(value: Any) -> str:
    """How JSON/YAML would name a value's type, for messages."""
    return next((name for kind, name in _JSON_KINDS if isinstance(value, kind)), type(value).__name__)


def location(loc: Iterable[Any]) -> str:
    """('resources', 3, 'tags') -> resources[3].tags"""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "top level"


def problem(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "literal_error":
        expected = str(error["ctx"]["expected"]).replace("'", "")
        shown = error["input"]
        if isinstance(shown, str):
            return f"{shown[:60]!r} is not one of {expected}"
        return f"expected one of {expected}, got {kind_of(shown)}"
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]}, got {kind_of(error['input'])}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


def describe(error: ValidationError, origin: str) -> str:
    """One line: the first violation, where it is, and how many more there are."""
    first = error.errors(include_url=False)[0]
    more = error.error_count() - 1
    tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return " ".join(f"{origin}: {location(first['loc'])}: {problem(first)}{tail}".split())


def schema_error(error: ValidationError, origin: str) -> SchemaError:
    return SchemaError(describe(error, origin))
