"""Where audit records live: an append-only table in SQLite (default) or Postgres (`DATABASE_URL`)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from app.audit.record import AuditRecord
from app.errors import ConfigError

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
DEFAULT_TABLE = "audit_turns"


class AuditStore(Protocol):
    """Append-only store of per-turn audit records."""

    def write(self, record: AuditRecord) -> None: ...

    def thread(self, thread_id: str) -> list[AuditRecord]: ...

    def all(self, since: datetime | None = None) -> list[AuditRecord]: ...


def _utc_iso(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _check_ident(name: str, what: str) -> str:
    if not _IDENT.match(name):
        raise ConfigError(f"audit store: {what} '{name}' is not a plain SQL identifier")
    return name


@contextmanager
def _readable(path: Path) -> Iterator[None]:
    """A damaged audit file is one line naming it and the way out (`StoreCorrupt`), not a traceback."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        from app.checkpoints import describe_sqlite_error

        raise describe_sqlite_error(path, exc) from None


class SqliteAuditStore:
    """Audit records in one SQLite file; a connection per call so any thread may write."""

    def __init__(self, path: Path, table: str = DEFAULT_TABLE) -> None:
        self.path = Path(path)
        self.table = _check_ident(table, "table")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _readable(self.path), self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table} ("
                " id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id TEXT NOT NULL, turn INTEGER NOT NULL,"
                " started_at TEXT NOT NULL, route TEXT NOT NULL, outcome TEXT NOT NULL,"
                " cost_usd REAL NOT NULL, record TEXT NOT NULL)"
            )
            conn.execute(f"CREATE INDEX IF NOT EXISTS {self.table}_thread ON {self.table} (thread_id, turn)")
            conn.execute(f"CREATE INDEX IF NOT EXISTS {self.table}_started ON {self.table} (started_at)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def write(self, record: AuditRecord) -> None:
        with _readable(self.path), self._connect() as conn:
            conn.execute(
                f"INSERT INTO {self.table} (thread_id, turn, started_at, route, outcome, cost_usd, record)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    record.thread_id,
                    record.turn,
                    _utc_iso(record.started_at),
                    record.route,
                    record.outcome,
                    record.cost_usd,
                    record.model_dump_json(),
                ),
            )

    def thread(self, thread_id: str) -> list[AuditRecord]:
        with _readable(self.path), self._connect() as conn:
            rows = conn.execute(
                f"SELECT record FROM {self.table} WHERE thread_id = ? ORDER BY turn, id", (thread_id,)
            ).fetchall()
        return [AuditRecord.model_validate_json(r[0]) for r in rows]

    def all(self, since: datetime | None = None) -> list[AuditRecord]:
        query = f"SELECT record FROM {self.table}"
        params: tuple = ()
        if since is not None:
            query += " WHERE started_at >= ?"
            params = (_utc_iso(since),)
        with _readable(self.path), self._connect() as conn:
            rows = conn.execute(query + " ORDER BY started_at, id", params).fetchall()
        return [AuditRecord.model_validate_json(r[0]) for r in rows]


class PostgresAuditStore:
    """Audit records in Postgres (psycopg 3), as JSONB with indexed thread and time columns."""

    def __init__(self, dsn: str, table: str = DEFAULT_TABLE, schema: str | None = None) -> None:
        try:
            import psycopg  # noqa: F401  (optional extra: cx-switchboard[postgres])
        except ImportError:
            raise ConfigError("DATABASE_URL is set but psycopg is not installed: pip install 'cx-switchboard[postgres]'") from None
        self.dsn = re.sub(r"^postgres(ql)?\+\w+://", "postgresql://", dsn)  # accept SQLAlchemy-style URLs
        self.schema = _check_ident(schema, "schema") if schema else None
        table = _check_ident(table, "table")
        self.qualified = f"{self.schema}.{table}" if self.schema else table
        with self._connect() as conn:
            if self.schema:
                conn.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self.qualified} ("
                " id BIGSERIAL PRIMARY KEY, thread_id TEXT NOT NULL, turn INTEGER NOT NULL,"
                " started_at TIMESTAMPTZ NOT NULL, route TEXT NOT NULL, outcome TEXT NOT NULL,"
                " cost_usd DOUBLE PRECISION NOT NULL, record JSONB NOT NULL)"
            )
            conn.execute(f"CREATE INDEX IF NOT EXISTS {table}_thread ON {self.qualified} (thread_id, turn)")
            conn.execute(f"CREATE INDEX IF NOT EXISTS {table}_started ON {self.qualified} (started_at)")

    def _connect(self):
        import psycopg

        try:
            return psycopg.connect(self.dsn, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as exc:
            raise ConfigError(f"DATABASE_URL: cannot connect to Postgres ({exc.__class__.__name__})") from None

    def write(self, record: AuditRecord) -> None:
        with self._connect() as conn:
            conn.execute(
                f"INSERT INTO {self.qualified} (thread_id, turn, started_at, route, outcome, cost_usd, record)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb)",
                (
                    record.thread_id,
                    record.turn,
                    record.started_at,
                    record.route,
                    record.outcome,
                    record.cost_usd,
                    record.model_dump_json(),
                ),
            )

    def _select(self, where: str, params: tuple, order: str) -> list[AuditRecord]:
        with self._connect() as conn:
            rows = conn.execute(f"SELECT record::text FROM {self.qualified} {where} ORDER BY {order}", params).fetchall()
        return [AuditRecord.model_validate_json(r[0]) for r in rows]

    def thread(self, thread_id: str) -> list[AuditRecord]:
        return self._select("WHERE thread_id = %s", (thread_id,), "turn, id")

    def all(self, since: datetime | None = None) -> list[AuditRecord]:
        if since is None:
            return self._select("", (), "started_at, id")
        return self._select("WHERE started_at >= %s", (since,), "started_at, id")


def open_audit_store(
    sqlite_path: Path, database_url: str | None = None, *, table: str = DEFAULT_TABLE, schema: str | None = None
) -> AuditStore:
    """Postgres when a database URL is given (optionally in its own schema), else the SQLite file at `sqlite_path`."""
    if database_url:
        return PostgresAuditStore(database_url, table=table, schema=schema)
    return SqliteAuditStore(sqlite_path, table=table)
