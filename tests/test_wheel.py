"""wafr installs as people install CLI tools: the wheel `python -m build` makes carries every data file and
template, and installed into a fresh environment gives a working `wafr` (checks, demo, the one-line hint when the
demo extra is missing).

To stay fast and offline the wheel is built without build isolation, installed with --no-deps, and the fresh
environment reaches the dependencies through a .pth file naming this environment's site-packages (a path a .pth
adds is not itself a site directory, so this environment's editable install of wafr stays out of it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "wafr"

pytestmark = pytest.mark.wheel


def _data_files() -> set[str]:
    """Every file of the package that is not Python source: the wheel must carry each of them."""
    return {str(p.relative_to(PACKAGE.parent)) for p in PACKAGE.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts}


def _run(*args: str | Path, env: dict[str, str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the project so the build leaves nothing in the working tree."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    built = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(work / "dist"),
                            str(source)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (path,) = (work / "dist").glob("wafr-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A fresh venv with the wheel installed (console script included); returns its bin dir and a clean env."""
    home = tmp_path_factory.mktemp("fresh")
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    pip = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                          "--no-index", "--quiet", str(wheel)], capture_output=True, text=True, timeout=300)
    assert pip.returncode == 0, pip.stderr[-3000:]
    fresh_site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                     capture_output=True, text=True, check=True).stdout.strip())
    (fresh_site / "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
           "LANG": "C.UTF-8", "COLUMNS": "200", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    return venv / "bin", env


def test_the_wheel_carries_every_data_file_and_template(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = _data_files()
    assert {"wafr/framework/wa-framework.yaml", "wafr/report/templates/report.html.j2"} <= expected
    assert expected - names == set()
    modules = {str(p.relative_to(PACKAGE.parent)) for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    assert modules - names == set()  # namespace folders too (the history's migrations)


def test_the_installed_wafr_runs_from_the_fresh_environment(installed, tmp_path):
    bin_dir, env = installed
    where = _run(bin_dir / "python", "-c", "import wafr; print(wafr.__file__)", env=env, cwd=tmp_path)
    assert where.returncode == 0 and where.stdout.startswith(str(bin_dir.parent)), where.stdout + where.stderr
    version = _run(bin_dir / "wafr", "--version", env=env, cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("wafr "), version.stderr
    checks = _run(bin_dir / "wafr", "checks", "--format", "json", env=env, cwd=tmp_path)
    assert checks.returncode == 0, checks.stderr
    assert '"rds-instance-single-az"' in checks.stdout


def test_the_demo_runs_from_the_installed_wheel(installed, tmp_path):
    bin_dir, env = installed
    demo = _run(bin_dir / "wafr", "demo", "-o", "review", env=env, cwd=tmp_path, timeout=300)
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    for name in ("findings.json", "review.json", "report.html", "report.md"):
        assert (tmp_path / "review" / name).stat().st_size > 0
    assert "Recorded milestone" in demo.stdout  # the history's migrations came with the wheel


def test_without_the_demo_extra_the_demo_says_what_to_install(installed, tmp_path):
    bin_dir, env = installed
    # moto is absent: a module of that name that fails to import shadows the shared dependencies' copy.
    blocker = tmp_path / "no-moto"
    blocker.mkdir()
    (blocker / "moto.py").write_text("raise ImportError(\"No module named 'moto'\")\n")
    demo = _run(bin_dir / "wafr", "demo", "-o", "review", env={**env, "PYTHONPATH": str(blocker)}, cwd=tmp_path)
    assert demo.returncode == 2
    message = demo.stderr.strip()
    assert len(message.splitlines()) == 1 and "pip install 'wafr[demo]'" in message
    assert "Traceback" not in demo.stderr
