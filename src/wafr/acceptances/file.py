"""acceptances.yaml: the risks a team accepted, who owns each and until when (schema wafr.acceptances/1).

Read with ruamel.yaml's round-trip loader so an error can name the line, and `wafr accept` can add an entry
without losing the user's comments; validated with pydantic at load.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from wafr.checks.registry import ENVIRONMENTS
from wafr.errors import WafrError, read_user_text

SCHEMA = "wafr.acceptances/1"
DEFAULT_FILE = Path("acceptances.yaml")
SELECTOR_KEYS = ("check", "best_practice", "resource", "account", "environment")
_BEST_PRACTICE = re.compile(r"^[A-Z]{3,4}\d{2}-BP\d{2}$")


class Selector(BaseModel):
    """Which findings an acceptance covers: every key given must match (at least one is required)."""

    model_config = ConfigDict(extra="forbid")

    check: Optional[str] = Field(None, description="A check id, as `wafr checks` lists them.")
    best_practice: Optional[str] = Field(None, description="A best-practice id such as SEC08-BP02.")
    resource: Optional[str] = Field(None, description="A resource id or ARN; * and ? match any characters.")
    account: Optional[str] = Field(None, description="A 12-digit AWS account id.")
    environment: Optional[str] = Field(None, description="prod, staging, dev or unknown.")

    @field_validator("account", mode="before")
    @classmethod
    def _account_as_text(cls, value: Any) -> Any:
        # YAML reads an unquoted account id as a number; the id is 12 digits, leading zeros included.
        return f"{value:012d}" if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("account")
    @classmethod
    def _account_id(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not re.fullmatch(r"\d{12}", value):
            raise ValueError(f"{value!r} is not a 12-digit account id")
        return value

    @field_validator("check")
    @classmethod
    def _known_check(cls, value: Optional[str]) -> Optional[str]:
        from wafr.checks.registry import all_checks

        if value is not None and value not in all_checks():
            raise ValueError(f"no check is called {value!r} (see `wafr checks`)")
        return value

    @field_validator("best_practice")
    @classmethod
    def _best_practice_id(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not _BEST_PRACTICE.match(value):
            raise ValueError(f"{value!r} is not a best-practice id such as SEC08-BP02")
        return value

    @field_validator("environment")
    @classmethod
    def _environment(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and value not in ENVIRONMENTS:
            raise ValueError(f"{value!r} is not one of {', '.join(ENVIRONMENTS)}")
        return value

    @model_validator(mode="after")
    def _selects_something(self) -> Selector:
        if not self.given():
            raise ValueError(f"a selector needs at least one of {', '.join(SELECTOR_KEYS)}")
        return self

    def given(self) -> dict[str, str]:
        return {k: v for k in SELECTOR_KEYS if (v := getattr(self, k)) is not None}


class Acceptance(BaseModel):
    """One accepted risk: what it covers, why, who owns it, and when it must be looked at again."""

    model_config = ConfigDict(extra="forbid")

    match: Selector
    reason: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    expires: dt.date
    ticket: Optional[str] = Field(None, pattern=r"^https?://\S+$")

    def active_on(self, day: dt.date) -> bool:
        """Valid through its expiry date."""
        return day <= self.expires

    def attached(self) -> dict[str, Any]:
        """What a suppressed finding carries in findings.json (`acceptance`)."""
        record: dict[str, Any] = {"match": self.match.given(), "reason": self.reason, "owner": self.owner,
                                  "expires": self.expires.isoformat()}
        if self.ticket:
            record["ticket"] = self.ticket
        return record


class AcceptancesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: str = Field(alias="schema")
    acceptances: list[Acceptance] = Field(default_factory=list)

    @field_validator("schema_")
    @classmethod
    def _our_schema(cls, value: str) -> str:
        if value != SCHEMA:
            raise ValueError(f"is {value!r}; this file must say schema: {SCHEMA}")
        return value


def yaml() -> YAML:
    """A round-trip YAML reader/writer: comments, key order and quoting survive a rewrite."""
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096  # an ARN stays on its key's line
    return y


def load_document(path: Path) -> Any:
    """The file's YAML tree (ruamel's commented maps), or a clear error naming the file."""
    text = read_user_text(path)
    try:
        return yaml().load(text)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise WafrError(f"{path}{where}: not valid YAML: {problem}") from None
    except ValueError as error:  # a scalar YAML reads as a date but no calendar has, e.g. 2027-13-01
        raise WafrError(f"{path}: not valid YAML: {error}") from None


def _line_of(document: Any, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the deepest part of ``loc`` that exists in the document."""
    node, line = document, None
    for key in loc:
        key = "schema" if key == "schema_" else key
        lc = getattr(node, "lc", None)
        try:
            if isinstance(key, int) and isinstance(node, list):
                line = lc.item(key)[0] + 1 if lc is not None else line
                node = node[key]
            elif isinstance(node, dict) and key in node:
                line = lc.key(key)[0] + 1 if lc is not None else line
                node = node[key]
            else:
                break
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    if line is None and getattr(document, "lc", None) is not None:
        line = document.lc.line + 1
    return line


def _place(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for key in loc:
        key = "schema" if key == "schema_" else key
        if isinstance(key, int):
            parts.append(f"[{key}]")
        else:
            parts.append(("." if parts else "") + str(key))
    return "".join(parts) or "(top level)"


def validation_message(path: Path, document: Any, error: ValidationError, limit: int = 3) -> str:
    """Every problem as 'file: where (line N): what', the first few of them."""
    problems = []
    for item in error.errors()[:limit]:
        loc = tuple(item["loc"])
        line = _line_of(document, loc)
        where = f"{_place(loc)} (line {line})" if line else _place(loc)
        problems.append(f"{path}: {where}: {item['msg'].removeprefix('Value error, ')}")
    more = len(error.errors()) - limit
    return "; ".join(problems) + (f"; and {more} more" if more > 0 else "")


def parse(path: Path, document: Any) -> AcceptancesFile:
    if document is None:
        raise WafrError(f"{path} is empty; an acceptances file starts with `schema: {SCHEMA}`.")
    if not isinstance(document, dict):
        raise WafrError(f"{path} is not an acceptances file: expected a mapping with `schema: {SCHEMA}`.")
    try:
        return AcceptancesFile.model_validate(document)
    except ValidationError as error:
        raise WafrError(validation_message(path, document, error)) from None


def read_acceptances(path: Path) -> AcceptancesFile:
    """Read and validate an acceptances file; any problem is a WafrError naming the file, place and line."""
    return parse(path, load_document(path))
