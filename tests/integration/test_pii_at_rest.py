"""Issue 11, item 2: no store holds a customer's raw card number or e-mail address after a turn.

Before the fix the `messages` channel of `checkpoints.sqlite` kept the message as written (readable through
`get_state`, Studio or the file) while the trace, audit, reply and LLM request were redacted.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from app.api import Switchboard
from app.config import load_settings
from tests.integration.conftest import postgres_admin, postgres_dsn

pytestmark = pytest.mark.integration

CARD, EMAIL = "4111 1111 1111 1111", "jane.doe@example.com"
SEEDS = (CARD.encode(), CARD.replace(" ", "").encode(), EMAIL.encode(), b"jane.doe")
MESSAGES = (
    f"How do I reset my password? My email is {EMAIL}",
    f"My card {CARD} was charged for an order I never placed",
)


def _found_in_files(folder: Path) -> list[str]:
    hits = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink() and "chroma" not in path.parts and "intent-classifier" not in path.parts:
            data = path.read_bytes()
            hits += [f"{path.relative_to(folder)}: {seed.decode()}" for seed in SEEDS if seed in data]
    return hits


def _ask_both(bot: Switchboard) -> str:
    thread = bot.ask(MESSAGES[0]).thread_id
    reply = bot.ask(MESSAGES[1], thread_id=thread)
    state = bot.graph.get_state({"configurable": {"thread_id": thread}})
    shown = repr(state.values) + repr(reply.model_dump()) + repr(state.interrupts)
    assert not [s for s in SEEDS if s.decode() in shown], "raw PII readable through get_state or the reply"
    return thread


@pytest.mark.parametrize("durability", ["exit", "sync"])
def test_sqlite_stores_hold_no_raw_pii(ingested_settings, tmp_path, durability):
    data_dir = tmp_path / "data"
    # the shared knowledge base and classifier, in a data dir of this test's own (so every file in it is ours)
    settings = load_settings(data_dir=data_dir, slm="llamacpp:gemma3-270m", llm="none",
                             checkpoint_durability=durability)
    data_dir.mkdir()
    os.symlink(ingested_settings.chroma_path, settings.chroma_path)
    os.symlink(ingested_settings.intent_model_dir, settings.intent_model_dir)
    _ask_both(Switchboard(settings))
    assert (data_dir / "checkpoints.sqlite").exists() and (data_dir / "audit.sqlite").exists()
    assert _found_in_files(data_dir) == []


@pytest.fixture
def fresh_database():
    """A database of its own on the loopback Postgres, dropped afterwards."""
    name = f"sb_pii_{uuid.uuid4().hex[:10]}"
    admin = postgres_admin()
    admin.execute(f"CREATE DATABASE {name}")
    yield postgres_dsn().rsplit("/", 1)[0] + f"/{name}"
    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


def test_postgres_tables_hold_no_raw_pii(ingested_settings, fresh_database):
    import psycopg

    settings = load_settings(data_dir=ingested_settings.data_dir, slm="llamacpp:gemma3-270m", llm="none",
                             database_url=fresh_database, checkpoint_durability="sync")
    _ask_both(Switchboard(settings))
    hits, tables = [], 0
    with psycopg.connect(fresh_database, autocommit=True) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'").fetchall()]
        for table in names:
            tables += 1
            for row in conn.execute(f'SELECT * FROM "{table}"').fetchall():
                for value in row:
                    data = bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
                    hits += [f"{table}: {s.decode()}" for s in SEEDS if s in data]
    assert {"checkpoints", "checkpoint_blobs", "checkpoint_writes", "audit_turns"} <= set(names) and tables
    assert hits == []
