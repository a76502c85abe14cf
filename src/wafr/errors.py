"""Errors a user can act on: the CLI prints their message and exits non-zero, without a traceback."""

from __future__ import annotations

from pathlib import Path


class WafrError(Exception):
    """A problem with the user's input or environment, stated so they can fix it."""


def read_user_text(path: Path, *, missing: str = "", error: type[WafrError] = WafrError) -> str:
    """The text of a file the user named; a missing or unreadable one is ``error`` with a message naming it.
    ``missing`` is the hint added when the file does not exist (e.g. how to create it)."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path} does not exist{'; ' + missing if missing else '.'}") from None
    except (OSError, UnicodeDecodeError) as problem:
        raise error(f"Cannot read {path}: {getattr(problem, 'strerror', None) or problem}") from None
