"""CLI usage errors: one line on stderr, exit code 2, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def run_cli(*args: str, data_dir) -> subprocess.CompletedProcess:
    env = {**os.environ, "SWITCHBOARD_DATA_DIR": str(data_dir), "SWITCHBOARD_SLM": "llamacpp:gemma3-270m",
           "SWITCHBOARD_LLM": "none", "SWITCHBOARD_CONFIG": str(data_dir / "none.yaml")}
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
