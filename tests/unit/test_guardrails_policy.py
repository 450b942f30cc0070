"""Guardrail policy: the shipped file loads; bad files fail with the file and field named."""

import pytest

from app.errors import ConfigError
from app.guardrails.policy import DEFAULT_POLICY_PATH, load_guardrail_policy


def test_shipped_policy_loads():
    p = load_guardrail_policy(DEFAULT_POLICY_PATH)
    assert {t.name for t in p.forbidden_topics} >= {"medical_advice", "legal_advice", "investment_advice", "politics"}
    assert {c.name for c in p.commitments} >= {"refund", "discount", "compensation", "legal_statement"}
    assert "EMAIL" in p.pii.redact


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("version: '1'\ninjection: {threshold: 3}\n", "injection.threshold"),
        ("version: '1'\npii: {redact: [EMAIL, SHOE_SIZE]}\n", "pii.redact"),
        ("version: '1'\nforbidden_topics: [{name: x, patterns: ['(unclosed']}]\n", "forbidden_topics.0.patterns"),
        ("version: '1'\nsurprise: 1\n", "surprise"),
        ("injection: {}\n", "version"),
    ],
)
def test_invalid_policy_names_file_and_field(tmp_path, body, field):
    f = tmp_path / "guardrails.yaml"
    f.write_text(body)
    with pytest.raises(ConfigError) as exc:
        load_guardrail_policy(f)
    assert str(f) in str(exc.value) and field in str(exc.value)


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_guardrail_policy(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_guardrail_policy(bad)
