"""wafr.toml: its options become the commands' defaults, flags override it, and a mistake names file and line."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from scanned import scanned
from typer.testing import CliRunner

from wafr.cli import app
from wafr.config import default_map, line_of, read_config
from wafr.errors import WafrError

runner = CliRunner()

FULL = """\
# The weekly production review
profile = "prod"
regions = ["eu-west-1", "us-east-1"]
services = ["vpc", "rds"]
history = "history.sqlite"
acceptances = "acceptances.yaml"
fail_on = "high"
new_only = true
strict = true

[organization]
org = true
accounts = ["111111111111", "222222222222"]
role_name = "WafrReadOnly"
external_id = "wafr-2026"

[output]
dir = "review"
formats = ["html", "json"]

[metrics]
enabled = false
lookback_days = 7
period_seconds = 300
"""


def write(directory: Path, text: str, name: str = "wafr.toml") -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text))
    return path


def test_every_option_maps_to_the_commands_parameters(tmp_path):
    path = write(tmp_path, FULL)
    defaults = default_map(read_config(path), path.parent)
    assert defaults == {
        "profile": "prod", "regions": "eu-west-1,us-east-1", "services": "vpc,rds",
        "history": str(tmp_path / "history.sqlite"), "acceptances": str(tmp_path / "acceptances.yaml"),
        "fail_on": "high", "new_only": True, "strict": True,
        "org": True, "accounts": "111111111111,222222222222", "role_name": "WafrReadOnly",
        "external_id": "wafr-2026", "output_dir": str(tmp_path / "review"), "output_format": "html,json",
        "lookback": 7, "period": 300, "no_metrics": True,
    }


def test_a_database_url_stays_as_written(tmp_path):
    path = write(tmp_path, 'history = "postgresql://wafr@db.example.com/wafr"\n')
    assert default_map(read_config(path), path.parent) == {"history": "postgresql://wafr@db.example.com/wafr"}


@pytest.mark.parametrize("text, line, fragment", [
    ('profile = "prod"\nregion = "eu-west-1"\n', 2, "unknown key 'region'"),
    ('profile = "prod"\n\n[organization]\norg = true\nrole = "x"\n', 5, "unknown key 'organization.role'"),
    ('[outputs]\ndir = "x"\n', 1, "unknown key 'outputs'"),
    ('profile = "prod"\nregions = "eu-west-1"\n', 2, "regions: Input should be a valid list"),
    ('[metrics]\nlookback_days = "two weeks"\n', 2, "metrics.lookback_days"),
    ('strict = "yes"\n', 1, "strict: Input should be a valid boolean"),
    ('fail_on = "critical"\n', 1, "fail_on"),
    ('[organization]\naccounts = ["111111111111", 2]\n', 2, "organization.accounts[1]"),
    ('profile = "prod"\nregions = ["a" "b"]\nstrict = true\n', 2, "not valid TOML"),
])
def test_a_mistake_names_the_file_and_line(tmp_path, text, line, fragment):
    path = write(tmp_path, text)
    with pytest.raises(WafrError) as error:
        read_config(path)
    message = str(error.value)
    assert message.startswith(str(path)) and f"line {line}" in message and fragment in message


def test_line_of_finds_dotted_keys_and_tables():
    text = 'a = 1\n[output]\n# dir\ndir = "x"\n[metrics]\nenabled = true\n'
    assert line_of(text, ("output", "dir")) == 4
    assert line_of(text, ("metrics",)) == 5
    assert line_of('output.dir = "x"\n', ("output", "dir")) == 1


# -- through the command line ------------------------------------------------------------------------------
def test_the_file_in_the_working_directory_sets_defaults_and_flags_override_it(tmp_path, monkeypatch):
    project = tmp_path / "project"
    project.mkdir()
    write(project, '[output]\ndir = "from-config"\n')
    monkeypatch.chdir(project)
    snapshot = str(scanned().snapshot)
    from_file = runner.invoke(app, ["review", snapshot, "--no-history"])
    assert from_file.exit_code == 0, from_file.output
    assert json.loads((project / "from-config" / "findings.json").read_text())["schema"] == "wafr.findings/1"
    flagged = runner.invoke(app, ["review", snapshot, "--no-history", "-o", str(tmp_path / "from-flag")])
    assert flagged.exit_code == 0, flagged.output
    assert (tmp_path / "from-flag" / "findings.json").exists()


def test_config_sets_the_gate_and_a_flag_overrides_it(tmp_path):
    config = write(tmp_path, 'fail_on = "low"\n')
    snapshot = str(scanned().snapshot)
    out = ["-o", str(tmp_path / "out"), "--no-history", "--config", str(config)]
    assert runner.invoke(app, ["review", snapshot, *out]).exit_code == 4
    # The lowest threshold the scanned account has nothing at: above every failed finding's risk there is none,
    # so accept the HIGH ones and gate on high.
    acceptances = tmp_path / "acceptances.yaml"
    for f in scanned().failed():
        if f["risk"] == "HIGH":
            assert runner.invoke(app, ["accept", f["id"], "--until", "2099-01-01", "--reason", "r", "--owner", "o",
                                       "--file", str(acceptances), "--findings",
                                       str(scanned().findings_path)]).exit_code == 0
    overridden = runner.invoke(app, ["review", snapshot, *out, "--fail-on", "high", "--acceptances", str(acceptances)])
    assert overridden.exit_code == 0, overridden.output


def test_scan_takes_the_profile_from_the_file(tmp_path, monkeypatch):
    aws_config = tmp_path / "aws-config"
    aws_config.write_text("[profile real]\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws_config))
    config = write(tmp_path, 'profile = "from-wafr-toml"\n')
    result = runner.invoke(app, ["scan", "--config", str(config), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "'from-wafr-toml' was not found" in result.output
    flagged = runner.invoke(app, ["scan", "--config", str(config), "--profile", "from-flag", "-o", str(tmp_path)])
    assert flagged.exit_code == 2 and "'from-flag' was not found" in flagged.output


def test_a_bad_config_file_is_a_clear_error_naming_file_and_line(tmp_path):
    config = write(tmp_path, 'profile = "prod"\n[organization]\nrole_nmae = "x"\n', name="team.toml")
    result = runner.invoke(app, ["review", str(scanned().snapshot), "--config", str(config)])
    assert result.exit_code == 2
    assert "team.toml, line 3" in result.output and "role_nmae" in result.output
    assert "Traceback" not in result.output


def test_a_missing_config_file_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["review", str(scanned().snapshot), "--config", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2 and "nope.toml does not exist" in result.output


def test_the_readme_example_is_a_valid_config(tmp_path):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    example = readme.split("**wafr.toml.**", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    config = read_config(write(tmp_path, example))
    assert config.organization.role_name == "WafrReadOnly" and config.fail_on == "high"
