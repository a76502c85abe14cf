"""Secret values never leave the collector: a configuration keeps its keys and shape, and only the values that
data/redaction.yaml allows (what the checks need and cannot carry a secret).

Which environment variables *looked* like credentials is computed before the values are dropped, so the
plaintext-secret check can still judge a snapshot that holds no secret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping

import yaml

DATA_FILE = "redaction.yaml"
REDACTED = "<redacted>"
RULES = ("keep", "arn", "variables")  # what a listed path keeps (see data/redaction.yaml)
LIST_ITEM, ANY_KEY = "[]", "*"

# Names that say "this holds a credential" ...
_SECRET_NAME = re.compile(r"PASS(WORD|WD)|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH_?KEY|SIGNING_?KEY",
                          re.IGNORECASE)
# ... unless the variable only points at where the secret is kept (a reference is the good practice).
_REFERENCE_NAME = re.compile(r"_(ARN|NAME|ID|PATH|FILE|PARAM|PARAMETER|REF|URL|LOCATION)$", re.IGNORECASE)
_REFERENCE_VALUE = re.compile(r"^(arn:|\{\{resolve:|ssm:|secretsmanager:)", re.IGNORECASE)
# Values shaped like a credential whatever the variable is called.
_SECRET_VALUE = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----"  # PEM private keys
    r"|\b(AKIA|ASIA)[A-Z0-9]{16}\b"  # AWS access key ids (their secret is usually beside them)
    r"|^(?=.*[A-Z])(?=.*[a-z])[A-Za-z0-9/+]{40}$"  # AWS secret access keys (mixed case: not a git SHA)
    r"|://[^/\s:@]+:[^/\s@]+@"  # URLs with a password in them
    r"|\b(ghp|gho|ghs|github_pat|glpat|xox[abprs]|sk_live|rk_live)[-_][A-Za-z0-9_-]{10,}"  # well-known token prefixes
)
# arn:partition:service:region:account:resource, with no spaces: a pointer, not a value.
_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:\S+$")


def looks_secret(name: str, value: str) -> bool:
    """A cheap hint that a plaintext variable holds a credential, from its name or the shape of its value."""
    value = value or ""
    if not value.strip() or _REFERENCE_VALUE.match(value):
        return False
    if _SECRET_VALUE.search(value):
        return True
    return bool(_SECRET_NAME.search(name)) and not _REFERENCE_NAME.search(name)


def redact_variables(pairs: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """Environment variables as names only; the secret hint is computed before the value is dropped."""
    return [{"name": name, "valueRedacted": True, "_looksSecret": looks_secret(name, str(value or ""))}
            for name, value in pairs]


def _variables(value: Any) -> Any:
    """A name -> value map (Lambda) or a list of {name, value} (ECS) as the name-only list."""
    if isinstance(value, Mapping):
        return redact_variables(value.items())
    if isinstance(value, list):
        return redact_variables((e.get("name", ""), e.get("value", "")) for e in value if isinstance(e, Mapping))
    return value


@dataclass
class _Node:
    """One step of the allowlist's paths: what the path ending here keeps, and the steps below it."""

    rule: str | None = None
    children: dict[str, "_Node"] = field(default_factory=dict)


@dataclass
class Allowlist:
    """The paths of one resource type's configuration whose values are kept."""

    root: _Node

    @classmethod
    def of(cls, rules: Mapping[str, Iterable[str]]) -> "Allowlist":
        root = _Node()
        for rule, paths in rules.items():
            if rule not in RULES:
                raise ValueError(f"{DATA_FILE}: unknown rule {rule!r} (expected one of {', '.join(RULES)})")
            for path in paths:
                node = root
                for step in _steps(path):
                    node = node.children.setdefault(step, _Node())
                node.rule = rule
        return cls(root)

    def apply(self, config: Any) -> Any:
        """The configuration with its keys and shape, and only the allowed values."""
        return _walk(config, [self.root])


def _steps(path: str) -> list[str]:
    """'a[].b.*' -> ['a', '[]', 'b', '*']."""
    steps: list[str] = []
    for key in path.split("."):
        name = key.replace(LIST_ITEM, "")
        steps += ([name] if name else []) + [LIST_ITEM] * key.count(LIST_ITEM)
    return steps


def _walk(value: Any, nodes: list[_Node]) -> Any:
    rules = {node.rule for node in nodes if node.rule}
    if "variables" in rules:
        value, rules = _variables(value), rules - {"variables"}
    if "keep" in rules:
        return value
    if "arn" in rules and isinstance(value, str) and _ARN.match(value):
        return value
    if isinstance(value, Mapping):
        return {key: _walk(item, _below(nodes, key)) for key, item in value.items()}
    if isinstance(value, list):
        return [_walk(item, _below(nodes, LIST_ITEM)) for item in value]
    # A secret travels only in a string; numbers, booleans and dates say how much and when.
    return REDACTED if isinstance(value, (str, bytes)) else value


def _below(nodes: list[_Node], key: str) -> list[_Node]:
    found = [node.children[key] for node in nodes if key in node.children]
    if key != LIST_ITEM:
        found += [node.children[ANY_KEY] for node in nodes if ANY_KEY in node.children]
    return found


@lru_cache(maxsize=1)
def allowlists() -> dict[str, Allowlist]:
    """Per resource type, the allowlist of data/redaction.yaml."""
    data = yaml.safe_load(resources.files("wafr").joinpath("data", DATA_FILE).read_text(encoding="utf-8"))
    return {resource_type: Allowlist.of(rules) for resource_type, rules in data.items()}


def redact(resource_type: str, config: dict[str, Any]) -> dict[str, Any]:
    """A collected configuration with only the values its type's allowlist keeps."""
    return allowlists()[resource_type].apply(config)
