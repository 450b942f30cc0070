"""What the graph needs from the outside world, injected (DESIGN habit 6).

`Deps(settings)` builds the real components lazily on first use, so importing the graph is cheap and a
missing piece (say, an un-ingested knowledge base) surfaces as a named error at call time. Tests pass
their own objects: `Deps(settings, slm=fake, llm=None, retriever=…)`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cached_property
from typing import Any

from langchain_core.language_models import BaseChatModel

from app.config import Settings, load_settings
from app.knowledge.models import Chunk

log = logging.getLogger("switchboard")

Retriever = Callable[[str, int, list[str] | None], list[Chunk]]


class Deps:
    """Models, retriever, classifier, rails and pricing for one graph."""

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self.settings = settings or load_settings()
        unknown = set(overrides) - {
            "slm", "llm", "slm_spec", "llm_spec", "retriever", "classifier", "catalog",
            "input_rails", "output_rails", "off_topic_score", "sentence_encoder", "pricing", "store", "guardrail_policy",
        }
        if unknown:
            raise TypeError(f"unknown Deps overrides: {sorted(unknown)}")
        # cached_property reads the instance dict first, so an override simply pre-fills it.
        self.__dict__.update(overrides)

    # --- models -------------------------------------------------------------------------------
    @cached_property
    def slm_spec(self) -> str:
        from app.providers.resolve import resolve_slm

        return resolve_slm(self.settings)

    @cached_property
    def llm_spec(self) -> str:
        from app.providers.resolve import resolve_llm

        return resolve_llm(self.settings)

    @cached_property
    def slm(self) -> BaseChatModel | None:
        from app.providers.chat import make_chat_model

        model = make_chat_model(self.slm_spec, self.settings, setting="slm")
        if self.settings.slm != "auto" and self.slm_spec.startswith("ollama:"):  # `auto` probed it already
            self._warn_if_ollama_down(self.slm_spec.split(":", 1)[1])
        return model

    def _warn_if_ollama_down(self, model: str) -> None:
        """An explicitly configured Ollama SLM that does not answer is said once, not found out turn by turn."""
        from app.providers.resolve import probe_ollama

        status = probe_ollama(self.settings.ollama_host)
        if not status.reachable:
            log.warning("the SLM %s: Ollama at %s is not reachable (%s); routine messages go to the LLM desk or a "
                        "person until it answers", model, self.settings.ollama_host, status.error)
        elif not status.has(model):
            log.warning("the SLM %s: Ollama at %s does not have it (run `ollama pull %s`); routine messages go to "
                        "the LLM desk or a person", model, self.settings.ollama_host, model)

    @cached_property
    def llm(self) -> BaseChatModel | None:
        """The LLM desk's model, or None when no LLM is configured (the graph then hands off)."""
        if self.llm_spec == "none":
            return None
        from app.providers.chat import make_chat_model

        return make_chat_model(self.llm_spec, self.settings, setting="llm", max_tokens=400)

    # --- knowledge ----------------------------------------------------------------------------
    @cached_property
    def store(self):
        from app.knowledge.ingest import open_store

        return open_store(self.settings)

    @cached_property
    def retriever(self) -> Retriever:
        store = self.store
        return lambda query, k, intents: store.search(query, k=k, intents=intents)

    # --- intents ------------------------------------------------------------------------------
    @cached_property
    def catalog(self):
        from app.intents.catalog import load_intent_catalog

        return load_intent_catalog(self.settings.knowledge_dir / "intents.yaml")

    @cached_property
    def classifier(self):
        """The trained intent classifier; never trained inside a customer's turn (`switchboard ingest` trains it)."""
        from app.intents.training import load_current

        return load_current(self.settings.knowledge_dir / "intents.yaml", self.settings.intent_model_dir)

    # --- guardrails ---------------------------------------------------------------------------
    @cached_property
    def guardrail_policy(self):
        from app.guardrails.policy import load_guardrail_policy

        return load_guardrail_policy(self.settings.knowledge_dir / "guardrails.yaml")

    @cached_property
    def input_rails(self):
        from app.guardrails.input_rails import run_input_rails

        policy = self.guardrail_policy
        return lambda text, english=None: run_input_rails(text, policy, english=english)

    @cached_property
    def sentence_encoder(self):
        """The local sentence encoder (`encode(texts) -> unit vectors`); picks the policy sentences an
        extractive SLM answer may start at."""
        from app.providers.local_encoder import encode

        return encode

    @cached_property
    def off_topic_score(self):
        from app.guardrails.off_topic import score_off_topic

        words = self.guardrail_policy.compiled
        return lambda text: score_off_topic(text, words.shop_words, words.foreign_words).score

    @cached_property
    def output_rails(self):
        from app.guardrails.output_rails import run_output_rails

        policy = self.guardrail_policy
        return lambda answer, chunks, user_text: run_output_rails(answer, chunks, user_text, policy)

    # --- economics ----------------------------------------------------------------------------
    @cached_property
    def pricing(self):
        from app.audit.pricing import load_pricing

        return load_pricing(self.settings.knowledge_dir / "pricing.yaml")
