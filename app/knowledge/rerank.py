"""Lexical re-ranking of dense hits: a section whose heading names the customer's words wins ties.

MiniLM embeds every chunk of a document close together (they share the title), so the dense score alone
often puts "Changing your password" above "Resetting a forgotten password" for "How do I reset my
password?". A small bonus for query words found in the section heading and text fixes that cheaply.
"""

from __future__ import annotations

import re

from app.knowledge.models import Chunk

HEADING_WEIGHT = 0.15
TEXT_WEIGHT = 0.10
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an the and or but if of to in on at by for with from about as is are was were be been do does did done "
    "how what when where which who why can could would should will shall may might must i me my we our you your "
    "it its this that these those there here have has had not no yes please hi hello thanks thank get".split()
)


def stems(text: str) -> set[str]:
    """Content words, crudely stemmed to five letters ('resetting' and 'reset' meet)."""
    return {w[:5] for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1}


def rerank(query: str, chunks: list[Chunk], k: int) -> list[Chunk]:
    """Top `k` chunks by dense score plus heading and text word-overlap bonuses (scores updated)."""
    wanted = stems(query)
    if not wanted:
        return chunks[:k]
    rescored = []
    for chunk in chunks:
        heading = stems(chunk.section.rsplit(">", 1)[-1])
        body = stems(chunk.text)
        bonus = HEADING_WEIGHT * len(wanted & heading) / len(wanted) + TEXT_WEIGHT * len(wanted & body) / len(wanted)
        rescored.append(chunk.model_copy(update={"score": round(min(1.0, chunk.score + bonus), 4)}))
    return sorted(rescored, key=lambda c: c.score, reverse=True)[:k]
