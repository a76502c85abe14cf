"""The data files that hold what code should not embed (wording, pricing, calendars, instance families), loaded once."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load(name: str) -> Any:
    """The parsed YAML of ``data/<name>``; callers must not mutate what it returns (it is shared)."""
    return yaml.safe_load(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))
