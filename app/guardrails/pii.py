"""PII detection and redaction without an NLP model: regexes with checksums for structured identifiers
(Luhn for cards, ISO 13616 mod-97 for IBANs, SSA rules for US SSNs) and cue/shape heuristics for person
names and street addresses. Spans are replaced by typed placeholders such as `<EMAIL>`.

Why not presidio-analyzer: its AnalyzerEngine needs a spaCy pipeline for names, and spaCy's models are
not published on PyPI (only unofficial mirrors), so names would still come from heuristics; its pattern
recognizers are the same kind of regex + checksum as below, at several times the latency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.guardrails.pii_names import find_addresses, find_names


@dataclass(frozen=True)
class PiiSpan:
    """One detected entity: type, character offsets in the original text. The value is never logged."""

    type: str
    start: int
    end: int


_EMAIL = re.compile(r"\b[\w.+%-]+@(?:[\w-]+\.)+[a-zA-Z]{2,}\b")
_URL_EMAIL_GUARD = re.compile(r"https?://\S+")
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){11,18}\d(?![\d-])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b", re.IGNORECASE)
_SSN = re.compile(r"(?<![\d-])(\d{3})[- .](\d{2})[- .](\d{4})(?![\d-])")
_SSN_CUE = re.compile(r"\b(?:ssn|social\s+security(?:\s+number)?)\D{0,20}(\d{9})\b", re.IGNORECASE)
_NINO = re.compile(r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")
_NATIONAL_ID_CUE = re.compile(
    r"\b(?:passport|driver'?s?\s+licen[cs]e|licen[cs]e\s+(?:no|number)|national\s+id|id\s+(?:card\s+)?(?:no|number)|"
    r"tax\s+(?:id|number)|personalausweis|dni|nie|bsn)\b[^\w\n]{0,5}(?:(?:no|number|is|:|#)\W{0,3})*([A-Z0-9][A-Z0-9-]{4,19})\b",
    re.IGNORECASE)
_IPV4 = re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b")
_IPV6 = re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b|\b(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4}:?){0,6}\b")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(0\)\s?)?(?:\(\d{1,5}\)[\s.-]?)?\d{2,12}(?:[\s.-]\d{1,8}){0,5}"
    r"(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?![\w])")
_PHONE_CUE = re.compile(r"\b(?:phone|tel|telephone|mobile|cell|call|fax|desk|office|whatsapp|reach\s+me|text\s+me|registered)\b", re.IGNORECASE)
_DATE_IN = re.compile(r"\b(?:19|20)\d{2}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}")
_DATEISH = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")


def luhn_ok(digits: str) -> bool:
    """Luhn checksum used by payment cards."""
    total, alt = 0, False
    for ch in reversed(digits):
        d = ord(ch) - 48
        if alt:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
        alt = not alt
    return total % 10 == 0


def iban_ok(iban: str) -> bool:
    """ISO 13616 mod-97 check of an IBAN (spaces allowed)."""
    s = iban.replace(" ", "").upper()
    if not 15 <= len(s) <= 34:
        return False
    moved = s[4:] + s[:4]
    num = "".join(str(int(ch, 36)) for ch in moved)
    return int(num) % 97 == 1


def ssn_ok(area: str, group: str, serial: str) -> bool:
    """US SSA validity: area not 000/666/9xx, group not 00, serial not 0000."""
    return area not in {"000", "666"} and not area.startswith("9") and group != "00" and serial != "0000"


def _phone_like(match: str, text: str, start: int) -> bool:
    digits = re.sub(r"\D", "", match)
    if not 7 <= len(digits) <= 15 or _DATEISH.match(match.strip()) or _DATE_IN.search(match):
        return False
    if match.startswith("+") or "(" in match:
        return True
    groups = re.split(r"[\s.-]+", match.strip())
    if len(groups) >= 2 and len(digits) >= 7:
        return True  # grouped digits: 541-714-1388, 079 2718 1155, 780 6326
    window = text[max(0, start - 40):start]
    return bool(_PHONE_CUE.search(window)) or len(digits) >= 10


def find_pii(text: str, types: set[str] | None = None, names: bool = True) -> list[PiiSpan]:
    """All PII spans, longest first on overlap, sorted by start. `types` limits the entity types returned."""
    spans: list[PiiSpan] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        if types is not None and kind not in types:
            return
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        spans.append(PiiSpan(kind, start, end))

    url_spans = [(m.start(), m.end()) for m in _URL_EMAIL_GUARD.finditer(text)]
    for m in _EMAIL.finditer(text):
        add("EMAIL", m.start(), m.end())
    for m in _IBAN.finditer(text):
        if iban_ok(m.group(0)):
            add("IBAN", m.start(), m.end())
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if 12 <= len(digits) <= 19 and luhn_ok(digits):
            add("CARD", m.start(), m.end())
    for m in _SSN.finditer(text):
        if ssn_ok(*m.groups()):
            add("SSN", m.start(), m.end())
    for m in _SSN_CUE.finditer(text):
        add("SSN", m.start(1), m.end(1))
    for m in _NINO.finditer(text):
        add("NATIONAL_ID", m.start(), m.end())
    for m in _NATIONAL_ID_CUE.finditer(text):
        if re.search(r"\d", m.group(1)):
            add("NATIONAL_ID", m.start(1), m.end(1))
    for rx in (_IPV4, _IPV6):
        for m in rx.finditer(text):
            if ":" in m.group(0) and m.group(0).count(":") < 3:
                continue
            add("IP", m.start(), m.end())
    for m in _PHONE.finditer(text):
        if any(s <= m.start() < e for s, e in url_spans):
            continue
        if _phone_like(m.group(0), text, m.start()):
            add("PHONE", m.start(), m.end())
    for start, end in find_addresses(text):
        add("ADDRESS", start, end)
    if names:
        for start, end in find_names(text):
            add("PERSON", start, end)
    return sorted(spans, key=lambda s: s.start)


def redact_pii(text: str, types: set[str] | None = None, names: bool = True) -> tuple[str, list[PiiSpan]]:
    """The text with each PII span replaced by `<TYPE>`, and the spans (offsets into the original text)."""
    spans = find_pii(text, types, names)
    out, pos = [], 0
    for s in spans:
        out.append(text[pos:s.start])
        out.append(f"<{s.type}>")
        pos = s.end
    out.append(text[pos:])
    return "".join(out), spans
