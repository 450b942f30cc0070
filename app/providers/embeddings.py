"""Embedding models from spec strings: `local:all-MiniLM-L6-v2`, `ollama:<model>`, `openai:<model>`, `chroma:default`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from app.errors import ConfigError
from app.providers.chat import split_spec
from app.providers.local_encoder import LOCAL_ENCODER_NAME, encode

if TYPE_CHECKING:  # pragma: no cover
    from app.config import Settings

EMBEDDING_PROVIDERS = ("local", "ollama", "openai", "chroma")


class LocalEmbeddings(Embeddings):
    """The packaged all-MiniLM-L6-v2, in process, offline."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return encode([text])[0].tolist()


class ChromaDefaultEmbeddings(Embeddings):
    """Chroma's own default embedding function (needs its ONNX model in Chroma's cache)."""

    def __init__(self) -> None:
        from chromadb.utils.embedding_functions import DefaultEmbeddingFunction

        self._fn = DefaultEmbeddingFunction()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in self._fn(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def make_embeddings(spec: str, settings: "Settings") -> Embeddings:
    """Build the embedding model a spec names."""
    provider, model = split_spec(spec, EMBEDDING_PROVIDERS, "embeddings")
    match provider:
        case "local":
            if model != LOCAL_ENCODER_NAME:
                raise ConfigError(f"embeddings: the only packaged local model is '{LOCAL_ENCODER_NAME}', not '{model}'")
            return LocalEmbeddings()
        case "ollama":
            from langchain_ollama import OllamaEmbeddings

            return OllamaEmbeddings(model=model, base_url=settings.ollama_host)
        case "openai":
            from langchain_openai import OpenAIEmbeddings

            key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
            return OpenAIEmbeddings(model=model, api_key=key, base_url=settings.openai_base_url)
        case "chroma":
            return ChromaDefaultEmbeddings()
    raise AssertionError(provider)
