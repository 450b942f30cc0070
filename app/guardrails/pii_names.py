"""Heuristics for the PII types that have no checksum: person names and street addresses.

Names: a cue ("my name is", "I'm", "Mr.", "Dear", "Hi", "Thanks,", "name:") followed by capitalised
words, or a run of 2-4 capitalised words (middle initials allowed) that are not common capitalised words.
Addresses: a house number next to a street word ("Street", "Ave", "Rd", "-vej", "Rue", "ul."…), an
"Apt./Suite/Unit" part, or the text after an "address:" cue. Tuned for recall: over-redacting a product
name costs little, leaking a customer's name costs more.
"""

from __future__ import annotations

import re

_CAP = r"(?:[A-ZÀ-ÖØ-ÞĀ-ſ][a-zà-öø-ÿā-ſ'’-]+(?:-[A-ZÀ-Þ][a-zà-ÿ]+)?)"
_INITIAL = r"(?:[A-Z]\.?)"
_NAME_RUN = re.compile(rf"\b{_CAP}(?:\s+(?:{_INITIAL}|{_CAP}|(?:van|von|de|da|del|der|den|la|le|di|du|bin|al)\b)){{1,3}}\b(?!\.\w)")
_CUE = re.compile(
    r"(?:\bmy\s+name\s+is|\bname\s*(?:is|:)|\bi\s*(?:'m|am)|\bthis\s+is|\bcalled|\bsigned|\bcontact|\bsincerely,?|\bregards,?|"
    r"\bthanks,?|\bcheers,?|\bdear|\bhi|\bhello|\bhey|\bfrom|\bby|\bfor|\bwith|\bto|\bmr|\bmrs|\bms|\bmiss|\bdr|\bprof|\bsir|\bmadam|\bmx)"
    r"\.?,?\s+([A-Za-zÀ-ÿā-ſ][\wÀ-ÿā-ſ'’-]+(?:\s+(?:[A-Z]\.?|[A-ZÀ-Þ][\wÀ-ÿā-ſ'’-]+)){0,3})",
    re.IGNORECASE)
_TITLE = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Madam|Mx)\.?\s+({_CAP}(?:\s+(?:{_INITIAL}|{_CAP})){{0,3}})")
_LIST = re.compile(rf"(?:{_CAP},\s+){{1,}}{_CAP},?\s+and\s+{_CAP}|{_CAP}\s+and\s+{_CAP}\s+(?:were|are|was|had|have)\b")
_SPEAKER = re.compile(rf"(?:^|(?<=[.!?>]\s)|(?<=\n))({_CAP}):\s", re.MULTILINE)
_MIDWORD = re.compile(rf"(?<=[a-z0-9,;]\s)({_CAP})(?:'s)?\b")

# Capitalised words that start sentences or name things, not people. Lowercase for lookup.
COMMON_CAPITALISED = frozenset("""
i i'm i've i'd i'll a an the my your our their his her its this that these those there here what when where why how who which
is are was were be been do does did can could would should will shall may might must have has had not no yes ok okay
hi hello hey dear thanks thank please sorry help hope good great best kind regards sincerely cheers
and or but if then so because also just still again now today tomorrow yesterday
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september
october november december
customer care support service team account order orders card cards bank payment payments refund refunds invoice
delivery shipping password email e-mail phone address name number street road avenue apt suite unit
visa mastercard amex paypal apple google pay amazon iphone android samsung windows mac premium plus gold
new old is it can we you he she they me him them us
north south east west united states kingdom america american europe european english french german spanish
""".split())

_STREET = (r"(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|place|pl|way|route|terrace|"
           r"parkway|pkwy|highway|hwy|square|sq|crescent|close|circle|trail|alley|row|plaza|path|walk|grove|gardens|"
           r"centret|torget|vej|gade|gata|gatan|vegen|veien|straße|strasse|str|weg|laan|plein|platz|allee|gasse|ring|"
           r"katu|tie|rue|chemin|avenida|calle|rua|via|viale|piazza|ul|ulica|út|utca|cesta|ulitsa|aleja|vei|gränd)")
_ADDRESS_NUM_FIRST = re.compile(rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[\wÀ-ÿā-ſ'’.-]+\s+){{0,4}}{_STREET}\b\.?(?:\s+\d{{1,5}}[A-Za-z]?)?", re.IGNORECASE)
_STREET_WORD_THEN_NUM = re.compile(r"\b[A-ZÀ-Þ][\wÀ-ÿā-ſ'’.-]*(?:\s+[A-ZÀ-Þ][\wÀ-ÿā-ſ'’.-]*){0,3}\s+\d{1,5}[A-Za-z]?\b")
_UP = "A-ZÀ-ÖØ-ÞĀ-ŽΑ-ΩА-Я"
_NUM_WORDS_NUM = re.compile(rf"\b\d{{2,6}}\s+(?:[{_UP}][^\s\d,]*\s+){{1,3}}\d{{1,4}}[A-Za-z]?\b\.?")
_MILITARY = re.compile(r"\b(?:PSC|Unit|USNS|USS|USNV|USCGC)\s+\w+,?\s+(?:Box\s+\d+\s+)?(?:APO|FPO|DPO)\s+A[AEP]\s+\d{5}\b", re.IGNORECASE)
_CORNER = re.compile(rf"\bthe\s+corner\s+of\s+[^.,;!?]{{3,60}}?\s+and\s+(?:[{_UP}\d][^\s.,;!?]*\s?){{1,4}}")
_TAIL = re.compile(rf"(?:[\s,]+(?:(?:apt|apartment|suite|ste|unit|flat|box)\.?\s*#?\d{{1,5}}|[{_UP}][^\s,.!?]*(?:\s\([^)]{{1,20}}\))?|[A-Z]{{2}}|\d{{4,6}}(?:-\d{{3,4}})?|nan))+")
_UNIT = re.compile(r"\b(?:apt|apartment|suite|ste|unit|flat|floor|po\s+box)\.?\s*#?\s*\d{1,5}[A-Za-z]?\b", re.IGNORECASE)
_ADDRESS_CUE = re.compile(r"\b(?:address|live\s+(?:at|in)|lives\s+at|ship\s+(?:it\s+)?to|deliver(?:ed)?\s+to|located\s+at|moved\s+to)\b\s*(?:is|:)?\s*", re.IGNORECASE)
_STREETISH = re.compile(rf"{_STREET}\b", re.IGNORECASE)


def _is_common(token: str) -> bool:
    return token.lower().strip(".,'’") in COMMON_CAPITALISED


def find_names(text: str) -> list[tuple[int, int]]:
    """Character spans that look like person names."""
    spans: list[tuple[int, int]] = []
    for m in _TITLE.finditer(text):
        spans.append((m.start(1), m.end(1)))
    for m in _CUE.finditer(text):
        explicit = m.group(0).lower().startswith(("my name", "name"))
        end = None
        for tok in re.finditer(r"\S+", m.group(1)):
            word = tok.group(0)
            if _is_common(word) or not (word[0].isupper() or (explicit and end is None)):
                break
            end = m.start(1) + tok.end()
        if end is not None:
            spans.append((m.start(1), end))
    for m in _NAME_RUN.finditer(text):
        toks = m.group(0).split()
        while toks and _is_common(toks[0]):
            toks = toks[1:]
        if len(toks) >= 2 and not _is_common(toks[-1]) and not _STREETISH.fullmatch(toks[-1]):
            start = m.start() + m.group(0).find(toks[0])
            spans.append((start, start + len(" ".join(toks))))
    for m in _LIST.finditer(text):
        for w in re.finditer(_CAP, m.group(0)):
            if not _is_common(w.group(0)):
                spans.append((m.start() + w.start(), m.start() + w.end()))
    for rx in (_SPEAKER, _MIDWORD):
        for m in rx.finditer(text):
            if not _is_common(m.group(1)) and not _STREETISH.fullmatch(m.group(1)):
                spans.append((m.start(1), m.end(1)))
    # a capitalised word repeated elsewhere as a detected name is the same person (e.g. a surname alone)
    found = {text[s:e] for s, e in spans}
    parts = {p for f in found for p in f.split() if len(p) > 2 and not _is_common(p)}
    for p in parts:
        for m in re.finditer(rf"\b{re.escape(p)}\b", text):
            spans.append((m.start(), m.end()))
    return _merge(spans)


def find_addresses(text: str) -> list[tuple[int, int]]:
    """Character spans that look like street addresses."""
    spans: list[tuple[int, int]] = []
    for m in _ADDRESS_NUM_FIRST.finditer(text):
        spans.append((m.start(), m.end()))
    for m in _STREET_WORD_THEN_NUM.finditer(text):
        words = m.group(0).split()
        if any(_STREETISH.search(w) for w in words[:-1]):
            spans.append((m.start(), m.end()))
    for rx in (_NUM_WORDS_NUM, _MILITARY, _CORNER):
        for m in rx.finditer(text):
            spans.append((m.start(), m.end()))
    for m in _UNIT.finditer(text):
        spans.append((m.start(), m.end()))
    for m in _ADDRESS_CUE.finditer(text):
        rest = text[m.end():]
        end = re.search(r"[.?!](?:\s|$)|\n\n|$", rest)
        chunk = rest[: end.start() if end else len(rest)]
        if re.search(r"\d", chunk) and len(chunk) <= 120:
            spans.append((m.end(), m.end() + len(chunk)))
    return _extend_tails(text, _merge(spans))


def _extend_tails(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Extend an address through its unit, city, region, country and postcode parts."""
    out = []
    for s, e in spans:
        m = _TAIL.match(text, e)
        out.append((s, m.end() if m else e))
    return _merge(out)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
