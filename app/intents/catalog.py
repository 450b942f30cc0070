"""The intent catalog: `knowledge/intents.yaml` (plus the example CSV files it names), validated on load."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from app.errors import ConfigError
from app.yaml_files import read_yaml_mapping

Tier = Literal["routine", "complex", "sensitive"]


class Intent(BaseModel):
    """One thing a customer can want, with the route tier it implies and its training examples."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Stable snake_case id.")
    description: str = Field(min_length=1, description="One line, shown to the SLM fallback.")
    tier: Tier = Field(description="routine -> SLM, complex -> LLM, sensitive -> human handoff.")
    documents: list[str] = Field(default_factory=list, description="Policy document ids it maps to.")
    examples: list[str] = Field(default_factory=list, description="Training utterances.")


class ExampleFile(BaseModel):
    """A CSV of extra training examples (e.g. the Bitext sample), relative to the YAML file."""

    path: str
    text_column: str = "text"
    intent_column: str = "intent"


class IntentCatalog(BaseModel):
    """All intents of one deployment; `fingerprint` changes whenever intents or examples change."""

    version: int = 1
    intents: list[Intent]
    out_of_scope_examples: list[str] = Field(
        default_factory=list, description="Messages to decline; they calibrate the out-of-scope threshold."
    )
    out_of_scope_recall: float = Field(
        default=0.8, gt=0.0, lt=1.0,
        description="Share of the out-of-scope examples the classifier's threshold must decline (lower = fewer "
        "in-scope messages declined; the off-topic rail catches what is not about the shop).",
    )
    fingerprint: str = ""

    @field_validator("intents")
    @classmethod
    def _unique_names(cls, intents: list[Intent]) -> list[Intent]:
        seen: set[str] = set()
        for intent in intents:
            if intent.name in seen:
                raise ValueError(f"duplicate intent name {intent.name!r}")
            seen.add(intent.name)
        return intents

    @model_validator(mode="after")
    def _every_intent_has_examples(self) -> "IntentCatalog":
        empty = [i.name for i in self.intents if len(i.examples) < 2]
        if empty:
            raise ValueError(f"intents with fewer than 2 examples: {', '.join(empty)}")
        return self

    @property
    def names(self) -> list[str]:
        return [i.name for i in self.intents]

    def get(self, name: str) -> Intent:
        for intent in self.intents:
            if intent.name == name:
                return intent
        raise KeyError(name)

    def training_pairs(self) -> tuple[list[str], list[str]]:
        """(texts, labels) over every example of every intent."""
        texts, labels = [], []
        for intent in self.intents:
            for example in intent.examples:
                texts.append(example)
                labels.append(intent.name)
        return texts, labels


def _fingerprint(catalog: IntentCatalog) -> str:
    digest = hashlib.sha256()
    for intent in catalog.intents:
        digest.update(intent.model_dump_json().encode("utf-8"))
    for text in catalog.out_of_scope_examples:
        digest.update(text.encode("utf-8"))
    digest.update(f"oos_recall={catalog.out_of_scope_recall}".encode())
    return digest.hexdigest()[:16]


def _read_example_file(yaml_path: Path, spec: ExampleFile, names: set[str]) -> dict[str, list[str]]:
    path = (yaml_path.parent / spec.path).resolve()
    if not path.is_file():
        raise ConfigError(f"{yaml_path}: example_files.path {spec.path!r} does not exist ({path})")
    out: dict[str, list[str]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for column in (spec.text_column, spec.intent_column):
            if column not in (reader.fieldnames or []):
                raise ConfigError(f"{path}: missing column {column!r} (named in {yaml_path} example_files)")
        for line, row in enumerate(reader, start=2):
            intent = row[spec.intent_column].strip()
            if intent not in names:
                raise ConfigError(f"{path}:{line}: intent {intent!r} is not declared in {yaml_path}")
            text = row[spec.text_column].strip()
            if text:
                out.setdefault(intent, []).append(text)
    return out


def load_intent_catalog(path: Path) -> IntentCatalog:
    """Read and validate the intent YAML; raise ConfigError naming the file and field on any problem."""
    path = Path(path)
    raw = read_yaml_mapping(path, "intent catalog")
    if not isinstance(raw.get("intents"), list):
        raise ConfigError(f"{path}: expected a mapping with an 'intents' list")
    try:
        files = [ExampleFile.model_validate(f) for f in raw.get("example_files") or []]
    except ValidationError as exc:
        raise ConfigError(f"{path}: example_files: {_first_error(exc)}") from exc
    names = {i.get("name") for i in raw["intents"] if isinstance(i, dict)}
    extra: dict[str, list[str]] = {}
    for spec in files:
        for intent, texts in _read_example_file(path, spec, names).items():
            extra.setdefault(intent, []).extend(texts)
    intents_raw = []
    for item in raw["intents"]:
        if isinstance(item, dict) and item.get("name") in extra:
            item = {**item, "examples": list(item.get("examples") or []) + extra[item["name"]]}
        intents_raw.append(item)
    try:
        catalog = IntentCatalog.model_validate(
            {
                "version": raw.get("version", 1),
                "intents": intents_raw,
                "out_of_scope_examples": raw.get("out_of_scope_examples") or [],
                **({"out_of_scope_recall": raw["out_of_scope_recall"]} if "out_of_scope_recall" in raw else {}),
            }
        )
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_first_error(exc, intents_raw)}") from exc
    catalog.fingerprint = _fingerprint(catalog)
    return catalog


def _first_error(exc: ValidationError, raw_intents: list | None = None) -> str:
    """'field intents[cancel_order].tier: Input should be ...' — names the intent, not just its index."""
    err = exc.errors()[0]
    loc = list(err["loc"])
    if raw_intents is not None and len(loc) >= 2 and loc[0] == "intents" and isinstance(loc[1], int):
        item = raw_intents[loc[1]] if loc[1] < len(raw_intents) else None
        name = item.get("name") if isinstance(item, dict) else None
        loc = [f"intents[{name or loc[1]}]"] + loc[2:]
    where = ".".join(str(p) for p in loc) or "(root)"
    return f"field {where}: {err['msg']}"
