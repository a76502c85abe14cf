"""Errors a user can act on: the CLI prints their message and exits non-zero, without a traceback."""


class WafrError(Exception):
    """A problem with the user's input or environment, stated so they can fix it."""
