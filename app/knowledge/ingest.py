"""Open the configured knowledge store and load the policy documents into it.

`ingest --rebuild` also recovers from a damaged embedded store: the folder is moved aside to
`chroma.corrupt-<timestamp>` (kept for inspection) and a new one is built.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from app.config import Settings
from app.errors import StoreCorrupt
from app.knowledge.documents import load_policies
from app.knowledge.store import IngestReport, KnowledgeStore, forget_client
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
    """Load knowledge/policies into the store: idempotent, approved documents only.

    With `rebuild`, a damaged embedded store is moved aside and built anew (`IngestReport.moved_aside` says
    where it went); without it, a damaged store raises `StoreCorrupt`.
    """
    docs = load_policies(settings.policies_dir)
    try:
        return _ingest(settings, docs, rebuild, on_progress, flag_document)
    except StoreCorrupt:
        if not rebuild or settings.chroma_url:
            raise
    moved = move_aside(settings.chroma_path)
    report = _ingest(settings, docs, True, on_progress, flag_document)
    report.moved_aside = str(moved)
    return report


def _ingest(settings: Settings, docs, rebuild: bool, on_progress, flag_document) -> IngestReport:  # type: ignore[no-untyped-def]
    store = open_store(settings, for_ingest=True)
    if rebuild:
        store.rebuild()
    return store.ingest(docs, on_progress=on_progress, flag_document=flag_document)


def move_aside(path: Path) -> Path:
    """Rename a damaged store folder to `<name>.corrupt-<UTC timestamp>` beside it; returns the new path."""
    forget_client(path)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    path.rename(target)
    return target
