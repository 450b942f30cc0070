"""Checkable claims in a text and their normalised form.

A claim is something a customer could act on and that the approved policy must state: a number with its
unit (money, durations, percentages, counts), a URL, an e-mail address, a phone number, or a quoted UI label
("Forgot password?"). Number words are folded to digits ("thirty days" == "30 days"), money amounts to
cents ("$5" == "$5.00" == "5 USD"), units to a canonical singular ("business days" -> "business day").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100, "a dozen": 12,
    "single": 1, "once": 1, "twice": 2, "half an": 0.5,
}
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@(?:[\w-]+\.)+[a-zA-Z]{2,}\b")
_PHONE = re.compile(r"(?<![\w/])(?:\+?\d{1,3}[\s.-])?(?:\(?\d{3}\)?[\s.-])\d{3}[\s.-]\d{4}\b|\b1-\d{3}-\d{3}-\d{4}\b")
_MONEY = re.compile(r"(?:(?P<cur1>[$€£])\s?(?P<a1>\d[\d,]*(?:\.\d{1,2})?)|(?P<a2>\d[\d,]*(?:\.\d{1,2})?)\s?(?P<cur2>usd|eur|gbp|dollars?|euros?|pounds?)\b)", re.IGNORECASE)
_UNIT_WORDS = (r"business\s+days?|working\s+days?|calendar\s+days?|days?|hours?|minutes?|mins?|seconds?|weeks?|months?|years?|"
               r"%|percent|per\s+cent|points?|characters?|attempts?|times|items?|orders?|passwords?|emails?|kg|g|lbs?|cm|mm|"
               r"addresses|address|devices?|digits?|letters?|numbers?|steps?|products?|reviews?")
_WORD_NUM = re.compile(rf"\b(?:({_TENS})[- ]({_UNITS})|" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True))
                       + rf")(?=[\s-]+(?:(?:more|extra|additional|full|whole|consecutive|failed|open)\s+)?(?:{_UNIT_WORDS})\b)", re.IGNORECASE)
_NUM_UNIT = re.compile(rf"(?<![\w.$€£-])(?P<n>\d+(?:[.,]\d+)?)(?:\s*(?:-|to|–)\s*(?P<n2>\d+(?:[.,]\d+)?))?\s*(?P<u>{_UNIT_WORDS})?(?![\w])", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“”]([^\"“”]{2,60})[\"“”]")
_DATE = re.compile(r"\b(?:19|20)\d{2}-\d{2}-\d{2}\b|\b\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)(?![\w])|\b\d{1,2}:\d{2}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    """One checkable claim: kind ('number', 'money', 'url', 'email', 'phone', 'label'), its normalised key, its text."""

    kind: str
    key: str
    text: str


def fold_number_words(text: str) -> str:
    """Replace number words by digits: 'thirty-five days' -> '35 days'."""
    def repl(m: re.Match[str]) -> str:
        if m.group(1):
            return str(_NUMBER_WORDS[m.group(1).lower()] + _NUMBER_WORDS[m.group(2).lower()])
        val = _NUMBER_WORDS[m.group(0).lower()]
        return str(int(val)) if float(val).is_integer() else str(val)
    return _WORD_NUM.sub(repl, text)


def _unit(u: str | None) -> str:
    if not u:
        return ""
    u = re.sub(r"\s+", " ", u.lower())
    u = {"%": "percent", "per cent": "percent", "mins": "minute", "min": "minute", "working day": "business day",
         "working days": "business day", "calendar days": "day", "calendar day": "day", "times": "time",
         "addresses": "address", "lbs": "lb"}.get(u, u)
    return u[:-1] if u.endswith("s") and u not in {"address"} else u


def _num(s: str) -> str:
    s = s.replace(",", "")
    try:
        f = float(s)
    except ValueError:
        return s
    return str(int(f)) if f.is_integer() else f"{f:g}"


def extract_claims(text: str) -> list[Claim]:
    """Every checkable claim in the text, in order of appearance (URLs, e-mails and phones first)."""
    claims: list[Claim] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in taken)

    for kind, rx in (("url", _URL), ("email", _EMAIL), ("phone", _PHONE)):
        for m in rx.finditer(text):
            if not free(m.start(), m.end()):
                continue
            raw = m.group(0).rstrip(".,;:")
            key = raw.lower()
            if kind == "url":
                key = re.sub(r"^(?:https?://)?(?:www\.)?", "", key).rstrip("/")
            elif kind == "phone":
                key = re.sub(r"\D", "", raw)[-10:]
            claims.append(Claim(kind, key, raw))
            taken.append((m.start(), m.end()))
    for m in _DATE.finditer(text):
        taken.append((m.start(), m.end()))
        key = re.sub(r"[\s.]", "", m.group(0).lower())
        key = re.sub(r"^(\d{1,2})(am|pm)$", r"\1:00\2", key)
        claims.append(Claim("date", key, m.group(0)))
    for m in _QUOTED.finditer(text):
        claims.append(Claim("label", re.sub(r"\s+", " ", m.group(1).strip().lower()), m.group(0)))
    for m in _MONEY.finditer(text):
        if not free(m.start(), m.end()):
            continue
        amount = _num(m.group("a1") or m.group("a2"))
        claims.append(Claim("money", amount, m.group(0)))
        taken.append((m.start(), m.end()))
    # number claims are read on the text with number words folded (offsets no longer line up, so no overlap check
    # against URLs is needed beyond removing them first)
    stripped = _URL.sub(" ", _EMAIL.sub(" ", _PHONE.sub(" ", _DATE.sub(" ", _MONEY.sub(" ", text)))))
    stripped = _QUOTED.sub(" ", stripped)
    stripped = re.sub(r"(?m)^\s*\d+[.)]\s", " ", stripped)  # list markers "1. " are not claims
    for m in _NUM_UNIT.finditer(fold_number_words(stripped)):
        value = _num(m.group("n")) + (f"-{_num(m.group('n2'))}" if m.group("n2") else "")
        claims.append(Claim("number", f"{value} {_unit(m.group('u'))}".strip(), m.group(0).strip()))
    return claims


def is_supported(claim: Claim, context_claims: list[Claim], context_text: str) -> bool:
    """Whether the context states the claim (same kind and normalised key; a bare number may match any unit)."""
    if claim.kind == "label":
        return claim.key in re.sub(r"\s+", " ", context_text.lower())
    if claim.kind == "number":
        value, _, unit = claim.key.partition(" ")
        for c in context_claims:
            if c.kind in {"number", "money"}:
                cv, _, cu = c.key.partition(" ")
                if cv == value and (not unit or cu == unit or not cu and c.kind == "number" and _unit_near(value, unit, context_text)):
                    return True
        return False
    if claim.kind == "url":
        return any(c.kind == "url" and (c.key == claim.key or c.key.startswith(claim.key + "/")) for c in context_claims)
    return any(c.kind == claim.kind and c.key == claim.key for c in context_claims)


def _unit_near(value: str, unit: str, context: str) -> bool:
    folded = fold_number_words(context).lower()
    return bool(re.search(rf"\b{re.escape(value)}\b[^.\n]{{0,30}}\b{re.escape(unit)}", folded))
