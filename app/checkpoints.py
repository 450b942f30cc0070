"""Conversation persistence: SQLite in the data directory by default, Postgres when DATABASE_URL is set."""

from __future__ import annotations

import sqlite3

from app.config import Settings
from app.errors import ProviderUnavailable


# Our pydantic types stored in graph state; listed so the serializer restores them without warnings.
STATE_TYPES = [
    ("app.knowledge.models", "Chunk"),
    ("app.knowledge.models", "Citation"),
    ("app.guardrails.verdict", "Verdict"),
    ("app.trace", "TraceEntry"),
]


def state_serializer():
    """LangGraph's serializer, allowed to restore Switchboard's state types."""
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    return JsonPlusSerializer(allowed_msgpack_modules=STATE_TYPES)


def open_checkpointer(settings: Settings):
    """A LangGraph checkpointer for the configured backend (tables created on first use)."""
    if settings.database_dsn:
        return _postgres(settings.database_dsn)
    from langgraph.checkpoint.sqlite import SqliteSaver

    settings.checkpoint_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(settings.checkpoint_path, check_same_thread=False)
    saver = SqliteSaver(conn, serde=state_serializer())
    saver.setup()  # WAL journal
    conn.execute(f"PRAGMA synchronous={sqlite_synchronous(settings.checkpoint_durability)}")
    return saver


def sqlite_synchronous(durability: str) -> str:
    """SQLite's fsync policy for a LangGraph durability mode.

    In WAL mode, NORMAL skips the fsync on every commit (several per turn: most of the per-turn checkpoint
    cost). A committed checkpoint still survives a killed or crashed process; only a power loss or OS crash
    may roll back the last commits. `checkpoint_durability: sync` asks for the strictest mode, so it keeps FULL.
    """
    return "FULL" if durability == "sync" else "NORMAL"


def _postgres(url: str):
    try:
        import psycopg
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row
    except ImportError:
        raise ProviderUnavailable("DATABASE_URL is set but the Postgres extra is missing: pip install 'cx-switchboard[postgres]'") from None
    try:
        conn = psycopg.Connection.connect(url, autocommit=True, prepare_threshold=0, row_factory=dict_row)
    except psycopg.OperationalError as exc:
        raise ProviderUnavailable(f"cannot connect to Postgres at DATABASE_URL: {str(exc).splitlines()[0]}") from None
    saver = PostgresSaver(conn, serde=state_serializer())
    saver.setup()
    return saver
