"""`switchboard doctor` checks each thing for real: specs are resolved, artifacts loaded, SQLite files checked.
It never says ok when `ask` would fail, and never crashes."""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest
from typer.testing import CliRunner

from app.config import SHIPPED_KNOWLEDGE_DIR
from app.doctor import run_checks
from app.intents.catalog import load_intent_catalog
from app.intents.classifier import MODEL_FILE, resolve_artifact
from app.intents.training import train_intent_classifier
from app.providers.resolve import OllamaStatus
from tests.unit.test_intents_classifier import CATALOG, hashing_encoder


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """Embedded defaults in a temp data dir, no LLM, no user config, and an Ollama that does not answer."""
    for name in ("SWITCHBOARD_CONFIG", "OLLAMA_HOST", "OPENAI_API_KEY", "OPENAI_BASE_URL", "DATABASE_URL",
                 "SWITCHBOARD_EMBEDDINGS", "SWITCHBOARD_KNOWLEDGE_DIR", "SWITCHBOARD_CHROMA_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SWITCHBOARD_SLM", "llamacpp:gemma3-270m")
    monkeypatch.setenv("SWITCHBOARD_LLM", "none")
    monkeypatch.setattr("app.providers.resolve.probe_ollama",
                        lambda host, timeout_s=1.5: OllamaStatus(host, False, error="ConnectError"))
    (tmp_path / "data").mkdir()
    return tmp_path / "data"


@pytest.fixture
def small_catalog(data_dir, tmp_path, monkeypatch):
    """A copy of the shipped knowledge with a tiny intent catalog, and a classifier trained on it."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE_DIR, knowledge)
    (knowledge / "intents.yaml").write_text(CATALOG, encoding="utf-8")
    monkeypatch.setenv("SWITCHBOARD_KNOWLEDGE_DIR", str(knowledge))
    train_intent_classifier(load_intent_catalog(knowledge / "intents.yaml"), data_dir / "intent-classifier",
                            encode=hashing_encoder)
    return knowledge / "intents.yaml"


def checks_about(text: str):
    """The checks whose component or detail mentions `text`."""
    return [c for c in run_checks() if text in c.component or text in c.detail]


def only(text: str):
    found = checks_about(text)
    assert len(found) == 1, found
    return found[0]


# --- model specs -------------------------------------------------------------------------------------
@pytest.mark.parametrize("setting", ["SWITCHBOARD_SLM", "SWITCHBOARD_LLM"])
def test_an_unknown_provider_is_an_error_listing_the_valid_ones(data_dir, monkeypatch, setting):
    monkeypatch.setenv(setting, "bogus:x")
    check = only("bogus:x")
    assert check.status == "error"
    assert all(f"{p}:<model>" in check.detail + check.fix for p in ("ollama", "openai", "llamacpp"))


@pytest.mark.parametrize("setting", ["SWITCHBOARD_SLM", "SWITCHBOARD_LLM"])
def test_a_missing_gguf_file_is_an_error(data_dir, tmp_path, monkeypatch, setting):
    monkeypatch.setenv(setting, f"llamacpp:{tmp_path}/no-such-model.gguf")
    check = only("no-such-model.gguf")
    assert check.status == "error" and ".gguf" in check.fix


@pytest.mark.parametrize("spec", ["bogus:x", "local:some-other-model"])
def test_a_bad_embeddings_spec_says_the_spec_is_wrong_not_ingest(data_dir, monkeypatch, spec):
    monkeypatch.setenv("SWITCHBOARD_EMBEDDINGS", spec)
    checks = run_checks()
    embeddings = [c for c in checks if c.component == "embeddings"]
    assert embeddings and embeddings[0].status == "error"
    assert all(valid in embeddings[0].fix for valid in ("local:all-MiniLM-L6-v2", "ollama:<model>", "chroma:default"))
    assert "SWITCHBOARD_EMBEDDINGS" in embeddings[0].detail
    assert not any("ingest" in c.fix for c in checks if "Chroma" in c.component)


# --- intent classifier -------------------------------------------------------------------------------
def test_a_current_classifier_is_ok(small_catalog):
    assert only("intent classifier").status == "ok"


def test_no_classifier_is_missing_with_ingest(data_dir):
    check = only("intent classifier")
    assert check.status == "missing" and "switchboard ingest" in check.fix


def test_a_truncated_classifier_is_an_error_with_intents_train(small_catalog, data_dir):
    model = resolve_artifact(data_dir / "intent-classifier") / MODEL_FILE
    model.write_bytes(model.read_bytes()[:100])
    check = only("intent classifier")
    assert check.status == "error" and "switchboard intents train" in check.fix


def test_a_classifier_older_than_the_catalog_is_missing_with_ingest(small_catalog):
    small_catalog.write_text(CATALOG.replace("track package]", "track package, where did my box go]"), encoding="utf-8")
    check = only("intent classifier")
    assert check.status == "missing" and "switchboard ingest" in check.fix


# --- stores ------------------------------------------------------------------------------------------
def damage_mid_file(path) -> None:
    """A real SQLite file of several pages, then a page in the middle overwritten."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
        conn.executemany("INSERT INTO t (body) VALUES (?)", [("x" * 500,) for _ in range(400)])
    conn.close()
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle:middle + 4096] = os.urandom(4096)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("name", ["checkpoints.sqlite", "audit.sqlite"])
@pytest.mark.parametrize("damage", ["garbage", "mid-file"])
def test_a_damaged_sqlite_store_is_an_error_with_the_way_out(data_dir, name, damage):
    path = data_dir / name
    if damage == "garbage":
        path.write_bytes(os.urandom(64 * 1024))
    else:
        damage_mid_file(path)
    found = checks_about(name)
    assert found and all(c.status == "error" for c in found), found
    assert "backup" in found[0].fix and "aside" in found[0].fix


def test_healthy_sqlite_stores_are_ok(data_dir):
    for name in ("checkpoints.sqlite", "audit.sqlite"):
        with sqlite3.connect(data_dir / name) as conn:
            conn.execute("CREATE TABLE t (x)")
        conn.close()
        assert only(name).status == "ok"


def test_a_damaged_chroma_file_is_an_error_not_a_crash(data_dir):
    (data_dir / "chroma").mkdir()
    (data_dir / "chroma" / "chroma.sqlite3").write_bytes(os.urandom(64 * 1024))
    check = only("Chroma")
    assert check.status == "error" and "switchboard ingest --rebuild" in check.fix


def test_a_check_that_crashes_is_reported_and_the_others_still_run(data_dir, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("probe exploded")

    monkeypatch.setattr("app.providers.resolve.probe_ollama", broken)
    checks = run_checks()
    slm = [c for c in checks if c.component == "SLM"]
    assert slm and slm[0].status == "error" and "probe exploded" in slm[0].detail
    assert any(c.component == "audit trail" for c in checks)


# --- the command -------------------------------------------------------------------------------------
def test_doctor_exits_non_zero_and_shows_bracketed_details(data_dir, monkeypatch):
    from app.cli import app

    monkeypatch.setenv("SWITCHBOARD_SLM", "llamacpp:[weird]/missing.gguf")
    result = CliRunner().invoke(app, ["doctor"], terminal_width=400)
    assert result.exit_code == 1
    assert "[weird]/missing.gguf" in result.output
