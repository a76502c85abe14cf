"""The terminal every command shares: its consoles, and how a user's mistake becomes a message, not a traceback."""

from __future__ import annotations

import functools
from typing import Callable

import typer
from rich.console import Console

from wafr.errors import WafrError

console = Console()
err = Console(stderr=True, soft_wrap=True)

USER_ERROR_EXIT = 2
INTERRUPTED_EXIT = 130


def user_errors(fn: Callable) -> Callable:
    """Turn problems the user can fix into a clear message and exit code 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except WafrError as error:
            err.print(f"[bold red]error:[/] {error}", markup=True, highlight=False)
            raise typer.Exit(USER_ERROR_EXIT) from None
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(INTERRUPTED_EXIT) from None

    return wrapper
