"""The pipeline's import contracts (pyproject.toml [tool.importlinter]): layers, no cycles, AWS only in sources."""

from __future__ import annotations

import os
import pkgutil
import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

import wafr

ROOT = Path(__file__).resolve().parents[1]


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]


def test_the_import_contracts_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)  # lint-imports reads pyproject.toml from where it runs
    try:
        code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    finally:
        os.chdir(cwd)
    assert code == 0, capsys.readouterr().out


def test_every_module_of_wafr_has_a_layer() -> None:
    """A new top-level module or package must be placed in the pipeline, or the layers say nothing of it."""
    layered = {name.strip() for contract in _config()["contracts"] if contract["type"] == "layers"
               for layer in contract["layers"] for name in layer.replace(":", "|").split("|")}
    top = {f"wafr.{m.name}" for m in pkgutil.iter_modules(wafr.__path__)}
    assert top - layered == set()


def test_the_contracts_name_the_cycles_and_layers_they_guard() -> None:
    kinds = {c["type"] for c in _config()["contracts"]}
    assert {"layers", "acyclic_siblings", "forbidden"} <= kinds
