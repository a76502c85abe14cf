"""Markdown for account strings: escaped text, code spans and tables, shared by every Markdown writer."""

from __future__ import annotations

import re

from wafr.control_chars import visible
from wafr.vocabulary import RISK_LABELS

_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")
_SPACE = re.compile(r"\s+")


# -- escaping --------------------------------------------------------------------------------------------
def text(value: object) -> str:
    """Plain text that Markdown shows as written: no emphasis, links, HTML or table breaks."""
    # A line break in an account string must not end a list item or table row; a control character shows as such.
    s = visible(_SPACE.sub(" ", str(value)))
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", s)


def code(value: object, cell: bool = False) -> str:
    """An inline code span that holds any string, backticks included; in a table cell pipes are escaped too."""
    s = visible(_SPACE.sub(" ", str(value)))
    longest = max((len(run) for run in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    if s.startswith("`") or s.endswith("`") or (s.startswith(" ") and s.endswith(" ")):
        s = f" {s} "
    if cell:
        s = s.replace("|", "\\|")  # GFM splits cells on pipes even inside code spans unless escaped
    return f"{fence}{s}{fence}" if s else "` `"


def risk(value: str) -> str:
    return f"**{RISK_LABELS.get(value, value.title())}**"


def gh_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading of ours."""
    return "#" + re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A GFM table from cells that are already escaped."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]
