"""CLI usage errors: one line on stderr, exit code 2, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def run_cli(*args: str, data_dir) -> subprocess.CompletedProcess:
    env = {**os.environ, "SWITCHBOARD_DATA_DIR": str(data_dir), "SWITCHBOARD_SLM": "llamacpp:gemma3-270m",
           "SWITCHBOARD_LLM": "none", "XDG_CONFIG_HOME": str(data_dir / "xdg")}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("message", ["", "   "])
def test_empty_message_is_a_one_line_usage_error(tmp_path, message):
    result = run_cli("ask", message, data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "empty" in result.stderr


def test_missing_knowledge_base_says_to_ingest(tmp_path):
    result = run_cli("ask", "How do I reset my password?", data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "switchboard ingest" in result.stderr


def test_unknown_command_and_missing_argument_exit_2(tmp_path):
    assert run_cli("bogus", data_dir=tmp_path).returncode == 2
    missing = run_cli("ask", data_dir=tmp_path)
    assert missing.returncode == 2 and "Missing argument" in missing.stderr


def test_bad_setting_is_named(tmp_path):
    env_result = subprocess.run(
        [sys.executable, "-m", "app.cli", "ask", "hi"],
        env={**os.environ, "SWITCHBOARD_DATA_DIR": str(tmp_path), "SWITCHBOARD_RETRIEVAL_K": "lots"},
        capture_output=True, text=True, timeout=120,
    )
    assert env_result.returncode == 2 and "SWITCHBOARD_RETRIEVAL_K" in env_result.stderr


def test_huge_message_is_rejected_with_the_limit(tmp_path):
    result = run_cli("ask", "x" * 5000, data_dir=tmp_path)
    assert result.returncode == 2 and "4000" in result.stderr


def test_invalid_utf8_in_the_arguments_is_a_one_line_usage_error(tmp_path):
    # issue 11 item 4: the tokenizer raised "TextInputSequence must be str" with a traceback
    env = {**os.environ, "SWITCHBOARD_DATA_DIR": str(tmp_path), "SWITCHBOARD_SLM": "llamacpp:gemma3-270m",
           "SWITCHBOARD_LLM": "none"}
    env.pop("SWITCHBOARD_CONFIG", None)
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    result = subprocess.run([sys.executable.encode(), b"-m", b"app.cli", b"ask", b"where is my \xff\xfe order"],
                            env=env, capture_output=True, timeout=120)
    stderr = result.stderr.decode(errors="replace").strip()
    assert result.returncode == 2 and stderr.count("\n") == 0 and "not valid text" in stderr


def test_chat_refuses_a_line_of_invalid_utf8_and_carries_on(tmp_path):
    env = {**os.environ, "SWITCHBOARD_DATA_DIR": str(tmp_path), "SWITCHBOARD_SLM": "llamacpp:gemma3-270m",
           "SWITCHBOARD_LLM": "none", "PYTHONIOENCODING": "utf-8"}
    env.pop("SWITCHBOARD_CONFIG", None)
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    result = subprocess.run([sys.executable, "-m", "app.cli", "chat"], input=b"bad \xff line\n\n", env=env,
                            capture_output=True, timeout=120)
    stderr = result.stderr.decode(errors="replace")
    assert result.returncode == 0, stderr
    assert "not valid" in stderr and "Traceback" not in stderr
