"""The intent catalog: the shipped YAML loads, tiers are as documented, bad files name file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import ConfigError
from app.intents.catalog import load_intent_catalog

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "knowledge" / "intents.yaml"


def test_shipped_catalog_loads_with_bitext_and_own_examples():
    catalog = load_intent_catalog(SHIPPED)
    assert len(catalog.intents) == 36
    tiers = {i.name: i.tier for i in catalog.intents}
    assert tiers["contact_human_agent"] == "sensitive"
    assert tiers["complaint"] == "complex"
    assert {n for n, t in tiers.items() if t == "sensitive"} >= {
        "fraud_unauthorised_charge", "legal_threat", "safety_injury", "bereavement", "data_rights_request"}
    # Bitext rows were merged from knowledge/data (150 per intent, plus ours) and our own intents have 25-40 each
    assert len(catalog.get("cancel_order").examples) >= 150
    assert all(25 <= len(catalog.get(n).examples) <= 40 for n in ("legal_threat", "multi_issue", "bereavement"))
    assert len(catalog.out_of_scope_examples) >= 30


def test_every_mapped_document_exists():
    catalog = load_intent_catalog(SHIPPED)
    policies = {p.stem for p in (REPO / "knowledge" / "policies").glob("*.md")}
    missing = {d for i in catalog.intents for d in i.documents} - policies
    assert not missing


def _write(tmp_path: Path, body: str, csv: str | None = None) -> Path:
    path = tmp_path / "intents.yaml"
    path.write_text(body, encoding="utf-8")
    if csv is not None:
        (tmp_path / "extra.csv").write_text(csv, encoding="utf-8")
    return path


GOOD = """
intents:
  - name: a
    description: first
    tier: routine
    examples: [one, two]
  - name: b
    description: second
    tier: complex
    examples: [three, four]
"""


def test_fingerprint_changes_when_an_example_changes(tmp_path):
    first = load_intent_catalog(_write(tmp_path, GOOD)).fingerprint
    second = load_intent_catalog(_write(tmp_path, GOOD.replace("four", "five"))).fingerprint
    assert first != second


def test_bad_tier_names_file_and_intent(tmp_path):
    path = _write(tmp_path, GOOD.replace("tier: complex", "tier: urgent"))
    with pytest.raises(ConfigError) as err:
        load_intent_catalog(path)
    assert str(path) in str(err.value) and "intents[b].tier" in str(err.value)


def test_duplicate_names_and_missing_examples_are_rejected(tmp_path):
    with pytest.raises(ConfigError, match="duplicate intent name"):
        load_intent_catalog(_write(tmp_path, GOOD.replace("name: b", "name: a")))
    with pytest.raises(ConfigError, match="fewer than 2 examples"):
        load_intent_catalog(_write(tmp_path, GOOD.replace("[three, four]", "[three]")))


def test_example_file_with_undeclared_intent_names_the_line(tmp_path):
    body = "example_files:\n  - path: extra.csv\n" + GOOD
    path = _write(tmp_path, body, "text,intent\nhello,a\nbye,zzz\n")
    with pytest.raises(ConfigError, match=r"extra.csv:3: intent 'zzz'"):
        load_intent_catalog(path)


def test_example_file_rows_are_merged(tmp_path):
    body = "example_files:\n  - path: extra.csv\n" + GOOD
    catalog = load_intent_catalog(_write(tmp_path, body, "text,intent\nhello there,a\n"))
    assert catalog.get("a").examples == ["one", "two", "hello there"]


def test_missing_file_and_invalid_yaml(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_intent_catalog(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_intent_catalog(_write(tmp_path, "intents: [\n"))
