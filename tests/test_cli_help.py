"""What a new user meets first: --help that names values plainly, and a demo that says which extra it needs."""

from __future__ import annotations

import re
import sys

import pytest
import typer
from typer.testing import CliRunner

from wafr.cli import app

PLACEHOLDER = re.compile(r"<(bool|str|int|float|path)[^>]*>")


def command_paths(command=None, path=()) -> list[tuple[str, ...]]:
    """Every command and group of the CLI, as the words that reach it."""
    command = command or typer.main.get_command(app)
    paths = [path]
    for name, sub in getattr(command, "commands", {}).items():
        paths += command_paths(sub, (*path, name))
    return paths


def test_the_cli_has_the_commands_this_test_walks():
    paths = command_paths()
    assert ("scan",) in paths and ("questions", "init") in paths and len(paths) > 8


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "wafr")
def test_help_shows_no_type_placeholders(path):
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert not PLACEHOLDER.search(result.output), PLACEHOLDER.search(result.output).group()
    assert "<bool>" not in result.output and "<str>" not in result.output
    for line in result.output.splitlines():
        if "--help" in line:  # a flag takes no value, so nothing stands between it and its help
            assert re.search(r"--help\s+Show this message", line), line


def test_value_options_are_named_in_command_line_words():
    output = CliRunner().invoke(app, ["scan", "--help"], env={"COLUMNS": "200"}).output
    assert re.search(r"--profile\s+-p\s+TEXT", output)
    assert re.search(r"--period\s+INTEGER", output)
    assert re.search(r"--output-dir\s+-o\s+PATH", output)
    assert re.search(r"--no-metrics\s+Skip CloudWatch", output)


def test_demo_without_moto_names_the_extra_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "moto", None)  # what Python does for a module that is not installed
    result = CliRunner().invoke(app, ["demo", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert "pip install 'wafr[demo]'" in result.output
    assert not (tmp_path / "out").exists()
