"""Integration fixtures: a real knowledge base and trained classifier in a temp data dir, shared per session."""

from __future__ import annotations

import os

import pytest

from app.config import load_settings
from app.knowledge.ingest import ingest_knowledge


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("switchboard-data")


@pytest.fixture(scope="session")
def ingested_settings(data_dir):
    """Settings whose data dir holds the ingested demo knowledge base and the trained intent classifier."""
    settings = load_settings(data_dir=data_dir, slm="llamacpp:gemma3-270m", llm="none")
    report = ingest_knowledge(settings)
    assert report.counts()["added"] > 0
    from app.intents.classifier import load_or_train

    load_or_train(settings.knowledge_dir / "intents.yaml", settings.intent_model_dir)
    return settings


def postgres_dsn() -> str:
    """The loopback Postgres the integration tests use (CI and the development machines run one)."""
    return os.environ.get("SWITCHBOARD_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_admin():
    """A connection to the test database, or a failed test saying that Postgres is not reachable."""
    psycopg = pytest.importorskip("psycopg")
    try:
        return psycopg.connect(postgres_dsn(), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"Postgres on {postgres_dsn()} is not reachable: {exc}")
