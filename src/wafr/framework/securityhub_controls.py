"""Security Hub controls mapped to the best practices they evidence (data/securityhub_controls.yaml): read by the
collector (which controls' findings to ask for) and by the checks (which practice a failed control speaks to)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def practices() -> dict[str, dict[str, Any]]:
    """Best practice -> {focus_area, controls: {control id: title}}."""
    text = resources.files("wafr").joinpath("data/securityhub_controls.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["practices"]


def controls() -> list[str]:
    """Every mapped control id, in the file's order."""
    return [control for entry in practices().values() for control in entry["controls"]]
