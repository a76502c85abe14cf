"""Environment classification: prod, staging, dev or unknown, for every resource and every account.

Signals, strongest first: an environment tag; the CloudFormation/CDK stack the resource was deployed by
(the stack-name tag, or the first segment of a CDK construct path used as its name); tokens of its name;
then the environment of the VPC, subnet or cluster it lives in; and last, the environment of its AWS account.
Names come after tags and stacks because names lie: the sample review's production VPC has subnets named
``staging-VPC``. An account says its environment by an account tag (the same keys as resources), else by its
organizational unit path (``Workloads/Production``), else by its name (``acme-prod-payments``).

Which tag keys and words mean which environment is data (data/environments.yaml); wafr.toml's
``[environments]`` table adds to it (see ``configure``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, Iterable, Mapping

from wafr.data import load
from wafr.estate import GLOBAL, Estate, Resource
from wafr.resource_types import ACCOUNT, ORG_ACCOUNT
from wafr.vocabulary import DEV, PROD, STAGING, UNKNOWN

DATA_FILE = "environments.yaml"
KNOWN = (PROD, STAGING, DEV)  # what a word may name
# Parents whose environment a resource inherits when it carries no signal of its own.
PARENT_LINKS = ("cluster", "vpc", "subnets", "instances")

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_NEGATIONS = frozenset({"non", "not", "no"})

Signal = tuple[str, str]  # (environment, basis)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a cache key for the names it has read
class Vocabulary:
    """Tag keys (lower case) and words (lower case -> environment) that say an environment."""

    tag_keys: tuple[str, ...]
    stack_tag_keys: tuple[str, ...]
    words: Mapping[str, str] = field(default_factory=dict)

    def extended(self, tag_keys: Iterable[str] = (), words: Mapping[str, Iterable[str]] | None = None) -> "Vocabulary":
        """This vocabulary plus the user's keys and words; a user's word overrides the built-in meaning."""
        added = {w.strip().lower(): env for env, listed in (words or {}).items() for w in listed}
        keys = tuple(dict.fromkeys((*self.tag_keys, *(k.strip().lower() for k in tag_keys))))
        return Vocabulary(keys, self.stack_tag_keys, {**self.words, **added})


def parse(data: Any, where: str = DATA_FILE) -> Vocabulary:
    """The vocabulary of an environments document; a malformed one is a ValueError naming what is wrong."""
    if not isinstance(data, dict) or set(data) != {"tag_keys", "stack_tag_keys", "words"}:
        raise ValueError(f"{where}: expected exactly the keys tag_keys, stack_tag_keys and words")
    for key in ("tag_keys", "stack_tag_keys"):
        if not isinstance(data[key], list) or not all(isinstance(k, str) and k.strip() for k in data[key]):
            raise ValueError(f"{where}: {key} must be a list of non-empty strings")
    words = data["words"]
    if not isinstance(words, dict) or not set(words) <= set(KNOWN):
        raise ValueError(f"{where}: words must map {', '.join(KNOWN)} to lists of words")
    seen: dict[str, str] = {}
    for env, listed in words.items():
        if not isinstance(listed, list) or not all(isinstance(w, str) and w.strip() for w in listed):
            raise ValueError(f"{where}: words.{env} must be a list of non-empty strings")
        for word in listed:
            if seen.setdefault(word.lower(), env) != env:
                raise ValueError(f"{where}: {word!r} is listed for both {seen[word.lower()]} and {env}")
    return Vocabulary(tuple(k.lower() for k in data["tag_keys"]), tuple(k.lower() for k in data["stack_tag_keys"]),
                      {w.lower(): env for env, listed in words.items() for w in listed})


@cache
def builtin() -> Vocabulary:
    return parse(load(DATA_FILE))


_configured: Vocabulary | None = None


def configure(tag_keys: Iterable[str] = (), words: Mapping[str, Iterable[str]] | None = None) -> None:
    """Use the built-in vocabulary plus these keys and words (wafr.toml's [environments]) from now on; with no
    arguments, the built-in vocabulary alone."""
    global _configured
    _configured = builtin().extended(tag_keys, words) if (tag_keys or words) else None


def current() -> Vocabulary:
    return _configured or builtin()


# -- words --------------------------------------------------------------------------------------------------------
def tokens(text: str) -> list[str]:
    """``prodVpcStack/staging-VPC`` → ``['prod', 'vpc', 'stack', 'staging', 'vpc']``."""
    return [t.lower() for part in _SPLIT.split(text) for t in _CAMEL.split(part) if t]


def environment_of_value(value: str) -> str | None:
    """The environment a tag value or name fragment names, if any."""
    value = value.strip().lower()
    words = current().words
    if value in words:
        return words[value]
    return environment_of_name(value)


def environment_of_name(name: str) -> str | None:
    """The environment a name's tokens point to; None when it names none, or several."""
    return _environment_of_name(name, current())


@lru_cache(maxsize=1 << 16)  # names repeat across an estate (copies per account, per Region): tokenised once each
def _environment_of_name(name: str, vocabulary: Vocabulary) -> str | None:
    words = vocabulary.words
    found, negated = set(), False
    for token in tokens(name):
        if token in words and not negated:
            found.add(words[token])
        negated = token in _NEGATIONS  # "non-prod", "NonProd": says what it is not, which is no environment
    return found.pop() if len(found) == 1 else None


def environment_of_ou_path(path: str) -> str | None:
    """The environment an OU path names: its deepest OU that names one (``Workloads/Production`` → prod)."""
    for segment in reversed([s for s in path.split("/") if s]):
        env = environment_of_value(segment)
        if env:
            return env
    return None


def _tagged(tags: Mapping[str, str]) -> tuple[str, str, str] | None:
    """(environment, key, value) from the first environment tag that names one."""
    lowered = {k.lower(): (k, v) for k, v in tags.items()}
    for key in current().tag_keys:
        if key in lowered:
            original, value = lowered[key]
            env = environment_of_value(value)
            if env:
                return env, original, value
    return None


# -- resources ----------------------------------------------------------------------------------------------------
def tag_signal(resource: Resource) -> Signal | None:
    """(environment, basis) from the resource's own environment tag alone: what its owner declared."""
    found = _tagged(resource.tags)
    return (found[0], f"tag {found[1]}={found[2]}") if found else None


def own_signal(resource: Resource) -> Signal | None:
    """(environment, basis) from the resource itself, without looking at its parents or its account."""
    found = tag_signal(resource)
    if found:
        return found
    lowered = {k.lower(): (k, v) for k, v in resource.tags.items()}
    for key in current().stack_tag_keys:
        if key in lowered:
            original, value = lowered[key]
            env = environment_of_name(value.split("/")[0]) or environment_of_name(value)
            if env:
                return env, f"stack {value.split('/')[0]}"
    name = resource.name or ""
    if "/" in name:  # a CDK construct path: its first segment is the stack
        env = environment_of_name(name.split("/")[0])
        if env:
            return env, f"stack {name.split('/')[0]} (construct path {name})"
    env = environment_of_name(name)
    if env:
        return env, f"name {name}"
    env = environment_of_name(resource.id) if resource.id != name else None
    if env:
        return env, f"identifier {resource.id}"
    return None


# -- accounts -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AccountFacts:
    """What the organization says of one account: its name, tags and OU path (None when it was not read)."""

    id: str
    name: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)
    ou_path: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.id


def accounts_of(estate: Estate) -> dict[str, AccountFacts]:
    """Each account the estate knows of, with what its organization records (the management account's listing
    carries names, tags and OU paths; a member's own record only its id)."""
    names = estate.metadata.get("account_names") or {}
    facts = {a: AccountFacts(a, names.get(a, "")) for a in estate.accounts}
    for record in estate.of_type(ORG_ACCOUNT):
        known = facts.get(record.id) or AccountFacts(record.id, names.get(record.id, ""))
        path = record.config.get("_ou_path")
        facts[record.id] = AccountFacts(
            record.id, record.config.get("Name") or known.name, {**known.tags, **record.tags},
            path if isinstance(path, str) else known.ou_path)
    return facts


def account_signal(account: AccountFacts) -> Signal | None:
    """An account tag beats the OU path, which beats the account's name."""
    found = _tagged(account.tags)
    if found:
        return found[0], f"account {account.label} (tag {found[1]}={found[2]})"
    if account.ou_path:
        env = environment_of_ou_path(account.ou_path)
        if env:
            return env, f"account {account.label} (OU {account.ou_path})"
    env = environment_of_name(account.name) if account.name else None
    if env:
        return env, f"account {account.label}"
    return None


def _account_regions(estate: Estate) -> set[str]:
    """Where an account-level finding may be placed: account-wide, or in any region read."""
    return {GLOBAL, *estate.regions, *(c.region for c in estate.coverage), *(r.region for r in estate.resources)}


# -- the estate ---------------------------------------------------------------------------------------------------
def classify_estate(estate: Estate) -> None:
    """Place every resource (and every account, for account-level findings) in an environment, with why: an index
    the estate holds (``estate.environment_of``); the resources themselves are not changed."""
    memo: dict[int, Signal | None] = {}

    def local(resource: Resource, depth: int = 0) -> Signal | None:
        """Its own signal, else its parents' (never its account's: that comes last, once)."""
        key = id(resource)
        if key not in memo:
            memo[key] = None  # a cycle of links resolves to nothing rather than recursing
            found = own_signal(resource)
            if found is None and depth < 3:
                found = _inherited(resource, depth)
            memo[key] = found
        return memo[key]

    def _inherited(resource: Resource, depth: int) -> Signal | None:
        for link in PARENT_LINKS:
            for parent_id in resource.link(link):
                parent = estate.get(parent_id, account=resource.account)
                if parent is None or parent is resource:
                    continue
                found = local(parent, depth + 1)
                if found:
                    return found[0], f"inherited from {parent.label}"
        return None

    facts = accounts_of(estate)
    accounts = {a: account_signal(f) for a, f in facts.items()}
    placements: dict[tuple[str, str, str, str], Signal] = {}
    regions = _account_regions(estate)  # once: it reads every resource
    for account, signal in accounts.items():
        placed = signal or (UNKNOWN, f"account {facts[account].label}: no environment tag, OU or name token")
        for region in regions:
            placements[(account, region, ACCOUNT, account)] = placed
    for resource in estate.resources:
        if resource.type in (ACCOUNT, ORG_ACCOUNT) and accounts.get(resource.id):
            found = accounts[resource.id]  # the record of an account is placed where the account is
        else:
            found = local(resource) or accounts.get(resource.account)
        placements[resource.key] = found or (UNKNOWN, "no environment tag, stack or name token")
    estate.place(placements)
