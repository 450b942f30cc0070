"""Checkpoint durability: the setting, SQLite's fsync policy, and a handoff that survives a restart with `exit`."""

from __future__ import annotations

import pytest

from app.api import Switchboard
from app.checkpoints import open_checkpointer, sqlite_synchronous
from app.config import load_settings
from app.context import Context
from app.deps import Deps
from app.errors import ConfigError
from tests.fakes import Prediction, RecordingRetriever, ScriptedChatModel, ScriptedClassifier, input_rails, output_rails

SENSITIVE = Prediction("fraud_unauthorised_charge", "sensitive", 0.95, [("fraud_unauthorised_charge", 0.95)])
ROUTINE = Prediction("recover_password", "routine", 0.93, [("recover_password", 0.93)])


def make_bot(settings, slm_script=()) -> Switchboard:
    deps = Deps(
        settings, slm=ScriptedChatModel(script=list(slm_script), name_="slm"), llm=None,
        slm_spec="llamacpp:gemma3-270m", llm_spec="none",
        classifier=ScriptedClassifier({"There are charges on my card I never made": SENSITIVE,
                                       "How do I reset my password?": ROUTINE}),
        retriever=RecordingRetriever(), input_rails=input_rails(), output_rails=output_rails(),
    )
    return Switchboard(settings, deps, audit=False, context=Context(slm_fallback=False))


def test_durability_defaults_to_exit_and_reads_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("SWITCHBOARD_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert load_settings(data_dir=tmp_path).checkpoint_durability == "exit"
    monkeypatch.setenv("SWITCHBOARD_CHECKPOINT_DURABILITY", "async")
    assert load_settings(data_dir=tmp_path).checkpoint_durability == "async"
    monkeypatch.setenv("SWITCHBOARD_CHECKPOINT_DURABILITY", "sometimes")
    with pytest.raises(ConfigError, match="SWITCHBOARD_CHECKPOINT_DURABILITY.*exit"):
        load_settings(data_dir=tmp_path)


@pytest.mark.parametrize(("durability", "pragma"), [("sync", 2), ("async", 1), ("exit", 1)])
def test_sqlite_fsyncs_every_commit_only_for_sync_durability(tmp_path, durability, pragma):
    assert sqlite_synchronous(durability) in ("FULL", "NORMAL")
    saver = open_checkpointer(load_settings(data_dir=tmp_path, checkpoint_durability=durability))
    assert saver.conn.execute("PRAGMA synchronous").fetchone()[0] == pragma  # 2 = FULL, 1 = NORMAL
    assert saver.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("durability", ["exit", "async", "sync"])
def test_a_handoff_and_the_answered_turn_survive_a_restart(tmp_path, durability):
    settings = load_settings(data_dir=tmp_path, checkpoint_durability=durability)
    first = make_bot(settings, slm_script=["Select Forgot password? on the sign-in page."])
    assert first.ask("How do I reset my password?", thread_id="routine").answered_by == "slm"
    assert first.ask("There are charges on my card I never made", thread_id="fraud").awaiting_human

    restarted = make_bot(settings)  # a new process would open the same SQLite file
    assert restarted.graph.get_state({"configurable": {"thread_id": "routine"}}).values["turn"] == 1
    assert restarted.pending_handoff("fraud")["reason"].startswith("sensitive")
    resumed = restarted.resume("fraud", "I've frozen the card.")
    assert (resumed.answer, resumed.awaiting_human) == ("I've frozen the card.", False)
