"""The SQLite audit store: append, read a thread in turn order, filter by time."""

from __future__ import annotations

import pytest

from datetime import datetime, timedelta, timezone

from app.audit.record import AuditRecord, ModelUse
from app.audit.store import SqliteAuditStore, open_audit_store

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


def make(thread: str, turn: int, minutes: int, **kw) -> AuditRecord:
    base = dict(
        thread_id=thread, turn=turn, started_at=T0 + timedelta(minutes=minutes),
        finished_at=T0 + timedelta(minutes=minutes, seconds=2), redacted_input=f"message {turn} [EMAIL]",
        route="slm", outcome="answered", cost_usd=0.0001, all_llm_cost_usd=0.0004,
        models=[ModelUse(model="llamacpp:gemma3-270m", tokens_in=10, tokens_out=5, latency_ms=2000, cost_usd=0.0001)],
    )
    base.update(kw)
    return AuditRecord(**base)


def test_write_then_read_thread_in_turn_order(tmp_path):
    store = SqliteAuditStore(tmp_path / "sub" / "audit.sqlite")
    store.write(make("a", 1, 5))
    store.write(make("b", 0, 1, route="blocked", outcome="refused"))
    store.write(make("a", 0, 0))
    turns = store.thread("a")
    assert [r.turn for r in turns] == [0, 1]
    assert turns[0] == make("a", 0, 0)
    assert store.thread("missing") == []


def test_all_orders_by_time_and_filters_since(tmp_path):
    store = open_audit_store(tmp_path / "audit.sqlite", database_url=None)
    assert isinstance(store, SqliteAuditStore)
    for i in range(3):
        store.write(make(f"t{i}", 0, i * 10))
    assert [r.thread_id for r in store.all()] == ["t0", "t1", "t2"]
    assert [r.thread_id for r in store.all(since=T0 + timedelta(minutes=10))] == ["t1", "t2"]


def test_store_persists_across_instances(tmp_path):
    path = tmp_path / "audit.sqlite"
    SqliteAuditStore(path).write(make("x", 0, 0))
    assert len(SqliteAuditStore(path).all()) == 1


def test_a_damaged_audit_file_is_one_line_naming_it(tmp_path):
    from app.audit.store import SqliteAuditStore
    from app.errors import StoreCorrupt

    path = tmp_path / "audit.sqlite"
    path.write_bytes(b"not a database at all" * 200)
    with pytest.raises(StoreCorrupt) as caught:
        SqliteAuditStore(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
