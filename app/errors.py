"""Named errors with a way out: each message says what went wrong and what to do next."""

from __future__ import annotations


class SwitchboardError(Exception):
    """Base class; the CLI prints the message on one line and exits with `exit_code`."""

    exit_code = 1


class UsageError(SwitchboardError):
    """The caller asked for something invalid (empty message, unknown option…)."""

    exit_code = 2


class ConfigError(UsageError):
    """A setting or a policy file is invalid; the message names the setting or file and field."""


class KnowledgeBaseNotFound(UsageError):
    """No ingested knowledge base at the configured path."""


class ProviderUnavailable(SwitchboardError):
    """A model server does not answer, or does not have the requested model."""


class StoreCorrupt(SwitchboardError):
    """A file-backed store (checkpoints, audit trail, Chroma) cannot be read; the message names the file and the way out."""

    exit_code = 2


class ConversationBusy(SwitchboardError):
    """Another turn of the same conversation is still running (one turn at a time per conversation)."""

    exit_code = 2


class ClassifierNotTrained(UsageError):
    """The intent classifier is missing or older than `knowledge/intents.yaml`; `switchboard ingest` trains it."""
