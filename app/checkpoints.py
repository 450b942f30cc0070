"""Conversation persistence: SQLite in the data directory by default, Postgres when DATABASE_URL is set."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from app.config import Settings
from app.errors import ProviderUnavailable, StoreCorrupt


def state_serializer():
    """LangGraph's serializer for our state types, which never stores the customer's raw text."""
    from app.checkpoint_serde import PrivateStateSerializer

    return PrivateStateSerializer()


def open_checkpointer(settings: Settings):
    """A LangGraph checkpointer for the configured backend (tables created on first use)."""
    if settings.database_dsn:
        return _postgres(settings.database_dsn)
    from langgraph.checkpoint.sqlite import SqliteSaver

    path = settings.checkpoint_path
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = None
    try:
        conn = sqlite3.connect(path, check_same_thread=False)
        saver = SqliteSaver(conn, serde=state_serializer())
        saver.setup()  # WAL journal
        conn.execute(f"PRAGMA synchronous={sqlite_synchronous(settings.checkpoint_durability)}")
    except sqlite3.DatabaseError as exc:  # a damaged file, or not a database at all
        if conn is not None:
            conn.close()
        raise describe_sqlite_error(path, exc) from None
    return saver


def describe_sqlite_error(path: Path, exc: sqlite3.DatabaseError) -> StoreCorrupt:
    """A one-line `StoreCorrupt` for a SQLite store that cannot be read, naming the file and the way out."""
    reason = _one_line(exc)
    name = getattr(exc, "sqlite_errorname", "")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StoreCorrupt(f"{path} is locked by another process ({reason}): let it finish, or set DATABASE_URL "
                            "to share the store between processes")
    if not is_corruption(exc):
        return StoreCorrupt(f"{path} cannot be used ({reason}): check the file's permissions and free disk space, "
                            "or move it aside to start with an empty one")
    return StoreCorrupt(f"{path} is damaged or not a SQLite database ({reason}): restore it from a backup, "
                        f"or move it aside (e.g. to {Path(path).name}.corrupt) to start with an empty one")


def is_corruption(exc: sqlite3.DatabaseError) -> bool:
    """True for 'file is not a database' and 'database disk image is malformed' (not for locks or I/O)."""
    name = getattr(exc, "sqlite_errorname", "")
    return not name or name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))


def sqlite_problem(path: Path) -> str | None:
    """None when `PRAGMA quick_check` passes on an existing SQLite file, else the damage found (one line).

    Errors that are not damage (a lock, permissions, I/O) are raised as they are.
    """
    try:
        with closing(sqlite3.connect(path)) as conn:
            rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        if not is_corruption(exc):
            raise
        return _one_line(exc)
    if rows == ["ok"]:
        return None
    found = [line.strip() for row in rows for line in row.splitlines() if line.strip() and not line.startswith("***")]
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return f"quick_check: {found[0] if found else 'failed'}{more}"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


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
