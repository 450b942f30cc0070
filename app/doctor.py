"""`switchboard doctor`: the state of every provider, model and path, and how to fix what is missing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import httpx

from app.config import default_config_file, load_settings
from app.errors import SwitchboardError

Status = Literal["ok", "warn", "missing", "error"]


@dataclass
class Check:
    component: str
    status: Status
    detail: str
    fix: str = ""


def run_checks() -> list[Check]:
    """Every check, in the order a message needs them. Never raises."""
    try:
        settings = load_settings()
    except SwitchboardError as exc:
        return [Check("configuration", "error", str(exc), "fix the named setting")]
    checks = [_config(settings), _knowledge_files(settings), _store(settings), _classifier(settings)]
    checks += [_slm(settings), _llm(settings), _embedded_model(), _storage(settings)]
    return checks


def _config(settings) -> Check:
    path = default_config_file()
    detail = f"{path}" if path.is_file() else f"defaults + environment (no {path})"
    return Check("configuration", "ok", detail)


def _knowledge_files(settings) -> Check:
    from app.knowledge.documents import load_policies

    try:
        docs = load_policies(settings.policies_dir)
    except SwitchboardError as exc:
        return Check("policies", "error", str(exc), "fix the named file and field")
    approved = sum(d.status == "approved" for d in docs)
    missing = [n for n in ("intents.yaml", "guardrails.yaml", "pricing.yaml") if not (settings.knowledge_dir / n).is_file()]
    status: Status = "missing" if missing else "ok"
    return Check("knowledge files", status, f"{settings.knowledge_dir}: {len(docs)} policies ({approved} approved)"
                 + (f"; missing {', '.join(missing)}" if missing else ""), "restore the files from the repository" if missing else "")


def _store(settings) -> Check:
    from app.knowledge.ingest import open_store

    where = settings.chroma_url or str(settings.chroma_path)
    try:
        store = open_store(settings)
    except SwitchboardError as exc:
        return Check("knowledge base (Chroma)", "missing", str(exc).split(":")[0] + f" ({where})", "run `switchboard ingest`")
    docs = store.documents()
    return Check("knowledge base (Chroma)", "ok", f"{where}: {len(docs)} documents, {store.count()} chunks, embeddings {settings.embeddings}")


def _classifier(settings) -> Check:
    path = settings.intent_model_dir
    if not path.exists() or not any(path.iterdir()):
        return Check("intent classifier", "missing", f"no artifact in {path}", "run `switchboard ingest` (or `switchboard intents train`)")
    return Check("intent classifier", "ok", str(path))


def _slm(settings) -> Check:
    from app.providers.resolve import EMBEDDED_SLM, probe_ollama, resolve_slm

    status = probe_ollama(settings.ollama_host)
    seen = f"Ollama {settings.ollama_host}: " + (
        f"v{status.version}, models {', '.join(status.models) or 'none'}" if status.reachable else f"not reachable ({status.error})")
    spec = resolve_slm(settings)
    if settings.slm == "auto" and spec == EMBEDDED_SLM:
        fix = f"start Ollama and `ollama pull {settings.ollama_model}` to use it" if not status.reachable or not status.has(settings.ollama_model) else ""
        return Check("SLM", "ok", f"auto → {spec} (embedded). {seen}", fix)
    if spec.startswith("ollama:") and not (status.reachable and status.has(spec.split(":", 1)[1])):
        return Check("SLM", "error", f"{spec}. {seen}", f"start Ollama at {settings.ollama_host} and pull the model, or set SWITCHBOARD_SLM=auto")
    return Check("SLM", "ok", f"{spec}. {seen}")


def _llm(settings) -> Check:
    from app.providers.resolve import resolve_llm

    spec = resolve_llm(settings)
    if spec == "none":
        return Check("LLM", "warn", "none configured: complex messages go to a human",
                     "set OPENAI_API_KEY (and OPENAI_BASE_URL for vLLM, llama.cpp server, Ollama /v1, Azure)")
    if not spec.startswith("openai:"):
        return Check("LLM", "ok", spec)
    base = (settings.openai_base_url or "https://api.openai.com/v1").rstrip("/")
    headers = {"Authorization": f"Bearer {settings.openai_api_key.get_secret_value()}"} if settings.openai_api_key else {}
    try:
        response = httpx.get(f"{base}/models", headers=headers, timeout=3)
        models = [m.get("id") for m in response.json().get("data", [])] if response.status_code == 200 else []
    except (httpx.HTTPError, ValueError) as exc:
        return Check("LLM", "error", f"{spec} at {base}: not reachable ({type(exc).__name__})", "check OPENAI_BASE_URL and the network")
    if response.status_code != 200:
        return Check("LLM", "error", f"{spec} at {base}: HTTP {response.status_code}", "check OPENAI_API_KEY")
    model = spec.split(":", 1)[1]
    if models and model not in models:
        return Check("LLM", "warn", f"{spec} at {base}: server lists {', '.join(models[:5])}", "set SWITCHBOARD_OPENAI_MODEL")
    return Check("LLM", "ok", f"{spec} at {base}")


def _embedded_model() -> Check:
    try:
        from app.providers.llamacpp import resolve_gguf

        return Check("embedded model files", "ok", f"gemma3-270m: {resolve_gguf('gemma3-270m')}; all-MiniLM-L6-v2 packaged")
    except Exception as exc:  # a broken install
        return Check("embedded model files", "error", f"{type(exc).__name__}: {exc}", "pip install -e . again")


def _storage(settings) -> Check:
    backend = "Postgres (DATABASE_URL)" if settings.database_url else f"SQLite {settings.checkpoint_path}, {settings.audit_path}"
    return Check("checkpoints & audit", "ok", backend)
