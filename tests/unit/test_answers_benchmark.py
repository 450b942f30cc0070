"""The answer-quality benchmark: how answers are judged, and that its labelled sets still match the policies."""

from __future__ import annotations

import json

import pytest

from app.config import PROJECT_ROOT
from app.knowledge.documents import load_policies
from benchmarks.answers import is_right, load_rows, normalised

SETS = ["answers_dev.jsonl", "answers_holdout.jsonl"]


def test_an_answer_is_right_when_it_holds_one_expected_phrase():
    answer = "1. Go to the sign-in page.\n2. Select the link **\"Forgot password?\"** under the password box."
    assert is_right(answer, ["nothing like this", 'select the link "forgot password?"'])
    assert not is_right("You are signed out on all other devices after a reset.", ['Select the link "Forgot password?"'])
    assert normalised("  Two\n  lines ") == "two lines"


def test_rows_without_expected_phrases_are_refused(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"question": "Where is my order?", "expected": []}) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="bad.jsonl:1"):
        load_rows(bad)


@pytest.mark.parametrize("name", SETS)
def test_every_expected_phrase_is_still_in_its_approved_policy(name):
    policies = {doc.id: doc for doc in load_policies(PROJECT_ROOT / "knowledge" / "policies")}
    rows = load_rows(PROJECT_ROOT / "benchmarks" / "data" / name)
    assert len(rows) >= 30
    for row in rows:
        doc = policies[row["doc_id"]]
        assert doc.is_approved, row["doc_id"]
        text = normalised(doc.body)
        assert all(normalised(words) in text for words in row["expected"]), row
