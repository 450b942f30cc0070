"""Docs that run: every notebook and the README's Python snippet execute against the real system."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


@pytest.fixture
def real_env(ingested_settings, monkeypatch):
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(ingested_settings.data_dir))
    monkeypatch.setenv("SWITCHBOARD_SLM", "llamacpp:gemma3-270m")
    monkeypatch.setenv("SWITCHBOARD_LLM", "none")
    monkeypatch.delenv("SWITCHBOARD_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(ingested_settings.data_dir / "xdg"))
    return ingested_settings


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_runs(path, real_env):
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors


def test_readme_python_api_snippet_runs(real_env):
    readme = (ROOT / "README.md").read_text()
    snippet = next(block for block in re.findall(r"```python\n(.*?)```", readme, re.S) if "Switchboard()" in block)
    namespace: dict = {}
    exec(compile(snippet, "README.md", "exec"), namespace)  # noqa: S102 - the README is ours
    reply = namespace["reply"]
    assert reply.route in ("slm", "llm", "human", "blocked") and reply.thread_id
    assert namespace["follow_up"].thread_id == reply.thread_id
