"""Reading the policy files under knowledge/: one place for 'not found', 'not YAML' and 'which field'."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from app.errors import ConfigError


def read_yaml_mapping(path: Path, what: str) -> dict:
    """The top-level mapping of a YAML file, or a ConfigError naming the file."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{what} not found: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(describe_yaml_error(path, exc)) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return data


def describe_yaml_error(path: Path | str, exc: yaml.YAMLError) -> str:
    """One line naming the file, the line and column (1-based) and the parser's complaint."""
    mark = getattr(exc, "problem_mark", None)
    where = f"{path}, line {mark.line + 1}, column {mark.column + 1}" if mark is not None else str(path)
    problem = getattr(exc, "problem", None) or " ".join(str(exc).split())
    context = getattr(exc, "context", None)
    return f"{where}: not valid YAML: {problem}" + (f" ({context})" if context else "")


def field_errors(exc: ValidationError) -> str:
    """`field.path: message` for every validation error, joined."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in exc.errors())
