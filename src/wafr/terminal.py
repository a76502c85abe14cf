"""The terminal every command shares: its consoles, and how a user's mistake becomes a message, not a traceback."""

from __future__ import annotations

import functools
from typing import Callable

import typer
from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Text

from wafr.control_chars import CONTROL, visible
from wafr.errors import WafrError


def safe(text: object, style: str = "") -> Text:
    """An account string (or a message quoting one) as plain Text: no markup, every control character visible."""
    return Text(visible(str(text)), style=style)


class SafeConsole(Console):
    """A console that never writes a control character it was handed as text.

    Every printer passes account strings through ``safe``/``visible`` before layout; this is the net under them:
    a segment's text that still holds one is made visible at the last step (Rich's own escape sequences are
    styles and control segments, never segment text, so they are untouched).
    """

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None):
        for segment in super().render(renderable, options):
            if segment.control is None and CONTROL.search(segment.text):
                segment = Segment(visible(segment.text), segment.style)
            yield segment


console = SafeConsole()
err = SafeConsole(stderr=True, soft_wrap=True)

# wafr's exit codes, documented in the README ("Exit codes"); 0 is a clean run.
USER_ERROR_EXIT = 2  # bad input or usage (Typer's own usage errors exit 2 too)
STRICT_EXIT = 3  # --strict: some account x region x service could not be read
GATE_EXIT = 4  # --fail-on: an unaccepted finding at or above the threshold
INTERRUPTED_EXIT = 130  # Ctrl-C, as shells report SIGINT


def user_errors(fn: Callable) -> Callable:
    """Turn problems the user can fix into a clear message and exit code 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except WafrError as error:
            err.print(Text("error: ", style="bold red") + safe(error), highlight=False)
            raise typer.Exit(USER_ERROR_EXIT) from None
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(INTERRUPTED_EXIT) from None

    return wrapper
