"""Importing the API or the graph module reads no settings and loads nothing (issue 11 item 8 with issue 12)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_app_api_with_a_broken_config_file_succeeds_and_the_error_comes_on_use(tmp_path):
    broken = tmp_path / "config.yaml"
    broken.write_text("routing: [unclosed\n")
    env = {**os.environ, "SWITCHBOARD_CONFIG": str(broken), "SWITCHBOARD_DATA_DIR": str(tmp_path)}
    code = ("import app.api, graphs.support\n"
            "from app.errors import ConfigError\n"
            "try:\n    app.api.Switchboard()\nexcept ConfigError as exc:\n    print('ERROR', exc)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("ERROR") and str(broken) in done.stdout
