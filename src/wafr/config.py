"""wafr.toml: the options a repeated scan would otherwise repeat on every command line.

The file becomes click's ``default_map`` for the command, so a flag given on the command line always wins over
the file, and the file over the built-in defaults. Relative paths in it are relative to the file.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, Optional

import click
import typer
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from wafr import environment
from wafr.errors import WafrError, read_user_text
from wafr.terminal import USER_ERROR_EXIT, err, safe

CONFIG_FILE = Path("wafr.toml")


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Organization(_Table):
    org: Optional[bool] = None
    accounts: Optional[list[str]] = None
    role_name: Optional[str] = None
    external_id: Optional[str] = None


class Output(_Table):
    dir: Optional[str] = None
    formats: Optional[list[str]] = None


class Metrics(_Table):
    enabled: Optional[bool] = None
    lookback_days: Optional[float] = Field(None, gt=0)
    period_seconds: Optional[int] = Field(None, gt=0)


Word = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class EnvironmentWords(_Table):
    """Words (a whole tag value, or one token of a name or OU path) that name each environment."""

    prod: list[Word] = []
    staging: list[Word] = []
    dev: list[Word] = []

    @model_validator(mode="after")
    def _one_meaning(self) -> "EnvironmentWords":
        seen: dict[str, str] = {}
        for env in ("prod", "staging", "dev"):
            for word in getattr(self, env):
                if seen.setdefault(word.lower(), env) != env:
                    raise ValueError(f"{word!r} is listed for both {seen[word.lower()]} and {env}")
        return self


class Environments(_Table):
    """Added to data/environments.yaml: more tag keys that hold the environment, more words that name one."""

    tag_keys: list[Word] = []
    words: EnvironmentWords = EnvironmentWords()

    def use(self) -> None:
        environment.configure(self.tag_keys, {env: getattr(self.words, env) for env in environment.KNOWN})


class Config(_Table):
    """Every key wafr.toml may hold; tables group the organization, output and metrics options."""

    profile: Optional[str] = None
    regions: Optional[list[str]] = None
    services: Optional[list[str]] = None
    history: Optional[str] = None  # a file path or an SQLAlchemy URL
    acceptances: Optional[str] = None
    fail_on: Optional[Literal["high", "medium", "low"]] = None
    new_only: Optional[bool] = None
    strict: Optional[bool] = None
    organization: Optional[Organization] = None
    output: Optional[Output] = None
    metrics: Optional[Metrics] = None
    environments: Optional[Environments] = None


# -- where a key is written: tomllib keeps no positions, so the text is searched for the key's line ----------
_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")


def _dotted(text: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in text.split("."))


def line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line where the longest prefix of ``loc`` (a table or key path) is written."""
    keys = tuple(str(k) for k in loc if not isinstance(k, int))
    best, best_len, table = None, 0, ()
    for number, line in enumerate(text.splitlines(), 1):
        if m := _TABLE.match(line):
            table, path = _dotted(m.group(1)), _dotted(m.group(1))
        elif m := _KEY.match(line):
            path = table + _dotted(m.group(1))
        else:
            continue
        common = next((i for i, (a, b) in enumerate(zip(path, keys)) if a != b), min(len(path), len(keys)))
        if common == len(path) and common > best_len:
            best, best_len = number, common
    return best


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    model: Any = Config
    for key in loc[:-1]:
        field = model.model_fields.get(key) if isinstance(key, str) else None
        inner = [a for a in getattr(field.annotation, "__args__", (field.annotation,))] if field else []
        model = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if model is None:
            return []
    return list(model.model_fields)


def _problem(path: Path, text: str, item: dict[str, Any]) -> str:
    loc = tuple(item["loc"])
    line = line_of(text, loc)
    where = f"{path}, line {line}" if line else str(path)
    name = ".".join(str(k) if not isinstance(k, int) else f"[{k}]" for k in loc).replace(".[", "[")
    if item["type"] == "extra_forbidden":
        return f"{where}: unknown key {name!r} (known here: {', '.join(_known_keys(loc))})"
    return f"{where}: {name}: {item['msg']}"


def read_config(path: Path) -> Config:
    """Parse and validate a wafr.toml; any problem is a WafrError naming the file and line."""
    text = read_user_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:  # its message ends "(at line N, column M)"
        raise WafrError(f"{path}: not valid TOML: {error}") from None
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        raise WafrError("; ".join(_problem(path, text, item) for item in error.errors()[:3])) from None


def _relative_to(base: Path, value: Optional[str]) -> Optional[str]:
    if value is None or "://" in value:  # an SQLAlchemy URL stays as written
        return value
    target = Path(value).expanduser()
    return str(target if target.is_absolute() else base / target)


def default_map(config: Config, base: Path) -> dict[str, Any]:
    """The file's values under the names of the commands' parameters (scan, collect, review, demo)."""
    org, out, metrics = config.organization or Organization(), config.output or Output(), config.metrics or Metrics()
    values: dict[str, Any] = {
        "profile": config.profile,
        "regions": ",".join(config.regions) if config.regions is not None else None,
        "services": ",".join(config.services) if config.services is not None else None,
        "history": _relative_to(base, config.history),
        "acceptances": _relative_to(base, config.acceptances),
        "fail_on": config.fail_on, "new_only": config.new_only, "strict": config.strict,
        "org": org.org, "accounts": ",".join(org.accounts) if org.accounts is not None else None,
        "role_name": org.role_name, "external_id": org.external_id,
        "output_dir": _relative_to(base, out.dir),
        "output_format": ",".join(out.formats) if out.formats is not None else None,
        "lookback": metrics.lookback_days, "period": metrics.period_seconds,
        "no_metrics": None if metrics.enabled is None else not metrics.enabled,
    }
    return {name: value for name, value in values.items() if value is not None}


def load_defaults(path: Path) -> dict[str, Any]:
    return default_map(read_config(path), path.parent)


def use_config(ctx: click.Context, param: click.Parameter, value: Optional[Path]) -> Optional[Path]:
    """The eager --config callback: load the file (or ./wafr.toml) into the command's default_map before the
    other options are read, so each flag given still overrides it."""
    if ctx.resilient_parsing:
        return value
    path = value if value is not None else (CONFIG_FILE if CONFIG_FILE.is_file() else None)
    environment.configure()  # a run without [environments] uses the built-in words alone
    if path is None:
        return value
    try:
        config = read_config(path)
    except WafrError as error:
        err.print(safe("error: ", "bold red") + safe(error), highlight=False)
        raise typer.Exit(USER_ERROR_EXIT) from None
    defaults = default_map(config, path.parent)
    if config.environments is not None:  # not a command-line option: it changes how environments are read
        config.environments.use()
    ctx.default_map = {**defaults, **(ctx.default_map or {})}
    return path
