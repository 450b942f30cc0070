"""The Postgres audit store against the real server on loopback: own schema, write, read back, drop."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from app.audit.record import AuditRecord, CitedDoc, ModelUse, RailVerdict
from app.audit.store import PostgresAuditStore, open_audit_store
from tests.integration.conftest import postgres_admin, postgres_dsn

pytestmark = pytest.mark.integration

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def schema():
    name = f"audit_test_{uuid.uuid4().hex[:10]}"
    conn = postgres_admin()
    yield name
    conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
    conn.close()


def record(thread: str, turn: int, minutes: int) -> AuditRecord:
    return AuditRecord(
        thread_id=thread, turn=turn, started_at=T0 + timedelta(minutes=minutes),
        finished_at=T0 + timedelta(minutes=minutes, seconds=3), latency_ms=3000, redacted_input="my email is [EMAIL]",
        intent="edit_account", confidence=0.8, route="slm", answered_by="slm", path=["input_rails", "slm_answer"],
        models=[ModelUse(model="llamacpp:gemma3-270m", tokens_in=700, tokens_out=40, latency_ms=2900, cost_usd=7.2e-5)],
        verdicts=[RailVerdict(rail="pii", action="redact", reason="email", score=1.0)],
        citations=[CitedDoc(doc_id="account-settings", version="1.0", section="Changing your email address")],
        outcome="answered", cost_usd=7.2e-5, all_llm_cost_usd=1.3e-4,
    )


def test_write_and_read_back(schema):
    store = PostgresAuditStore(postgres_dsn(), schema=schema)
    written = [record("a", 1, 2), record("b", 0, 1), record("a", 0, 0)]
    for r in written:
        store.write(r)
    assert store.thread("a") == [written[2], written[0]]
    assert [r.thread_id for r in store.all()] == ["a", "b", "a"]
    assert [r.turn for r in store.all(since=T0 + timedelta(minutes=1))] == [0, 1]
    # a second instance on the same schema sees the same rows (CREATE IF NOT EXISTS is idempotent)
    assert len(PostgresAuditStore(postgres_dsn(), schema=schema).all()) == 3


def test_open_audit_store_prefers_database_url(tmp_path, schema):
    store = open_audit_store(tmp_path / "unused.sqlite", database_url=postgres_dsn(), schema=schema)
    assert isinstance(store, PostgresAuditStore)
    assert not (tmp_path / "unused.sqlite").exists()
