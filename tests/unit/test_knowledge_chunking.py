"""Heading-aware chunking: sections, heading paths, stable content-hash ids, long-section splits."""

from __future__ import annotations

from pathlib import Path

from app.knowledge.chunking import chunk_document
from app.knowledge.documents import PolicyDocument, load_policies

POLICIES = Path(__file__).resolve().parents[2] / "knowledge" / "policies"

FRONT = """---
id: returns
title: Returns
intents: [get_refund, check_refund_policy]
version: "{version}"
effective_date: 2026-01-01
status: approved
owner: Test Team
---
"""


def _doc(body: str, version: str = "1.0") -> PolicyDocument:
    return PolicyDocument.parse((FRONT.format(version=version) + body).encode(), Path("returns.md"))


BODY = """# Returns

Read this before you return anything.

## Time limit
You have 30 days.

### Exceptions
Gift cards cannot be returned.

## Fees
Returns cost $6.95.
"""


def test_one_chunk_per_section_with_heading_path():
    chunks = chunk_document(_doc(BODY))
    assert [c.section for c in chunks] == ["Returns", "Returns > Time limit", "Returns > Fees"]
    assert chunks[0].text == "Returns\n\nRead this before you return anything."
    assert chunks[1].text.startswith("Returns > Time limit\n\nYou have 30 days.")
    assert "### Exceptions\nGift cards cannot be returned." in chunks[1].text  # subsections stay inside
    assert chunks[2].text == "Returns > Fees\n\nReturns cost $6.95."
    assert all(c.doc_id == "returns" and c.version == "1.0" and c.title == "Returns" for c in chunks)
    assert all(c.intents == ["get_refund", "check_refund_policy"] for c in chunks)


def test_ids_are_stable_content_hashes():
    first = [c.id for c in chunk_document(_doc(BODY))]
    again = [c.id for c in chunk_document(_doc(BODY))]
    assert first == again
    assert all(len(i) == 24 and int(i, 16) >= 0 for i in first)
    assert len(set(first)) == len(first)
    edited = [c.id for c in chunk_document(_doc(BODY.replace("$6.95", "$7.95")))]
    assert edited[:2] == first[:2] and edited[2] != first[2]
    bumped = [c.id for c in chunk_document(_doc(BODY, version="1.1"))]
    assert not set(bumped) & set(first)


def test_long_section_splits_at_paragraph_boundaries():
    paragraphs = [f"Paragraph {n}. " + "Words that fill the line. " * 12 for n in range(6)]
    chunks = chunk_document(_doc("## Long\n" + "\n\n".join(paragraphs)), max_chars=500)
    assert len(chunks) > 1
    assert all(c.section == "Returns > Long" for c in chunks)
    assert all(len(c.text) <= 500 and c.text.startswith("Returns > Long\n\n") for c in chunks)
    bodies = [c.text.removeprefix("Returns > Long\n\n") for c in chunks]
    rejoined = [p.strip() for body in bodies for p in body.split("\n\n")]
    assert rejoined == [p.strip() for p in paragraphs]  # nothing lost, nothing cut mid-paragraph
    assert len({c.id for c in chunks}) == len(chunks)


def test_single_overlong_paragraph_splits_by_lines_then_words():
    lines = "\n".join(f"{n}. Step with some words in it to make it longer." for n in range(30))
    chunks = chunk_document(_doc("## Steps\n" + lines), max_chars=300)
    assert len(chunks) > 1 and all(len(c.text) <= 300 for c in chunks)
    assert "0. Step" in chunks[0].text and "29. Step" in chunks[-1].text
    giant = "word " * 400
    pieces = chunk_document(_doc("## Giant\n" + giant), max_chars=300)
    assert all(len(c.text) <= 300 for c in pieces)
    assert sum(c.text.count("word") for c in pieces) == 400


def test_shipped_policies_chunk_into_whole_sections():
    for doc in load_policies(POLICIES):
        chunks = chunk_document(doc)
        sections = doc.body.count("\n## ")
        assert len(chunks) == sections, doc.id  # no intro text, no section over the size limit
        assert all(len(c.text) <= 1200 for c in chunks)
