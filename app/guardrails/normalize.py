"""Text normalisation for the rails: undo the tricks used to hide instructions from pattern matching.

`views(text)` returns the text as the customer wrote it plus every decoded view of it (NFKC without
zero-width characters, leetspeak folded, base64/hex/rot13 spans decoded, markup comments and hidden
attributes pulled out). Detectors look at all views, so "1gn0re pr3vious instructi0ns" and an
instruction inside `<!-- ... -->` or a base64 blob are seen as plain text.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata

# Zero-width and bidi control characters used to split words invisibly.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
_WS = re.compile(r"\s+")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
_LEET_WORD = re.compile(r"\b(?=\w*[a-z])(?=\w*[0134579@$!])[\w@$!]{3,}\b", re.IGNORECASE)
_SPACED_LETTERS = re.compile(r"\b(?:[A-Za-z][ .\-_*]){3,}[A-Za-z]\b")
_B64_SPAN = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=])")
_HEX_SPAN = re.compile(r"\b(?:[0-9a-fA-F]{2}[ :]?){8,}\b")
_HTML_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_HIDDEN_ATTR = re.compile(r"""(?:alt|title|aria-label|data-[\w-]+|content)\s*=\s*["']([^"']{8,})["']""", re.IGNORECASE)
_MD_LINK_TITLE = re.compile(r"\[[^\]]*\]\([^)\s]*\s+\"([^\"]+)\"\)")
_MD_COMMENT = re.compile(r"\[//\]:\s*#\s*\((.*?)\)")
_TAG = re.compile(r"<[^>]{1,200}>")


def clean(text: str) -> str:
    """NFKC-normalise, drop invisible characters and collapse whitespace."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    return _WS.sub(" ", text).strip()


def _printable_ratio(s: str) -> float:
    if not s:
        return 0.0
    return sum(ch.isprintable() or ch in "\n\t" for ch in s) / len(s)


def _decode_base64(span: str) -> str | None:
    if not re.search(r"[A-Z]", span) or not re.search(r"[a-z0-9+/]", span):
        return None
    try:
        raw = base64.b64decode(span + "=" * (-len(span) % 4), validate=False)
        decoded = raw.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if _printable_ratio(decoded) < 0.95 or not re.search(r"[A-Za-z]{3,}", decoded):
        return None
    return decoded


def _decode_hex(span: str) -> str | None:
    digits = re.sub(r"[ :]", "", span)
    if len(digits) % 2:
        return None
    try:
        decoded = bytes.fromhex(digits).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    if _printable_ratio(decoded) < 0.95 or not re.search(r"[A-Za-z]{3,}", decoded):
        return None
    return decoded


def hidden_markup(text: str) -> list[str]:
    """Texts hidden in markup: HTML comments, alt/title/data attributes, markdown comments and link titles."""
    found = [m.group(1) for m in _HTML_COMMENT.finditer(text)]
    found += [m.group(1) for m in _HIDDEN_ATTR.finditer(text)]
    found += [m.group(1) for m in _MD_COMMENT.finditer(text)]
    found += [m.group(1) for m in _MD_LINK_TITLE.finditer(text)]
    return [f for f in found if f.strip()]


def decoded_spans(text: str) -> list[str]:
    """Plain text recovered from base64 and hex spans (only spans that decode to readable text)."""
    out = []
    for m in _B64_SPAN.finditer(text):
        d = _decode_base64(m.group(0))
        if d:
            out.append(d)
    for m in _HEX_SPAN.finditer(text):
        d = _decode_hex(m.group(0))
        if d:
            out.append(d)
    return out


def fold_leet(text: str) -> str:
    """Fold leetspeak inside words ('1gn0re' -> 'ignore') and join spaced letters ('i g n o r e')."""
    text = _LEET_WORD.sub(lambda m: m.group(0).translate(_LEET), text)
    return _SPACED_LETTERS.sub(lambda m: re.sub(r"[ .\-_*]", "", m.group(0)), text)


def views(text: str) -> list[str]:
    """The cleaned text followed by every decoded or hidden view worth scanning (deduplicated, lowercase)."""
    base = clean(text)
    out = [base.lower()]
    folded = fold_leet(base).lower()
    if folded != out[0]:
        out.append(folded)
    extra = hidden_markup(text) + decoded_spans(base)
    stripped = _TAG.sub(" ", base)
    if stripped != base:
        extra.append(stripped)
    # rot13 is cheap to try; keep it only when it yields more common English function words.
    rot = codecs.decode(base, "rot13")
    if _english_score(rot) > _english_score(base) + 2:
        extra.append(rot)
    for e in extra:
        c = clean(e).lower()
        if c and c not in out:
            out.append(c)
    return out


_COMMON = re.compile(r"\b(the|and|you|your|all|to|of|is|are|now|ignore|instructions|previous|system|prompt)\b", re.I)


def _english_score(text: str) -> int:
    return len(_COMMON.findall(text))
