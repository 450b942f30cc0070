"""Issue 11, items 3, 4, 6 and 9: what a turn does with a broken audit store, invalid Unicode, a deadline that
passes, a model that fails slowly, and a classifier that was never trained."""

from __future__ import annotations

import logging
import time

import pytest
from langchain_core.messages import HumanMessage

from app.api import Switchboard
from app.audit.durable import SPOOL_FILE
from app.audit.store import open_audit_store
from app.config import load_settings
from app.context import Context
from app.deps import Deps
from app.errors import ClassifierNotTrained, UsageError
from tests.fakes import Prediction, RecordingRetriever, SteadyChatModel, input_rails, output_rails
from tests.unit.test_concurrent_turns import AnyTextClassifier

ANSWER = "Select Forgot password? on the sign-in page."


class SlowFailingModel(SteadyChatModel):
    """Waits `delay_s`, then fails like a server that gave up."""

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        super()._generate(messages, stop, run_manager, **kwargs)
        raise TimeoutError("the server did not answer")


def bot_with(tmp_path, *, slm=None, llm=None, classifier=None, **settings_overrides) -> Switchboard:
    settings = load_settings(data_dir=tmp_path, slm="llamacpp:gemma3-270m", llm="openai:gpt-4o-mini",
                             **settings_overrides)
    overrides = dict(slm=slm or SteadyChatModel(answer=ANSWER), llm=llm, slm_spec="llamacpp:gemma3-270m",
                     llm_spec="openai:gpt-4o-mini" if llm is not None else "none", retriever=RecordingRetriever(),
                     input_rails=input_rails(), output_rails=output_rails())
    if classifier is not False:
        overrides["classifier"] = classifier or AnyTextClassifier()
    return Switchboard(settings, Deps(settings, **overrides), context=Context(slm_fallback=False))


# --- item 3: a corrupt audit store does not eat the answer ---------------------------------------------
def test_a_corrupt_audit_store_keeps_the_answer_and_spools_the_record(tmp_path, caplog):
    (tmp_path / "audit.sqlite").write_bytes(b"this is not a database" * 100)
    bot = bot_with(tmp_path)
    with caplog.at_level(logging.ERROR, logger="switchboard"):
        reply = bot.ask("How do I reset my password?")
    assert reply.answer == ANSWER  # before the fix: sqlite3.DatabaseError, and the customer never saw this
    assert bot.audit_failures == 1
    assert any("audit trail write failed" in r.getMessage() for r in caplog.records)
    spool = tmp_path / SPOOL_FILE
    assert reply.thread_id in spool.read_text()
    from app.doctor import _audit_spool

    assert _audit_spool(bot.settings).status == "error"  # doctor says so

    (tmp_path / "audit.sqlite").rename(tmp_path / "audit.sqlite.broken")  # the operator moves it aside
    second = bot.ask("and by email?", thread_id=reply.thread_id)
    turns = [r.turn for r in open_audit_store(tmp_path / "audit.sqlite").thread(reply.thread_id)]
    assert turns == [1, 2] and not spool.exists()  # the spooled record reached the store first
    assert second.answer == ANSWER


# --- item 4: invalid Unicode is refused at the edge, nothing half-written ------------------------------
@pytest.mark.parametrize("bad", ["\ud800", "hello \udcff world"])
def test_a_lone_surrogate_is_a_usage_error_and_leaves_no_half_turn(tmp_path, bad):
    bot = bot_with(tmp_path)
    thread = bot.ask("How do I reset my password?").thread_id
    before = bot.graph.get_state({"configurable": {"thread_id": thread}}).values
    with pytest.raises(UsageError, match="not valid text"):
        bot.ask(bad, thread_id=thread)
    after = bot.graph.get_state({"configurable": {"thread_id": thread}}).values
    assert len(after["messages"]) == len(before["messages"]) == 2 and after["turn"] == before["turn"]
    with pytest.raises(UsageError, match="not valid text"):
        list(bot.stream(bad, thread_id=thread))


def test_the_graph_itself_blocks_invalid_text_sent_as_a_message(tmp_path):
    """Studio and the LangGraph SDK send messages, not `customer_text`: the rails block, nothing crashes."""
    bot = bot_with(tmp_path)
    config = {"configurable": {"thread_id": "studio"}}
    out = bot.graph.invoke({"messages": [HumanMessage("bad \ud800 text")]}, config)
    assert out["route"] == "blocked"
    stored = bot.graph.get_state(config).values["messages"]
    assert [type(m).__name__ for m in stored] == ["HumanMessage", "AIMessage"]
    assert "\ud800" not in stored[0].content


# --- item 6: real waits in the trace, and a turn deadline ----------------------------------------------
def test_a_failing_translation_records_how_long_it_waited(tmp_path):
    slm = SlowFailingModel(answer="", delay_s=0.2)
    bot = bot_with(tmp_path, slm=slm, llm=SteadyChatModel(answer=ANSWER))
    reply = bot.ask("¿Cómo puedo restablecer mi contraseña, por favor?")
    translate = next(e for e in reply.trace if e.node == "translate")
    assert translate.decision == "fault" and translate.latency_ms >= 190  # before the fix: 0 ms


def test_no_model_call_starts_after_the_turn_deadline(tmp_path):
    llm = SteadyChatModel(answer=ANSWER)
    bot = bot_with(tmp_path, slm=SlowFailingModel(answer="", delay_s=0.5), llm=llm, turn_timeout_s=0.4)
    started = time.perf_counter()
    reply = bot.ask("How do I reset my password?")
    assert time.perf_counter() - started < 2.0
    assert llm.count == 0  # the SLM used up the turn: the LLM call is not started
    assert any("turn deadline passed" in e.detail for e in reply.trace if e.node == "escalate_to_llm")
    assert reply.awaiting_human  # the customer is handed to a person, not left waiting


# --- item 9: the classifier is never trained inside a customer's turn ----------------------------------
def test_a_missing_classifier_is_an_error_with_the_way_out_not_a_training_run(tmp_path):
    bot = bot_with(tmp_path, classifier=False)
    started = time.perf_counter()
    with pytest.raises(ClassifierNotTrained, match="switchboard ingest"):
        bot.ask("How do I reset my password?")
    assert time.perf_counter() - started < 5  # before the fix: ~18 s of training inside the turn
    assert not (tmp_path / "intent-classifier").exists() or not any((tmp_path / "intent-classifier").iterdir())
