"""Build benchmarks/data/grounding.jsonl from the approved policy documents in knowledge/policies/*.md.

Each row is `{"context", "answer", "label", "kind", "doc_id", "section"}`: context = one `##` section,
answer = 1-3 of its sentences (label 1, sometimes with numbers written as words and a friendly preamble),
or the same answer with one fact changed (number, money, e-mail, URL, phone, UI label) or a fact/promise
invented (label 0). Deterministic for a given seed: `python -m benchmarks.make_grounding_set --seed 7`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "knowledge" / "policies"
OUT = Path(__file__).resolve().parent / "data" / "grounding.jsonl"

_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten",
          12: "twelve", 14: "fourteen", 15: "fifteen", 20: "twenty", 24: "twenty-four", 30: "thirty", 48: "forty-eight",
          60: "sixty", 90: "ninety"}
_PREAMBLES = ["", "", "Sure! ", "Happy to help. ", "Here is how it works: ", "Thanks for asking. "]
_INVENTED = [
    "You will also receive a ${n} voucher for the inconvenience.",
    "You can also call our priority line at 1-800-555-0{p}.",
    "This normally takes {n} hours.",
    'Then select "Confirm and continue".',
    "We will refund the shipping cost as well.",
    "We guarantee delivery within {n} days.",
    "A {n}% discount is applied automatically.",
    "For faster help, email priority@northwindgoods.example.",
    "See https://www.northwindgoods.example/help/fast-track for details.",
    "We will also give you free shipping on your next order.",
]


def parse_policy(path: Path) -> list[tuple[str, str, str]]:
    """(doc_id, section heading, section text) for every `##` section after the YAML front matter."""
    raw = path.read_text(encoding="utf-8")
    doc_id = path.stem
    if raw.startswith("---"):
        _, front, raw = raw.split("---", 2)
        m = re.search(r"^id:\s*(\S+)", front, re.MULTILINE)
        doc_id = m.group(1) if m else doc_id
    out = []
    for part in re.split(r"(?m)^##\s+", raw)[1:]:
        heading, _, body = part.partition("\n")
        body = body.strip()
        if body:
            out.append((doc_id, heading.strip(), f"{heading.strip()}\n{body}"))
    return out


def _sentences(body: str) -> list[str]:
    lines = [re.sub(r"^\s*(?:\d+[.)]|[-*])\s+", "", ln).strip() for ln in body.splitlines()[1:]]
    return [ln for ln in lines if len(ln) > 15 and not ln.startswith(("|", "#"))]


def _wordify(text: str, rng: random.Random) -> str:
    def repl(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return f"{_WORDS[n]} {m.group(2)}" if n in _WORDS and rng.random() < 0.6 else m.group(0)
    return re.sub(r"\b(\d+) (days?|minutes?|hours?|weeks?|months?|years?|business days|characters|attempts)\b", repl, text)


def _corrupt(answer: str, rng: random.Random) -> tuple[str, str] | None:
    """Change one fact of the answer; None when it holds nothing changeable."""
    options = []
    for m in re.finditer(r"(?<![\w.@/-])(\d+(?:\.\d+)?)(?![\w@-])", answer):
        if re.match(r"\d{1,3}-\d", answer[m.start():m.start() + 6]):
            continue
        options.append(("number", m))
    options += [("email", m) for m in re.finditer(r"\b([\w.+-]+)@", answer)]
    options += [("url", m) for m in re.finditer(r"https?://\S+?/(\w[\w-]*)", answer)]
    options += [("phone", m) for m in re.finditer(r"\b1-800-555-(\d{4})\b", answer)]
    options += [("label", m) for m in re.finditer(r"\"([^\"]{3,40})\"", answer)]
    if not options:
        return None
    kind, m = rng.choice(options)
    old = m.group(1)
    if kind == "number":
        v = float(old)
        new_v = rng.choice([v + rng.randint(1, 5), v * 2, max(1, v - rng.randint(1, 3)) if v > 1 else v + 2])
        new = str(int(new_v)) if float(new_v).is_integer() and "." not in old else f"{new_v:.2f}"
        if new == old:
            new = str(int(v) + 1)
    elif kind == "email":
        new = rng.choice(["help", "service", "care", "info", "refunds"]) if old != "help" else "care"
    elif kind == "url":
        new = rng.choice(["support", "help-centre", "my-orders", "customer"]) + ("" if rng.random() < 0.5 else "-new")
    elif kind == "phone":
        new = f"{(int(old) + rng.randint(1, 900)) % 10000:04d}"
    else:
        new = rng.choice(["Continue", "Confirm request", "Submit now", "Next step", "Apply changes"])
    return answer[:m.start(1)] + new + answer[m.end(1):], f"changed_{kind}"


def build(seed: int = 7, per_section: int = 3) -> list[dict]:
    """Rows for every section of every policy document, roughly half supported and half not."""
    rng = random.Random(seed)
    rows: list[dict] = []
    for path in sorted(POLICIES.glob("*.md")):
        for doc_id, heading, context in parse_policy(path):
            sents = _sentences(context)
            if not sents:
                continue
            for _ in range(per_section):
                k = min(len(sents), rng.randint(1, 3))
                start = rng.randrange(0, len(sents) - k + 1)
                picked = " ".join(sents[start:start + k])
                answer = rng.choice(_PREAMBLES) + picked
                base = {"context": context, "doc_id": doc_id, "section": heading}
                if rng.random() < 0.5:
                    rows.append({**base, "answer": _wordify(answer, rng), "label": 1, "kind": "correct"})
                    continue
                changed = _corrupt(answer, rng) if rng.random() < 0.6 else None
                if changed is None:
                    tpl = rng.choice(_INVENTED)
                    extra = tpl.format(n=rng.choice([5, 10, 15, 25, 36, 72]), p=rng.randint(100, 999))
                    changed = (f"{answer} {extra}", "invented")
                rows.append({**base, "answer": changed[0], "label": 0, "kind": changed[1]})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-section", type=int, default=3)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = build(args.seed, args.per_section)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    pos = sum(r["label"] for r in rows)
    print(json.dumps({"rows": len(rows), "supported": pos, "unsupported": len(rows) - pos, "out": str(args.out)}))


if __name__ == "__main__":
    main()
