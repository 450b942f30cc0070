"""Policy documents: Markdown files with YAML front matter under knowledge/policies/.

`load_policies(dir)` reads and validates every `*.md` file; any problem is a `ConfigError` that names the
file and the field, so a policy author can fix it without reading a stack trace.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StrictStr, ValidationError, field_validator

from app.errors import ConfigError, KnowledgeBaseNotFound

DocStatus = Literal["approved", "draft", "retired"]

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


class FrontMatter(BaseModel):
    """The YAML block at the top of a policy file; unknown keys are rejected to catch typos."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Stable slug, unique across the knowledge base, e.g. 'account-password'.")
    title: str = Field(min_length=1, description="Human title; also the first part of every chunk's heading path.")
    intents: list[str] = Field(description="Intent names this document answers (may be empty for drafts).")
    version: StrictStr = Field(min_length=1, description="Document version, quoted in YAML, e.g. \"1.3\".")
    effective_date: date = Field(description="Date from which the policy applies (YYYY-MM-DD).")
    status: DocStatus = Field(description="Only 'approved' documents are ever retrievable.")
    owner: str = Field(min_length=1, description="Team accountable for the policy.")

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError("must be a lowercase slug such as 'account-password'")
        return value


class PolicyDocument(FrontMatter):
    """One policy document: validated front matter plus its Markdown body."""

    body: str = Field(description="Markdown after the front matter.")
    path: Path = Field(description="Where the document was loaded from.")
    _raw: bytes | None = PrivateAttr(default=None)

    @property
    def content_hash(self) -> str:
        """sha256 of the raw file bytes (of the fields, for documents built in code)."""
        if self._raw is not None:
            return hashlib.sha256(self._raw).hexdigest()
        payload = self.model_dump(mode="json", exclude={"path"})
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    @property
    def is_approved(self) -> bool:
        """True when the document may be ingested and retrieved."""
        return self.status == "approved"

    @classmethod
    def parse(cls, raw: bytes, path: Path, display: str | None = None) -> PolicyDocument:
        """Parse one file's bytes; errors name `display` (defaults to `path`) and the field."""
        where = display or str(path)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{where}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
        match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
        if not match:
            raise ConfigError(f"{where}: missing YAML front matter (the file must start with a '---' line)")
        try:
            meta = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            raise ConfigError(f"{where}: front matter is not valid YAML: {_one_line(exc)}") from None
        if not isinstance(meta, dict):
            raise ConfigError(f"{where}: front matter must be a mapping of fields")
        try:
            FrontMatter.model_validate(meta)
        except ValidationError as exc:
            raise ConfigError(f"{where}: {_describe(exc)}") from None
        body = text.lstrip("\ufeff")[match.end():].strip()
        if not body:
            raise ConfigError(f"{where}: the document has no body after the front matter")
        doc = cls(**meta, body=body, path=path)
        doc._raw = raw
        return doc


def load_policies(policies_dir: Path, known_intents: Collection[str] | None = None) -> list[PolicyDocument]:
    """Load and validate every `*.md` file in `policies_dir`, sorted by file name.

    Raises `KnowledgeBaseNotFound` when the directory does not exist, and `ConfigError` for an invalid
    file, an unknown intent (when `known_intents` is given), duplicate ids, or a directory with no documents.
    """
    policies_dir = Path(policies_dir)
    if not policies_dir.is_dir():
        raise KnowledgeBaseNotFound(f"No policy directory at {policies_dir}: check the knowledge path setting")
    docs: list[PolicyDocument] = []
    seen: dict[str, str] = {}
    for path in sorted(policies_dir.glob("*.md")):
        where = _display(path, policies_dir)
        doc = PolicyDocument.parse(path.read_bytes(), path=path, display=where)
        if known_intents is not None:
            unknown = [name for name in doc.intents if name not in known_intents]
            if unknown:
                raise ConfigError(f"{where}: field 'intents' has unknown intent(s): {', '.join(unknown)}")
        if doc.id in seen:
            raise ConfigError(f"duplicate document id '{doc.id}' in {seen[doc.id]} and {where}")
        seen[doc.id] = where
        docs.append(doc)
    if not docs:
        raise ConfigError(f"{policies_dir}: no policy documents (*.md) found")
    return docs


def _display(path: Path, policies_dir: Path) -> str:
    """A short path for messages, e.g. 'knowledge/policies/x.md'."""
    base = policies_dir.resolve().parent.parent
    try:
        return str(path.resolve().relative_to(base))
    except ValueError:
        return str(path)


def _describe(exc: ValidationError) -> str:
    """Turn pydantic's first error into "field 'x' is required" style text."""
    parts = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "front matter"
        if err["type"] == "missing":
            parts.append(f"field '{field}' is required")
        elif err["type"] == "extra_forbidden":
            parts.append(f"field '{field}' is not a known field")
        elif field == "version" and err["type"] == "string_type":
            parts.append(f"field 'version' must be a quoted string such as \"1.3\" (got {err['input']!r})")
        else:
            parts.append(f"field '{field}' {err['msg'][0].lower()}{err['msg'][1:]} (got {err['input']!r})")
    return "; ".join(parts)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
