"""`switchboard doctor`: the state of every provider, model and path, and how to fix what is missing.

Each check does the real thing `ask` would do (parse the spec, open the file, load the artifact), so a
check never says ok when `ask` would fail. A check that trips on something unexpected reports it as an
error instead of crashing the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import httpx

from app.checkpoints import sqlite_problem
from app.config import Settings, config_file_to_read, load_settings
from app.errors import ConfigError, KnowledgeBaseNotFound, StoreCorrupt, SwitchboardError

Status = Literal["ok", "warn", "missing", "error"]
REBUILD = "run `switchboard ingest --rebuild` (it moves the damaged folder aside and builds a new one)"
RETRAIN = "run `switchboard intents train`"


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
        return [Check("configuration", "error", str(exc), "fix the named setting or file")]
    steps: list[tuple[str, Callable[[Settings], Check]]] = [
        ("configuration", _config), ("knowledge files", _knowledge_files), ("embeddings", _embeddings),
        ("knowledge base (Chroma)", _store), ("intent classifier", _classifier), ("SLM", _slm), ("LLM", _llm),
        ("embedded model files", _embedded_model), ("checkpoints", _checkpoints), ("audit trail", _audit),
        ("audit spool", _audit_spool),
    ]
    return [_guarded(component, step, settings) for component, step in steps]


def _guarded(component: str, step: Callable[[Settings], Check], settings: Settings) -> Check:
    try:
        return step(settings)
    except Exception as exc:  # one broken check must not hide the others
        return Check(component, "error", f"check failed: {_one_line(exc)}", "see the detail; report it if unclear")


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())


# --- configuration and knowledge files ---------------------------------------------------------------
def _config(settings: Settings) -> Check:
    path = config_file_to_read()
    return Check("configuration", "ok", str(path) if path else "defaults + environment (no config file)")


def _knowledge_files(settings: Settings) -> Check:
    from app.audit.pricing import load_pricing
    from app.guardrails.policy import load_guardrail_policy
    from app.intents.catalog import load_intent_catalog
    from app.knowledge.documents import load_policies

    try:
        docs = load_policies(settings.policies_dir)
    except SwitchboardError as exc:
        return Check("knowledge files", "error", str(exc), "fix the named file and field")
    loaders = {"intents.yaml": load_intent_catalog, "guardrails.yaml": load_guardrail_policy, "pricing.yaml": load_pricing}
    missing = [name for name in loaders if not (settings.knowledge_dir / name).is_file()]
    if missing:
        return Check("knowledge files", "missing", f"{settings.knowledge_dir}: missing {', '.join(missing)}",
                     "restore the files from the repository")
    for name, load in loaders.items():
        try:
            load(settings.knowledge_dir / name)
        except SwitchboardError as exc:
            return Check("knowledge files", "error", str(exc), "fix the named file and field")
    approved = sum(d.status == "approved" for d in docs)
    return Check("knowledge files", "ok", f"{settings.knowledge_dir}: {len(docs)} policies ({approved} approved)")


# --- knowledge base ----------------------------------------------------------------------------------
def _embeddings(settings: Settings) -> Check:
    if problem := _embeddings_problem(settings):
        return Check("embeddings", "error", f"SWITCHBOARD_EMBEDDINGS='{settings.embeddings}' is not valid: {problem}",
                     f"set SWITCHBOARD_EMBEDDINGS to one of {_valid_embeddings()}")
    return Check("embeddings", "ok", settings.embeddings)


def _embeddings_problem(settings: Settings) -> str | None:
    from app.providers.embeddings import make_embeddings

    try:
        make_embeddings(settings.embeddings, settings)
    except ConfigError as exc:
        return str(exc).removeprefix("embeddings: ")
    return None


def _valid_embeddings() -> str:
    from app.providers.embeddings import EMBEDDING_PROVIDERS
    from app.providers.local_encoder import LOCAL_ENCODER_NAME

    models = {"local": f"{LOCAL_ENCODER_NAME} (the default)", "chroma": "default"}
    return ", ".join(f"{provider}:{models.get(provider, '<model>')}" for provider in EMBEDDING_PROVIDERS)


def _store(settings: Settings) -> Check:
    from app.knowledge.ingest import open_store

    name = "knowledge base (Chroma)"
    where = settings.chroma_url or str(settings.chroma_path)
    chroma_file = settings.chroma_path / "chroma.sqlite3"
    if _embeddings_problem(settings):
        return Check(name, "error", "not opened: SWITCHBOARD_EMBEDDINGS is not valid (see embeddings)",
                     "fix SWITCHBOARD_EMBEDDINGS first")
    if not settings.chroma_url and chroma_file.is_file() and (problem := sqlite_problem(chroma_file)):
        return Check(name, "error", f"{chroma_file} is damaged ({problem})", REBUILD)
    try:
        store = open_store(settings)
        docs, chunks = store.documents(), store.count()
    except KnowledgeBaseNotFound as exc:
        return Check(name, "missing", str(exc).split(":")[0] + f" ({where})", "run `switchboard ingest`")
    except StoreCorrupt as exc:
        return Check(name, "error", str(exc), REBUILD)
    except ConfigError as exc:  # built with another embedding model, or a bad Chroma URL
        fix = "run `switchboard ingest --rebuild`" if "--rebuild" in str(exc) else "fix the setting it names"
        return Check(name, "error", str(exc), fix)
    except SwitchboardError as exc:  # a Chroma server that does not answer
        return Check(name, "error", str(exc), "start the Chroma server or unset SWITCHBOARD_CHROMA_URL")
    return Check(name, "ok", f"{where}: {len(docs)} documents, {chunks} chunks, embeddings {settings.embeddings}")


# --- intent classifier -------------------------------------------------------------------------------
def _classifier(settings: Settings) -> Check:
    from app.errors import ClassifierNotTrained
    from app.intents.catalog import load_intent_catalog
    from app.intents.training import artifact_fingerprint, load_current

    catalog_path = settings.knowledge_dir / "intents.yaml"
    try:
        classifier = load_current(catalog_path, settings.intent_model_dir)
    except ClassifierNotTrained as exc:
        # `ingest` retrains whenever the fingerprint differs; an intact fingerprint over a damaged model needs a forced train
        stale = artifact_fingerprint(settings.intent_model_dir) != load_intent_catalog(catalog_path).fingerprint
        if stale:
            return Check("intent classifier", "missing", str(exc), "run `switchboard ingest` (or `switchboard intents train`)")
        return Check("intent classifier", "error", str(exc), RETRAIN)
    except ConfigError as exc:  # intents.yaml itself is broken
        return Check("intent classifier", "error", str(exc), "fix the named file and field")
    version = classifier.metadata.get("version", "?")
    return Check("intent classifier", "ok", f"{settings.intent_model_dir} ({version}, {len(classifier.intent_names)} intents)")


# --- models ------------------------------------------------------------------------------------------
def spec_problem(spec: str, setting: str) -> tuple[str, str] | None:
    """(what is wrong, how to fix it) when a resolved chat model spec cannot be built, else None."""
    from app.providers.chat import CHAT_PROVIDERS, split_spec
    from app.providers.llamacpp import PACKAGED_MODELS, resolve_gguf

    try:
        provider, model = split_spec(spec, CHAT_PROVIDERS, setting)
    except ConfigError as exc:
        return str(exc), f"set {setting} to auto or one of " + ", ".join(f"{p}:<model>" for p in CHAT_PROVIDERS)
    if provider == "llamacpp":
        try:
            resolve_gguf(model)
        except ConfigError as exc:
            packaged = ", ".join(f"llamacpp:{name}" for name in PACKAGED_MODELS)
            return str(exc), f"point {setting} at an existing .gguf file, or use {packaged}"
    return None


def _slm(settings: Settings) -> Check:
    from app.providers.resolve import EMBEDDED_SLM, probe_ollama, resolve_slm

    status = probe_ollama(settings.ollama_host)
    seen = f"Ollama {settings.ollama_host}: " + (
        f"v{status.version}, models {', '.join(status.models) or 'none'}" if status.reachable else f"not reachable ({status.error})")
    spec = resolve_slm(settings)
    if problem := spec_problem(spec, "SWITCHBOARD_SLM"):
        return Check("SLM", "error", problem[0], problem[1])
    if settings.slm == "auto" and spec == EMBEDDED_SLM:
        fix = f"start Ollama and `ollama pull {settings.ollama_model}` to use it" if not status.reachable or not status.has(settings.ollama_model) else ""
        return Check("SLM", "ok", f"auto → {spec} (embedded). {seen}", fix)
    if spec.startswith("ollama:") and not (status.reachable and status.has(spec.split(":", 1)[1])):
        return Check("SLM", "error", f"{spec}. {seen}", f"start Ollama at {settings.ollama_host} and pull the model, or set SWITCHBOARD_SLM=auto")
    if spec.startswith("openai:"):
        return _openai_server("SLM", spec, settings)
    return Check("SLM", "ok", f"{spec}. {seen}")


def _llm(settings: Settings) -> Check:
    from app.providers.resolve import probe_ollama, resolve_llm

    spec = resolve_llm(settings)
    if spec == "none":
        return Check("LLM", "warn", "none configured: complex messages go to a human",
                     "set OPENAI_API_KEY (and OPENAI_BASE_URL for vLLM, llama.cpp server, Ollama /v1, Azure)")
    if problem := spec_problem(spec, "SWITCHBOARD_LLM"):
        return Check("LLM", "error", problem[0], problem[1])
    if spec.startswith("ollama:"):
        status = probe_ollama(settings.ollama_host)
        if not (status.reachable and status.has(spec.split(":", 1)[1])):
            return Check("LLM", "error", f"{spec}: Ollama {settings.ollama_host} " + ("does not have the model" if status.reachable else "is not reachable"),
                         f"start Ollama at {settings.ollama_host} and pull the model")
    if spec.startswith("openai:"):
        return _openai_server("LLM", spec, settings)
    return Check("LLM", "ok", spec)


def _openai_server(desk: str, spec: str, settings: Settings) -> Check:
    base = (settings.openai_base_url or "https://api.openai.com/v1").rstrip("/")
    headers = {"Authorization": f"Bearer {settings.openai_api_key.get_secret_value()}"} if settings.openai_api_key else {}
    try:
        response = httpx.get(f"{base}/models", headers=headers, timeout=3)
        models = [m.get("id") for m in response.json().get("data", [])] if response.status_code == 200 else []
    except (httpx.HTTPError, ValueError) as exc:
        return Check(desk, "error", f"{spec} at {base}: not reachable ({type(exc).__name__})", "check OPENAI_BASE_URL and the network")
    if response.status_code != 200:
        return Check(desk, "error", f"{spec} at {base}: HTTP {response.status_code}", "check OPENAI_API_KEY")
    model = spec.split(":", 1)[1]
    if models and model not in models:
        return Check(desk, "warn", f"{spec} at {base}: server lists {', '.join(models[:5])}", "set SWITCHBOARD_OPENAI_MODEL")
    return Check(desk, "ok", f"{spec} at {base}")


def _embedded_model(settings: Settings) -> Check:
    try:
        from app.providers.llamacpp import resolve_gguf

        return Check("embedded model files", "ok", f"gemma3-270m: {resolve_gguf('gemma3-270m')}; all-MiniLM-L6-v2 packaged")
    except Exception as exc:  # a broken install
        return Check("embedded model files", "error", _one_line(exc), "pip install -e . again")


# --- conversation stores -----------------------------------------------------------------------------
def _sqlite_store(component: str, path: Path, lost: str) -> Check:
    if not path.exists():
        return Check(component, "ok", f"SQLite {path} (created on first use)")
    if problem := sqlite_problem(path):
        return Check(component, "error", f"{path} is damaged ({problem})",
                     f"restore it from a backup, or move it aside to start an empty one ({lost} in it are lost)")
    return Check(component, "ok", f"SQLite {path}")


def _checkpoints(settings: Settings) -> Check:
    if settings.database_dsn:
        return _postgres("checkpoints", settings.database_dsn)
    return _sqlite_store("checkpoints", settings.checkpoint_path, "conversations")


def _audit(settings: Settings) -> Check:
    if settings.database_dsn:
        return _postgres("audit trail", settings.database_dsn)
    return _sqlite_store("audit trail", settings.audit_path, "audit records")


def _postgres(component: str, dsn: str) -> Check:
    try:
        import psycopg
    except ImportError:
        return Check(component, "error", "DATABASE_URL is set but psycopg is not installed",
                     "pip install 'cx-switchboard[postgres]'")
    try:
        with psycopg.connect(dsn, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return Check(component, "error", f"Postgres (DATABASE_URL): {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                     "check DATABASE_URL and that the server runs")
    return Check(component, "ok", "Postgres (DATABASE_URL)")


def _audit_spool(settings: Settings) -> Check:
    """Audit records that could not be written wait in the spool (`app.audit.durable`)."""
    from app.audit.durable import SPOOL_FILE, spooled_records

    spool = settings.data_dir / SPOOL_FILE
    waiting = len(spooled_records(spool))
    if not waiting:
        return Check("audit spool", "ok", "empty: every audit record reached the store")
    return Check("audit spool", "error", f"{waiting} audit record(s) in {spool} could not be written to the store",
                 "fix the audit trail's store (see above); the next turn writes them")
