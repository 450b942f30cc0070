"""The knowledge store over real Chroma (temp dir) with the real local encoder.

Ingestion is idempotent per document, edits and deletions propagate, drafts and flagged documents never
come back from search, and one short question per Bitext intent finds a document for that intent.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from app.errors import ConfigError, KnowledgeBaseNotFound, ProviderUnavailable
from app.knowledge.documents import load_policies
from app.knowledge.retriever import PolicyRetriever
from app.knowledge.store import KnowledgeStore
from app.providers.embeddings import LocalEmbeddings

pytestmark = pytest.mark.integration

POLICIES = Path(__file__).resolve().parents[2] / "knowledge" / "policies"
COLLECTION = "policies"

# One short question per intent, written for this test (not taken from any dataset).
QUESTIONS = {
    "create_account": "How do I open a new account with you?",
    "delete_account": "I want to close my account for good",
    "edit_account": "How can I update the phone number on my profile?",
    "recover_password": "I forgot my password and can't log in",
    "registration_problems": "Sign-up keeps failing, I never got the verification email",
    "switch_account": "How do I change to my other user account in the app?",
    "check_cancellation_fee": "Is there a fee if I cancel?",
    "contact_customer_service": "What is your customer service phone number?",
    "contact_human_agent": "Let me talk to a real person please",
    "delivery_options": "What shipping methods do you offer?",
    "delivery_period": "How many days does delivery take?",
    "complaint": "I want to file a complaint about terrible service",
    "review": "Where can I leave a review for a product I bought?",
    "check_invoices": "Where can I see all my past invoices?",
    "get_invoice": "I need a PDF invoice for my order",
    "newsletter_subscription": "How do I sign up for your newsletter emails?",
    "cancel_order": "Please cancel the order I placed this morning",
    "change_order": "Can I add another item to an order I already placed?",
    "place_order": "How do I buy something on your website?",
    "track_order": "Where is my package right now?",
    "check_payment_methods": "Can I pay with PayPal or Apple Pay?",
    "payment_issue": "My card keeps getting declined at checkout",
    "check_refund_policy": "What is your return policy?",
    "get_refund": "I want my money back for an item I returned",
    "track_refund": "When will my refund show up on my card?",
    "change_shipping_address": "I need to change the delivery address on my order",
    "set_up_shipping_address": "How do I add a new shipping address to my account?",
}


@pytest.fixture(scope="module")
def embeddings() -> LocalEmbeddings:
    encoder = LocalEmbeddings()
    encoder.embed_query("warm up")  # load the model outside the timed ingest
    return encoder


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, embeddings):
    """A knowledge base ingested once from a copy of the shipped policies; read-only for the tests."""
    root = tmp_path_factory.mktemp("kb")
    policies = root / "policies"
    shutil.copytree(POLICIES, policies)
    store = KnowledgeStore.persistent(root / "chroma", COLLECTION, embeddings)
    report = store.ingest(load_policies(policies))
    print(f"\nfirst ingest: {report.summary()}")
    return store, root, report


def test_first_ingest_adds_every_approved_document(ingested):
    store, _, report = ingested
    shipped = load_policies(POLICIES)
    approved = sum(doc.status == "approved" for doc in shipped)
    assert report.counts() == {"added": approved, "skipped": len(shipped) - approved}
    assert report.by_status("skipped")[0].doc_id == "loyalty-programme"
    assert report.by_status("skipped")[0].reason == "draft"
    assert report.total_chunks == store.count() == sum(e.chunks for e in report.entries)
    assert {d.doc_id for d in store.documents()} == {e.doc_id for e in report.by_status("added")}


def test_second_ingest_changes_nothing(ingested):
    store, root, _ = ingested
    before = store.collection.get(include=[])["ids"]
    started = time.perf_counter()
    again = store.ingest(load_policies(root / "policies"))
    print(f"\nsecond ingest: {again.summary()} (wall {time.perf_counter() - started:.2f} s)")
    assert again.counts() == {"unchanged": len(store.documents()), "skipped": 1}
    assert not again.changed
    assert sorted(store.collection.get(include=[])["ids"]) == sorted(before)


def test_password_question_returns_the_password_document_first(ingested):
    store, _, _ = ingested
    results = store.search("How do I reset my password?", k=4)
    assert results[0].doc_id == "account-password"
    assert results[0].text.startswith("Resetting and changing your password > ")
    assert 0.0 < results[-1].score <= results[0].score <= 1.0
    assert results[0].citation().doc_id == "account-password"


def test_draft_document_never_comes_back(ingested):
    store, _, _ = ingested
    for query in ("Northwind Rewards loyalty programme points", "earn double points in my birthday month"):
        assert "loyalty-programme" not in {c.doc_id for c in store.search(query, k=store.count())}
    assert store.collection.get(where={"doc_id": "loyalty-programme"})["ids"] == []


def test_intent_filter_prefers_listed_documents_and_falls_back(ingested):
    store, _, _ = ingested
    filtered = store.search("How do I reset my password?", k=3, intents=["track_refund"])
    assert filtered and {c.doc_id for c in filtered} == {"refund-tracking"}
    either = store.search("How do I reset my password?", k=8, intents=["track_refund", "recover_password"])
    assert {c.doc_id for c in either} == {"refund-tracking", "account-password"}
    assert either[0].doc_id == "account-password"
    fallback = store.search("How do I reset my password?", k=3, intents=["no_such_intent"])
    assert fallback[0].doc_id == "account-password"


def test_one_question_per_intent_finds_a_matching_document_in_top_3(ingested):
    store, _, _ = ingested
    assert set(QUESTIONS) == {name for doc in load_policies(POLICIES) for name in doc.intents}
    misses = []
    for intent, question in QUESTIONS.items():
        top = store.search(question, k=3)
        if not any(intent in chunk.intents for chunk in top):
            misses.append(f"{intent}: {question!r} -> {[c.doc_id for c in top]}")
    hit_rate = 1 - len(misses) / len(QUESTIONS)
    print(f"\nintent hit rate @3: {hit_rate:.3f} ({len(QUESTIONS) - len(misses)}/{len(QUESTIONS)})")
    for miss in misses:
        print("  miss", miss)
    assert hit_rate >= 0.9, misses


def test_langchain_retriever_returns_documents_with_citation_metadata(ingested):
    store, _, _ = ingested
    docs = PolicyRetriever(store=store, k=2).invoke("Can I pay with PayPal?")
    assert len(docs) == 2 and docs[0].metadata["doc_id"] == "payments"
    assert docs[0].page_content.startswith("Payment methods and payment problems > ")
    assert set(docs[0].metadata) >= {"doc_id", "title", "version", "section", "intents", "score"}
    narrowed = PolicyRetriever(store=store, k=2, intents=["track_order"]).invoke("Can I pay with PayPal?")
    assert {d.metadata["doc_id"] for d in narrowed} == {"order-tracking"}


def test_open_existing_reads_what_was_ingested(ingested, embeddings):
    store, root, _ = ingested
    reopened = KnowledgeStore.open_existing(root / "chroma", COLLECTION, embeddings)
    assert reopened.count() == store.count()
    assert reopened.documents() == store.documents()


def test_open_existing_without_ingest_raises(tmp_path, embeddings):
    with pytest.raises(KnowledgeBaseNotFound, match="run `switchboard ingest` first"):
        KnowledgeStore.open_existing(tmp_path / "missing", COLLECTION, embeddings)
    KnowledgeStore.persistent(tmp_path / "empty", COLLECTION, embeddings)  # created, nothing ingested
    with pytest.raises(KnowledgeBaseNotFound, match=r"No knowledge base at .*empty"):
        KnowledgeStore.open_existing(tmp_path / "empty", COLLECTION, embeddings)


def test_changed_embedding_model_asks_for_rebuild(tmp_path, embeddings):
    policies = load_policies(POLICIES)
    doc = next(d for d in policies if d.id == "account-password")
    KnowledgeStore.persistent(tmp_path, COLLECTION, embeddings, "model-a").ingest([doc])
    with pytest.raises(ConfigError, match="'model-a', not 'model-b': re-ingest with --rebuild"):
        KnowledgeStore.open_existing(tmp_path, COLLECTION, embeddings, "model-b")
    for_ingest = KnowledgeStore.persistent(tmp_path, COLLECTION, embeddings, "model-b")
    with pytest.raises(ConfigError, match="re-ingest with --rebuild"):
        for_ingest.ingest([doc])
    with pytest.raises(ConfigError, match="re-ingest with --rebuild"):
        for_ingest.search("password")
    for_ingest.rebuild()
    assert for_ingest.is_empty()
    assert for_ingest.ingest([doc]).counts() == {"added": 1}
    reopened = KnowledgeStore.open_existing(tmp_path, COLLECTION, embeddings, "model-b")
    assert reopened.search("reset my password", k=1)[0].doc_id == "account-password"


def test_edits_deletions_status_changes_and_flags_propagate(tmp_path, embeddings):
    policies = tmp_path / "policies"
    shutil.copytree(POLICIES, policies)
    store = KnowledgeStore.persistent(tmp_path / "chroma", COLLECTION, embeddings)
    messages: list[str] = []
    first = store.ingest(load_policies(policies), on_progress=messages.append)
    assert len(messages) == len(first.entries)
    assert "account-password: added (5 chunks)" in messages
    ids_before = {d.doc_id: d for d in store.documents()}

    # Edit one document: only it is re-ingested, and the new fact is retrievable.
    path = policies / "newsletter.md"
    path.write_text(path.read_text().replace('version: "1.2"', 'version: "1.3"')
                    .replace("sent once a week, on Thursday", "sent once a week, on Tuesday"))
    report = store.ingest(load_policies(policies))
    assert [(e.doc_id, e.status) for e in report.entries if e.status != "unchanged"] == [
        ("loyalty-programme", "skipped"), ("newsletter", "updated")]
    after = {d.doc_id: d for d in store.documents()}
    assert after["newsletter"].version == "1.3"
    assert after["newsletter"].content_hash != ids_before["newsletter"].content_hash
    assert {k: v for k, v in after.items() if k != "newsletter"} == {
        k: v for k, v in ids_before.items() if k != "newsletter"}
    top = store.search("Which day is the newsletter sent?", k=1)[0]
    assert top.doc_id == "newsletter" and top.version == "1.3" and "Tuesday" in top.text

    # Delete a file: its chunks are removed.
    (policies / "invoices.md").unlink()
    report = store.ingest(load_policies(policies))
    assert report.by_status("removed")[0].doc_id == "invoices"
    assert store.collection.get(where={"doc_id": "invoices"})["ids"] == []

    # Retire a document: it leaves the collection.
    path = policies / "newsletter.md"
    path.write_text(path.read_text().replace("status: approved", "status: retired"))
    report = store.ingest(load_policies(policies))
    assert ("newsletter", "skipped", "retired") in [(e.doc_id, e.status, e.reason) for e in report.entries]
    assert "newsletter" not in {c.doc_id for c in store.search("newsletter subscription", k=store.count())}

    # A flagged document (e.g. it carries instructions) is not ingested, and is removed if it was.
    def flag(doc):
        return "contains instructions to the assistant" if doc.id == "payments" else None

    report = store.ingest(load_policies(policies), flag_document=flag)
    flagged = report.by_status("flagged")
    assert [(e.doc_id, e.reason) for e in flagged] == [("payments", "contains instructions to the assistant")]
    assert store.collection.get(where={"doc_id": "payments"})["ids"] == []
    assert {d.doc_id for d in store.documents()} == set(ids_before) - {"invoices", "newsletter", "payments"}


def test_search_reuses_the_chunk_count_until_the_store_writes(tmp_path, embeddings):
    docs = load_policies(POLICIES)
    KnowledgeStore.persistent(tmp_path / "chroma", COLLECTION, embeddings).ingest(
        [d for d in docs if d.id != "newsletter"])
    store = KnowledgeStore.open_existing(tmp_path / "chroma", COLLECTION, embeddings)
    calls = []
    real_count = store.collection.count
    store.collection.count = lambda: calls.append(1) or real_count()
    for _ in range(3):
        store.search("reset my password", k=2)
    assert calls == []  # open_existing counted once; searches reuse it
    before = store._cached_count()
    store.ingest(docs)  # adds the newsletter
    assert store._cached_count() == real_count() > before
    assert store.search("Which day is the newsletter sent?", k=1)[0].doc_id == "newsletter"


# --- a Chroma server on loopback ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    """A real `chroma run` server on 127.0.0.1, stopped after the module."""
    chroma = Path(sys.executable).with_name("chroma")
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = (data / "server.log").open("wb")
    server = subprocess.Popen([str(chroma), "run", "--path", str(data / "db"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2).read()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"chroma server did not start: {(data / 'server.log').read_text()[-2000:]}")
            time.sleep(0.3)
    yield url
    server.terminate()
    server.wait(timeout=30)
    log.close()


def test_remote_store_ingests_and_searches(chroma_url, embeddings):
    with pytest.raises(KnowledgeBaseNotFound, match="run `switchboard ingest` first"):
        KnowledgeStore.remote(chroma_url, "remote-policies", embeddings, create=False)
    store = KnowledgeStore.remote(chroma_url, "remote-policies", embeddings)
    docs = [d for d in load_policies(POLICIES) if d.id in {"account-password", "refund-tracking", "loyalty-programme"}]
    assert store.ingest(docs).counts() == {"added": 2, "skipped": 1}
    assert store.ingest(docs).counts() == {"unchanged": 2, "skipped": 1}
    reader = KnowledgeStore.remote(chroma_url, "remote-policies", embeddings, create=False)
    reader.require_ingested()
    assert reader.search("How do I reset my password?", k=2)[0].doc_id == "account-password"


def test_remote_store_reports_an_unreachable_server(embeddings):
    with pytest.raises(ProviderUnavailable, match="does not answer"):
        KnowledgeStore.remote(f"http://127.0.0.1:{_free_port()}", COLLECTION, embeddings)
    with pytest.raises(ConfigError, match="must look like http://host:port"):
        KnowledgeStore.remote("127.0.0.1:8000", COLLECTION, embeddings)
