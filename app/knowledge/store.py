"""The knowledge store: approved policy chunks in a Chroma collection, with embeddings we compute ourselves.

Ingestion is idempotent and per document: an unchanged file (same content hash) is not touched, a changed
one has its old chunks replaced, and documents that are no longer on disk, no longer approved, or flagged
as carrying instructions are removed. Search only ever returns chunks of approved documents.

Opening for reading: `KnowledgeStore.open_existing(path, ...)` raises `KnowledgeBaseNotFound` when nothing
was ingested at `path`; `KnowledgeStore.persistent(...)` creates the collection if needed (for ingestion).
An embedded store whose `chroma.sqlite3` is damaged raises `StoreCorrupt` (way out: `ingest --rebuild`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, Field

from app.checkpoints import sqlite_problem
from app.errors import ConfigError, KnowledgeBaseNotFound, ProviderUnavailable, StoreCorrupt, SwitchboardError
from app.knowledge.chunking import chunk_document
from app.knowledge.documents import PolicyDocument
from app.knowledge.rerank import rerank
from app.knowledge.models import Chunk

if TYPE_CHECKING:  # pragma: no cover
    from langchain_core.embeddings import Embeddings

DEFAULT_COLLECTION = "policies"
CHROMA_FILE = "chroma.sqlite3"
EMBEDDING_MODEL_KEY = "embedding_model"
IngestStatus = Literal["added", "updated", "unchanged", "removed", "skipped", "flagged"]


class IngestEntry(BaseModel):
    """What ingestion did with one document."""

    doc_id: str
    version: str = Field(description="Version on disk, or the stored version for removed documents.")
    status: IngestStatus
    chunks: int = Field(description="Chunks now stored for this document (removed: chunks deleted).")
    reason: str = Field(default="", description="Why a document was skipped, flagged or removed.")


class IngestReport(BaseModel):
    """Per-document outcome of one `KnowledgeStore.ingest` run, for a CLI summary table."""

    entries: list[IngestEntry] = Field(default_factory=list)
    total_chunks: int = Field(default=0, description="Chunks in the collection after the run.")
    seconds: float = Field(default=0.0, description="Wall time of the run.")
    moved_aside: str = Field(default="", description="Where a damaged store was moved before a rebuild, if one was.")

    def counts(self) -> dict[str, int]:
        """Number of documents per status, e.g. {'added': 16, 'skipped': 1}."""
        return dict(Counter(entry.status for entry in self.entries))

    def by_status(self, status: IngestStatus) -> list[IngestEntry]:
        """Entries with the given status."""
        return [entry for entry in self.entries if entry.status == status]

    @property
    def changed(self) -> bool:
        """True when the run added, updated or removed anything."""
        return any(entry.status in ("added", "updated", "removed") for entry in self.entries)

    def summary(self) -> str:
        """One line, e.g. 'added 16, skipped 1; 70 chunks in 3.2 s'."""
        counts = ", ".join(f"{status} {n}" for status, n in sorted(self.counts().items()))
        return f"{counts or 'nothing to do'}; {self.total_chunks} chunks in {self.seconds:.1f} s"


class StoredDocument(BaseModel):
    """A document as recorded in the collection."""

    doc_id: str
    version: str
    content_hash: str
    chunks: int


class KnowledgeStore:
    """Approved policy chunks in one Chroma collection (cosine space)."""

    def __init__(
        self,
        client: Any,
        collection_name: str,
        embeddings: Embeddings,
        embedding_model: str | None = None,
        *,
        create: bool = True,
        location: str = "",
        path: Path | None = None,
    ) -> None:
        """Open (or, with `create`, create) `collection_name` on a chromadb client.

        `embedding_model` names the embedding model for the collection metadata (pass the spec string); it
        defaults to the `model`/`model_name` attribute of `embeddings`, else its class name. A collection
        built with another model raises `ConfigError` at once when reading (`create=False`); when opened for
        ingestion the error is raised by `ingest`/`search`, so `rebuild()` can still replace it. A missing
        collection with `create=False` raises `KnowledgeBaseNotFound`. `path` is the directory of an embedded
        store: Chroma errors on a damaged `chroma.sqlite3` there become `StoreCorrupt`.
        """
        self.client = client
        self.collection_name = collection_name
        self.embeddings = embeddings
        self.embedding_model = embedding_model or _model_name(embeddings)
        self.location = location or collection_name
        self.path = Path(path) if path is not None else None
        self._model_mismatch: str | None = None
        self._known_count: int | None = None  # chunk count for `search`; refreshed by count() and writes
        with self._guard():
            self.collection = self._open_collection(create)

    # -- construction -------------------------------------------------------------------------------

    @classmethod
    def persistent(
        cls, path: Path, collection_name: str, embeddings: Embeddings, embedding_model: str | None = None
    ) -> KnowledgeStore:
        """A store in a local directory (created if missing); use this to ingest."""
        return cls(_persistent_client(Path(path)), collection_name, embeddings, embedding_model,
                   location=str(path), path=Path(path))

    @classmethod
    def open_existing(
        cls, path: Path, collection_name: str, embeddings: Embeddings, embedding_model: str | None = None
    ) -> KnowledgeStore:
        """A store for reading: raises `KnowledgeBaseNotFound` unless something was ingested at `path`."""
        path = Path(path)
        if not path.is_dir():
            raise _not_found(str(path))
        store = cls(_persistent_client(path), collection_name, embeddings, embedding_model,
                    create=False, location=str(path), path=path)
        store.require_ingested()
        return store

    @classmethod
    def remote(
        cls, url: str, collection_name: str, embeddings: Embeddings, embedding_model: str | None = None,
        *, create: bool = True,
    ) -> KnowledgeStore:
        """A store on a Chroma server, e.g. `http://127.0.0.1:8000`."""
        import chromadb
        from chromadb.config import Settings

        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ConfigError(f"Chroma URL '{url}' must look like http://host:port")
        port = parsed.port or (443 if parsed.scheme == "https" else 8000)
        try:
            client = chromadb.HttpClient(
                host=parsed.hostname, port=port, ssl=parsed.scheme == "https",
                settings=Settings(anonymized_telemetry=False),
            )
            client.heartbeat()
        except Exception as exc:  # chromadb raises several transport errors
            raise ProviderUnavailable(f"Chroma server at {url} does not answer: {exc}") from None
        return cls(client, collection_name, embeddings, embedding_model, create=create, location=url)

    def _open_collection(self, create: bool) -> Any:
        from chromadb.errors import NotFoundError

        try:
            collection = self.client.get_collection(self.collection_name, embedding_function=None)
        except NotFoundError:
            if not create:
                raise _not_found(self.location) from None
            return self.client.create_collection(
                self.collection_name,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={EMBEDDING_MODEL_KEY: self.embedding_model},
                embedding_function=None,
            )
        stored = (collection.metadata or {}).get(EMBEDDING_MODEL_KEY)
        if stored and stored != self.embedding_model:
            self._model_mismatch = (
                f"Knowledge base at {self.location} was built with embedding model '{stored}', "
                f"not '{self.embedding_model}': re-ingest with --rebuild"
            )
            if not create:
                raise ConfigError(self._model_mismatch)
        return collection

    def _check_model(self) -> None:
        if self._model_mismatch:
            raise ConfigError(self._model_mismatch)

    def rebuild(self) -> None:
        """Delete the collection and create it empty for the current embedding model (`--rebuild`)."""
        from chromadb.errors import NotFoundError

        with self._guard():
            try:
                self.client.delete_collection(self.collection_name)
            except NotFoundError:
                pass
            self._model_mismatch = None
            self._known_count = None
            self.collection = self._open_collection(create=True)

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Raise `StoreCorrupt` instead of Chroma's error when an embedded store's file is damaged."""
        try:
            yield
        except SwitchboardError:
            raise
        except BaseException as exc:
            if self.path is None or not _is_chroma_failure(exc):
                raise
            problem = sqlite_problem(self.path / CHROMA_FILE) if (self.path / CHROMA_FILE).is_file() else None
            if problem is None:
                raise
            raise corrupt_store(self.path, problem) from None

    # -- reading -------------------------------------------------------------------------------------

    def count(self) -> int:
        """Number of chunks stored (asks Chroma)."""
        with self._guard():
            self._known_count = self.collection.count()
        return self._known_count

    def _cached_count(self) -> int:
        """The last known chunk count; `search` needs it every turn and a Chroma count costs ~1 ms.

        Writes through this store reset it. Another process ingesting meanwhile only makes the candidate
        pool a little smaller or larger than possible until the next `count()`.
        """
        return self._known_count if self._known_count is not None else self.count()

    def is_empty(self) -> bool:
        """True when no chunk is stored."""
        return self.count() == 0

    def require_ingested(self) -> None:
        """Raise `KnowledgeBaseNotFound` when the collection holds no chunk."""
        if self.is_empty():
            raise _not_found(self.location)

    def documents(self) -> list[StoredDocument]:
        """Stored documents with version, content hash and chunk count, sorted by id."""
        found: dict[str, StoredDocument] = {}
        with self._guard():
            metadatas = self.collection.get(include=["metadatas"])["metadatas"] or []
        for meta in metadatas:
            doc = found.get(meta["doc_id"])
            if doc is None:
                found[meta["doc_id"]] = StoredDocument(
                    doc_id=meta["doc_id"], version=meta["version"], content_hash=meta["doc_hash"], chunks=1
                )
            else:
                doc.chunks += 1
        return [found[key] for key in sorted(found)]

    def search(self, query: str, k: int = 4, intents: list[str] | None = None) -> list[Chunk]:
        """The `k` chunks closest to `query`, best first, `score` = 1 - cosine distance.

        With `intents`, only chunks of documents listing one of them are searched; if none match, the
        search falls back to all approved chunks. Status 'approved' is always part of the filter.
        """
        if not query.strip():
            raise ConfigError("search query is empty")
        self._check_model()
        total = self._cached_count()
        if total == 0 or k <= 0:
            return []
        vector = self.embeddings.embed_query(query)
        approved: dict[str, Any] = {"status": "approved"}
        pool = min(max(4 * k, 12), total)  # dense candidates, re-ranked lexically down to k
        if intents:
            intent_filter = [{"intents": {"$contains": name}} for name in intents]
            either = intent_filter[0] if len(intent_filter) == 1 else {"$or": intent_filter}
            chunks = self._query(vector, pool, {"$and": [approved, either]})
            if chunks:
                return rerank(query, chunks, k)
        return rerank(query, self._query(vector, pool, approved), k)

    def _query(self, vector: list[float], k: int, where: dict[str, Any]) -> list[Chunk]:
        with self._guard():
            result = self.collection.query(
                query_embeddings=[vector], n_results=k, where=where,
                include=["documents", "metadatas", "distances"],
            )
        rows = zip(result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0])
        return [
            Chunk(
                id=chunk_id, doc_id=meta["doc_id"], title=meta["title"], version=meta["version"],
                section=meta["section"], text=text, intents=list(meta.get("intents") or []),
                score=min(1.0, max(0.0, 1.0 - float(distance))),
            )
            for chunk_id, text, meta, distance in rows
        ]

    # -- writing -------------------------------------------------------------------------------------

    def ingest(
        self,
        docs: list[PolicyDocument],
        on_progress: Callable[[str], None] | None = None,
        flag_document: Callable[[PolicyDocument], str | None] | None = None,
    ) -> IngestReport:
        """Bring the collection in line with `docs` (the full set on disk); see the module docstring.

        `on_progress` gets one message per report entry, e.g. "account-password: added (5 chunks)".
        """
        self._check_model()
        started = time.perf_counter()
        say = on_progress or (lambda _message: None)
        _check_unique(docs)
        stored = {doc.doc_id: doc for doc in self.documents()}
        entries: list[IngestEntry] = []
        pending: list[tuple[PolicyDocument, list[Chunk], IngestStatus]] = []

        for doc in docs:
            old = stored.get(doc.id)
            if not doc.is_approved:
                self._delete_doc(doc.id)  # even if not recorded: defence in depth
                entries.append(IngestEntry(doc_id=doc.id, version=doc.version, status="skipped", chunks=0,
                                           reason=f"{doc.status}"))
                say(f"{doc.id}: skipped ({doc.status})")
                continue
            reason = flag_document(doc) if flag_document else None
            if reason:
                self._delete_doc(doc.id)
                entries.append(IngestEntry(doc_id=doc.id, version=doc.version, status="flagged", chunks=0,
                                           reason=reason))
                say(f"{doc.id}: flagged: {reason}")
                continue
            if old and old.content_hash == doc.content_hash:
                entries.append(IngestEntry(doc_id=doc.id, version=doc.version, status="unchanged",
                                           chunks=old.chunks))
                say(f"{doc.id}: unchanged")
                continue
            pending.append((doc, chunk_document(doc), "updated" if old else "added"))

        on_disk = {doc.id for doc in docs}
        for doc_id, old in stored.items():
            if doc_id not in on_disk:
                self._delete_doc(doc_id)
                entries.append(IngestEntry(doc_id=doc_id, version=old.version, status="removed",
                                           chunks=old.chunks, reason="no longer on disk"))
                say(f"{doc_id}: removed (no longer on disk)")

        for doc, chunks, status in pending:  # embedded per document so progress moves steadily
            vectors = self.embeddings.embed_documents([chunk.text for chunk in chunks]) if chunks else []
            self._replace_doc(doc, chunks, vectors)
            entries.append(IngestEntry(doc_id=doc.id, version=doc.version, status=status, chunks=len(chunks)))
            say(f"{doc.id}: {status} ({len(chunks)} chunks)")

        entries.sort(key=lambda entry: entry.doc_id)
        return IngestReport(entries=entries, total_chunks=self.count(), seconds=time.perf_counter() - started)

    def _replace_doc(self, doc: PolicyDocument, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        self._delete_doc(doc.id)
        if not chunks:
            return
        with self._guard():
            self.collection.add(
                ids=[chunk.id for chunk in chunks],
                embeddings=[list(map(float, vector)) for vector in vectors],
                documents=[chunk.text for chunk in chunks],
                metadatas=[_metadata(doc, chunk, index) for index, chunk in enumerate(chunks)],
            )
        self._known_count = None

    def _delete_doc(self, doc_id: str) -> None:
        with self._guard():
            self.collection.delete(where={"doc_id": doc_id})
        self._known_count = None


def _metadata(doc: PolicyDocument, chunk: Chunk, index: int) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "doc_id": doc.id,
        "title": doc.title,
        "version": doc.version,
        "status": doc.status,
        "section": chunk.section,
        "chunk_index": index,
        "doc_hash": doc.content_hash,
        "effective_date": doc.effective_date.isoformat(),
        "owner": doc.owner,
    }
    if doc.intents:  # Chroma rejects empty list values
        meta["intents"] = list(doc.intents)
    return meta


def _check_unique(docs: list[PolicyDocument]) -> None:
    seen: dict[str, PolicyDocument] = {}
    for doc in docs:
        if doc.id in seen:
            raise ConfigError(f"duplicate document id '{doc.id}' in {seen[doc.id].path} and {doc.path}")
        seen[doc.id] = doc


def _persistent_client(path: Path) -> Any:
    """A Chroma client on `path`, after a `quick_check` of its SQLite file (a damaged one can make Chroma panic)."""
    import chromadb
    from chromadb.config import Settings

    chroma_file = path / CHROMA_FILE
    if chroma_file.is_file() and (problem := sqlite_problem(chroma_file)):
        raise corrupt_store(path, problem)
    try:
        return chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False))
    except BaseException as exc:
        if not _is_chroma_failure(exc):
            raise
        forget_client(path)  # Chroma caches the half-started client per path
        raise


def forget_client(path: Path) -> None:
    """Drop Chroma's cached client for `path`, so the next one opens the files afresh (after a move)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_refcount.pop(str(path), None)
    system = SharedSystemClient._identifier_to_system.pop(str(path), None)
    if system is not None:
        try:
            system.stop()
        except Exception:  # a system that never started cannot stop cleanly; it is dropped either way
            pass


def _is_chroma_failure(exc: BaseException) -> bool:
    """Chroma's own errors, and the Rust panics (a BaseException) a damaged file can cause."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def corrupt_store(path: Path, problem: str) -> StoreCorrupt:
    """The one-line error for a damaged embedded knowledge base, with the way out."""
    return StoreCorrupt(f"the knowledge base file {Path(path) / CHROMA_FILE} is damaged ({problem}): run "
                        "`switchboard ingest --rebuild` (it moves the damaged folder aside and builds a new one)")


def _model_name(embeddings: Any) -> str:
    for attribute in ("model_name", "model"):
        value = getattr(embeddings, attribute, None)
        if isinstance(value, str) and value:
            return value
    return type(embeddings).__name__


def _not_found(location: str) -> KnowledgeBaseNotFound:
    return KnowledgeBaseNotFound(f"No knowledge base at {location}: run `switchboard ingest` first")
