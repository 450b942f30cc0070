"""Damaged stores on real files: a garbage or mid-file damaged `checkpoints.sqlite` or `chroma.sqlite3` gives one
`StoreCorrupt` line naming the file and the way out, never a raw sqlite3/Chroma traceback; `ingest --rebuild`
moves a damaged knowledge base aside and builds a new one; `doctor` reports each store without crashing."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.checkpoints import describe_sqlite_error, open_checkpointer
from app.config import load_settings
from app.doctor import run_checks
from app.errors import StoreCorrupt
from app.knowledge.ingest import ingest_knowledge, open_store
from app.knowledge.store import forget_client

pytestmark = pytest.mark.integration
QUESTION = "How do I reset my password?"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, ingested_settings):
    """A data dir of our own: an ingested knowledge base (Chroma closed) and a copy of the trained classifier."""
    root = tmp_path_factory.mktemp("pristine")
    settings = load_settings(data_dir=root, slm="llamacpp:gemma3-270m", llm="none")
    ingest_knowledge(settings)
    forget_client(settings.chroma_path)  # close Chroma's files so that copies are consistent
    shutil.copytree(ingested_settings.intent_model_dir, settings.intent_model_dir)
    return root


@pytest.fixture
def settings(pristine, tmp_path, monkeypatch):
    """Settings on a private copy of the pristine data dir, with no user config file."""
    monkeypatch.delenv("SWITCHBOARD_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    data = tmp_path / "data"
    shutil.copytree(pristine, data)
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(data))
    monkeypatch.setenv("SWITCHBOARD_SLM", "llamacpp:gemma3-270m")
    monkeypatch.setenv("SWITCHBOARD_LLM", "none")
    yield load_settings()
    forget_client(data / "chroma")


def overwrite(path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size if path.exists() else 64 * 1024))


def damage_at(path, fraction: float) -> None:
    """Overwrite two pages of a SQLite file at `fraction` of its length."""
    data = bytearray(path.read_bytes())
    offset = int(len(data) * fraction) // 4096 * 4096
    data[offset:offset + 8192] = os.urandom(8192)
    path.write_bytes(bytes(data))


def one_line_naming(exc: BaseException, path, way_out: str) -> None:
    message = str(exc)
    assert "\n" not in message, message
    assert str(path) in message and way_out in message, message


# --- checkpoints.sqlite ------------------------------------------------------------------------------
def test_a_garbage_checkpoint_file_is_store_corrupt_at_open(settings):
    overwrite(settings.checkpoint_path)
    with pytest.raises(StoreCorrupt) as caught:
        open_checkpointer(settings)
    one_line_naming(caught.value, settings.checkpoint_path, "backup")


def write_checkpoints(settings, n: int = 60) -> None:
    from langgraph.checkpoint.base import empty_checkpoint

    saver = open_checkpointer(settings)
    for i in range(n):
        checkpoint = empty_checkpoint()
        checkpoint["channel_values"] = {"messages": ["x" * 2000]}
        saver.put({"configurable": {"thread_id": f"t{i}", "checkpoint_ns": ""}}, checkpoint, {}, {})
    saver.conn.close()


def test_mid_file_damage_in_checkpoints_is_store_corrupt_at_open_or_read(settings):
    write_checkpoints(settings)
    damage_at(settings.checkpoint_path, 0.5)
    with pytest.raises(StoreCorrupt) as caught:
        try:
            saver = open_checkpointer(settings)
            for thread in range(60):
                saver.get_tuple({"configurable": {"thread_id": f"t{thread}", "checkpoint_ns": ""}})
            list(saver.list(None))
        except sqlite3.DatabaseError as exc:  # where the turn runs, the caller turns it into StoreCorrupt
            raise describe_sqlite_error(settings.checkpoint_path, exc) from None
    one_line_naming(caught.value, settings.checkpoint_path, "aside")


def test_doctor_reports_a_damaged_checkpoint_file(settings):
    write_checkpoints(settings)
    damage_at(settings.checkpoint_path, 0.5)
    found = [c for c in run_checks() if c.component == "checkpoints"]
    assert found[0].status == "error" and str(settings.checkpoint_path) in found[0].detail


# --- chroma.sqlite3 ----------------------------------------------------------------------------------
def test_an_intact_knowledge_base_opens_and_doctor_says_ok(settings):
    assert open_store(settings).search(QUESTION, k=3)
    checks = {c.component: c for c in run_checks()}
    assert checks["knowledge base (Chroma)"].status == "ok", checks["knowledge base (Chroma)"]
    assert checks["intent classifier"].status == "ok", checks["intent classifier"]


def test_a_garbage_chroma_file_is_store_corrupt_with_rebuild(settings):
    chroma_file = settings.chroma_path / "chroma.sqlite3"
    overwrite(chroma_file)
    with pytest.raises(StoreCorrupt) as caught:
        open_store(settings)
    one_line_naming(caught.value, chroma_file, "switchboard ingest --rebuild")


@pytest.mark.parametrize("fraction", [0.05, 0.33, 0.5, 0.9])
def test_mid_file_damage_in_chroma_is_store_corrupt_never_a_chroma_error(settings, fraction):
    chroma_file = settings.chroma_path / "chroma.sqlite3"
    damage_at(chroma_file, fraction)
    with pytest.raises(StoreCorrupt) as caught:
        store = open_store(settings)
        store.documents()
        store.search(QUESTION, k=3)
    one_line_naming(caught.value, chroma_file, "--rebuild")


def test_damage_after_the_store_was_opened_is_store_corrupt(settings):
    store = open_store(settings)
    assert store.search(QUESTION, k=3)
    chroma_file = settings.chroma_path / "chroma.sqlite3"
    data = chroma_file.read_bytes()
    chroma_file.write_bytes(data[:4096] + os.urandom(len(data) - 4096))  # every page but the header
    with pytest.raises(StoreCorrupt) as caught:
        store._known_count = None
        store.count()
        store.documents()
        store.search(QUESTION, k=3)
    one_line_naming(caught.value, chroma_file, "--rebuild")


def test_doctor_reports_a_damaged_chroma_file_without_crashing(settings):
    damage_at(settings.chroma_path / "chroma.sqlite3", 0.05)  # the damage that makes Chroma panic when opened
    checks = {c.component: c for c in run_checks()}
    chroma = checks["knowledge base (Chroma)"]
    assert chroma.status == "error" and "switchboard ingest --rebuild" in chroma.fix


def test_ingest_without_rebuild_names_the_way_out(settings):
    overwrite(settings.chroma_path / "chroma.sqlite3")
    with pytest.raises(StoreCorrupt, match="ingest --rebuild"):
        ingest_knowledge(settings)


@pytest.mark.parametrize("damage", ["garbage", "mid-file"])
def test_ingest_rebuild_moves_the_damaged_store_aside_and_builds_anew(settings, damage):
    chroma_file = settings.chroma_path / "chroma.sqlite3"
    if damage == "garbage":
        overwrite(chroma_file)
    else:
        damage_at(chroma_file, 0.33)
    damaged = chroma_file.read_bytes()
    report = ingest_knowledge(settings, rebuild=True)
    moved = Path(report.moved_aside)
    assert moved.name.startswith("chroma.corrupt-") and (moved / "chroma.sqlite3").read_bytes() == damaged
    assert report.counts()["added"] > 0
    assert open_store(settings).search(QUESTION, k=3)[0].doc_id == "account-password"


# --- the CLI: one line on stderr ---------------------------------------------------------------------
def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], env=dict(os.environ), capture_output=True,
                          text=True, timeout=600)


@pytest.mark.parametrize("store", ["checkpoints.sqlite", "chroma/chroma.sqlite3"])
def test_ask_with_a_damaged_store_prints_one_line(settings, store):
    path = settings.data_dir / store
    overwrite(path)
    result = cli("ask", QUESTION)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith("error: ") and str(path) in result.stderr


def test_cli_ingest_rebuild_recovers_and_says_so(settings):
    overwrite(settings.chroma_path / "chroma.sqlite3")
    result = cli("ingest", "--rebuild")
    assert result.returncode == 0, result.stderr
    assert "moved it aside" in result.stderr and "chroma.corrupt-" in result.stderr
    assert open_store(settings).count() > 0
