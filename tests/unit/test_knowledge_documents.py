"""Policy front matter: validation errors name the file and the field; the shipped knowledge base is sound."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.errors import ConfigError, KnowledgeBaseNotFound
from app.knowledge.documents import PolicyDocument, load_policies

POLICIES = Path(__file__).resolve().parents[2] / "knowledge" / "policies"

BITEXT_INTENTS = {
    "create_account", "delete_account", "edit_account", "recover_password", "registration_problems",
    "switch_account", "check_cancellation_fee", "contact_customer_service", "contact_human_agent",
    "delivery_options", "delivery_period", "complaint", "review", "check_invoices", "get_invoice",
    "newsletter_subscription", "cancel_order", "change_order", "place_order", "track_order",
    "check_payment_methods", "payment_issue", "check_refund_policy", "get_refund", "track_refund",
    "change_shipping_address", "set_up_shipping_address",
}

VALID = """---
id: sample-doc
title: Sample policy
intents: [track_order]
version: "1.0"
effective_date: 2026-01-01
status: approved
owner: Test Team
---
# Sample policy

## A section
Some text.
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    policies = tmp_path / "knowledge" / "policies"
    policies.mkdir(parents=True, exist_ok=True)
    (policies / name).write_text(text, encoding="utf-8")
    return policies


def _error(policies: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_policies(policies)
    return str(info.value)


def test_valid_document_loads_with_typed_fields(tmp_path):
    docs = load_policies(_write(tmp_path, "sample.md", VALID))
    assert len(docs) == 1
    doc = docs[0]
    assert (doc.id, doc.version, doc.status, doc.intents) == ("sample-doc", "1.0", "approved", ["track_order"])
    assert doc.effective_date.isoformat() == "2026-01-01"
    assert doc.body.startswith("# Sample policy")
    assert doc.path.name == "sample.md"


def test_missing_field_names_file_and_field(tmp_path):
    policies = _write(tmp_path, "x.md", VALID.replace('version: "1.0"\n', ""))
    assert _error(policies) == "knowledge/policies/x.md: field 'version' is required"


def test_unquoted_version_is_rejected_with_a_hint(tmp_path):
    message = _error(_write(tmp_path, "x.md", VALID.replace('"1.0"', "1.10")))
    assert "knowledge/policies/x.md" in message and "field 'version'" in message and "quoted" in message


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("status: approved", "status: published", "status"),
        ("effective_date: 2026-01-01", "effective_date: soon", "effective_date"),
        ("id: sample-doc", "id: Sample Doc", "id"),
        ("intents: [track_order]", "intents: track_order", "intents"),
        ("owner: Test Team", "owner: Test Team\nintent: [x]", "intent"),
    ],
)
def test_invalid_field_names_file_and_field(tmp_path, old, new, field):
    message = _error(_write(tmp_path, "bad.md", VALID.replace(old, new)))
    assert message.startswith("knowledge/policies/bad.md: ")
    assert f"field '{field}'" in message


def test_missing_front_matter_is_named(tmp_path):
    message = _error(_write(tmp_path, "plain.md", "# Just a heading\n\nText.\n"))
    assert message == "knowledge/policies/plain.md: missing YAML front matter (the file must start with a '---' line)"


def test_broken_yaml_is_named(tmp_path):
    message = _error(_write(tmp_path, "y.md", VALID.replace("intents: [track_order]", "intents: [track_order")))
    assert message.startswith("knowledge/policies/y.md: front matter is not valid YAML")


def test_empty_body_is_rejected(tmp_path):
    message = _error(_write(tmp_path, "e.md", VALID.split("# Sample policy")[0]))
    assert "knowledge/policies/e.md" in message and "no body" in message


def test_duplicate_ids_name_both_files(tmp_path):
    _write(tmp_path, "a.md", VALID)
    policies = _write(tmp_path, "b.md", VALID)
    message = _error(policies)
    assert "duplicate document id 'sample-doc'" in message
    assert "knowledge/policies/a.md" in message and "knowledge/policies/b.md" in message


def test_unknown_intent_is_rejected_when_intents_are_known(tmp_path):
    policies = _write(tmp_path, "i.md", VALID.replace("[track_order]", "[track_order, track_parcel]"))
    with pytest.raises(ConfigError, match=r"i\.md: field 'intents' has unknown intent\(s\): track_parcel"):
        load_policies(policies, known_intents=BITEXT_INTENTS)


def test_missing_directory_raises_knowledge_base_not_found(tmp_path):
    with pytest.raises(KnowledgeBaseNotFound, match="No policy directory"):
        load_policies(tmp_path / "nowhere")


def test_directory_without_documents_is_an_error(tmp_path):
    (tmp_path / "policies").mkdir()
    with pytest.raises(ConfigError, match="no policy documents"):
        load_policies(tmp_path / "policies")


def test_content_hash_follows_the_raw_bytes(tmp_path):
    path = tmp_path / "sample.md"
    first = PolicyDocument.parse(VALID.encode(), path)
    same = PolicyDocument.parse(VALID.encode(), path)
    edited = PolicyDocument.parse(VALID.replace("Some text.", "Some other text.").encode(), path)
    assert first.content_hash == same.content_hash
    assert first.content_hash != edited.content_hash
    assert re.fullmatch(r"[0-9a-f]{64}", first.content_hash)


# --- the shipped demo knowledge base ---------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> list[PolicyDocument]:
    return load_policies(POLICIES, known_intents=BITEXT_INTENTS)


def test_shipped_policies_cover_every_bitext_intent(shipped):
    covered = {name for doc in shipped if doc.status == "approved" for name in doc.intents}
    assert covered == BITEXT_INTENTS


def test_shipped_policies_have_one_draft_and_the_password_doc(shipped):
    assert [doc.id for doc in shipped if doc.status == "draft"] == ["loyalty-programme"]
    password = next(doc for doc in shipped if doc.id == "account-password")
    assert password.intents == ["recover_password"]
    assert '"Forgot password?"' in password.body and "valid for 30 minutes" in password.body


def test_shipped_policies_are_short_enough_for_a_small_model(shipped):
    for doc in shipped:
        words = len(doc.body.split())
        assert 100 <= words <= 500, f"{doc.id}: {words} words"
        for section in re.split(r"^## ", doc.body, flags=re.MULTILINE)[1:]:
            assert len(section.split()) <= 150, f"{doc.id}: section '{section.splitlines()[0]}' too long"


def test_shipped_contact_facts_agree_across_documents(shipped):
    text = "\n".join(doc.body for doc in shipped)
    assert set(re.findall(r"1-800-\d{3}-\d{4}", text)) == {"1-800-555-0142"}
    domains = set(re.findall(r"https?://([^/\s]+)", text)) | set(re.findall(r"@([\w.-]+\w)", text))
    assert domains == {"www.northwindgoods.example", "northwindgoods.example"}
    assert set(re.findall(r"\$(\d+(?:\.\d\d)?) return shipping fee", text)) == {"6.95"}
    assert set(re.findall(r"Standard Delivery costs \$(\S+)\.", text)) == {"5.99"}
    assert set(re.findall(r"valid for (\d+) minutes", text)) == {"30"}
