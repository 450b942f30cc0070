"""Open the configured knowledge store and load the policy documents into it."""

from __future__ import annotations

from collections.abc import Callable

from app.config import Settings
from app.knowledge.documents import load_policies
from app.knowledge.store import IngestReport, KnowledgeStore
from app.providers.embeddings import make_embeddings


def open_store(settings: Settings, *, for_ingest: bool = False) -> KnowledgeStore:
    """The Chroma store the settings name (embedded directory or server); reading requires an ingested one."""
    embeddings = make_embeddings(settings.embeddings, settings)
    if settings.chroma_url:
        store = KnowledgeStore.remote(settings.chroma_url, settings.collection, embeddings, settings.embeddings,
                                      create=for_ingest)
        if not for_ingest:
            store.require_ingested()
        return store
    if for_ingest:
        return KnowledgeStore.persistent(settings.chroma_path, settings.collection, embeddings, settings.embeddings)
    return KnowledgeStore.open_existing(settings.chroma_path, settings.collection, embeddings, settings.embeddings)


def ingest_knowledge(
    settings: Settings,
    *,
    rebuild: bool = False,
    on_progress: Callable[[str], None] | None = None,
    flag_document: Callable | None = None,
) -> IngestReport:
    """Load knowledge/policies into the store: idempotent, approved documents only."""
    docs = load_policies(settings.policies_dir)
    store = open_store(settings, for_ingest=True)
    if rebuild:
        store.rebuild()
    return store.ingest(docs, on_progress=on_progress, flag_document=flag_document)
