"""How `--help` names what an option takes: TEXT, PATH, INTEGER for a value, nothing for a flag.

Typer's help shows an option's Python type as a placeholder (``<str>``, ``<path>``), and shows ``<bool>`` even
beside a flag, which takes no value at all. Every command of the tree gets a metavar in the usual command-line
words instead, so an option added later needs nothing of its own.
"""

from __future__ import annotations

import functools
from typing import Any

from typer.core import TyperGroup

# Typer's type labels, in the words command-line help uses for them.
VALUE_NAMES = {"str": "TEXT", "int": "INTEGER", "float": "FLOAT", "bool": "BOOLEAN"}


def value_name(param: Any, ctx: Any) -> str:
    """TEXT, PATH, INTEGER...: what a value of ``param`` is, in command-line words."""
    label = param.display_type(ctx).strip("<>")
    if label.startswith("list[") and label.endswith("]"):  # a repeatable option takes one value each time
        label = label[len("list["):-1]
    label = label.removesuffix(" range")  # the range itself is shown beside it
    return VALUE_NAMES.get(label, label.upper())


def _name_values(command: Any) -> None:
    from typer import _click

    ctx = _click.Context(command)
    params = list(command.params)
    help_option = command.get_help_option(ctx)  # made once and kept by the command, so naming it here sticks
    if help_option is not None:
        params.append(help_option)
    for param in params:
        if param.param_type_name == "argument":
            # An argument's type column ignores its metavar; the instance gets the plain word instead.
            param.display_type_rich = functools.partial(value_name, param)
        elif param.metavar is None:
            param.metavar = "" if param.is_flag or param.count else value_name(param, ctx)  # a flag takes no value
    for sub in getattr(command, "commands", {}).values():
        _name_values(sub)


class HelpGroup(TyperGroup):
    """A Typer group whose commands' help names option values plainly (use as ``typer.Typer(cls=HelpGroup)``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _name_values(self)
