"""The evaluation dataset loader, and the shipped development set itself."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from app.errors import UsageError
from app.evaluation.dataset import load_eval_dataset

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
BITEXT_INTENTS = {
    "create_account", "delete_account", "edit_account", "recover_password", "registration_problems", "switch_account",
    "check_cancellation_fee", "contact_customer_service", "contact_human_agent", "delivery_options", "delivery_period",
    "complaint", "review", "check_invoices", "get_invoice", "newsletter_subscription", "cancel_order", "change_order",
    "place_order", "track_order", "check_payment_methods", "payment_issue", "check_refund_policy", "get_refund",
    "track_refund", "change_shipping_address", "set_up_shipping_address",
}


def write(tmp_path, *rows) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def ok(i="a", **kw):
    return {"id": i, "messages": [{"role": "user", "content": "hello"}], "expected_route": "slm", **kw}


def test_valid_rows_load_and_extras_are_kept(tmp_path):
    cases = load_eval_dataset(write(tmp_path, ok(tags=["x"]), "", ok("b", acceptable_routes=["llm"])))
    assert [c.id for c in cases] == ["a", "b"]
    assert cases[1].accepted == {"slm", "llm"}
    assert cases[0].model_extra == {"tags": ["x"]}


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        ('{"id": "a", "messages": [', "line 1: not valid JSON"),
        (ok(expected_route="robot"), "expected_route"),
        (ok(messages=[{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]), "role 'user'"),
        (ok(messages=[{"role": "system", "content": "x"}]), "messages.0.role"),
        ({"messages": [{"role": "user", "content": "hi"}], "expected_route": "slm"}, "id"),
        (ok(acceptable_routes=["nowhere"]), "acceptable_routes.0"),
    ],
)
def test_errors_name_line_and_field(tmp_path, row, needle):
    path = write(tmp_path, ok("first"), row)
    with pytest.raises(UsageError) as err:
        load_eval_dataset(path)
    assert f"{path}:2" in str(err.value) and needle.replace("line 1: ", "") in str(err.value)


def test_duplicate_ids_and_empty_files(tmp_path):
    with pytest.raises(UsageError, match="already used on line 1"):
        load_eval_dataset(write(tmp_path, ok("a"), ok("a")))
    with pytest.raises(UsageError, match="no cases"):
        load_eval_dataset(write(tmp_path, ""))
    with pytest.raises(UsageError, match="not found"):
        load_eval_dataset(tmp_path / "nope.jsonl")


def test_must_escalate_excludes_cases_where_slm_is_acceptable(tmp_path):
    a, b, c = load_eval_dataset(
        write(tmp_path, ok("a", expected_route="llm"), ok("b", expected_route="human", acceptable_routes=["slm"]), ok("c"))
    )
    assert (a.must_escalate, b.must_escalate, c.must_escalate) == (True, False, False)


def test_development_set_shape():
    cases = load_eval_dataset(DATA / "dev_set.jsonl")
    assert len(cases) >= 250
    routes = Counter(c.expected_route for c in cases)
    assert all(routes[r] / len(cases) >= 0.15 for r in ("slm", "llm", "human", "blocked"))
    assert sum(len(c.user_turns) > 1 for c in cases) / len(cases) >= 0.15
    langs = [c for c in cases if any(t.startswith("lang:") for t in (c.model_extra or {}).get("tags", []))]
    assert len(langs) / len(cases) >= 0.07
    slm_intents = {c.expected_intent for c in cases if c.expected_route == "slm"}
    assert None not in slm_intents and slm_intents <= BITEXT_INTENTS and len(slm_intents) >= 24
    texts = [c.routed_message.strip().lower() for c in cases]
    assert len(set(texts)) == len(texts), "routed messages must be unique"


def test_ci_sample_is_a_stratified_subset():
    full = {c.id: c for c in load_eval_dataset(DATA / "dev_set.jsonl")}
    sample = load_eval_dataset(DATA / "dev_set_sample.jsonl")
    assert 20 <= len(sample) <= 40
    assert all(full[c.id] == c for c in sample)
    assert {c.expected_route for c in sample} == {"slm", "llm", "human", "blocked"}
