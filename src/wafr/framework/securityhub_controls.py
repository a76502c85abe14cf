"""Security Hub controls mapped to the best practices they evidence (data/securityhub_controls.yaml): read by the
collector (which controls' findings to ask for) and by the checks (which practice a failed control speaks to)."""

from __future__ import annotations

from functools import cache
from typing import Any

from wafr.data import load as load_data



@cache
def practices() -> dict[str, dict[str, Any]]:
    """Best practice -> {focus_area, controls: {control id: title}}."""
    return load_data("securityhub_controls.yaml")["practices"]


def controls() -> list[str]:
    """Every mapped control id, in the file's order."""
    return [control for entry in practices().values() for control in entry["controls"]]
