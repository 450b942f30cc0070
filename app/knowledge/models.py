"""Data shapes shared by ingestion, retrieval, the graph and the API."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Citation(BaseModel):
    """A reference to the approved policy section an answer relies on."""

    doc_id: str = Field(description="Policy document id from its front matter, e.g. 'account-password'.")
    title: str = Field(description="Document title.")
    version: str = Field(description="Document version from its front matter.")
    section: str = Field(description="Heading path of the chunk, e.g. 'Resetting your password'.")


class Chunk(BaseModel):
    """One retrieved piece of an approved policy document."""

    id: str = Field(description="Stable content-hash id of the chunk.")
    doc_id: str
    title: str
    version: str
    section: str
    text: str = Field(description="Chunk text (heading path + body).")
    intents: list[str] = Field(default_factory=list, description="Intents the document covers.")
    score: float = Field(default=0.0, description="Similarity in [0, 1]; higher is closer.")

    def citation(self) -> Citation:
        """The citation for this chunk."""
        return Citation(doc_id=self.doc_id, title=self.title, version=self.version, section=self.section)
