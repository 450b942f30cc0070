"""A LangChain retriever over the knowledge store, for code that expects `BaseRetriever` (chains, notebooks).

The graph itself calls `KnowledgeStore.search` directly and gets typed `Chunk`s; this adapter returns
LangChain `Document`s whose metadata carries the same fields (doc_id, title, version, section, score…).
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from app.knowledge.models import Chunk
from app.knowledge.store import KnowledgeStore


class PolicyRetriever(BaseRetriever):
    """Approved policy chunks for a query, best first; `intents` narrows the search when given."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Any = Field(description="The KnowledgeStore to search.")
    k: int = Field(default=4, description="How many chunks to return.")
    intents: list[str] | None = Field(default=None, description="Prefer documents listing these intents.")

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        store: KnowledgeStore = self.store
        return [to_document(chunk) for chunk in store.search(query, k=self.k, intents=self.intents)]


def to_document(chunk: Chunk) -> Document:
    """A LangChain Document for one chunk; `id` is the chunk's content-hash id."""
    metadata = chunk.model_dump(exclude={"id", "text"})
    return Document(id=chunk.id, page_content=chunk.text, metadata=metadata)
