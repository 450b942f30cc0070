"""Issue 11, item 1: concurrent messages on one conversation are serialised, never last-writer-wins.

Before the fix, two threads calling `ask` on one thread id of one Switchboard both started from the same
checkpoint: every call returned an answer, but the checkpoint kept 12 of 22 messages after 11 turns and the
audit trail repeated turn numbers.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.api import Switchboard
from app.audit.store import open_audit_store
from app.config import load_settings
from app.context import Context
from app.conversation_lock import ConversationLocks
from app.deps import Deps
from app.errors import ConversationBusy
from tests.fakes import Prediction, RecordingRetriever, SteadyChatModel, input_rails, output_rails

ROUTINE = Prediction("recover_password", "routine", 0.93, [("recover_password", 0.93)])


class AnyTextClassifier:
    """Every message is a confident routine password question (routing is not what these tests are about)."""

    def predict(self, text, history=()):
        return ROUTINE


def slow_bot(tmp_path, delay_s: float = 0.05) -> Switchboard:
    settings = load_settings(data_dir=tmp_path, slm="llamacpp:gemma3-270m", llm="none")
    deps = Deps(settings, slm=SteadyChatModel(answer="Select Forgot password? on the sign-in page.", delay_s=delay_s),
                llm=None, slm_spec="llamacpp:gemma3-270m", llm_spec="none", classifier=AnyTextClassifier(),
                retriever=RecordingRetriever(), input_rails=input_rails(), output_rails=output_rails())
    return Switchboard(settings, deps, context=Context(slm_fallback=False))  # real SQLite checkpoints and audit


def test_threads_on_one_conversation_keep_every_turn(tmp_path):
    bot = slow_bot(tmp_path)
    thread = bot.ask("How do I reset my password?").thread_id
    turns = 10
    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = list(pool.map(lambda i: bot.ask(f"question {i}: how do I reset my password?", thread_id=thread),
                                range(turns)))
    assert all(r.answer for r in replies)
    messages = bot.graph.get_state({"configurable": {"thread_id": thread}}).values["messages"]
    assert len(messages) == 2 * (turns + 1)  # every (customer, answer) pair is kept
    asked = {m.content for m in messages[::2]}
    assert asked >= {f"question {i}: how do I reset my password?" for i in range(turns)}
    audited = [r.turn for r in open_audit_store(bot.settings.audit_path).thread(thread)]
    assert sorted(audited) == list(range(1, turns + 2))  # no turn number twice


def test_a_turn_that_cannot_get_the_conversation_in_time_is_refused_not_merged(tmp_path):
    locks = ConversationLocks(tmp_path / "locks")
    holding, release = threading.Event(), threading.Event()

    def first_turn():
        with locks.hold("t-1"):
            holding.set()
            release.wait(5)

    worker = threading.Thread(target=first_turn)
    worker.start()
    holding.wait(5)
    try:
        with pytest.raises(ConversationBusy, match="busy with another turn"):
            with locks.hold("t-1", wait_s=0.1):
                pass
        with locks.hold("another-conversation", wait_s=0.1):  # other conversations are not held up
            pass
    finally:
        release.set()
        worker.join()
    with locks.hold("t-1", wait_s=0.1):  # released once the first turn ends
        pass


def test_a_second_message_waits_for_the_first_turn_and_then_runs(tmp_path):
    locks = ConversationLocks(tmp_path / "locks")
    order: list[str] = []

    def turn(name: str, hold_s: float) -> None:
        with locks.hold("t-2", wait_s=5):
            order.append(f"{name} start")
            time.sleep(hold_s)
            order.append(f"{name} end")

    first = threading.Thread(target=turn, args=("first", 0.2))
    first.start()
    time.sleep(0.05)
    turn("second", 0)
    first.join()
    assert order == ["first start", "first end", "second start", "second end"]
