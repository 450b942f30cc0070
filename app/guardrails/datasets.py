"""Readers for the data the rails are trained and measured on, in the formats they are shipped in.

- injection rows: JSONL `{"text", "label"}` (1 = attack)
- benign customer messages: JSONL `{"text"}`, CLINC150 JSON (`train`/`val`/`oos_*` lists of [text, label]),
  BANKING77 CSV (`text,category`) or Bitext CSV (`utterance` column)
- PII: the presidio-research synthetic JSON (`full_text` + `spans`)
- grounding: JSONL `{"context", "answer", "label"}` (1 = supported)
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from app.errors import UsageError


def _need(path: Path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"data file not found: {path}")
    return path


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a JSONL file; a malformed line raises UsageError naming file and line."""
    rows = []
    with _need(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise UsageError(f"{path}:{n}: not valid JSON ({exc.msg})") from exc
    return rows


def read_labelled(path: Path) -> tuple[list[str], list[int]]:
    """Texts and 0/1 labels from a JSONL file of `{"text", "label"}` rows."""
    rows = read_jsonl(path)
    try:
        return [str(r["text"]) for r in rows], [int(r["label"]) for r in rows]
    except (KeyError, ValueError, TypeError) as exc:
        raise UsageError(f"{path}: every row needs 'text' and an integer 'label' ({exc})") from exc


def read_benign(path: Path) -> list[str]:
    """Customer messages from a JSONL, CLINC150 JSON, BANKING77 CSV or Bitext CSV file, as shipped."""
    path = _need(path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return [str(r["text"]) for r in read_jsonl(path)]
    if suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return [str(pair[0]) for split in data.values() if isinstance(split, list) for pair in split]
        if isinstance(data, list):
            return [str(r["text"] if isinstance(r, dict) else r[0]) for r in data]
        raise UsageError(f"{path}: expected a CLINC150-style object of splits or a list")
    if suffix in {".csv", ".tsv"}:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh, delimiter="\t" if suffix == ".tsv" else ",")
            fields = reader.fieldnames or []
            col = next((c for c in ("utterance", "text", "instruction") if c in fields), None)
            if col is None:
                raise UsageError(f"{path}: no 'utterance', 'text' or 'instruction' column (have {fields})")
            return [row[col] for row in reader if row.get(col)]
    raise UsageError(f"{path}: unsupported benign file type {suffix!r} (use .jsonl, .json or .csv)")


def read_pii(path: Path) -> list[dict]:
    """Rows `{full_text, spans:[{entity_type, start_position, end_position}]}` of the presidio synthetic set."""
    path = _need(path)
    if path.suffix.lower() == ".jsonl":
        return read_jsonl(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise UsageError(f"{path}: expected a JSON list of rows with 'full_text' and 'spans'")
    return data


def read_grounding(path: Path) -> list[dict]:
    """Rows `{"context", "answer", "label"}` (1 = supported by the context)."""
    rows = read_jsonl(path)
    for n, r in enumerate(rows, 1):
        if not {"context", "answer", "label"} <= r.keys():
            raise UsageError(f"{path}: row {n} needs 'context', 'answer' and 'label'")
    return rows
