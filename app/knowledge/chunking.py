"""Heading-aware chunking: one chunk per `##` section, long sections split at paragraph boundaries.

Every chunk's text starts with its heading path ("Title > Section") so it embeds with its context, and
every chunk id is a content hash, so re-chunking unchanged text gives the same ids.
"""

from __future__ import annotations

import hashlib
import re

from app.knowledge.documents import PolicyDocument
from app.knowledge.models import Chunk

_H2 = re.compile(r"^##(?!#)[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_H1 = re.compile(r"^#(?!#)[ \t]+.*$", re.MULTILINE)
_MIN_BUDGET = 200


def chunk_id(doc_id: str, version: str, section: str, text: str) -> str:
    """First 24 hex digits of sha256 over the chunk's identity fields."""
    digest = hashlib.sha256("\x1f".join((doc_id, version, section, text)).encode("utf-8"))
    return digest.hexdigest()[:24]


def split_sections(body: str) -> list[tuple[str | None, str]]:
    """Split a Markdown body into `(heading, text)` pairs; text before the first `##` has heading None.

    The document's `#` title line is dropped (the title comes from the front matter).
    """
    body = _H1.sub("", body, count=1) if body.lstrip().startswith("# ") else body
    sections: list[tuple[str | None, str]] = []
    matches = list(_H2.finditer(body))
    intro = body[: matches[0].start()] if matches else body
    if intro.strip():
        sections.append((None, intro.strip()))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        sections.append((match.group(1).strip(), body[match.end():end].strip()))
    return sections


def chunk_document(doc: PolicyDocument, max_chars: int = 1200) -> list[Chunk]:
    """Chunk one document; each chunk's text is at most `max_chars` unless one line alone is longer."""
    chunks: list[Chunk] = []
    for heading, text in split_sections(doc.body):
        if not text:
            continue
        section = f"{doc.title} > {heading}" if heading else doc.title
        budget = max(max_chars - len(section) - 2, _MIN_BUDGET)
        for piece in _split_text(text, budget):
            full = f"{section}\n\n{piece}"
            chunks.append(
                Chunk(
                    id=chunk_id(doc.id, doc.version, section, full),
                    doc_id=doc.id,
                    title=doc.title,
                    version=doc.version,
                    section=section,
                    text=full,
                    intents=list(doc.intents),
                )
            )
    return chunks


def _split_text(text: str, budget: int) -> list[str]:
    """Pack paragraphs (then lines, then words) into pieces of at most `budget` characters."""
    if len(text) <= budget:
        return [text]
    units: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if len(paragraph) <= budget:
            units.append(paragraph)
            continue
        lines: list[str] = []
        for line in paragraph.splitlines():
            line = line.strip()
            lines.extend(_split_words(line, budget) if len(line) > budget else [line])
        units.extend(_pack(lines, budget, sep="\n"))
    return _pack(units, budget)


def _pack(units: list[str], budget: int, sep: str = "\n\n") -> list[str]:
    """Greedily join units with `sep` while the piece stays within budget."""
    pieces: list[str] = []
    current = ""
    for unit in units:
        candidate = f"{current}{sep}{unit}" if current else unit
        if current and len(candidate) > budget:
            pieces.append(current)
            current = unit
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def _split_words(line: str, budget: int) -> list[str]:
    """Last resort for a single over-long line: break between words."""
    pieces: list[str] = []
    current = ""
    for word in line.split():
        candidate = f"{current} {word}" if current else word
        if current and len(candidate) > budget:
            pieces.append(current)
            current = word
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces
