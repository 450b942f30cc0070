"""Extractive answers: a policy passage cut into sentences, and the answers that may be made of them.

A small base model paraphrases badly: it invents e-mail addresses, phone numbers and menu labels. In
extractive mode it may write nothing but one of `answer_runs`: one to `MAX_UNITS` consecutive sentences
copied verbatim from the passages. The run starts at the sentence closest in meaning to the question
(`relevant_starts`); the model's own likelihood (policy, then `Question:`, then `Answer:`) chooses, token by
token, whether it stops after that sentence (`ChatLlamaCpp` with `choices=`).

A *unit* is one sentence; a whole list (numbered steps are one procedure, and a fragment such as "- PayPal"
means nothing on its own) with the line ending in ':' that introduces it; or one item of a bullet list
whose items are full sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

MAX_UNITS = 2  # the longest answer; a 270M base model, once copying, rarely stops on its own
# Units an answer may start at, closest to the question first. With 3 the model picked the start among them
# and chose worse than the encoder: `python -m benchmarks.answers` right answers 59.6 % (k=3), 68.1 % (k=2),
# 76.6 % (k=1) on the dev set; 53.1 % → 65.6 % (k=3 → 1) on the holdout set.
START_CANDIDATES = 1

_SENTENCE_END = re.compile(r"(?<=[.!?])[ \t]+(?=[A-Z0-9\"'(])")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_EMPHASIS = re.compile(r"(\*\*|__|`)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


@dataclass(frozen=True)
class Unit:
    """One copyable piece of a passage and the text that joins it to the next unit of the same passage."""

    text: str
    joiner: str = " "


def _plain(line: str) -> str:
    """A line without Markdown emphasis; `[text](url)` becomes `text (url)`."""
    line = _LINK.sub(r"\1 (\2)", line)
    return _EMPHASIS.sub("", line).strip()


def _sentences(line: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(line) if s.strip()]


def split_units(body: str) -> list[Unit]:
    """Cut a Markdown policy passage into units, in order; a bullet list stays one unit with its intro line."""
    units: list[Unit] = []
    lines = [line.rstrip() for line in body.splitlines()]
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or _HEADING.match(line):  # a heading is a label, not an answer
            i += 1
            continue
        if _ITEM.match(line):
            block = []
            while i < len(lines) and _ITEM.match(lines[i]):
                marker = _ITEM.match(lines[i]).group(0).strip()
                block.append(("- " if marker in "-*+" else marker + " ") + _plain(_ITEM.sub("", lines[i])))
                i += 1
            intro = units.pop().text + "\n" if units and units[-1].text.endswith(":") else ""
            sentences = all(item.startswith("- ") and item.endswith((".", "!", "?")) for item in block)
            if intro or not sentences:
                units.append(Unit(intro + "\n".join(block)))  # steps or fragments: the list is one unit
            else:
                units.extend(Unit(item[2:]) for item in block)  # full sentences: each item is one
            continue
        units.extend(Unit(sentence) for sentence in _sentences(_plain(line)))
        i += 1
    joined = [Unit(u.text, "\n" if "\n" in u.text or "\n" in nxt.text else " ") for u, nxt in zip(units, units[1:])]
    return [*joined, Unit(units[-1].text, "")] if units else []


def render_units(units: list[Unit]) -> str:
    """The passage as the model reads it: exactly the text it may copy."""
    return "".join(u.text + u.joiner for u in units)


def answer_runs(passages: list[list[Unit]], max_units: int = MAX_UNITS,
                starts: set[tuple[int, int]] | None = None) -> list[str]:
    """Every answer the model may give: 1..max_units consecutive units of one passage, joined as in the source.

    `starts`: (passage, unit) positions a run may start at (see `relevant_starts`); None allows every unit.
    """
    runs: list[str] = []
    for p, units in enumerate(passages):
        for i in range(len(units)):
            if starts is not None and (p, i) not in starts:
                continue
            for j in range(i + 1, min(i + max_units, len(units)) + 1):
                runs.append(render_units(units[i:j]).strip())
    return list(dict.fromkeys(runs))


def relevant_starts(question: str, passages: list[list[Unit]], encode: Callable[[list[str]], np.ndarray],
                    k: int | None = None) -> set[tuple[int, int]]:
    """The k units closest in meaning to the question (sentence-encoder cosine): where an answer may start.

    A 270M base model picks a sentence largely by its first words: "How do I reset my password?" got "You are
    signed out on all other devices after a reset." while the encoder ranked the reset steps first (0.59 vs
    0.37). So by default the encoder alone picks the start (`START_CANDIDATES`).
    """
    k = START_CANDIDATES if k is None else k
    positions = [(p, i) for p, units in enumerate(passages) for i in range(len(units))]
    if len(positions) <= k:
        return set(positions)
    texts = [passages[p][i].text for p, i in positions]
    vectors = np.vstack([encode([text])[0] for text in [question, *texts]])  # one by one: cached per text
    scores = vectors[1:] @ vectors[0]
    best = np.argsort(-scores)[:k]
    return {positions[b] for b in best}
