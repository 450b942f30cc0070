"""Config and policy files that cannot be read: a named config that is missing or a folder, YAML that does
not parse. Each is one line naming the file (and line and column), on the API and on the CLI."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.config import load_settings
from app.errors import ConfigError
from app.yaml_files import read_yaml_mapping

BROKEN = "llm: none\nrouting: [unclosed\n"


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch, tmp_path):
    """The default location is an empty folder of the test: nothing of the developer's own config leaks in."""
    monkeypatch.delenv("SWITCHBOARD_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def test_absent_default_config_is_fine(tmp_path):
    assert load_settings(data_dir=tmp_path).llm == "auto"


def test_named_config_that_is_missing_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(tmp_path / "cofnig.yaml"))  # the typo that lost thresholds
    with pytest.raises(ConfigError, match=r"cofnig\.yaml.*missing") as caught:
        load_settings(data_dir=tmp_path)
    assert "\n" not in str(caught.value)


def test_named_config_that_is_a_folder_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(tmp_path))
    with pytest.raises(ConfigError, match="folder"):
        load_settings(data_dir=tmp_path)


def test_an_empty_named_config_is_fine(monkeypatch, tmp_path):
    (tmp_path / "config.yaml").write_text("")
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(tmp_path / "config.yaml"))
    assert load_settings(data_dir=tmp_path).llm == "auto"


def test_broken_config_yaml_is_one_line_with_file_line_and_column(monkeypatch, tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(BROKEN)
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(path))
    with pytest.raises(ConfigError) as caught:
        load_settings(data_dir=tmp_path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message and "line 3, column 1" in message


def test_broken_policy_yaml_is_one_line_with_file_line_and_column(tmp_path):
    path = tmp_path / "intents.yaml"
    path.write_text("intents:\n  - name: x\n    examples: [a, b\n  - name: y\n")
    with pytest.raises(ConfigError) as caught:
        read_yaml_mapping(path, "intent catalog")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}, line 4, column 9: not valid YAML")


def _cli(*args: str, tmp_path, **env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "SWITCHBOARD_DATA_DIR": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
               "SWITCHBOARD_SLM": "llamacpp:gemma3-270m", "SWITCHBOARD_LLM": "none", **env}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], env=environ, capture_output=True, text=True,
                          timeout=120)


def test_cli_prints_a_broken_config_as_one_line(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(BROKEN)
    result = _cli("ask", "How do I reset my password?", tmp_path=tmp_path, SWITCHBOARD_CONFIG=str(path))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith("error: ") and "line 3, column 1" in result.stderr


def test_cli_names_a_missing_config(tmp_path):
    result = _cli("ask", "How do I reset my password?", tmp_path=tmp_path,
                  SWITCHBOARD_CONFIG=str(tmp_path / "missing.yaml"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "missing.yaml" in result.stderr
