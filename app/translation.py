"""Pivot translation: a message in another language is read in English by the English-only classifier and rails.

The SLM translates (Gemma 3 270M was trained on 140 languages and translates short customer messages well);
detection is cheap and local: letters outside Latin scripts, or function words of other languages that the
guardrail policy lists (`off_topic.foreign_words`).
"""

from __future__ import annotations

import re

from langchain_core.language_models import BaseChatModel

from app.prompts import translation_messages

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_ACCENTED = re.compile(r"[áéíóúñçàèìòùâêîôûäöüßãõ¿¡œ]", re.I)
_ENGLISH = frozenset(
    "the a an to is are was be of and or in on for with my your you i it this that what how when where why "
    "can could would do does did have has not no yes please thanks me we our".split()
)
MAX_GROWTH = 3.0  # a "translation" three times longer than the message is the model rambling, not translating


def words_of(text: str) -> list[str]:
    """The message's words, lower-cased (letters only: no digits or underscores)."""
    return [w.lower() for w in _WORD.findall(text)]


def has_non_latin_letters(text: str) -> bool:
    """Letters beyond the Latin Unicode blocks (Greek, Cyrillic, CJK, Arabic…): not English."""
    return any(ord(ch) > 0x24F for ch in text if ch.isalpha())


def looks_foreign(text: str, foreign_words: frozenset[str]) -> bool:
    """True when the message is probably not English (non-Latin letters, or two signs of another language)."""
    if has_non_latin_letters(text):
        return True
    words = words_of(text)
    hits = sum(w in foreign_words for w in words)
    if _ACCENTED.search(text) or text.lstrip().startswith(("¿", "¡")):
        hits += 1
    english = sum(w in _ENGLISH for w in words)
    return (hits >= 2 and hits > english) or (hits >= 1 and english == 0 and len(words) <= 4)


def translate_to_english(text: str, chat_model: BaseChatModel) -> tuple[str | None, object]:
    """(English text or None when the output is unusable, the model's raw reply for usage accounting)."""
    reply = chat_model.invoke(translation_messages(text))
    english = reply.content if isinstance(reply.content, str) else str(reply.content)
    english = english.strip().splitlines()[0].strip().strip('"') if english.strip() else ""
    if not english or len(english) > MAX_GROWTH * len(text) + 20:
        return None, reply
    return english, reply
