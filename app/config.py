"""Settings: environment variables, an optional YAML file, and defaults that work offline.

Precedence (highest first): explicit arguments, environment (`SWITCHBOARD_*`, plus the ecosystem's own
`OLLAMA_HOST`, `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `DATABASE_URL`), the YAML file named by
`SWITCHBOARD_CONFIG` (default `~/.config/switchboard/config.yaml` when it exists), then defaults.
A file named by `SWITCHBOARD_CONFIG` must exist; only the default location may be absent.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, YamlConfigSettingsSource

from app.errors import ConfigError
from app.routing import RoutingThresholds
from app.yaml_files import describe_yaml_error

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "switchboard"


def default_config_file() -> Path:
    """Where the YAML config is read from (and where `calibrate` writes thresholds)."""
    explicit = os.environ.get("SWITCHBOARD_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "switchboard" / "config.yaml"


def config_file_to_read() -> Path | None:
    """The YAML config to read, or None when the default one is absent.

    A file named by `SWITCHBOARD_CONFIG` that is missing, or a folder in either place, is a `ConfigError`:
    silently ignoring it would drop calibrated thresholds on a typo.
    """
    path = default_config_file()
    explicit = bool(os.environ.get("SWITCHBOARD_CONFIG"))
    if path.is_file():
        return path
    if not explicit and not path.exists():
        return None
    what = "a folder" if path.is_dir() else "missing" if not path.exists() else "not a regular file"
    named = f"SWITCHBOARD_CONFIG names {path}" if explicit else f"the config file {path}"
    way_out = ("fix the path, create the file (an empty one is fine) or unset SWITCHBOARD_CONFIG" if explicit
               else "replace it with a YAML file or remove it")
    raise ConfigError(f"{named}, which is {what}: {way_out}")


class _YamlFile(YamlConfigSettingsSource):
    """pydantic-settings' YAML source with a one-line error naming the file, line and column."""

    def _read_file(self, file_path: Path) -> dict[str, Any]:
        try:
            return super()._read_file(file_path)
        except yaml.YAMLError as exc:
            raise ConfigError(describe_yaml_error(file_path, exc)) from None
        except OSError as exc:
            raise ConfigError(f"cannot read config file {file_path}: {exc.strerror or exc}") from None


def _env(name: str, *ecosystem: str) -> AliasChoices:
    """Accept `SWITCHBOARD_<NAME>` and, where one exists, the ecosystem's own variable."""
    return AliasChoices(f"SWITCHBOARD_{name.upper()}", *ecosystem)


class Settings(BaseSettings):
    """Every knob of Switchboard. Each has an offline default."""

    model_config = SettingsConfigDict(extra="forbid", populate_by_name=True, validate_default=True)

    # models
    slm: str = Field(
        default="auto",
        validation_alias=_env("slm"),
        description="Small model spec: auto | ollama:<model> | openai:<model> | llamacpp:<gguf path or 'gemma3-270m'>.",
    )
    llm: str = Field(
        default="auto",
        validation_alias=_env("llm"),
        description="Large model spec: auto | none | openai:<model> | ollama:<model> | llamacpp:<…>.",
    )
    embeddings: str = Field(
        default="local:all-MiniLM-L6-v2",
        validation_alias=_env("embeddings"),
        description="Embedding spec: local:all-MiniLM-L6-v2 | ollama:<model> | openai:<model> | chroma:default.",
    )
    ollama_host: str = Field(
        default="http://127.0.0.1:11434",
        validation_alias=_env("ollama_host", "OLLAMA_HOST"),
        description="Ollama server URL.",
    )
    ollama_model: str = Field(
        default="qwen2.5:1.5b", validation_alias=_env("ollama_model"), description="Model `auto` asks Ollama for."
    )
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=_env("openai_api_key", "OPENAI_API_KEY"), description="Key for OpenAI-compatible servers."
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=_env("openai_base_url", "OPENAI_BASE_URL"),
        description="OpenAI-compatible base URL (vLLM, llama.cpp server, Ollama /v1, Azure…).",
    )
    openai_model: str = Field(
        default="gpt-4o-mini", validation_alias=_env("openai_model"), description="Model `auto` uses for the LLM desk."
    )
    model_timeout_s: float = Field(
        default=20.0, gt=0, validation_alias=_env("model_timeout_s"),
        description="Longest wait for one model-server call, retries included (there are none: the other desk is the retry).",
    )
    turn_timeout_s: float = Field(
        default=30.0, gt=0, validation_alias=_env("turn_timeout_s"),
        description="Deadline of one turn: no model call starts after it, and a call never waits past it.",
    )
    max_answer_tokens: int = Field(
        default=160, ge=16, le=4096, validation_alias=_env("max_answer_tokens"), description="Answer length cap."
    )

    # knowledge and storage
    knowledge_dir: Path = Field(
        default=SHIPPED_KNOWLEDGE_DIR,
        validation_alias=_env("knowledge_dir"),
        description="Folder with policies/*.md, intents.yaml, guardrails.yaml, pricing.yaml.",
    )
    data_dir: Path = Field(
        default_factory=_default_data_dir,
        validation_alias=_env("data_dir"),
        description="Where the Chroma store, checkpoints, audit log and trained classifier live.",
    )
    chroma_url: str | None = Field(
        default=None, validation_alias=_env("chroma_url"), description="Chroma server URL; unset = embedded store."
    )
    collection: str = Field(default="policies", validation_alias=_env("collection"), description="Chroma collection.")
    retrieval_k: int = Field(default=3, ge=1, le=20, validation_alias=_env("retrieval_k"), description="Chunks per query.")
    database_url: SecretStr | None = Field(
        default=None,
        validation_alias=_env("database_url", "DATABASE_URL"),
        description="Postgres URL for checkpoints and audit; unset = SQLite files in data_dir.",
    )
    checkpoint_durability: Literal["sync", "async", "exit"] = Field(
        default="exit",
        validation_alias=_env("checkpoint_durability"),
        description="When LangGraph writes a turn's checkpoints: exit (once, when the turn ends, fails or waits for a "
        "human; a process killed mid-turn loses only that unanswered turn), async (after every step, while the next "
        "runs) or sync (after every step, before the next).",
    )
    max_message_chars: int = Field(
        default=4000, ge=1, validation_alias=_env("max_message_chars"), description="Longer customer messages are rejected."
    )

    # routing
    routing: RoutingThresholds = Field(default_factory=RoutingThresholds, description="Routing thresholds.")

    @field_validator("slm", "llm", "embeddings")
    @classmethod
    def _spec_has_prefix(cls, value: str) -> str:
        value = value.strip()
        if value in {"auto", "none"} or ":" in value:
            return value
        raise ValueError(f"'{value}' is not a provider spec; expected 'auto', 'none' or '<provider>:<model>'")

    @field_validator("ollama_host")
    @classmethod
    def _host_has_scheme(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if "://" not in value:
            value = f"http://{value}"
        return value

    @property
    def chroma_path(self) -> Path:
        """Embedded Chroma directory."""
        return self.data_dir / "chroma"

    @property
    def checkpoint_path(self) -> Path:
        """SQLite file for conversation checkpoints."""
        return self.data_dir / "checkpoints.sqlite"

    @property
    def audit_path(self) -> Path:
        """SQLite file for the audit trail."""
        return self.data_dir / "audit.sqlite"

    @property
    def database_dsn(self) -> str | None:
        """The Postgres URL as plain text for a client, or None for the SQLite defaults."""
        return self.database_url.get_secret_value() if self.database_url else None

    @property
    def intent_model_dir(self) -> Path:
        """Where the trained intent classifier is written and loaded from."""
        return self.data_dir / "intent-classifier"

    @property
    def policies_dir(self) -> Path:
        return self.knowledge_dir / "policies"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = config_file_to_read()
        if config_file is not None:
            sources.append(_YamlFile(settings_cls, yaml_file=config_file))
        return tuple(sources)


def load_settings(**overrides: Any) -> Settings:
    """Build the settings, turning validation errors into one `ConfigError` naming each bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "?"
            problems.append(f"{field}: {err['msg']}")
        where = default_config_file()
        hint = f" (environment or {where})" if where.is_file() else " (environment)"
        raise ConfigError(f"invalid setting{hint}: " + "; ".join(problems)) from None
    except ConfigError:
        raise
    except Exception as exc:  # anything else the YAML source trips on
        detail = " ".join(str(exc).split())
        raise ConfigError(f"cannot read config file {default_config_file()}: {detail}") from None
